import Reporting
import Survival
import Tabular

/// Log-rank tests between pairs of a table's groups, with adjusted p-values: the `pof pairwise` analysis
/// (R: survminer's `pairwise_survdiff`).
///
/// ```swift
/// let r = try PairwiseLogRankAnalysis.run(table: table, time: "time", event: "status", group: "ecog",
///                                         adjustment: .holm)
/// r.pairs.map(\.pAdjusted)
/// ```
public enum PairwiseLogRankAnalysis {
    /// One pair's test.
    public struct Pair: Codable, Sendable {
        /// The first group of the pair (the reference when each level is compared with one).
        public var group1: String
        /// The second group of the pair.
        public var group2: String
        /// Rows in the two groups.
        public var n: Int
        /// NaN (JSON null) when the test is not possible.
        public var chisq: Double
        /// Degrees of freedom (1; 0 when not possible).
        public var df: Int
        /// Unadjusted p-value of the pair's log-rank test (NaN, JSON null, when not possible).
        public var p: Double
        /// p adjusted over the family of pairs.
        public var pAdjusted: Double
        /// Why the pair's test is not possible, or nil.
        public var notPossible: String?
        enum CodingKeys: String, CodingKey {
            case group1, group2, n, chisq, df, p
            case pAdjusted = "p_adjusted", notPossible = "not_possible"
        }
    }

    /// The whole result (the JSON of `pof pairwise`).
    public struct Result: Codable, Sendable {
        /// Name of the time column, as given (every time in the result is in its unit).
        public var time: String
        /// Name of the event column, as given.
        public var event: String
        /// The grouping column.
        public var groupColumn: String
        /// The stratification column, or nil.
        public var strataColumn: String?
        /// The G-rho exponent (0 = log-rank).
        public var rho: Double
        /// R's `p.adjust` method name: holm, hochberg, bonferroni, BH, BY or none.
        public var adjustment: String
        /// The reference level when each group is compared with it; nil for all pairs.
        public var reference: String?
        /// One entry per pair, in order (1,2), (1,3), …, (2,3), … or against the reference.
        public var pairs: [Pair]
        /// Rows analysed.
        public var rowsUsed: Int
        /// Rows excluded for missing values.
        public var excludedRows: Int
        /// Excluded rows per column.
        public var excluded: [Exclusion]

        /// Reasons for the exit status 2: pairs whose test is not possible.
        public var notPossible: [String] {
            pairs.compactMap { p in p.notPossible.map { "log-rank test of \(p.group1) vs \(p.group2): \($0)" } }
        }

        enum CodingKeys: String, CodingKey {
            case time, event, rho, adjustment, reference, pairs, excluded
            case groupColumn = "group_column", strataColumn = "strata_column", rowsUsed = "rows_used"
            case excludedRows = "excluded_rows"
        }
    }

