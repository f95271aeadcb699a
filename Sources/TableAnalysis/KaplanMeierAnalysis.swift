import Survival
import Tabular

/// Kaplan–Meier curves of a table's time/event columns, optionally by group: the `pof km` analysis.
///
/// ```swift
/// let table = try CSVTable(contentsOf: url)
/// let result = try KaplanMeierAnalysis.run(table: table, time: "time", event: "status", group: "sex", at: [365])
/// result.strata[0].median
/// ```
public enum KaplanMeierAnalysis {
    /// One curve's summary (JSON keys as documented for `pof km`).
    public struct Stratum: Codable, Sendable {
        /// The group's value ("all" without a group column).
        public var group: String
        /// Rows in the group.
        public var n: Int
        /// Number of events in the group (a whole number, held as a double as R's `survfit` holds it).
        public var events: Double
        /// Median survival time, in the time column's unit; NaN (JSON null) when the curve does not fall
        /// to 0.5.
        public var median: Double
        /// Lower 95% limit of the median (NaN, JSON null, when not reached). JSON `median_lower95`.
        public var medianLower95: Double
        /// Upper 95% limit of the median (NaN, JSON null, when not reached). JSON `median_upper95`.
        public var medianUpper95: Double
        /// The curve at each requested time (`--at`).
        public var at: [AtTime]
        /// The curve at each distinct time (R's `summary(fit)`).
        public var table: [Step]

        enum CodingKeys: String, CodingKey {
            case group, n, events, median, at, table
            case medianLower95 = "median_lower95", medianUpper95 = "median_upper95"
        }
    }

    /// The curve at a requested time (R's `summary(fit, times =)`).
    public struct AtTime: Codable, Sendable {
        /// The requested time, in the time column's unit.
        public var time: Double
        /// Number at risk. JSON `n_risk`.
        public var nRisk: Double
        /// Number of events (at this time, or since the previous requested time). JSON `n_event`.
        public var nEvent: Double
        /// Survival estimate S(t).
        public var surv: Double
        /// Standard error of S(t) (Greenwood). JSON `std_err`.
        public var stdErr: Double
        /// Lower pointwise limit of S(t), at the result's `conf_level`.
        public var lower95: Double
        /// Upper pointwise limit of S(t).
        public var upper95: Double
        enum CodingKeys: String, CodingKey {
            case time, surv, lower95, upper95
            case nRisk = "n_risk", nEvent = "n_event", stdErr = "std_err"
        }
    }

    /// One distinct time of the curve.
    public struct Step: Codable, Sendable {
        /// A distinct event or censoring time, in the time column's unit.
        public var time: Double
        /// Number at risk. JSON `n_risk`.
        public var nRisk: Double
        /// Number of events (at this time, or since the previous requested time). JSON `n_event`.
        public var nEvent: Double
        /// Number censored at this time. JSON `n_censor`.
        public var nCensor: Double
        /// Survival estimate S(t).
        public var surv: Double
        /// Standard error of S(t) (Greenwood). JSON `std_err`.
        public var stdErr: Double
        /// Lower pointwise limit of S(t), at the result's `conf_level`.
        public var lower95: Double
        /// Upper pointwise limit of S(t).
        public var upper95: Double
        enum CodingKeys: String, CodingKey {
            case time, surv, lower95, upper95
            case nRisk = "n_risk", nEvent = "n_event", nCensor = "n_censor", stdErr = "std_err"
        }
    }

    /// The result of `pof km` (its JSON output).
    public struct Result: Codable, Sendable {
        /// Name of the time column, as given (every time in the result is in its unit).
        public var time: String
        /// Name of the event column, as given.
        public var event: String
        /// The group column, if any. JSON `group_column`.
        public var groupColumn: String?
        /// Confidence-limit type ("log", "log-log", "plain"). JSON `conf_type`.
        public var confType: String
        /// Confidence level of the limits. JSON `conf_level`.
        public var confLevel: Double
        /// One summary per group (one in all without a group column).
        public var strata: [Stratum]
        /// Median follow-up by the reverse Kaplan–Meier method (all rows).
        public var medianFollowUp: Double
        /// Rows used (complete cases). JSON `rows_used`.
        public var rowsUsed: Int
        /// Rows left out for a missing value in a column used. JSON `excluded_rows`.
        public var excludedRows: Int
        /// Rows left out, per column with missing values.
        public var excluded: [Exclusion]

