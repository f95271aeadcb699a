import Foundation
import Oncology
import Tabular

/// The study plan: time origin and unit, windows, endpoints, risk factors, the analyses of each endpoint,
/// CTCAE version and α/β. ``paper`` (also `StudyPlan()`) reproduces the CCRT patterns-of-failure paper.
///
/// ```swift
/// let plan = StudyPlan()                       // the paper's plan
/// let custom = try StudyPlan(yaml: "origin: rt_start\nlandmark_months: 6\n")
/// ```
///
/// Every key is optional in YAML. The file is read strictly: an unknown key, a key given twice, a value of
/// the wrong type, a number that is not a finite decimal, or an alias-expanded document larger than a
/// plan can be are errors naming the line and key (see docs/study-plan.md).
public struct StudyPlan: Sendable, Equatable, Codable {
    /// The day from which times are counted.
    public enum Origin: String, Codable, Sendable, CaseIterable {
        /// Times counted from the last day of RT (`rt_end`, the paper) or the first (`rt_start`).
        case rtEnd = "rt_end", rtStart = "rt_start"
    }

    /// The unit of reported times.
    public enum TimeUnit: String, Codable, Sendable, CaseIterable {
        /// Months (30.4375 days), days, or years (365.25 days).
        case months, days, years
        /// Days per unit: months = 30.4375 (365.25/12), years = 365.25.
        public var days: Double {
            switch self {
            case .months: return 30.4375
            case .days: return 1
            case .years: return 365.25
            }
        }
        /// Singular name: "month".
        public var singular: String { String(rawValue.dropLast()) }
    }

    /// The analyses of one endpoint.
    public struct Analysis: Sendable, Equatable, Codable {
        /// Endpoint name.
        public var endpoint: String
        /// Factors compared one at a time (log-rank; Gray's test for failure endpoints).
        public var univariate: [String]
        /// Terms of the multivariable Cox model (empty: no model).
        public var multivariable: [String]
        /// Factors whose survival curves are drawn (pre-specified; never chosen by P value).
        public var figures: [String]
        /// Factor × subgroup analyses: the factor compared within each level of `within`.
        public var subgroups: [Subgroup]
        /// Whether to fit Fine–Gray and cause-specific Cox models on the multivariable terms (failure
        /// endpoints only).
        public var competingRisksModels: Bool

        /// The analyses of one endpoint; see the properties for what each argument holds.
        ///
        /// - Complexity: O(1).
        public init(endpoint: String, univariate: [String] = [], multivariable: [String] = [], figures: [String] = [],
                    subgroups: [Subgroup] = [], competingRisksModels: Bool = false) {
            self.endpoint = endpoint; self.univariate = univariate; self.multivariable = multivariable
            self.figures = figures; self.subgroups = subgroups; self.competingRisksModels = competingRisksModels
        }
    }

    /// A factor compared within each level of another factor.
    public struct Subgroup: Sendable, Equatable, Codable {
        /// The factor compared.
        public var factor: String
        /// The factor whose levels form the subgroups.
        public var within: String
        /// A subgroup analysis.
        ///
        /// - Complexity: O(1).
        public init(factor: String, within: String) { self.factor = factor; self.within = within }
    }