    /// Runs the tests.
    ///
    /// - Parameters:
    ///   - table: The data.
    ///   - time: Time column (numbers ≥ 0).
    ///   - event: Event column (1/0, TRUE/FALSE).
    ///   - group: Grouping column (two or more values).
    ///   - strata: Optional stratification column.
    ///   - rho: G-rho exponent (0 = log-rank).
    ///   - reference: Compare each level with this one only (default: all pairs).
    ///   - adjustment: Multiplicity adjustment (default Benjamini–Hochberg, as survminer).
    /// - Returns: One entry per pair.
    /// - Throws: `TabularError` or ``AnalysisError`` naming file, row and column, or an unknown reference.
    /// - Complexity: O(k·n) for k groups.
    public static func run(table: CSVTable, time: String, event: String, group: String, strata: String? = nil,
                           rho: Double = 0, reference: String? = nil,
                           adjustment: PValueAdjustment = .benjaminiHochberg) throws -> Result {
        guard rho >= 0, rho.isFinite else { throw AnalysisError.invalidOption("--rho must be a number ≥ 0") }
        let cols = try SurvivalColumns(table: table, time: time, event: event,
                                       alsoRequired: [group] + (strata.map { [$0] } ?? []))
        let g = try GroupColumn(table: table, column: group, rows: cols.rows)
        let s = try strata.map { try GroupColumn(table: table, column: $0, rows: cols.rows).index }
        var comparisons = PairwiseLogRank.Comparisons.allPairs
        if let reference {
            guard let r = g.levels.firstIndex(of: reference) else {
                throw AnalysisError.invalidOption("--reference: \"\(reference)\" is not a level of \(group)"
                                                  + " (levels: \(g.levels.joined(separator: ", ")))")
            }
            comparisons = .againstReference(r)
        }
        let pw = try PairwiseLogRank(time: cols.time, event: cols.event, group: g.index, groupCount: g.levels.count,
                                     strata: s, rho: rho, comparisons: comparisons, adjustment: adjustment)
        return Result(time: time, event: event, groupColumn: group, strataColumn: strata, rho: rho,
                      adjustment: adjustment.rawValue, reference: reference,
                      pairs: pw.pairs.map { p in
                          Pair(group1: g.levels[p.first], group2: g.levels[p.second], n: p.count,
                               chisq: p.test.statistic, df: p.test.degreesOfFreedom, p: p.test.pValue,
                               pAdjusted: p.adjustedPValue, notPossible: p.notPossible?.description)
                      },
                      rowsUsed: cols.rows.count, excludedRows: cols.report.excludedRows, excluded: cols.exclusions)
    }
}

extension PairwiseLogRankAnalysis.Result {
    /// Printout: survminer's matrix of adjusted p-values (all pairs), then one line per pair.
    public var text: String {
        let sig = { (x: Double, d: Int) in NumberFormat.significant(x, d) }
        var out = "Pairwise comparisons using "
            + (rho == 0 ? "the log-rank test" : "the G-rho test (rho = \(sig(rho, 3)))")
            + " of Surv(\(time), \(event)) by \(groupColumn)"
            + (strataColumn.map { ", stratified by \($0)" } ?? "") + "\n"
        out += "P value adjustment method: \(adjustment)" + (reference.map { "; each level against \($0)" } ?? "")
            + "\n\n"
        if reference == nil {
            var levels: [String] = []
            for p in pairs { for l in [p.group1, p.group2] where !levels.contains(l) { levels.append(l) } }
            if levels.count > 2 {
                let lookup = Dictionary(
                    pairs.map { ("\($0.group1)\u{0}\($0.group2)", $0.pAdjusted) }, uniquingKeysWith: { a, _ in a })
                out += TextTable(header: [""] + levels.dropLast(), rows: levels.dropFirst().enumerated().map { i, row in
                    [row] + levels.dropLast().enumerated().map { j, col in
                        j <= i ? (lookup["\(col)\u{0}\(row)"].map { sig($0, 2) } ?? "NA") : "-"
                    }
                }).rendered + "\n\n"
            }
        }
        out += TextTable(header: ["group 1", "group 2", "n", "chisq", "df", "p", "p adjusted"], rows: pairs.map { p in
            p.notPossible == nil
                ? [p.group1, p.group2, String(p.n), sig(p.chisq, 4), String(p.df), sig(p.p, 3), sig(p.pAdjusted, 3)]
                : [p.group1, p.group2, String(p.n), "not possible: \(p.notPossible!)", "", "", ""]
        }).rendered + "\n"
        out += excludedLine(excludedRows, rowsUsed + excludedRows, excluded) + "\n"
        return out
    }

    /// CSV: one row per pair.
    public var csv: String {
        CSVOutput.string(header: ["group1", "group2", "n", "chisq", "df", "p", "p_adjusted", "adjustment",
                                  "not_possible"],
                         rows: pairs.map { p in
                             [p.group1, p.group2, String(p.n), CSVOutput.number(p.chisq),
                              p.notPossible == nil ? String(p.df) : "NA", CSVOutput.number(p.p),
                              CSVOutput.number(p.pAdjusted), adjustment, p.notPossible ?? ""]
                         })
    }
}