        enum CodingKeys: String, CodingKey {
            case time, event, strata, excluded
            case groupColumn = "group_column", confType = "conf_type", confLevel = "conf_level"
            case medianFollowUp = "median_follow_up", rowsUsed = "rows_used", excludedRows = "excluded_rows"
        }
    }

    /// Runs the analysis.
    ///
    /// - Parameters:
    ///   - table: The data.
    ///   - time: Time column (numbers ≥ 0).
    ///   - event: Event column (1/0, TRUE/FALSE).
    ///   - group: Optional grouping column.
    ///   - at: Times at which to report the curve.
    ///   - confidenceType: Confidence-limit type.
    ///   - confidenceLevel: Level of the pointwise limits and of the median's interval (default 0.95).
    /// - Throws: `TabularError` or ``AnalysisError`` naming file, row and column.
    ///
    /// - Complexity: O(*n* log *n*) for *n* rows (sorting by time), plus O(*g* · log *n*) per requested time.
    public static func run(table: CSVTable, time: String, event: String, group: String? = nil, at: [Double] = [],
                           confidenceType: KaplanMeier.ConfidenceType = .log,
                           confidenceLevel: Double = 0.95) throws -> Result {
        let cols = try SurvivalColumns(table: table, time: time, event: event, alsoRequired: group.map { [$0] } ?? [])
        var fits: [(String, KaplanMeier)]
        if let group {
            let g = try GroupColumn(table: table, column: group, rows: cols.rows)
            fits = try KaplanMeier.byGroup(time: cols.time, event: cols.event, group: g.index,
                                           confidenceType: confidenceType, confidenceLevel: confidenceLevel)
                .map { (g.levels[$0.group], $0.fit) }
        } else {
            fits = [("all", try KaplanMeier(time: cols.time, event: cols.event, confidenceType: confidenceType,
                                        confidenceLevel: confidenceLevel))]
        }
        let strata = KaplanMeierAnalysis.strata(fits, at: at)
        // Without groups the one curve's per-time counts give the reverse curve too (no second sort).
        let reverse = group == nil ? fits[0].1.reversed() : try KaplanMeier.reverse(time: cols.time, event: cols.event)
        let followUp = reverse.median.estimate ?? .nan
        return Result(time: time, event: event, groupColumn: group, confType: confidenceType.rawValue,
                      confLevel: confidenceLevel, strata: strata, medianFollowUp: followUp,
                      rowsUsed: cols.rowCount, excludedRows: cols.report.excludedRows, excluded: cols.exclusions)
    }
}

extension KaplanMeierAnalysis {
    /// One output stratum per fitted curve: counts, median with limits, the curve at `at`, and its steps
    /// (shared by the file mode and the analyses from per-time aggregates).
    ///
    /// - Parameters:
    ///   - fits: Each group's display value and curve.
    ///   - at: Times at which to report the curve.
    /// - Complexity: O(m + |at| log m) per curve of m steps.
    static func strata(_ fits: [(String, KaplanMeier)], at: [Double]) -> [Stratum] {
        fits.map { level, fit -> Stratum in
            let med = fit.median
            let se = fit.survivalStandardError
            return Stratum(
                group: level, n: fit.observations, events: fit.totalEvents,
                median: med.estimate ?? .nan, medianLower95: med.lower ?? .nan, medianUpper95: med.upper ?? .nan,
                at: fit.estimates(at: at).map {
                    AtTime(time: $0.time, nRisk: $0.atRisk, nEvent: $0.events, surv: $0.survival,
                           stdErr: $0.standardError, lower95: $0.lower, upper95: $0.upper)
                },
                table: fit.time.indices.map { k in
                    Step(time: fit.time[k], nRisk: fit.atRisk[k], nEvent: fit.events[k], nCensor: fit.censored[k],
                         surv: fit.survival[k], stdErr: se[k], lower95: fit.lower[k], upper95: fit.upper[k])
                })
        }
    }
}
