import Reporting
import Survival
import Tabular

/// The number at risk, events and censorings of each curve of a `pof km` result at chosen times: the
/// table under a survival plot as data (`pof km --risk-table`), with R's `summary(survfit, times = …)`
/// counts (see `RiskTable` for the interval convention).
///
/// ```swift
/// let km = try KaplanMeierAnalysis.run(table: table, time: "time", event: "status", group: "sex")
/// let rows = try RiskTableAnalysis.rows(km, at: [0, 180, 365])
/// rows.map(\.nRisk)
/// ```
public enum RiskTableAnalysis {
    /// One curve at one requested time.
    public struct Row: Codable, Sendable, Equatable {
        /// The curve's group label ("all" without a group).
        public var group: String
        /// The requested time, in the time column's unit.
        public var time: Double
        /// The previous requested time; JSON null for the first (the interval starts at the beginning).
        public var intervalStart: Double
        /// Rows with time ≥ `time`.
        public var nRisk: Double
        /// Events in (interval_start, time].
        public var nEvent: Double
        /// Censorings in (interval_start, time].
        public var nCensor: Double
        enum CodingKeys: String, CodingKey {
            case group, time
            case intervalStart = "interval_start", nRisk = "n_risk", nEvent = "n_event", nCensor = "n_censor"
        }
    }

    /// The rows of every curve of `result` at `times` (sorted; repeats kept, as R).
    ///
    /// - Parameters:
    ///   - result: A Kaplan–Meier analysis (its per-time table is used, so database results work too).
    ///   - times: Finite times.
    /// - Returns: For each curve in order, one row per time.
    /// - Throws: `SurvivalError` for a time that is not finite.
    /// - Complexity: O(m + k log m) per curve.
    public static func rows(_ result: KaplanMeierAnalysis.Result, at times: [Double]) throws -> [Row] {
        var out: [Row] = []
        for s in result.strata {
            let table = try RiskTable(time: s.table.map(\.time), atRisk: s.table.map(\.nRisk),
                                      events: s.table.map(\.nEvent), censored: s.table.map(\.nCensor), at: times)
            out += table.rows.map {
                Row(group: s.group, time: $0.time, intervalStart: $0.intervalStart, nRisk: $0.atRisk, nEvent: $0.events,
                    nCensor: $0.censored)
            }
        }
        return out
    }

    /// Text: one block per curve, as `summary(fit, times = …)` prints the counts, with the interval of
    /// each row written out.
    ///
    /// - Complexity: O(rows × curves).
    public static func text(_ rows: [Row], groupColumn: String?) -> String {
        let sig = { (x: Double) in NumberFormat.significant(x, 6) }
        var out = "Number at risk at each time; events and censored in the interval ending there\n"
        var groups: [String] = []
        for r in rows where !groups.contains(r.group) { groups.append(r.group) }
        for g in groups {
            if let groupColumn { out += "\n\(groupColumn)=\(g)\n" } else { out += "\n" }
            out += TextTable(header: ["time", "interval", "n.risk", "n.event", "n.censor"],
                             rows: rows.filter { $0.group == g }.map { r in
                                 [sig(r.time),
                                  r.intervalStart.isFinite
                                      ? "(\(sig(r.intervalStart)), \(sig(r.time))]" : "[start, \(sig(r.time))]",
                                  sig(r.nRisk), sig(r.nEvent), sig(r.nCensor)]
                             }).rendered + "\n"
        }
        return out
    }

    /// CSV: one row per curve and time.
    ///
    /// - Complexity: O(rows).
    public static func csv(_ rows: [Row]) -> String {
        CSVOutput.string(header: ["group", "time", "interval_start", "n_risk", "n_event", "n_censor"],
                         rows: rows.map { r in
                             [r.group] + [r.time, r.intervalStart, r.nRisk, r.nEvent, r.nCensor].map(CSVOutput.number)
                         })
    }
}