    /// Which preset the plan started from; the report cites the paper's tables only for `paper`.
    public var preset: String? = "paper"
    /// Title of the report.
    public var title: String = "Patterns of failure after hepatic arterial concurrent chemoradiotherapy"
    /// The day from which times are counted.
    public var origin: Origin = .rtEnd
    /// The unit of every reported time.
    public var timeUnit: TimeUnit = .months
    /// Failures within this many months after the origin form the landmark ("at 3 months") table.
    public var landmarkMonths: Double = 3
    /// Toxicity window: from RT start to this many months after RT end.
    public var toxicityWindowMonths: Double = 3
    /// Response at 3 months: the scan closest to origin + `responseMonths`, within ± `responseWindowMonths`.
    public var responseMonths: Double = 3
    /// Half-width, in months, of the window around the 3-month scan (see ``responseMonths``).
    public var responseWindowMonths: Double = 1.5
    /// Response criteria for lesions.csv: `mRECIST` (the paper) or `RECIST 1.1`.
    public var responseCriteria: String = "mRECIST"
    /// CTCAE version used to grade laboratory values.
    public var ctcaeVersion: CTCAEVersion = .v3
    /// α/β ratio of the tumour, Gy, for BED and EQD2 (10 for hepatocellular carcinoma).
    public var alphaBeta: Double = 10
    /// The names of the three failure types (failures.csv `site`, endpoint events, tables, Methods).
    public var failureVocabulary: FailureVocabulary = .paper
    /// The dosimetric rule that classifies each failure, when failures.csv carries dose summaries
    /// (`nil`: the sensitivity table of every rule the data allow is still reported).
    public var classification: FailureClassificationPlan? = nil
    /// The endpoints, in report order.
    public var endpoints: [EndpointDefinition] = EndpointDefinition.paper(death: .censor, otherFailures: .ignore)
    /// The risk factors, in table order.
    public var factors: [FactorDefinition] = PaperFactors.names.map {
        PaperFactors.definition($0, age: 50, afp: 200, pivka: 60)!
    }
    /// The analyses per endpoint.
    public var analyses: [Analysis] = StudyPlan.paperAnalyses(factors: PaperFactors.names)
    /// Factor whose levels split the failure-pattern table (the paper: treatment history).
    public var patternsBy: String? = "history"
    /// Times (in `timeUnit`) for survival rates (1 and 2 years).
    public var rateTimes: [Double] = [12, 24]
    /// Times (in `timeUnit`) of the number-at-risk table under the curves.
    public var riskTableTimes: [Double] = [0, 6, 12, 18, 24, 30, 36, 48, 60]
    /// Significance level used in wording ("significant at α").
    public var alpha: Double = 0.05
    /// Penalty of the multivariable Cox models: none (R coxph) or Firth (R coxphf) for small cohorts.
    public var coxPenalty: CoxPenalty = .none

    /// Penalty of the Cox models.
    public enum CoxPenalty: String, Codable, Sendable, CaseIterable { case none, firth }

    /// The paper's plan (the same as ``paper``).
    ///
    /// - Complexity: O(1).
    public init() {}

    /// The paper's plan.
    public static let paper = StudyPlan()

    /// The paper's analyses: every factor univariate and in the multivariable model for the three
    /// failure-specific PFS endpoints and OS; Fig. 3's four panels; the markers within treatment history.
    ///
    /// - Complexity: O(number of endpoints × factors).
    public static func paperAnalyses(factors: [String], competingRisksModels: Bool = true,
                                     vocabulary: FailureVocabulary = .paper) -> [Analysis] {
        func has(_ f: String) -> [String] { factors.contains(f) ? [f] : [] }
        let both = factors.contains("markers") && factors.contains("history")
        return [
            Analysis(
                endpoint: vocabulary.endpointName(.infield), univariate: factors, multivariable: factors,
                figures: has("history"),
                competingRisksModels: competingRisksModels),
            Analysis(
                endpoint: vocabulary.endpointName(.intrahepaticOutfield), univariate: factors, multivariable: factors,
                figures: has("markers"),
                subgroups: both ? [Subgroup(factor: "markers", within: "history")] : []),
            Analysis(
                endpoint: vocabulary.endpointName(.extrahepatic), univariate: factors, multivariable: factors,
                figures: has("age") + has("markers"),
                subgroups: both ? [Subgroup(factor: "markers", within: "history")] : [],
                competingRisksModels: competingRisksModels),
            Analysis(endpoint: "os", univariate: factors, multivariable: factors),
        ]
    }

    /// Whether the plan is the paper's preset, unchanged in its analyses (the report then cites the paper's
    /// table and figure numbers).
    public var isPaperPreset: Bool { preset == "paper" }

    /// Errors in a plan file.
    public struct PlanError: Error, CustomStringConvertible, Equatable {
        /// What is wrong, naming the line and key (or the file, row and column of the data it does not fit).
        public var description: String
        /// A plan error with its message.
        ///
        /// - Complexity: O(1).
        public init(description: String) { self.description = description }
    }

