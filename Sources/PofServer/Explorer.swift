import Foundation
import PatternsOfFailure
import Reporting
import Survival
import TableAnalysis
import Tabular

/// The survival explorer: one endpoint by one grouping (a plan factor, or any variable cut at typed
/// points), analysed exactly as `pof km`, `pof logrank` and `pof cuminc` analyse a CSV table.
///
/// The explorer writes the endpoint and grouping as a table (``table(_:)``: columns `time`, `event`,
/// `cause`, `group`; an unknown group left empty) and runs ``KaplanMeierAnalysis``,
/// ``LogRankAnalysis`` and ``CumulativeIncidenceAnalysis`` on it with the commands' default options, so
/// every number is the one the commands print for the same table.
///
/// ```swift
/// let q = try Explorer.Query(endpoint: "os", factor: "pvt", at: [12, 24])
/// let r = try Explorer.run(q, study: study)
/// r.logrank?.p
/// ```
public enum Explorer {
    /// What to show.
    public struct Query: Sendable {
        /// The endpoint's name in the plan (`os`, `pfs_infield`).
        public var endpoint: String
        /// A plan factor's name, or nil to group by `variable`.
        public var factor: String?
        /// Any study variable or patients.csv column (with `cuts` for a numeric one).
        public var variable: String?
        /// Cut-points for `variable`, increasing; empty for a categorical or yes/no variable.
        public var cuts: [Double]
        /// Times for the rates (default: the plan's rate times).
        public var at: [Double]?

        /// A query; see the properties for what each argument holds.
        ///
        /// - Complexity: O(1).
        public init(endpoint: String, factor: String? = nil, variable: String? = nil, cuts: [Double] = [],
                    at: [Double]? = nil) {
            self.endpoint = endpoint; self.factor = factor; self.variable = variable; self.cuts = cuts; self.at = at
        }

        /// Reads a query from URL query parameters (`endpoint`, `factor` or `variable` + `cut`, `at`).
        ///
        /// - Throws: ``ServerError`` (400) naming the parameter and value that cannot be read.
        ///
        /// - Complexity: O(total length of the parameters).
        public init(parameters: [String: String]) throws {
            guard let e = parameters["endpoint"], !e.isEmpty else { throw ServerError(400, "give endpoint=NAME") }
            endpoint = e
            factor = parameters["factor"].flatMap { $0.isEmpty ? nil : $0 }
            variable = parameters["variable"].flatMap { $0.isEmpty ? nil : $0 }
            cuts = try Explorer.numbers(parameters["cut"], name: "cut")
            if let a = parameters["at"], !a.trimmingCharacters(in: .whitespaces).isEmpty {
                at = try Explorer.numbers(a, name: "at")
                if at!.contains(where: { $0 < 0 }) { throw ServerError(400, "at: times must be ≥ 0") }
            }
            if factor != nil && variable != nil { throw ServerError(400, "give factor or variable, not both") }
            for k in cuts.indices.dropFirst() where cuts[k] <= cuts[k - 1] {
                throw ServerError(400, "cut: cut-points must increase "
                                      + "(\(cuts.map(NumberFormat.plain).joined(separator: ", ")))")
            }
        }
    }

    /// The explorer's answer. The three analyses are exactly the commands' JSON results.
    public struct Result: Encodable, Sendable {
        /// The endpoint's name in the plan.
        public var endpoint: String
        /// The endpoint's label ("Overall survival").
        public var endpointLabel: String
        /// The grouping's name: the factor's name, or the variable's.
        public var grouping: String
        /// The grouping's label with its unit ("AFP (IU/mL)").
        public var groupingLabel: String
        /// The groups' labels, in table order.
        public var levels: [String]
        /// Patients left out because their group is not known (JSON `unknown_group`).
        public var unknownGroup: Int
        /// The plan's time unit of every time here (`months`).
        public var timeUnit: String
        /// `pof km TABLE --time time --event event --group group --at AT --format json`.
        public var km: KaplanMeierAnalysis.Result
        /// `pof logrank TABLE --time time --event event --group group --format json`; nil with one group.
        public var logrank: LogRankAnalysis.Result?
        /// `pof cuminc TABLE --time time --event cause --group group --at AT --format json`, failure endpoints only.
        public var cuminc: CumulativeIncidenceAnalysis.Result?
        /// Kaplan–Meier curves with 95% bands and numbers at risk (SVG).
        public var svg: String
        /// Cumulative incidence of the failure and of the competing event (SVG), failure endpoints only.
        public var cumincSvg: String?

        enum CodingKeys: String, CodingKey {
            case endpoint, grouping, levels, km, logrank, cuminc, svg
            case endpointLabel = "endpoint_label", groupingLabel = "grouping_label", unknownGroup = "unknown_group"
            case timeUnit = "time_unit", cumincSvg = "cuminc_svg"
        }
    }

