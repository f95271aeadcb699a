import Foundation
import Oncology
import Survival

/// Runs the patterns-of-failure study on a validated cohort: derivations, then every table and figure
/// of the paper, returned as ``StudyResults``.
///
/// ```swift
/// let reading = CohortReader.read(files)
/// let results = StudyAnalysis(cohort: reading.cohort!, plan: StudyPlan()).run()
/// results.patterns.landmark.patientsWithFailure   // 47 on the demo cohort
/// ```
public struct StudyAnalysis {
    public let cohort: Cohort
    public let plan: StudyPlan
    public var synthetic = false
    public var generatedAt = ISO8601DateFormatter().string(from: Date())
    public var toolVersion = "0.1.0"
    public var warnings: [String] = []

    public init(cohort: Cohort, plan: StudyPlan) {
        self.cohort = cohort
        self.plan = plan
    }

    /// Derived per-patient values.
    struct Derived {
        var patient: Patient
        var history: FailureHistory
        var stage: MUICCStage?
        var childPugh: ChildPughClass?
        var observations: [Endpoint: EndpointObservation]
        var factors: [RiskFactor.Kind: Bool?]
        var toxicity: [String: Int]
        var response: ResponseCategory?
        var bestResponse: ResponseCategory?
    }

    public func run() -> StudyResults {
        var warnings = self.warnings
        var exclusions: [ExclusionCount] = []
        let (derived, disagreements, toxProblems) = derive()
        if !disagreements.isEmpty {
            warnings.append("\(disagreements.count) patient(s) have a recorded 3-month response that differs from the one computed from lesions.csv; the computed one is used")
        }
        let criteria = ResponseCriteria(rawValue: plan.responseCriteria) ?? .mRECIST
        let factorDefs = plan.factors.map { RiskFactor(kind: $0, plan: plan) }
        return assemble(derived, disagreements: disagreements, toxProblems: toxProblems, criteria: criteria,
                        factorDefs: factorDefs, warnings: &warnings, exclusions: &exclusions)
    }

    /// Per-patient derivations (endpoints, patterns, factors, toxicity, response).
    func derive() -> (derived: [Derived], disagreements: [String], toxProblems: [String]) {
        let failuresByPatient = Dictionary(grouping: cohort.failures, by: \.patientID)
        let labsByPatient = Dictionary(grouping: cohort.labs, by: \.patientID)
        let toxByPatient = Dictionary(grouping: cohort.toxicities, by: \.patientID)
        let lesionsByPatient = Dictionary(grouping: cohort.lesions, by: \.patientID)
        let factorDefs = plan.factors.map { RiskFactor(kind: $0, plan: plan) }
        let criteria = ResponseCriteria(rawValue: plan.responseCriteria) ?? .mRECIST
        var toxProblems: [String] = []
        var disagreements: [String] = []
        let derived: [Derived] = cohort.patients.map { p in
            let origin = Derive.origin(p, plan: plan)
            let h = FailureHistory(failures: failuresByPatient[p.id] ?? [], origin: origin, landmarkDays: plan.landmarkDays)
            let stage = Derive.stage(p)
            var obs: [Endpoint: EndpointObservation] = [:]
            for e in Endpoint.allCases { obs[e] = e.observation(for: p, history: h, plan: plan) }
            var f: [RiskFactor.Kind: Bool?] = [:]
            for d in factorDefs { f[d.kind] = d.isPresent(in: p, stage: stage) }
            let tox = ToxicityGrading.worstGrades(patient: p, labs: labsByPatient[p.id] ?? [], recorded: toxByPatient[p.id] ?? [], plan: plan)
            toxProblems += tox.problems
            var response = p.response3Months
            var best: ResponseCategory? = nil
            if let lesions = lesionsByPatient[p.id], !lesions.isEmpty {
                let seq = ResponseDerivation.responses(lesions: lesions, rtStart: p.rtStart, criteria: criteria)
                let target = origin + Int((plan.responseMonths * 30.4375).rounded())
                let window = plan.responseWindowMonths * 30.4375
                let atLandmark = seq.filter { abs(Double($0.date - target)) <= window }
                    .min { abs($0.date - target) < abs($1.date - target) }?.response
                if let derivedResponse = atLandmark {
                    if let recorded = p.response3Months, recorded != derivedResponse {
                        disagreements.append("\(p.id): recorded \(recorded.rawValue), from lesions \(derivedResponse.rawValue)")
                    }
                    response = derivedResponse
                }
                if !seq.isEmpty { best = ResponseAssessment.bestOverallResponse(seq.map(\.response)) }
            }
            return Derived(patient: p, history: h, stage: stage, childPugh: Derive.childPugh(p), observations: obs,
                           factors: f, toxicity: tox.grades, response: response, bestResponse: best ?? response)
        }
        return (derived, disagreements, toxProblems)
    }