    /// Label of an endpoint by name.
    ///
    /// - Complexity: O(number of endpoints).
    public func endpoint(named name: String) -> EndpointDefinition? { endpoints.first { $0.name == name } }
    /// A factor by name.
    ///
    /// - Complexity: O(number of factors).
    public func factor(named name: String) -> FactorDefinition? { factors.first { $0.name == name } }

    /// The resolved factor (levels, reference, display order).
    ///
    /// - Complexity: O(number of levels).
    public func resolve(_ f: FactorDefinition) -> ResolvedFactor {
        let components: [FactorDefinition]
        if case .allOf(let names) = f.rule { components = names.compactMap(factor(named:)) } else { components = [] }
        let levels = f.levels(components: components)
        let reference = f.reference.flatMap { levels.firstIndex(of: $0) } ?? 0
        return ResolvedFactor(definition: f, levels: levels, reference: reference,
                              displayOrder: f.isAllOf ? Array(levels.indices.reversed()) : Array(levels.indices))
    }

    /// Columns of patients.csv that the plan's factors read (not standard derived variables).
    public var patientColumns: [String] {
        factors.map(\.variable).filter { !$0.isEmpty && !StudyVariable.all.contains($0) }
    }

    /// Landmark window in days.
    public var landmarkDays: Double { landmarkMonths * TimeUnit.months.days }
}

// MARK: - Reading

extension StudyPlan {
    static let topKeys = [
        "preset", "title", "origin", "time_unit", "landmark_months", "toxicity_window_months",
        "response_months", "response_window_months", "response_criteria", "death", "other_failures",
        "ctcae_version", "alpha_beta", "age_cutoff", "afp_cutoff", "pivka_cutoff", "factors",
        "failure_types", "classification", "endpoints", "analyses", "patterns_by", "rate_times", "risk_table_times",
        "alpha", "cox_penalty",
    ]