    static func numbers(_ text: String?, name: String) throws -> [Double] {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count <= 100 else { throw ServerError(400, "\(name): at most 100 values") }
        return try parts.map { p in
            let t = p.trimmingCharacters(in: .whitespaces)
            guard let x = DecimalNumber.parse(t), x.isFinite else {
                throw ServerError(400, "\(name): \"\(t.prefix(40))\" is not a number; "
                                      + "write numbers separated by commas, e.g. 12, 24")
            }
            return x
        }
    }

    /// The grouping column of a query: the plan factor, or a factor built on the variable.
    static func grouping(_ q: Query, study: StudySession.Study) throws -> StudyData.FactorColumn {
        if let name = q.factor {
            guard let f = study.data.factor(name) else {
                throw ServerError(400, "factor \"\(name.prefix(40))\": not a factor of the plan "
                                      + "(\(study.data.factors.map(\.factor.name).joined(separator: ", ")))")
            }
            return f
        }
        guard let v = q.variable else { throw ServerError(400, "give factor=NAME, or variable=NAME with cut=VALUE") }
        // Groupings are derived once per study and shared by every request (the cohort is never derived again).
        let key = "\(v)\u{1F}\(q.cuts.map { "\($0)" }.joined(separator: ","))"
        if let f = study.groupings.value(key) { return f }
        let rule: FactorDefinition.Rule
        if !q.cuts.isEmpty {
            rule = .cutPoints(q.cuts)
        } else if StudyVariable.yesNo.contains(v) {
            rule = .yesNo
        } else if StudyVariable.numeric.contains(v) {
            throw ServerError(400, "variable \(v) is a number: "
                                  + "type a cut-point (e.g. the median) to split it into groups")
        } else {
            var seen: [String] = []
            for r in study.data.records {
                if case .text(let t)? = StudyVariable.value(v, patient: r.patient, plan: study.plan,
                                                            response: r.response),
                   !seen.contains(where: { $0.lowercased() == t.lowercased() }) { seen.append(t) }
            }
            guard !seen.isEmpty else { throw ServerError(400, "variable \(v.prefix(40)): no patient has a value") }
            guard seen.count <= 20 else {
                throw ServerError(400, "variable \(v.prefix(40)) has \(seen.count) different values; "
                                      + "if it is a number, type a cut-point")
            }
            rule = .groups(seen.sorted().map { .init(label: $0, values: [$0]) })
        }
        do {
            let f = try study.data.grouping(by: FactorDefinition(name: "explorer", label: v, variable: v, rule: rule))
            study.groupings.store(key, f)
            return f
        } catch let e as StudyPlan.PlanError { throw ServerError(400, e.description) }
    }

    /// The table the numbers come from: `time`, `event` (1/0), `cause` (0 censored, 1 the endpoint's event,
    /// 2 competing), `group` (level label; empty when unknown), one row per patient in cohort order.
    ///
    /// - Throws: ``ServerError`` for an unknown endpoint, factor or variable.
    ///
    /// - Complexity: O(*n*) in the number of patients.
    public static func table(_ q: Query, study: StudySession.Study) throws
        -> (csv: String, endpoint: StudyData.EndpointColumn, factor: StudyData.FactorColumn) {
        guard let e = study.data.endpoint(q.endpoint) else {
            throw ServerError(400, "endpoint \"\(q.endpoint.prefix(40))\": not an endpoint of the plan "
                                  + "(\(study.data.endpoints.map(\.definition.name).joined(separator: ", ")))")
        }
        let f = try grouping(q, study: study)
        let rows = e.observations.indices.map { i -> [String] in
            let o = e.observations[i]
            return ["\(o.time)", o.event ? "1" : "0", "\(o.cause)", f.level[i].map { f.factor.levels[$0] } ?? ""]
        }
        return (CSVOutput.string(header: ["time", "event", "cause", "group"], rows: rows), e, f)
    }

