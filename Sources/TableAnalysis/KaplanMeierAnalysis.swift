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
        public var group: String
        public var n: Int
        public var events: Double
        /// NaN (JSON null) when not reached.
        public var median: Double
        public var medianLower95: Double
        public var medianUpper95: Double
        public var at: [AtTime]
        public var table: [Step]

        enum CodingKeys: String, CodingKey {
            case group, n, events, median, at, table
            case medianLower95 = "median_lower95", medianUpper95 = "median_upper95"
        }
    }

    /// The curve at a requested time (R's `summary(fit, times =)`).
    public struct AtTime: Codable, Sendable {
        public var time: Double
        public var nRisk: Double
        public var nEvent: Double
        public var surv: Double
        public var stdErr: Double
        public var lower95: Double
        public var upper95: Double
        enum CodingKeys: String, CodingKey {
            case time, surv, lower95, upper95
            case nRisk = "n_risk", nEvent = "n_event", stdErr = "std_err"
        }
    }

    /// One distinct time of the curve.
    public struct Step: Codable, Sendable {
        public var time: Double
        public var nRisk: Double
        public var nEvent: Double
        public var nCensor: Double
        public var surv: Double
        public var stdErr: Double
        public var lower95: Double
        public var upper95: Double
        enum CodingKeys: String, CodingKey {
            case time, surv, lower95, upper95
            case nRisk = "n_risk", nEvent = "n_event", nCensor = "n_censor", stdErr = "std_err"
        }
    }

    /// The whole result.
    public struct Result: Codable, Sendable {
        public var time: String
        public var event: String
        public var groupColumn: String?
        public var confType: String
        public var confLevel: Double
        public var strata: [Stratum]
        /// Median follow-up by the reverse Kaplan–Meier method (all rows).
        public var medianFollowUp: Double
        public var rowsUsed: Int
        public var excludedRows: Int
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
    /// - Throws: ``TabularError`` or ``AnalysisError`` naming file, row and column.
    public static func run(table: CSVTable, time: String, event: String, group: String? = nil, at: [Double] = [],
                           confidenceType: KaplanMeier.ConfidenceType = .log,
                           confidenceLevel: Double = 0.95) throws -> Result {
        let cols = try SurvivalColumns(table: table, time: time, event: event, alsoRequired: group.map { [$0] } ?? [])
        var fits: [(String, KaplanMeier)]
        if let group {
            let g = try GroupColumn(table: table, column: group, rows: cols.rows)
            fits = try KaplanMeier.byGroup(time: cols.time, event: cols.event, group: g.index, confidenceType: confidenceType,
                                       confidenceLevel: confidenceLevel).map { (g.levels[$0.group], $0.fit) }
        } else {
            fits = [("all", try KaplanMeier(time: cols.time, event: cols.event, confidenceType: confidenceType,
                                        confidenceLevel: confidenceLevel))]
        }
        let strata = KaplanMeierAnalysis.strata(fits, at: at)
        let followUp = try KaplanMeier.reverse(time: cols.time, event: cols.event).median.estimate ?? .nan
        return Result(time: time, event: event, groupColumn: group, confType: confidenceType.rawValue,
                      confLevel: confidenceLevel, strata: strata, medianFollowUp: followUp,
                      rowsUsed: cols.rows.count, excludedRows: cols.report.excludedRows, excluded: cols.exclusions)
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