    /// Reads a plan from YAML text; keys not given keep the preset's values.
    ///
    /// - Throws: ``PlanError`` naming the line, the key and the problem.
    ///
    /// - Complexity: O(length of the YAML text); alias expansion is bounded (a document larger than a plan can be is an
    /// error).
    public init(yaml: String, source: String = "plan.yaml") throws {
        self.init()
        guard let root = try PlanNode.root(yaml: yaml, source: source) else { return }
        let k = try root.keyed(known: Self.topKeys)
        if let v = k["preset"] { preset = try v.choice(["paper", "none"]) }
        if preset == "none" {
            preset = nil
            title = "Patterns-of-failure study"
            factors = []
            analyses = []
            patternsBy = nil
        }
        if let v = k["title"] { title = try v.string() }
        if let v = k["origin"] { origin = Origin(rawValue: try v.choice(Origin.allCases.map(\.rawValue)))! }
        if let v = k["time_unit"] { timeUnit = TimeUnit(rawValue: try v.choice(TimeUnit.allCases.map(\.rawValue)))! }
        let months = 0...1200.0
        if let v = k["landmark_months"] {
            landmarkMonths = try v.number(in: 0.001...1200, "months greater than 0 and at most 1200")
        }
        if let v = k["toxicity_window_months"] {
            toxicityWindowMonths = try v.number(in: months, "months between 0 and 1200")
        }
        if let v = k["response_months"] { responseMonths = try v.number(in: months, "months between 0 and 1200") }
        if let v = k["response_window_months"] {
            responseWindowMonths = try v.number(in: months, "months between 0 and 1200")
        }
        if let v = k["response_criteria"] { responseCriteria = try v.choice(ResponseCriteria.allCases.map(\.rawValue)) }
        if let v = k["ctcae_version"] {
            let text = try v.string()
            guard let c = CTCAEVersion(parsing: text) else {
                throw v.error("unknown CTCAE version \"\(PlanNode.clip(text))\" (use 3.0, 4.03 or 5.0)")
            }
            ctcaeVersion = c
        }
        if let v = k["alpha_beta"] {
            alphaBeta = try v.number(in: 0.1...1000, "an α/β ratio in Gy between 0.1 and 1000")
        }
        if let v = k["alpha"] { alpha = try v.number(in: 1e-6...0.5, "a significance level between 0.000001 and 0.5") }
        if let v = k["cox_penalty"] {
            coxPenalty = CoxPenalty(rawValue: try v.choice(CoxPenalty.allCases.map(\.rawValue)))!
        }
        if let v = k["rate_times"] {
            rateTimes = try v.numbers(in: Double.leastNonzeroMagnitude...1e6, "a time > 0")
            guard !rateTimes.isEmpty else { throw v.error("give at least one time") }
        }
        if let v = k["risk_table_times"] { riskTableTimes = try v.numbers(in: 0...1e6, "a time ≥ 0") }

        // Endpoints: the paper's, with top-level death / other_failures, unless listed.
        let death =
            try k["death"].map { EndpointDefinition.DeathHandling(rawValue: try $0.choice(["censor", "event"]))! }
            ?? .censor
        let other =
            try k["other_failures"].map {
                EndpointDefinition.OtherFailureHandling(rawValue: try $0.choice(["ignore", "censor"]))!
            } ?? .ignore
        if let v = k["failure_types"] {
            failureVocabulary = FailureVocabulary(rawValue: try v.choice(FailureVocabulary.allCases.map(\.rawValue)))!
        }
        let vocabulary = failureVocabulary
        if let v = k["classification"] { classification = try Self.classification(v) }
        endpoints = EndpointDefinition.paper(death: death, otherFailures: other, vocabulary: vocabulary)
        if let v = k["endpoints"] {
            endpoints = try v.list().map { try Self.endpoint($0, death: death, other: other, vocabulary: vocabulary) }
            guard !endpoints.isEmpty else { throw v.error("give at least one endpoint") }
            try Self.unique(endpoints.map(\.name), v, "endpoint")
        }

        // Factors: the paper's seven with the cut-off keys, or listed (a bare name = a paper factor).
        let age = try k["age_cutoff"]?.number(in: 0...150, "an age in years") ?? 50
        let afp = try k["afp_cutoff"]?.number(in: 0...1e9, "a value ≥ 0") ?? 200
        let pivka = try k["pivka_cutoff"]?.number(in: 0...1e9, "a value ≥ 0") ?? 60
        if preset != nil {
            factors = PaperFactors.names.map { PaperFactors.definition($0, age: age, afp: afp, pivka: pivka)! }
        }
        if let v = k["factors"] {
            factors = try v.list().map { node in
                if !node.isMapping {
                    let name = try node.string()
                    guard let f = PaperFactors.definition(name, age: age, afp: afp, pivka: pivka) else {
                        throw node.error(
                            """
                            \"\(PlanNode.clip(name))\" is not one of the paper's factors \
                            (\(PaperFactors.names.joined(separator: ", "))); define it as a mapping with name, \
                            variable and cut_points/groups
                            """)
                    }
                    return f
                }
                return try Self.factor(node)
            }
            try Self.unique(factors.map(\.name), v, "factor")
        }
        if let v = k["patterns_by"] { patternsBy = try v.string() }
        if let v = k["analyses"] {
            analyses = try v.list().map(Self.analysis)
        } else if preset != nil {
            analyses = Self.paperAnalyses(
                factors: factors.map(\.name), competingRisksModels: death == .censor, vocabulary: vocabulary)
        } else {
            // Without a preset: every factor univariate for every endpoint, no model unless asked.
            analyses = endpoints.map { Analysis(endpoint: $0.name, univariate: factors.map(\.name)) }
        }
        // A plan that changes what the paper analysed is no longer the paper's preset for citations.
        if preset != nil {
            let paperFactors = PaperFactors.names.map { PaperFactors.definition($0, age: age, afp: afp, pivka: pivka)! }
            if factors != paperFactors || vocabulary != .paper
                || endpoints != EndpointDefinition.paper(death: death, otherFailures: other)
                || analyses != Self.paperAnalyses(factors: PaperFactors.names, competingRisksModels: death == .censor)
                || patternsBy != "history"
            {
                preset = "paper-modified"
            }
        }
        try validate(root)
    }