    /// Runs the explorer.
    ///
    /// - Parameters:
    ///   - q: Endpoint, grouping and times.
    ///   - study: The analysed study.
    /// - Returns: The commands' results on the explorer table, and the figures.
    /// - Throws: ``ServerError`` for an unknown endpoint, factor or variable, or data the analyses refuse.
    /// - Complexity: O(n log n) in the number of patients.
    public static func run(_ q: Query, study: StudySession.Study) throws -> Result {
        let (csv, e, f) = try table(q, study: study)
        let at = q.at ?? study.plan.rateTimes
        do {
            let table = try CSVTable(string: csv, sourceName: "explorer.csv")
            let km = try KaplanMeierAnalysis.run(table: table, time: "time", event: "event", group: "group", at: at)
            let logrank = km.strata.count >= 2
                ? try LogRankAnalysis.run(table: table, time: "time", event: "event", group: "group") : nil
            var cuminc: CumulativeIncidenceAnalysis.Result? = nil
            var cumincSvg: String? = nil
            if !e.definition.isOverallSurvival, e.observations.contains(where: { $0.cause != 0 }) {
                cuminc = try CumulativeIncidenceAnalysis.run(table: table, time: "time", event: "cause", group: "group",
                                                             at: at)
                let curves = try CumulativeIncidenceAnalysis.run(table: table, time: "time", event: "cause",
                                                                 group: "group")
                cumincSvg = cumincPlot(curves, endpoint: e, study: study, grouping: f)
            }
            let known = e.observations.indices.filter { f.level[$0] != nil }
            let svg = kmPlot(km, endpoint: e, study: study, grouping: f, logrank: logrank,
                             times: known.map { e.observations[$0].time },
                             groups: known.map { f.factor.levels[f.level[$0]!] })
            return Result(endpoint: e.definition.name, endpointLabel: e.definition.label, grouping: f.factor.name,
                          groupingLabel: f.factor.label, levels: f.factor.levels,
                          unknownGroup: f.level.count - known.count, timeUnit: study.plan.timeUnit.rawValue, km: km,
                          logrank: logrank, cuminc: cuminc, svg: svg, cumincSvg: cumincSvg)
        } catch let e as ServerError { throw e } catch {
            throw ServerError(422, "\(error)")
        }
    }

    static func ticks(_ study: StudySession.Study, maxTime: Double) -> [Double] {
        let t = study.plan.riskTableTimes.filter { $0 <= maxTime }
        return t.count >= 2 ? t : [0, maxTime]
    }

    static func kmPlot(_ km: KaplanMeierAnalysis.Result, endpoint e: StudyData.EndpointColumn,
                       study: StudySession.Study, grouping f: StudyData.FactorColumn,
                       logrank: LogRankAnalysis.Result?, times: [Double], groups: [String]) -> String {
        let maxTime = times.max() ?? 0
        let xTicks = ticks(study, maxTime: maxTime)
        let series = km.strata.map { s -> SurvivalPlot.Series in
            let mine = times.indices.filter { groups[$0] == s.group }.map { times[$0] }
            return SurvivalPlot.Series(
                label: s.group, times: [0] + s.table.map(\.time), values: [1] + s.table.map(\.surv),
                lower: [1] + s.table.map(\.lower95), upper: [1] + s.table.map(\.upper95),
                censorTimes: s.table.filter { $0.nCensor > 0 }.map(\.time), endTime: mine.max(),
                median: s.median.isNaN ? nil : s.median,
                atRisk: xTicks.map { t in mine.filter { $0 >= t }.count })
        }
        let note = logrank.map {
            $0.p.isNaN ? "log-rank test not possible" : "log-rank " + NumberFormat.pValueStatement($0.p)
        }
        let plot = SurvivalPlot(title: "\(e.definition.label) by \(f.factor.label)",
                                xLabel: "Time (\(study.plan.timeUnit.rawValue))",
                                yLabel: "Probability", series: series, xTicks: xTicks, annotation: note,
                                legendTitle: f.factor.label, referenceSeries: nil,
                                watermark: study.synthetic ? "SYNTHETIC" : nil)
        return plot.svg()
    }

    static func cumincPlot(_ r: CumulativeIncidenceAnalysis.Result, endpoint e: StudyData.EndpointColumn,
                           study: StudySession.Study, grouping f: StudyData.FactorColumn) -> String {
        let maxTime = e.observations.map(\.time).max() ?? 0
        let series = r.curves.map { c in
            SurvivalPlot.Series(label: "\(c.group): "
                                    + "\(c.cause == 1 ? e.definition.label + " event" : "competing event")",
                                times: [0] + c.at.map(\.time), values: [0] + c.at.map(\.estimate),
                                lower: c.cause == 1 ? [0] + c.at.map(\.lower95) : nil,
                                upper: c.cause == 1 ? [0] + c.at.map(\.upper95) : nil, endTime: maxTime)
        }
        let note = r.gray.first(where: { $0.cause == 1 }).map {
            $0.p.isNaN ? "Gray's test not possible" : "Gray's test P = \(NumberFormat.pValue($0.p))"
        }
        let plot = SurvivalPlot(title: "\(e.definition.label): cumulative incidence by \(f.factor.label)",
                                xLabel: "Time (\(study.plan.timeUnit.rawValue))", yLabel: "Cumulative incidence",
                                series: series,
                                xTicks: ticks(study, maxTime: maxTime), kind: .cumulativeIncidence, annotation: note,
                                legendTitle: f.factor.label, watermark: study.synthetic ? "SYNTHETIC" : nil)
        return plot.svg()
    }
}
