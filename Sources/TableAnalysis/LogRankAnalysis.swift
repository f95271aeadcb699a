import Survival
import Tabular

/// The log-rank (G-rho) test of a table's groups: the `pof logrank` analysis.
///
/// ```swift
/// let r = try LogRankAnalysis.run(table: table, time: "time", event: "status", group: "sex")
/// r.chisq, r.p
/// ```
public enum LogRankAnalysis {
    /// One group's counts.
    public struct Group: Codable, Sendable {
        /// The group's value.
        public var group: String
        /// Rows in the group.
        public var n: Int
        /// Observed (weighted) events O.
        public var observed: Double
        /// Expected (weighted) events E.
        public var expected: Double
    }

    /// The whole result (JSON keys as documented for `pof logrank`).
    public struct Result: Codable, Sendable {
        /// Name of the time column, as given (every time in the result is in its unit).
        public var time: String
        /// Name of the event column, as given.
        public var event: String
        /// The group column. JSON `group_column`.
        public var groupColumn: String
        /// The strata column, if any. JSON `strata_column`.
        public var strataColumn: String?
        /// Weight exponent ρ (0 log-rank, 1 Peto–Peto).
        public var rho: Double
        /// The statistic; NaN (JSON null) when the test is not possible.
        public var chisq: Double
        /// Degrees of freedom (0 when the test is not possible).
        public var df: Int
        /// NaN (JSON null) when the test is not possible.
        public var p: Double
        /// Why the test is not possible for these data (e.g. "fewer than two groups have rows, …"), or nil.
        public var notPossible: String?
        /// Per group: rows, observed and expected events.
        public var groups: [Group]
        /// Variance–covariance matrix of O − E (R's `survdiff$var`).
        public var variance: [[Double]]
        /// Rows used (complete cases). JSON `rows_used`.
        public var rowsUsed: Int
        /// Rows left out for a missing value in a column used. JSON `excluded_rows`.
        public var excludedRows: Int
        /// Rows left out, per column with missing values.
        public var excluded: [Exclusion]

        enum CodingKeys: String, CodingKey {
            case time, event, rho, chisq, df, p, groups, variance, excluded
            case notPossible = "not_possible"
            case groupColumn = "group_column", strataColumn = "strata_column", rowsUsed = "rows_used"
            case excludedRows = "excluded_rows"
        }
    }

    /// Runs the test.
    ///
    /// - Parameters:
    ///   - table: The data.
    ///   - time: Time column (numbers ≥ 0).
    ///   - event: Event column (1/0, TRUE/FALSE).
    ///   - group: Grouping column (two or more values).
    ///   - strata: Optional stratification column.
    ///   - rho: G-rho exponent (0 = log-rank, 1 = Peto–Peto).
    ///
    /// - Complexity: O(*n* log *n* + *t* · *g*²) for *n* rows, *t* distinct event times and *g* groups.
    public static func run(table: CSVTable, time: String, event: String, group: String, strata: String? = nil,
                           rho: Double = 0) throws -> Result {
        guard rho >= 0, rho.isFinite else { throw AnalysisError.invalidOption("--rho must be a number ≥ 0") }
        // Not possible (one group, no events, groups nested in strata, zero variance): chisq and p are NaN and
        // notPossible says why; R's survdiff stops or prints p = NA in these cases.
        let cols = try SurvivalColumns(table: table, time: time, event: event,
                                       alsoRequired: [group] + (strata.map { [$0] } ?? []))
        let g = try GroupColumn(table: table, column: group, rows: cols.rows)
        let s = try strata.map { try GroupColumn(table: table, column: $0, rows: cols.rows).index }
        let test = try LogRankTest(time: cols.time, event: cols.event, group: g.index, groupCount: g.levels.count,
                               strata: s, rho: rho)
        return Result(time: time, event: event, groupColumn: group, strataColumn: strata, rho: rho,
                      chisq: test.test.statistic, df: test.test.degreesOfFreedom, p: test.test.pValue,
                      notPossible: test.notPossible?.description,
                      groups: g.levels.indices.map {
                          Group(group: g.levels[$0], n: test.count[$0], observed: test.observed[$0],
                                expected: test.expected[$0])
                      },
                      variance: test.variance.rows, rowsUsed: cols.rows.count,
                      excludedRows: cols.report.excludedRows, excluded: cols.exclusions)
    }
}