    static let classificationKeys = ["rule", "in_field_above_percent", "marginal_from_percent", "high_dose_fraction",
                                     "centroid_marginal_dose_fraction", "assign_failure_types"]

    static func classification(_ node: PlanNode) throws -> FailureClassificationPlan {
        let k = try node.keyed(known: classificationKeys)
        guard let r = k["rule"] else {
            throw node.error(
                "classification needs a rule (\(DosimetricRule.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var c = FailureClassificationPlan(
            rule: DosimetricRule(rawValue: try r.choice(DosimetricRule.allCases.map(\.rawValue)))!)
        if let v = k["in_field_above_percent"] {
            c.thresholds.inFieldAbovePercent = try v.number(in: 0...100, "a percentage between 0 and 100")
        }
        if let v = k["marginal_from_percent"] {
            c.thresholds.marginalFromPercent = try v.number(in: 0...100, "a percentage between 0 and 100")
        }
        if let v = k["high_dose_fraction"] {
            c.thresholds.highDoseFraction = try v.number(
                in: 0.01...2, "a fraction of the prescription between 0.01 and 2")
        }
        if let v = k["centroid_marginal_dose_fraction"] {
            c.thresholds.centroidMarginalDoseFraction = try v.number(
                in: 0...2, "a fraction of the prescription between 0 and 2")
        }
        if let v = k["assign_failure_types"] { c.assignFailureTypes = try v.bool() }
        guard c.thresholds.marginalFromPercent <= c.thresholds.inFieldAbovePercent else {
            throw node.error(
                """
                marginal_from_percent (\(NumberFormat.plain(c.thresholds.marginalFromPercent))) is above \
                in_field_above_percent (\(NumberFormat.plain(c.thresholds.inFieldAbovePercent)))
                """)
        }
        return c
    }

    static func unique(_ names: [String], _ node: PlanNode, _ what: String) throws {
        var seen: Set<String> = []
        for n in names where !seen.insert(n).inserted { throw node.error("\(what) \"\(n)\" is defined twice") }
    }

    static let endpointKeys = ["name", "label", "events", "death", "other_failures"]

    static func endpoint(_ node: PlanNode, death: EndpointDefinition.DeathHandling,
                         other: EndpointDefinition.OtherFailureHandling,
                         vocabulary: FailureVocabulary = .paper) throws -> EndpointDefinition {
        let k = try node.keyed(known: endpointKeys)
        guard let nameNode = k["name"] else { throw node.error("an endpoint needs a name") }
        let name = try identifier(nameNode)
        guard let eventsNode = k["events"] else {
            throw node.error("endpoint \(name) needs events (failure types, any_failure and/or death)")
        }
        var sites: [FailureSite] = [], any = false, deathEvent = false
        for e in try eventsNode.list() {
            let text = try e.string()
            switch text {
            case "death": deathEvent = true
            case "any_failure": any = true
            default:
                guard let s = vocabulary.site(named: text) else {
                    throw e.error(
                        """
                        \"\(PlanNode.clip(text))\" is not an event; use death, any_failure or a failure type of \
                        failure_types \(vocabulary.rawValue) \
                        (\(FailureSite.allCases.map(vocabulary.name).joined(separator: ", ")))
                        """)
                }
                sites.append(s)
            }
        }
        guard any || deathEvent || !sites.isEmpty else { throw eventsNode.error("give at least one event") }
        let d =
            try k["death"].map { EndpointDefinition.DeathHandling(rawValue: try $0.choice(["censor", "event"]))! }
            ?? death
        if deathEvent, let dn = k["death"], d == .censor {
            throw dn.error("death is listed among the events; it cannot also be censored")
        }
        let o =
            try k["other_failures"].map {
                EndpointDefinition.OtherFailureHandling(rawValue: try $0.choice(["ignore", "censor"]))!
            } ?? other
        return EndpointDefinition(
            name: name, label: try k["label"]?.string() ?? name, failureTypes: sites, anyFailure: any,
            deathIsEvent: deathEvent || (d == .event && (any || !sites.isEmpty)), otherFailures: o)
    }

    static let factorKeys = [
        "name", "label", "unit", "variable", "cut_points", "groups", "yes_no", "all_of", "levels", "reference",
    ]

    static func factor(_ node: PlanNode) throws -> FactorDefinition {
        let k = try node.keyed(known: factorKeys)
        guard let nameNode = k["name"] else { throw node.error("a factor needs a name") }
        let name = try identifier(nameNode)
        let rules = ["cut_points", "groups", "yes_no", "all_of"].filter { k[$0] != nil }
        guard rules.count == 1 else {
            throw node.error(
                """
                factor \(name) needs exactly one of cut_points, groups, yes_no: true or all_of (it has \
                \(rules.isEmpty ? "none" : rules.joined(separator: ", ")))
                """)
        }
        let rule: FactorDefinition.Rule
        var variable = try k["variable"]?.string() ?? name
        switch rules[0] {
        case "cut_points":
            let c = try k["cut_points"]!.numbers(in: -1e12...1e12, "a finite cut-point")
            guard !c.isEmpty, zip(c, c.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw k["cut_points"]!.error("cut-points must be one or more increasing numbers")
            }
            guard !StudyVariable.categorical.contains(variable), !StudyVariable.yesNo.contains(variable) else {
                throw k["cut_points"]!.error("\(variable) is not numeric; use groups (categorical) or yes_no")
            }
            rule = .cutPoints(c)
        case "groups":
            let g = k["groups"]!
            var groups: [FactorDefinition.LevelGroup] = []
            for (label, values) in try g.mapping(known: try g.groupKeys()) {
                groups.append(.init(label: label, values: try values.list().map { try $0.string() }))
            }
            guard groups.count >= 2 else { throw g.error("give at least two groups (level: [values])") }
            rule = .groups(groups)
        case "yes_no":
            guard try k["yes_no"]!.bool() else {
                throw k["yes_no"]!.error("write yes_no: true, or use cut_points or groups")
            }
            rule = .yesNo
        default:
            let names = try k["all_of"]!.list().map { try $0.string() }
            guard names.count >= 2 else { throw k["all_of"]!.error("all_of combines two or more factors") }
            rule = .allOf(names)
            variable = ""
        }
        var f = FactorDefinition(name: name, label: try k["label"]?.string() ?? name, unit: try k["unit"]?.string(),
                                 variable: variable, rule: rule)
        if let l = k["levels"] { f.levelLabels = try l.list().map { try $0.string() } }
        if let r = k["reference"] { f.reference = try r.string() }
        return f
    }

    static let analysisKeys = [
        "endpoint", "univariate", "multivariable", "figures", "subgroups", "competing_risks_models",
    ]

    static func analysis(_ node: PlanNode) throws -> Analysis {
        let k = try node.keyed(known: analysisKeys)
        guard let e = k["endpoint"] else { throw node.error("an analysis names its endpoint") }
        func names(_ key: String) throws -> [String] { try k[key]?.list().map { try $0.string() } ?? [] }
        var subgroups: [Subgroup] = []
        if let s = k["subgroups"] {
            for item in try s.list() {
                let sk = try item.keyed(known: ["factor", "within"])
                guard let f = sk["factor"], let w = sk["within"] else {
                    throw item.error("a subgroup analysis needs factor and within")
                }
                subgroups.append(Subgroup(factor: try f.string(), within: try w.string()))
            }
        }
        return Analysis(
            endpoint: try e.string(), univariate: try names("univariate"), multivariable: try names("multivariable"),
            figures: try names("figures"), subgroups: subgroups,
            competingRisksModels: try k["competing_risks_models"]?.bool() ?? false)
    }

    static func identifier(_ node: PlanNode) throws -> String {
        let s = try node.string()
        guard !s.isEmpty, s.count <= 64, s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        else {
            throw node.error("\"\(PlanNode.clip(s))\" is not a name (letters, digits and _; at most 64)")
        }
        return s
    }

    /// Cross-checks: every name an analysis uses is defined; factor variables exist; levels and references
    /// are consistent.
    func validate(_ root: PlanNode) throws {
        func fail(_ m: String) -> PlanError { PlanError(description: "\(root.source): \(m)") }
        let endpointNames = Set(endpoints.map(\.name)), factorNames = Set(factors.map(\.name))
        for f in factors {
            if case .allOf(let names) = f.rule {
                for n in names {
                    guard let c = factor(named: n) else {
                        throw fail("factor \(f.name): all_of names \"\(n)\", which is not a factor of the plan")
                    }
                    if case .allOf = c.rule {
                        throw fail("factor \(f.name): all_of of an all_of factor (\(n)) is not supported")
                    }
                    guard resolve(c).levels.count == 2 else {
                        throw fail(
                            "factor \(f.name): all_of needs two-level factors; \(n) has \(resolve(c).levels.count)")
                    }
                }
            }
            let r = resolve(f)
            if let l = f.levelLabels, l.count != f.levels(components: []).count, !f.isAllOf {
                throw fail(
                    "factor \(f.name): \(l.count) level labels for \(f.generatedLevels(components: []).count) levels")
            }
            if let ref = f.reference, !r.levels.contains(ref) {
                throw fail(
                    """
                    factor \(f.name): reference \"\(ref)\" is not one of its levels \
                    (\(r.levels.joined(separator: ", ")))
                    """)
            }
            if Set(r.levels).count != r.levels.count { throw fail("factor \(f.name): two levels have the same label") }
        }
        var seenAnalysis: Set<String> = []
        for a in analyses {
            guard endpointNames.contains(a.endpoint) else {
                throw fail(
                    """
                    analyses: endpoint \"\(a.endpoint)\" is not defined (endpoints: \
                    \(endpoints.map(\.name).joined(separator: ", ")))
                    """)
            }
            guard seenAnalysis.insert(a.endpoint).inserted else {
                throw fail("analyses: endpoint \(a.endpoint) has two entries; merge them")
            }
            for n in a.univariate + a.multivariable + a.figures + a.subgroups.flatMap({ [$0.factor, $0.within] })
            where !factorNames.contains(n) {
                throw fail(
                    """
                    analyses (\(a.endpoint)): factor \"\(n)\" is not defined (factors: \
                    \(factors.map(\.name).joined(separator: ", ")))
                    """)
            }
            for (list, what) in [
                (a.univariate, "univariate"), (a.multivariable, "multivariable"), (a.figures, "figures"),
            ] {
                var s: Set<String> = []
                for n in list where !s.insert(n).inserted {
                    throw fail("analyses (\(a.endpoint)): \(what) lists \(n) twice")
                }
            }
            if a.competingRisksModels, let e = endpoint(named: a.endpoint), !e.hasFailureEvents || e.deathIsEvent {
                throw fail(
                    """
                    analyses (\(a.endpoint)): competing_risks_models needs a failure endpoint where death is not an \
                    event
                    """)
            }
        }
        if let p = patternsBy, !factorNames.contains(p) { throw fail("patterns_by: factor \"\(p)\" is not defined") }
        if let c = classification, c.assignFailureTypes {
            guard failureVocabulary == .fieldRelation else {
                throw fail(
                    """
                    classification: assign_failure_types needs failure_types: in_field_marginal_out_of_field (the \
                    rule's categories)
                    """)
            }
            guard c.rule.assignsFieldRelation else {
                throw fail(
                    """
                    classification: assign_failure_types needs a rule with in-field / marginal / out-of-field \
                    categories (volume_in_isodose or centroid), not \(c.rule.rawValue)
                    """)
            }
        }
        if ResponseCriteria(rawValue: responseCriteria) == nil {
            throw fail("response_criteria must be mRECIST or RECIST 1.1")
        }
    }
}

extension FactorDefinition {
    var isAllOf: Bool { if case .allOf = rule { return true } else { return false } }
}

extension PlanNode {
    /// Keys of a `groups` mapping are level labels: any text is allowed.
    func groupKeys() throws -> [String] {
        guard case .mapping(let m) = node else {
            throw error("groups is a mapping of level label to values, e.g. {A: [A], B–C: [B, C]}")
        }
        return m.compactMap { if case .scalar(let s) = $0.key { return s.string } else { return nil } }
    }
}

// MARK: - Writing

extension StudyPlan {
    /// The plan as YAML: every key with its value, plain decimals, and comments.
    public var yaml: String {
        var w = PlanYAMLWriter()
        w.comment("Study plan written by pof; rerun with `pof report --plan plan.yaml` to reproduce the report.")
        w.key(0, "preset", preset == nil ? "none" : "paper")
        w.key(0, "title", PlanYAMLWriter.scalar(title))
        w.key(0, "origin", origin.rawValue)
        w.key(0, "time_unit", timeUnit.rawValue)
        w.key(0, "landmark_months", number: landmarkMonths)
        w.key(0, "toxicity_window_months", number: toxicityWindowMonths)
        w.key(0, "response_months", number: responseMonths)
        w.key(0, "response_window_months", number: responseWindowMonths)
        w.key(0, "response_criteria", PlanYAMLWriter.scalar(responseCriteria))
        w.key(0, "ctcae_version", PlanYAMLWriter.scalar(ctcaeVersion.rawValue))
        w.key(0, "alpha_beta", number: alphaBeta)
        w.key(0, "alpha", number: alpha)
        w.key(0, "cox_penalty", coxPenalty.rawValue)
        w.key(0, "rate_times", numbers: rateTimes)
        w.key(0, "risk_table_times", numbers: riskTableTimes)
        if let patternsBy { w.key(0, "patterns_by", patternsBy) }
        w.key(0, "failure_types", failureVocabulary.rawValue)
        if let c = classification {
            w.line(0, "classification:")
            w.key(1, "rule", c.rule.rawValue)
            w.key(1, "in_field_above_percent", number: c.thresholds.inFieldAbovePercent)
            w.key(1, "marginal_from_percent", number: c.thresholds.marginalFromPercent)
            w.key(1, "high_dose_fraction", number: c.thresholds.highDoseFraction)
            w.key(1, "centroid_marginal_dose_fraction", number: c.thresholds.centroidMarginalDoseFraction)
            w.key(1, "assign_failure_types", c.assignFailureTypes ? "true" : "false")
        }
        w.line(0, "endpoints:")
        for e in endpoints {
            w.line(1, "- name: \(e.name)")
            w.key(2, "label", PlanYAMLWriter.scalar(e.label))
            w.key(2, "events", list: e.eventNames(failureVocabulary))
            if e.hasFailureEvents {
                if !e.eventNames().contains("death") { w.key(2, "death", "censor") }
                w.key(2, "other_failures", e.otherFailures.rawValue)
            }
        }
        w.line(0, factors.isEmpty ? "factors: []" : "factors:")
        for f in factors {
            w.line(1, "- name: \(f.name)")
            w.key(2, "label", PlanYAMLWriter.scalar(f.label))
            if let u = f.unit { w.key(2, "unit", PlanYAMLWriter.scalar(u)) }
            if !f.variable.isEmpty { w.key(2, "variable", f.variable) }
            switch f.rule {
            case .cutPoints(let c): w.key(2, "cut_points", numbers: c)
            case .yesNo: w.key(2, "yes_no", "true")
            case .allOf(let n): w.key(2, "all_of", list: n)
            case .groups(let g):
                w.line(2, "groups:")
                for x in g {
                    w.key(
                        3, PlanYAMLWriter.scalar(x.label),
                        "[" + x.values.map(PlanYAMLWriter.scalar).joined(separator: ", ") + "]")
                }
            }
            if let l = f.levelLabels { w.key(2, "levels", list: l) }
            if let r = f.reference { w.key(2, "reference", PlanYAMLWriter.scalar(r)) }
        }
        w.line(0, analyses.isEmpty ? "analyses: []" : "analyses:")
        for a in analyses {
            w.line(1, "- endpoint: \(a.endpoint)")
            w.key(2, "univariate", list: a.univariate)
            w.key(2, "multivariable", list: a.multivariable)
            w.key(2, "figures", list: a.figures)
            if !a.subgroups.isEmpty {
                w.line(2, "subgroups:")
                for s in a.subgroups { w.line(3, "- {factor: \(s.factor), within: \(s.within)}") }
            }
            if a.competingRisksModels { w.key(2, "competing_risks_models", "true") }
        }
        return w.text
    }
}