    func assemble(_ derived: [Derived], disagreements: [String], toxProblems: [String], criteria: ResponseCriteria,
                  factorDefs: [RiskFactor], warnings: inout [String], exclusions: inout [ExclusionCount]) -> StudyResults {
        let n = derived.count
        let unitName = plan.timeUnit.rawValue

        // Cohort counts and follow-up
        let dead = derived.filter { $0.patient.vitalStatus == .dead }.count
        let alive = derived.filter { $0.patient.vitalStatus == .alive }.count
        let os = derived.map { $0.observations[.overallSurvival]! }
        let followTimes = os.map(\.time)
        let survivorTimes = zip(derived, os).filter { $0.0.patient.vitalStatus == .alive }.map { $0.1.time }
        let reverse = (try? KaplanMeier.reverse(time: followTimes, event: os.map(\.event)))?.median
        let followUp = FollowUp(medianAll: Self.median(followTimes), minAll: followTimes.min() ?? .nan,
                                maxAll: followTimes.max() ?? .nan,
                                medianSurvivors: Self.median(survivorTimes),
                                minSurvivors: survivorTimes.min() ?? .nan, maxSurvivors: survivorTimes.max() ?? .nan,
                                reverseKM: reverse?.estimate ?? .nan, reverseKMLower: reverse?.lower ?? .nan,
                                reverseKMUpper: reverse?.upper ?? .nan,
                                unit: unitName)
        let deathsEarly = derived.filter { d in
            d.patient.vitalStatus == .dead && Double((d.patient.deathDate ?? d.patient.lastFollowUp) - Derive.origin(d.patient, plan: plan)) <= plan.landmarkDays
        }.count
        let counts = CohortCounts(patients: n, dead: dead, alive: alive, unknown: n - dead - alive,
                                  withAnyFailure: derived.filter { !$0.history.everPattern.isEmpty }.count,
                                  deathsWithinLandmark: deathsEarly)

        // Table 1
        let table1 = Self.table1(derived, plan: plan, factorDefs: factorDefs)

        // Response
        let order: [ResponseCategory] = [.completeResponse, .partialResponse, .stableDisease, .progressiveDisease, .notEvaluable]
        func responseCounts(_ values: [ResponseCategory?]) -> [CategoryCount] {
            order.compactMap { c in
                let k = values.filter { $0 == c }.count
                return (k == 0 && c == .notEvaluable) ? nil : CategoryCount(category: c.label, n: k, denominator: n)
            } + (values.contains(where: { $0 == nil }) ? [CategoryCount(category: "Not available", n: values.filter { $0 == nil }.count, denominator: n)] : [])
        }
        let response = ResponseSummary(source: cohort.lesions.isEmpty ? "recorded (response_3m)" : "lesion measurements (\(criteria.rawValue)), recorded value where no scan",
                                       atLandmark: responseCounts(derived.map(\.response)),
                                       best: responseCounts(derived.map(\.bestResponse)), disagreements: disagreements)

        // Patterns
        let patterns = Self.patterns(derived, plan: plan, n: n)

        // Survival per endpoint
        var survival: [EndpointSurvival] = []
        for e in Endpoint.allCases {
            let o = derived.map { $0.observations[e]! }
            guard let fit = try? KaplanMeier(time: o.map(\.time), event: o.map(\.event)) else { continue }
            let med = fit.median
            var censoring: [String: Int] = [:]
            for x in o { censoring[x.event ? "event: \(x.reason)" : "censored: \(x.reason)", default: 0] += 1 }
            survival.append(EndpointSurvival(
                endpoint: e, label: e.label, n: n, events: o.filter(\.event).count,
                median: med.estimate ?? .nan, medianLower: med.lower ?? .nan, medianUpper: med.upper ?? .nan,
                rates: fit.estimates(at: plan.rateTimes).map { RateAtTime(time: $0.time, estimate: $0.survival, lower: $0.lower, upper: $0.upper) },
                curve: Self.curve(fit, label: e.label, o: o, plan: plan),
                censoring: censoring.keys.sorted().map { CategoryCount(category: $0, n: censoring[$0]!, denominator: n) }))
        }

        // Univariate (log-rank) and multivariate (Cox) per endpoint
        let analysed: [Endpoint] = Endpoint.failureSpecific + [.overallSurvival]
        let rateTime = plan.rateTimes.last!
        var univariate: [UnivariateResult] = []
        var multivariate: [MultivariateResult] = []
        var significant: [FactorCurves] = []
        for e in analysed {
            for f in factorDefs {
                let rows = derived.indices.filter { derived[$0].factors[f.kind]! != nil }
                let missing = n - rows.count
                let o = rows.map { derived[$0].observations[e]! }
                let g = rows.map { derived[$0].factors[f.kind]!! ? 1 : 0 }
                guard Set(g).count == 2 else {
                    warnings.append("\(e.label): \(f.label) has a single level among patients with data; not tested")
                    continue
                }
                guard let test = try? LogRankTest(time: o.map(\.time), event: o.map(\.event), group: g, groupCount: 2) else { continue }
                var levels: [LevelSummary] = []
                var curves: [Curve] = []
                for level in f.displayOrder {
                    let idx = g.indices.filter { g[$0] == level }
                    guard let fit = try? KaplanMeier(time: idx.map { o[$0].time }, event: idx.map { o[$0].event }) else { continue }
                    let r = fit.estimates(at: [rateTime])[0]
                    levels.append(LevelSummary(level: f.levels[level], n: idx.count, events: idx.filter { o[$0].event }.count,
                                               rate: r.survival, rateLower: r.lower, rateUpper: r.upper, median: fit.median.estimate ?? .nan))
                    curves.append(Self.curve(fit, label: f.levels[level], o: idx.map { o[$0] }, plan: plan))
                }
                univariate.append(UnivariateResult(endpoint: e, factor: f.kind, label: f.label, levels: levels,
                                                   rateTime: rateTime, chisq: test.chiSquare, p: test.pValue, missing: missing))
                if missing > 0 {
                    exclusions.append(ExclusionCount(analysis: "\(e.label), \(f.label)", reason: "factor not available", n: missing))
                }
                if test.pValue < plan.alpha {
                    significant.append(FactorCurves(endpoint: e, factor: f.kind, label: f.label, p: test.pValue, curves: curves))
                }
            }
            if let m = Self.multivariate(e, derived: derived, factors: factorDefs, plan: plan, exclusions: &exclusions) {
                multivariate.append(m)
                warnings += m.warnings.map { "\(e.label) (Cox): \($0)" }
            }
        }

        // Subgroups: primary vs recurrence treatment group
        var subgroups: [SubgroupResult] = []
        let hist = RiskFactor(kind: .history, plan: plan)
        for e in analysed {
            let g = derived.map { $0.patient.priorTreatments.isEmpty ? 0 : 1 }
            guard Set(g).count == 2 else { break }
            let o = derived.map { $0.observations[e]! }
            guard let test = try? LogRankTest(time: o.map(\.time), event: o.map(\.event), group: g, groupCount: 2) else { continue }
            let groups = [0, 1].compactMap { level -> LevelSummary? in
                let idx = g.indices.filter { g[$0] == level }
                guard let fit = try? KaplanMeier(time: idx.map { o[$0].time }, event: idx.map { o[$0].event }) else { return nil }
                let r = fit.estimates(at: [rateTime])[0]
                return LevelSummary(level: hist.levels[level], n: idx.count, events: idx.filter { o[$0].event }.count,
                                    rate: r.survival, rateLower: r.lower, rateUpper: r.upper, median: fit.median.estimate ?? .nan)
            }
            let pats = [0, 1].map { level in
                Self.patternCounts(derived.indices.filter { g[$0] == level }.map { derived[$0].history.landmarkPattern },
                                   window: "\(hist.levels[level]), within \(RiskFactor.number(plan.landmarkMonths)) months")
            }
            subgroups.append(SubgroupResult(endpoint: e, groups: groups, p: test.pValue, landmarkPatterns: pats))
        }

        // Toxicity (Table 4)
        let terms = Self.toxicityTerms(derived)
        let toxicity = ToxicitySummary(
            ctcaeVersion: plan.ctcaeVersion.rawValue,
            window: "RT start to \(RiskFactor.number(plan.toxicityWindowMonths)) months after RT end",
            rows: terms.map { t in
                let g = derived.map { $0.toxicity[t] ?? 0 }
                return ToxicityRow(term: t, grade3: g.filter { $0 == 3 }.count, grade4: g.filter { $0 == 4 }.count,
                                   grade5: g.filter { $0 == 5 }.count, denominator: n)
            },
            source: [cohort.labs.isEmpty ? nil : "labs.csv graded by CTCAE \(plan.ctcaeVersion.rawValue)",
                     cohort.toxicities.isEmpty ? nil : "toxicities.csv as recorded"].compactMap { $0 }.joined(separator: "; "),
            problems: toxProblems)
        if !toxProblems.isEmpty { warnings.append("\(toxProblems.count) laboratory value(s) could not be graded (see the toxicity section)") }

        let competing = Self.competingRisks(derived, factors: factorDefs, plan: plan)

        return StudyResults(
            provenance: Provenance(tool: "pof", version: toolVersion, generatedAt: generatedAt, plan: plan,
                                   inputs: cohort.inputs, synthetic: synthetic,
                                   note: synthetic ? "Synthetic demo cohort generated by `pof simulate`, calibrated to the published summaries; not patient data." : nil),
            cohort: counts, followUp: followUp, table1: table1, response: response, patterns: patterns,
            survival: survival, univariate: univariate, multivariate: multivariate, significantFactors: significant,
            subgroups: subgroups, toxicity: toxicity, competingRisks: competing, warnings: warnings, exclusions: exclusions)
    }

    // MARK: - Pieces

    static func median(_ x: [Double]) -> Double {
        let s = x.sorted()
        guard !s.isEmpty else { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func curve(_ fit: KaplanMeier, label: String, o: [EndpointObservation], plan: StudyPlan) -> Curve {
        Curve(label: label, time: fit.time, value: fit.survival, lower: fit.lower, upper: fit.upper,
              censorTimes: o.filter { !$0.event }.map(\.time).sorted(),
              riskTimes: plan.riskTableTimes, atRisk: fit.numberAtRisk(at: plan.riskTableTimes))
    }

    static func table1(_ d: [Derived], plan: StudyPlan, factorDefs: [RiskFactor]) -> [CharacteristicRow] {
        let n = d.count
        var rows: [CharacteristicRow] = []
        func count(_ section: String, _ label: String, _ k: Int, of denominator: Int? = nil) {
            rows.append(CharacteristicRow(section: section, label: label, n: k, denominator: denominator ?? n))
        }
        func medianRow(_ section: String, _ label: String, _ values: [Double], unit: String) {
            guard !values.isEmpty else { return }
            rows.append(CharacteristicRow(section: section, label: label, median: median(values), min: values.min(),
                                          max: values.max(), unit: unit))
        }
        let ages = d.map(\.patient.age)
        medianRow("Age", "Age (median, years)", ages, unit: "years")
        let a = RiskFactor.number(plan.ageCutoff)
        count("Age", "< \(a)", ages.filter { $0 < plan.ageCutoff }.count)
        count("Age", "≥ \(a)", ages.filter { $0 >= plan.ageCutoff }.count)
        count("Gender", "Male", d.filter { $0.patient.sex == .male }.count)
        count("Gender", "Female", d.filter { $0.patient.sex == .female }.count)
        let viralKnown = d.filter { $0.patient.viral != nil }.count
        for (v, label) in [(ViralEtiology.hbv, "B"), (.hcv, "C"), (.both, "B and C"), (.neither, "non-B, non-C")] {
            let k = d.filter { $0.patient.viral == v }.count
            if k > 0 || v != .both { count("Viral type", label, k, of: viralKnown) }
        }
        let cpKnown = d.filter { $0.childPugh != nil }.count
        for c in ChildPughClass.allCases {
            let k = d.filter { $0.childPugh == c }.count
            if k > 0 || c != .c { count("Child-Pugh class", c.rawValue, k, of: cpKnown) }
        }
        let albi = d.compactMap { Derive.albi($0.patient) }
        if !albi.isEmpty {
            for g in ALBIGrade.allCases {
                count("ALBI grade", "Grade \(g.rawValue)", albi.filter { $0.grade == g }.count, of: albi.count)
            }
        }
        medianRow("ICG R15", "ICG R15 (median, %)", d.compactMap(\.patient.icgR15), unit: "%")
        let staged = d.filter { $0.stage != nil }
        for s in MUICCStage.allCases {
            let group = staged.filter { $0.stage == s }
            guard !group.isEmpty else { continue }
            let labels = Set(group.compactMap { Derive.tnm($0.patient) }).sorted()
            for l in labels { count("Modified UICC stage \(s.rawValue)", l, group.filter { Derive.tnm($0.patient) == l }.count, of: staged.count) }
        }
        count("Portal vein thrombosis", "No", d.filter { !$0.patient.portalVeinThrombosis }.count)
        count("Portal vein thrombosis", "Yes", d.filter { $0.patient.portalVeinThrombosis }.count)
        let nKnown = d.filter { $0.patient.nodePositive != nil }
        count("Lymph node metastasis", "No", nKnown.filter { $0.patient.nodePositive == false }.count, of: nKnown.count)
        count("Lymph node metastasis", "Yes", nKnown.filter { $0.patient.nodePositive == true }.count, of: nKnown.count)
        let afp = d.compactMap(\.patient.afp)
        medianRow("Pre-CCRT AFP", "AFP (median, IU/ml)", afp, unit: "IU/ml")
        let f = RiskFactor.number(plan.afpCutoff), pv = RiskFactor.number(plan.pivkaCutoff)
        count("Pre-CCRT AFP", "< \(f)", afp.filter { $0 < plan.afpCutoff }.count, of: afp.count)
        count("Pre-CCRT AFP", "≥ \(f)", afp.filter { $0 >= plan.afpCutoff }.count, of: afp.count)
        let pivka = d.compactMap(\.patient.pivka)
        medianRow("Pre-CCRT PIVKA-II", "PIVKA-II (median, mAU/ml)", pivka, unit: "mAU/ml")
        count("Pre-CCRT PIVKA-II", "< \(pv)", pivka.filter { $0 < plan.pivkaCutoff }.count, of: pivka.count)
        count("Pre-CCRT PIVKA-II", "≥ \(pv)", pivka.filter { $0 >= plan.pivkaCutoff }.count, of: pivka.count)
        let treated = d.filter { !$0.patient.priorTreatments.isEmpty }
        count("Pre-CCRT treatment history", "No (primary treatment group)", n - treated.count)
        count("Pre-CCRT treatment history", "Yes (recurrence treatment group)", treated.count)
        var combos: [String: Int] = [:]
        for t in treated { combos[t.patient.priorTreatments.joined(separator: ", "), default: 0] += 1 }
        for (k, v) in combos.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            count("Contents of pre-CCRT treatment", k, v, of: treated.count)
        }
        var techniques: [String: Int] = [:]
        for t in d { techniques[t.patient.rtTechnique ?? "not recorded", default: 0] += 1 }
        for (k, v) in techniques.sorted(by: { $0.value > $1.value }) { count("Radiotherapy technique", k, v) }
        medianRow("Dose", "Total dose (median, Gy)", d.map(\.patient.totalDoseGy), unit: "Gy")
        medianRow("Dose", "Dose/fraction (median, Gy)", d.map { Derive.dosePerFraction($0.patient) }, unit: "Gy")
        medianRow("Dose", "BED\(RiskFactor.number(plan.alphaBeta)) (median, Gy)", d.map { Derive.bed($0.patient, alphaBeta: plan.alphaBeta) }, unit: "Gy")
        medianRow("Body-surface area", "BSA, Mosteller (median, m²)", d.compactMap { Derive.bsa($0.patient) }, unit: "m²")
        medianRow("Dose", "EQD2 (median, Gy)", d.map { Derive.eqd2($0.patient, alphaBeta: plan.alphaBeta) }, unit: "Gy")
        let both = d.filter { $0.factors[.markers] != nil && $0.factors[.markers]! != nil }
        if !both.isEmpty {
            count("Pre-CCRT AFP & PIVKA-II", "≥ \(f) & ≥ \(pv)", both.filter { $0.factors[.markers]!! }.count, of: both.count)
            count("Pre-CCRT AFP & PIVKA-II", "< \(f) &/or < \(pv)", both.filter { !$0.factors[.markers]!! }.count, of: both.count)
        }
        return rows
    }

    static func patternCounts(_ patterns: [FailurePattern], window: String) -> PatternCounts {
        let n = patterns.count
        let failed = patterns.filter { !$0.isEmpty }.count
        let sites = FailureSite.allCases.map { s -> SiteCount in
            let with = patterns.filter { $0.includes(s) }
            return SiteCount(site: s.rawValue, n: with.count, percent: n > 0 ? Double(with.count) / Double(n) * 100 : .nan,
                             combined: with.filter { $0.sites.count > 1 }.count)
        }
        let exclusive = FailurePattern.allPatterns.map { p in
            CategoryCount(category: p.label, n: patterns.filter { $0 == p }.count, denominator: n)
        }
        return PatternCounts(window: window, patientsWithFailure: failed,
                             percent: n > 0 ? Double(failed) / Double(n) * 100 : .nan, sites: sites, exclusive: exclusive)
    }

    static func patterns(_ d: [Derived], plan: StudyPlan, n: Int) -> PatternSummary {
        let landmark = patternCounts(d.map(\.history.landmarkPattern),
                                     window: "within \(RiskFactor.number(plan.landmarkMonths)) months after \(plan.origin == .rtEnd ? "RT end" : "RT start")")
        let overall = patternCounts(d.map(\.history.everPattern), window: "whole follow-up")
        let first = FailurePattern.allPatterns.map { p in
            CategoryCount(category: p.label, n: d.filter { $0.history.firstPattern == p }.count, denominator: n)
        }
        var organs: [String: Int] = [:]
        for x in d { for o in x.history.extrahepaticOrgans { organs[o, default: 0] += 1 } }
        let withE = d.filter { $0.history.everPattern.includes(.extrahepatic) }.count
        let ranked = organs.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { CategoryCount(category: $0.key, n: $0.value, denominator: withE) }
        return PatternSummary(landmark: landmark, overall: overall, firstFailure: first, extrahepaticOrgans: ranked)
    }

    static func toxicityTerms(_ d: [Derived]) -> [String] {
        let labOrder = CTCAELabTerm.allCases.map(\.rawValue)
        let all = Set(d.flatMap { $0.toxicity.keys })
        return labOrder.filter(all.contains) + all.subtracting(labOrder).sorted()
    }

    static func multivariate(_ e: Endpoint, derived: [Derived], factors: [RiskFactor], plan: StudyPlan,
                             exclusions: inout [ExclusionCount]) -> MultivariateResult? {
        let rows = derived.indices.filter { i in factors.allSatisfy { derived[i].factors[$0.kind]! != nil } }
        if rows.count < derived.count {
            exclusions.append(ExclusionCount(analysis: "\(e.label), multivariate Cox", reason: "a factor not available",
                                             n: derived.count - rows.count))
        }
        let o = rows.map { derived[$0].observations[e]! }
        let columns = factors.map { f in rows.map { derived[$0].factors[f.kind]!! ? 1.0 : 0.0 } }
        guard o.contains(where: \.event), let model = try? CoxModel(time: o.map(\.time), event: o.map(\.event), covariates: columns)
        else { return nil }
        let (lo, hi) = model.hazardRatioInterval()
        let p = model.pValues
        let terms = factors.indices.map { k in
            HazardRatio(factor: factors[k].kind, label: factors[k].label, level: factors[k].levels[1],
                        coef: model.coefficients[k], hr: model.hazardRatios[k], lower: lo[k], upper: hi[k], p: p[k])
        }
        // R numbers the variables; name them
        var warnings = model.warnings.map { w -> String in
            guard w.hasPrefix("Loglik converged before variable"), let semi = w.firstIndex(of: ";") else { return w }
            let numbers = w[w.index(w.startIndex, offsetBy: 32)..<semi].split(separator: ",")
                .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            let names = numbers.filter { $0 >= 1 && $0 <= factors.count }.map { "\($0) = \(factors[$0 - 1].label)" }
            return w.trimmingCharacters(in: .whitespaces) + " (" + names.joined(separator: ", ") + ")"
        }
        for a in model.aliased { warnings.append("\(factors[a].label) is collinear with other factors; not estimable") }
        let epv = Double(model.events) / Double(max(1, factors.count - model.aliased.count))
        if epv < 10 {
            warnings.append("\(model.events) events for \(factors.count - model.aliased.count) coefficients: \(NumberText.one(epv)) events per variable (< 10); estimates may be unstable")
        }
        var ph: [PHTest] = []
        if model.events >= 2 {
            let z = ProportionalHazardsTest(model: model)
            ph = z.terms.map { PHTest(term: factors[$0.columns[0]].label, chisq: $0.chiSquare, df: $0.degreesOfFreedom, p: $0.pValue) }
            ph.append(PHTest(term: "Global", chisq: z.global.chiSquare, df: z.global.degreesOfFreedom, p: z.global.pValue))
            if z.global.pValue < plan.alpha {
                warnings.append("proportional-hazards assumption questionable (global test p = \(NumberText.p(z.global.pValue)))")
            }
        }
        return MultivariateResult(endpoint: e, n: rows.count, events: model.events, terms: terms, eventsPerVariable: epv,
                                  concordance: model.concordance.estimate, likelihoodRatioP: model.tests.likelihoodRatio.pValue,
                                  proportionalHazards: ph, warnings: warnings)
    }

    /// Cumulative incidence for each failure type (competing: death without that failure), beside 1 − KM;
    /// Gray's test per factor; Fine–Gray and cause-specific Cox for infield and extrahepatic failure.
    static func competingRisks(_ d: [Derived], factors: [RiskFactor], plan: StudyPlan) -> [CompetingRiskResult] {
        var out: [CompetingRiskResult] = []
        for e in Endpoint.failureSpecific {
            // cause 1 = this failure type, 2 = death without it, 0 = censored
            let o = d.map { $0.observations[e]! }
            let cause: [Int] = zip(d, o).map { x, obs in
                if obs.event { return 1 }
                return obs.reason == "death" || obs.reason == "other failure (censored)" ? 2 : 0
            }
            let time = o.map(\.time)
            guard let cif = try? CumulativeIncidence(time: time, cause: cause) else { continue }
            guard let c1 = cif.curve(cause: 1) else { continue }
            guard let km = try? KaplanMeier(time: time, event: o.map(\.event)) else { continue }
            let incidence = c1.estimates(at: plan.rateTimes).map { RateAtTime(time: $0.time, estimate: $0.estimate, lower: $0.lower, upper: $0.upper) }
            let oneMinus = km.estimates(at: plan.rateTimes).map { RateAtTime(time: $0.time, estimate: 1 - $0.survival, lower: 1 - $0.upper, upper: 1 - $0.lower) }
            let curve = Curve(label: "Cumulative incidence", time: c1.time, value: c1.estimate, lower: c1.limits.lower,
                              upper: c1.limits.upper, censorTimes: [], riskTimes: plan.riskTableTimes,
                              atRisk: km.numberAtRisk(at: plan.riskTableTimes))
            var gray: [GrayTestResult] = []
            for f in factors {
                let rows = d.indices.filter { d[$0].factors[f.kind]! != nil }
                let g = rows.map { d[$0].factors[f.kind]!! ? 1 : 0 }
                guard Set(g).count == 2 else { continue }
                if let t = try? CumulativeIncidence(time: rows.map { time[$0] }, cause: rows.map { cause[$0] }, group: g),
                   let test = t.test(cause: 1) {
                    gray.append(GrayTestResult(factor: f.kind, label: f.label, statistic: test.statistic, p: test.pValue))
                }
            }
            var fg: [HazardRatio] = [], cs: [HazardRatio] = []
            if e == .infield || e == .extrahepatic {
                let rows = d.indices.filter { i in factors.allSatisfy { d[i].factors[$0.kind]! != nil } }
                let columns = factors.map { f in rows.map { d[$0].factors[f.kind]!! ? 1.0 : 0.0 } }
                if let m = try? FineGray(time: rows.map { time[$0] }, cause: rows.map { cause[$0] }, covariates: columns) {
                    let (lo, hi) = m.hazardRatioInterval()
                    fg = factors.indices.map { k in
                        HazardRatio(factor: factors[k].kind, label: factors[k].label, level: factors[k].levels[1], coef: m.coefficients[k],
                                    hr: m.hazardRatios[k], lower: lo[k], upper: hi[k], p: m.pValues[k])
                    }
                }
                if let m = try? CoxModel(time: rows.map { time[$0] }, event: rows.map { cause[$0] == 1 }, covariates: columns) {
                    let (lo, hi) = m.hazardRatioInterval()
                    cs = factors.indices.map { k in
                        HazardRatio(factor: factors[k].kind, label: factors[k].label, level: factors[k].levels[1], coef: m.coefficients[k],
                                    hr: m.hazardRatios[k], lower: lo[k], upper: hi[k], p: m.pValues[k])
                    }
                }
            }
            let competingLabel = plan.otherFailures == .censor
                ? "death or another failure type first" : "death without \(e.site!.rawValue) failure"
            out.append(CompetingRiskResult(endpoint: e, competing: competingLabel,
                                           times: plan.rateTimes, incidence: incidence, oneMinusKM: oneMinus, curve: curve,
                                           grayTests: gray, fineGray: fg, causeSpecificCox: cs))
        }
        return out
    }
}

extension ResponseCategory {
    var label: String {
        switch self {
        case .completeResponse: return "Complete response"
        case .partialResponse: return "Partial response"
        case .stableDisease: return "Stable disease"
        case .progressiveDisease: return "Progressive disease"
        case .notEvaluable: return "Not evaluable"
        }
    }
}

enum NumberText {
    static func one(_ x: Double) -> String { String(format: "%.1f", x) }
    static func p(_ x: Double) -> String { x < 0.001 ? "< 0.001" : String(format: "%.3f", x) }
}
