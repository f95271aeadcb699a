import Foundation
import Oncology
import Survival
import Tabular

/// Runs a patterns-of-failure study on a validated cohort: the endpoints stage (``StudyData``), then every
/// table and figure the plan asks for, returned as ``StudyResults``.
///
/// ```swift
/// let reading = CohortReader.read(files)
/// let results = try StudyAnalysis(cohort: reading.cohort!, plan: StudyPlan()).run()
/// results.patterns.landmark.patientsWithFailure   // 47 on the demo cohort
/// ```
public struct StudyAnalysis {
    /// The validated cohort.
    public let cohort: Cohort
    /// The study plan.
    public let plan: StudyPlan
    /// Whether the cohort is the built-in synthetic demo (the report then says so on every page).
    public var synthetic = false
    /// When the analysis ran, ISO 8601 in UTC (`2026-01-01T00:00:00Z`); set it for reproducible output.
    public var generatedAt = ISO8601DateFormatter().string(from: Date())
    /// The version written into the results' provenance (``PofVersion/string`` by default).
    public var toolVersion = PofVersion.string
    /// Warnings from earlier stages (reading, the plan) to carry into the results' warnings.
    public var warnings: [String] = []

    /// An analysis of `cohort` under `plan`.
    ///
    /// - Complexity: O(1); the work is done by ``run()``.
    public init(cohort: Cohort, plan: StudyPlan) {
        self.cohort = cohort
        self.plan = plan
    }

    /// The endpoints stage for this cohort and plan.
    ///
    /// - Throws: ``StudyPlan/PlanError`` when the plan's factors do not fit the data.
    ///
    /// - Complexity: O(*n* · (*e* + *f*)) for *n* patients, *e* endpoints and *f* factors.
    public func data() throws -> StudyData { try StudyData(cohort: cohort, plan: plan) }

    /// Every result of the plan.
    ///
    /// - Throws: ``StudyPlan/PlanError`` when the plan's factors do not fit the data (an unknown variable,
    ///   a value that is not a number where cut-points need one), or when the cohort has no patients.
    ///
    /// - Complexity: Dominated by the Cox and Fine–Gray fits: O(*n* · *p*² · *k*) per model for *n* patients, *p* terms
    /// and *k* Newton steps, and O(*n* log *n*) per survival curve; a 1,000-patient cohort with the paper's
    /// plan takes well under a second.
    public func run() throws -> StudyResults {
        guard !cohort.patients.isEmpty else {
            throw StudyPlan.PlanError(description: "the cohort has no patients; nothing to analyse")
        }
        return try run(with: try data())
    }

    /// Every result of the plan, from the endpoints stage already built for this cohort and plan
    /// (``data()``), so that a caller who also needs the derived data builds it once.
    ///
    /// - Throws: as ``run()``.
    /// - Complexity: As ``run()`` without the O(*n* · (*e* + *f*)) of building `data`.
    public func run(with data: StudyData) throws -> StudyResults {
        guard !cohort.patients.isEmpty else {
            throw StudyPlan.PlanError(description: "the cohort has no patients; nothing to analyse")
        }
        var warnings = self.warnings
        var exclusions: [ExclusionCount] = []
        if !data.responseDisagreements.isEmpty {
            warnings.append("""
                \(data.responseDisagreements.count) patient(s) have a recorded 3-month response that differs from \
                the one computed from lesions.csv; the computed one is used
                """)
        }
        let n = data.records.count
        let unitName = plan.timeUnit.rawValue

        // Cohort counts and follow-up (overall survival: death from any cause)
        let osDefinition = EndpointDefinition(name: "os", label: "Overall survival", deathIsEvent: true)
        let os = data.records.map { osDefinition.observation(for: $0.patient, history: $0.history, plan: plan) }
        let dead = data.records.count(where: { $0.patient.vitalStatus == .dead })
        let alive = data.records.count(where: { $0.patient.vitalStatus == .alive })
        let followTimes = os.map(\.time)
        let survivorTimes = zip(data.records, os).filter { $0.0.patient.vitalStatus == .alive }.map { $0.1.time }
        let reverse = try KaplanMeier.reverse(time: followTimes, event: os.map(\.event)).median
        let followUp = FollowUp(medianAll: Self.median(followTimes), minAll: followTimes.min() ?? .nan,
                                maxAll: followTimes.max() ?? .nan,
                                medianSurvivors: Self.median(survivorTimes),
                                minSurvivors: survivorTimes.min() ?? .nan, maxSurvivors: survivorTimes.max() ?? .nan,
                                reverseKM: reverse.estimate ?? .nan, reverseKMLower: reverse.lower ?? .nan,
                                reverseKMUpper: reverse.upper ?? .nan, unit: unitName)
        let deathsEarly = data.records.count(where: { d in
            d.patient.vitalStatus == .dead
                && Double((d.patient.deathDate ?? d.patient.lastFollowUp) - Derive.origin(d.patient, plan: plan))
                    <= plan.landmarkDays
        })
        let counts = CohortCounts(patients: n, dead: dead, alive: alive, unknown: n - dead - alive,
                                  withAnyFailure: data.records.count(where: { !$0.history.everPattern.isEmpty }),
                                  deathsWithinLandmark: deathsEarly)

        let table1Work = Background { CharacteristicsTable.rows(data) }   // while the analyses run
        let response = Self.responseSummary(data, lesions: !cohort.lesions.isEmpty)
        let patterns = Self.patterns(data.records, plan: plan, n: n)

        // Survival per endpoint
        let survival = try data.endpoints.map { e -> EndpointSurvival in
            let o = e.observations
            let fit = try KaplanMeier(time: e.time, event: e.event)
            let med = fit.median
            var ended: [String: Int] = [:]
            for x in o {
                ended[(x.event ? "event: " : "censored: ") + x.reason.label(plan.failureVocabulary), default: 0] += 1
            }
            return EndpointSurvival(
                endpoint: e.definition.name, label: e.definition.label, n: n, events: o.count(where: \.event),
                median: med.estimate ?? .nan, medianLower: med.lower ?? .nan, medianUpper: med.upper ?? .nan,
                rates: fit.estimates(at: plan.rateTimes).map {
                    RateAtTime(time: $0.time, estimate: $0.survival, lower: $0.lower, upper: $0.upper)
                },
                curve: try Self.curve(fit, label: e.definition.label, o: o, plan: plan),
                censoring: ended.keys.sorted().map { CategoryCount(category: $0, n: ended[$0]!, denominator: n) })
        }

        // Per-endpoint analyses of the plan
        let rateTime = plan.rateTimes.last!
        var univariate: [UnivariateResult] = [], multivariate: [MultivariateResult] = []
        var figures: [FactorCurves] = [], subgroups: [SubgroupResult] = [], competing: [CompetingRiskResult] = []
        // The plan's analyses are independent of one another: each is computed on its own thread and their
        // results are joined in plan order (the same results, warnings and exclusions, in the same order).
        let parts = parallelMap(plan.analyses.count) { i in
            Result { try Self.analysisPart(plan.analyses[i], data: data, plan: plan, rateTime: rateTime) }
        }
        for result in parts {
            guard let part = try result.get() else { continue }
            univariate += part.univariate
            figures += part.figures
            subgroups += part.subgroups
            multivariate += part.multivariate
            competing += part.competing
            exclusions += part.exclusions
            warnings += part.warnings
        }
        var patternsBy: PatternsByFactor? = nil
        if let name = plan.patternsBy, let f = data.factor(name) {
            patternsBy = PatternsByFactor(
                factor: name, label: f.factor.label,
                groups: f.factor.displayOrder.map { level in
                    Self.patternCounts(
                        f.known.filter { f.level[$0] == level }.map { data.records[$0].history.landmarkPattern },
                        window: "\(f.factor.levels[level]), within \(NumberFormat.plain(plan.landmarkMonths)) months",
                        vocabulary: plan.failureVocabulary)
                })
        }

        // Toxicity (the paper's Table 4)
        let terms = Self.toxicityTerms(data.records)
        let toxicity = ToxicitySummary(
            ctcaeVersion: plan.ctcaeVersion.rawValue,
            window: "RT start to \(NumberFormat.plain(plan.toxicityWindowMonths)) months after RT end",
            rows: terms.map { t in
                let g = data.records.map { $0.toxicity[t] ?? 0 }
                return ToxicityRow(term: t, grade3: g.count(where: { $0 == 3 }), grade4: g.count(where: { $0 == 4 }),
                                   grade5: g.count(where: { $0 == 5 }), denominator: n)
            },
            source: [cohort.labs.isEmpty ? nil : "labs.csv graded by CTCAE \(plan.ctcaeVersion.rawValue)",
                     cohort.toxicities.isEmpty ? nil : "toxicities.csv as recorded"]
                .compactMap { $0 }.joined(separator: "; "),
            problems: data.toxicityProblems, outsideWindow: data.toxicityOutsideWindow)
        if data.toxicityOutsideWindow > 0 {
            exclusions.append(ExclusionCount(analysis: "Toxicity",
                                             reason: "toxicity records (not patients) dated outside the grading window"
                                                 + " (\(toxicity.window))",
                                             n: data.toxicityOutsideWindow))
        }
        if !data.toxicityProblems.isEmpty {
            warnings.append(
                "\(data.toxicityProblems.count) laboratory value(s) could not be graded (see the toxicity section)")
        }

        var causes: CausesOfDeath? = nil
        if data.records.contains(where: { $0.patient.causeOfDeath != nil }) {
            let deaths = data.records.filter { $0.patient.vitalStatus == .dead }
            let early = deaths.filter { d in
                Double((d.patient.deathDate ?? d.patient.lastFollowUp) - Derive.origin(d.patient, plan: plan))
                    <= plan.landmarkDays
            }
            func tally(_ r: [StudyData.PatientRecord]) -> [CategoryCount] {
                var k: [String: Int] = [:]
                for x in r { k[x.patient.causeOfDeath?.description ?? "not recorded", default: 0] += 1 }
                let order = CauseOfDeath.vocabulary.map(\.description)
                return k.keys.sorted { (order.firstIndex(of: $0) ?? 99, $0) < (order.firstIndex(of: $1) ?? 99, $1) }
                    .map { CategoryCount(category: $0, n: k[$0]!, denominator: r.count) }
            }
            causes = CausesOfDeath(all: tally(deaths), early: tally(early), earlyWindowMonths: plan.landmarkMonths)
        }

        let classification = FailureClassificationSummary(failures: cohort.failures, plan: plan)
        if let c = classification, let rule = plan.classification?.rule,
           let counts = c.rules.first(where: { $0.rule == rule }),
           counts.notClassifiable == c.failures, c.failures > 0 {
            warnings.append("""
                Classification: no failure has the inputs the plan's rule \(rule.rawValue) needs \
                (failures.csv columns \(rule.inputColumns.joined(separator: ", "))); \
                every failure is not classifiable under it
                """)
        }
        if let c = classification, let kept = c.keptRecordedSite, kept > 0 {
            warnings.append("""
                Classification: \(kept) of \(c.failures) failures could not be classified by \
                \(plan.classification!.rule.rawValue) and keep the site recorded in failures.csv
                """)
        }
        return StudyResults(
            provenance: Provenance(tool: "pof", version: toolVersion, generatedAt: generatedAt, plan: plan,
                                   inputs: cohort.inputs, synthetic: synthetic,
                                   note: synthetic
                                       ? "Synthetic demo cohort generated by pof simulate, calibrated to the published "
                                           + "summaries; not patient data."
                                       : nil),
            cohort: counts, followUp: followUp, table1: try table1Work.value(), response: response, patterns: patterns,
            survival: survival, univariate: univariate, multivariate: multivariate, factorFigures: figures,
            subgroups: subgroups, patternsByFactor: patternsBy, toxicity: toxicity, causesOfDeath: causes,
            competingRisks: competing,
            warnings: warnings, exclusions: exclusions, failureClassification: classification)
    }

    // MARK: - Pieces

    /// What one analysis of the plan adds to the results, in the order it adds them.
    struct AnalysisPart {
        var univariate: [UnivariateResult] = [], multivariate: [MultivariateResult] = []
        var figures: [FactorCurves] = [], subgroups: [SubgroupResult] = [], competing: [CompetingRiskResult] = []
        var exclusions: [ExclusionCount] = [], warnings: [String] = []
    }

    /// One analysis of the plan: univariate comparisons, factor figures, subgroups, the multivariable Cox model
    /// and competing risks; nil when its endpoint is not in the data.
    static func analysisPart(
        _ a: StudyPlan.Analysis, data: StudyData, plan: StudyPlan, rateTime: Double
    ) throws -> AnalysisPart? {
        guard let e = data.endpoint(a.endpoint) else { return nil }
        var part = AnalysisPart()
        // A factor both tested and drawn is compared once.
        var compared: [String: (result: UnivariateResult, curves: [Curve])] = [:]
        func comparison(_ name: String) throws -> (result: UnivariateResult, curves: [Curve]) {
            if let u = compared[name] { return u }
            let f = data.factor(name)!
            let u = try Self.compare(e, f, rows: f.known, rateTime: rateTime, plan: plan)
            compared[name] = u
            return u
        }
        for name in a.univariate {
            let f = data.factor(name)!
            let u = try comparison(name)
            part.univariate.append(u.result)
            if u.result.missing > 0 {
                part.exclusions.append(ExclusionCount(analysis: "\(e.definition.label), \(f.factor.label)",
                                                      reason: "factor not known", n: u.result.missing))
            }
            if let note = u.result.notTested {
                part.warnings.append("\(e.definition.label): \(f.factor.label) not tested (\(note))")
            }
        }
        for name in a.figures {
            let f = data.factor(name)!
            let u = try comparison(name)
            part.figures.append(FactorCurves(endpoint: e.definition.name, endpointLabel: e.definition.label,
                                             factor: name, label: f.factor.label, p: u.result.p, curves: u.curves,
                                             reference: u.curves.firstIndex {
                                                 $0.label == f.factor.levels[f.factor.reference]
                                             } ?? 0))
        }
        for s in a.subgroups {
            part.subgroups.append(
                try Self.subgroup(
                    e, data.factor(s.factor)!, within: data.factor(s.within)!, rateTime: rateTime, plan: plan))
        }
        if !a.multivariable.isEmpty {
            let terms = a.multivariable.map { data.factor($0)! }
            let m = ModelSummary.cox(e, terms: terms, plan: plan, exclusions: &part.exclusions)
            part.multivariate.append(m)
            part.warnings += m.warnings.map { "\(e.definition.label) (Cox): \($0)" }
        }
        if e.definition.hasFailureEvents && !e.definition.deathIsEvent {
            let gray = try a.univariate.map { try Self.gray(e, data.factor($0)!) }
            let models = a.competingRisksModels && !a.multivariable.isEmpty
                ? ModelSummary.competing(e, terms: a.multivariable.map { data.factor($0)! }) : nil
            if let c = try Self.competingRisks(e, plan: plan, gray: gray, models: models) { part.competing.append(c) }
            if let w = models?.warnings { part.warnings += w }
        }
        return part
    }

    static func median(_ x: [Double]) -> Double {
        let s = x.sorted()
        guard !s.isEmpty else { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func curve(_ fit: KaplanMeier, label: String, o: [EndpointObservation], plan: StudyPlan) throws -> Curve {
        Curve(label: label, time: fit.time, value: fit.survival, lower: fit.lower, upper: fit.upper,
              censorTimes: o.filter { !$0.event }.map(\.time).sorted(),
              riskTimes: plan.riskTableTimes, atRisk: fit.numberAtRisk(at: plan.riskTableTimes))
    }

    static func responseSummary(_ data: StudyData, lesions: Bool) -> ResponseSummary {
        let n = data.records.count
        let criteria = ResponseCriteria(rawValue: data.plan.responseCriteria) ?? .mRECIST
        let order: [ResponseCategory] = [
            .completeResponse, .partialResponse, .stableDisease, .progressiveDisease, .notEvaluable,
        ]
        func counts(_ values: [ResponseCategory?]) -> [CategoryCount] {
            order.compactMap { c in
                let k = values.count(where: { $0 == c })
                return (k == 0 && c == .notEvaluable) ? nil : CategoryCount(category: c.label, n: k, denominator: n)
            } + (values.contains(where: { $0 == nil })
                    ? [CategoryCount(category: "Not available", n: values.count(where: { $0 == nil }), denominator: n)]
                    : [])
        }
        return ResponseSummary(source: lesions
                                   ? "lesion measurements (\(criteria.rawValue)), recorded value where no scan"
                                   : "recorded (response_3m)",
                               atLandmark: counts(data.records.map(\.response)),
                               best: counts(data.records.map(\.bestResponse)),
                               disagreements: data.responseDisagreements)
    }

    /// Kaplan–Meier per level and the log-rank test over `rows` (patients with a known level).
    static func compare(_ e: StudyData.EndpointColumn, _ f: StudyData.FactorColumn, rows: [Int], rateTime: Double,
                        plan: StudyPlan) throws -> (result: UnivariateResult, curves: [Curve]) {
        let o = rows.map { e.observations[$0] }
        let g = rows.map { f.level[$0]! }
        var levels: [LevelSummary] = []
        var curves: [Curve] = []
        for level in f.factor.displayOrder {
            let idx = g.indices.filter { g[$0] == level }
            levels.append(try levelSummary(idx.map { o[$0] }, label: f.factor.levels[level], rateTime: rateTime))
            if !idx.isEmpty {
                let fit = try KaplanMeier(time: idx.map { o[$0].time }, event: idx.map { o[$0].event })
                curves.append(try curve(fit, label: f.factor.levels[level], o: idx.map { o[$0] }, plan: plan))
            }
        }
        let test = try logRank(time: o.map(\.time), event: o.map(\.event), group: g, levels: f.factor.levels.count)
        return (UnivariateResult(endpoint: e.definition.name, factor: f.factor.name, label: f.factor.label,
                                 levels: levels, rateTime: rateTime, chisq: test.chisq, df: test.df, p: test.p,
                                 missing: e.observations.count - rows.count, notTested: test.note), curves)
    }

    /// Log-rank over the groups that have patients; "not tested" with the reason when fewer than two
    /// groups have patients or there is no event.
    static func logRank(
        time: [Double], event: [Bool], group: [Int], levels: Int
    ) throws -> (chisq: Double, df: Int, p: Double, note: String?) {
        let present = Array(Set(group)).sorted()
        guard present.count >= 2 else { return (.nan, 0, .nan, "only one level has patients") }
        guard event.contains(true) else { return (.nan, 0, .nan, "no events") }
        let recode = Dictionary(uniqueKeysWithValues: present.enumerated().map { ($1, $0) })
        let t = try LogRankTest(
            time: time, event: event, group: group.map { recode[$0]! }, groupCount: present.count).test
        guard t.degreesOfFreedom > 0, t.statistic.isFinite else {
            return (.nan, 0, .nan, "no comparison possible (no variance)")
        }
        return (t.statistic, t.degreesOfFreedom, t.pValue, nil)
    }

    static func levelSummary(_ o: [EndpointObservation], label: String, rateTime: Double) throws -> LevelSummary {
        guard !o.isEmpty else {
            return LevelSummary(
                level: label, n: 0, events: 0, rate: .nan, rateLower: .nan, rateUpper: .nan, median: .nan)
        }
        let fit = try KaplanMeier(time: o.map(\.time), event: o.map(\.event))
        let r = fit.estimates(at: [rateTime])[0]
        return LevelSummary(level: label, n: o.count, events: o.count(where: \.event),
                            rate: r.survival, rateLower: r.lower, rateUpper: r.upper,
                            median: fit.median.estimate ?? .nan)
    }

    static func subgroup(_ e: StudyData.EndpointColumn, _ f: StudyData.FactorColumn, within w: StudyData.FactorColumn,
                         rateTime: Double, plan: StudyPlan) throws -> SubgroupResult {
        let groups = try w.factor.displayOrder.map { wl -> SubgroupResult.Subgroup in
            let rows = f.known.filter { w.level[$0] == wl }
            let u = try compare(e, f, rows: rows, rateTime: rateTime, plan: plan).result
            return .init(level: w.factor.levels[wl], levels: u.levels, chisq: u.chisq, p: u.p, notTested: u.notTested)
        }
        return SubgroupResult(endpoint: e.definition.name, endpointLabel: e.definition.label, factor: f.factor.name,
                              factorLabel: f.factor.label, within: w.factor.name, withinLabel: w.factor.label,
                              subgroups: groups)
    }

    static func gray(_ e: StudyData.EndpointColumn, _ f: StudyData.FactorColumn) throws -> GrayTestResult {
        let rows = f.known
        let g = rows.map { f.level[$0]! }
        let present = Array(Set(g)).sorted()
        let cause = e.cause
        func none(_ why: String) -> GrayTestResult {
            GrayTestResult(factor: f.factor.name, label: f.factor.label, statistic: .nan, df: 0, p: .nan,
                           notTested: why)
        }
        guard present.count >= 2 else { return none("only one level has patients") }
        guard rows.contains(where: { cause[$0] == 1 }) else { return none("no events") }
        let recode = Dictionary(uniqueKeysWithValues: present.enumerated().map { ($1, $0) })
        let t = try CumulativeIncidence(time: rows.map { e.observations[$0].time }, cause: rows.map { cause[$0] },
                                        group: g.map { recode[$0]! })
        guard let test = t.test(cause: 1)?.test, test.statistic.isFinite, test.degreesOfFreedom > 0 else {
            return none("no comparison possible")
        }
        return GrayTestResult(factor: f.factor.name, label: f.factor.label, statistic: test.statistic,
                              df: test.degreesOfFreedom, p: test.pValue, notTested: nil)
    }

    /// Cumulative incidence of the failure and of the competing event, beside 1 − KM; curves run to the
    /// end of follow-up.
    static func competingRisks(_ e: StudyData.EndpointColumn, plan: StudyPlan, gray: [GrayTestResult],
                               models: (fineGray: [HazardRatio], causeSpecific: [HazardRatio],
                                        warnings: [String])?) throws -> CompetingRiskResult? {
        let time = e.time, cause = e.cause
        let cif = try CumulativeIncidence(time: time, cause: cause)
        guard let c1 = cif.curve(cause: 1) else { return nil }
        let km = try KaplanMeier(time: time, event: e.event)
        let end = time.max() ?? 0
        let atRisk = km.numberAtRisk(at: plan.riskTableTimes)
        func rates(_ c: CumulativeIncidence.Curve?) -> [RateAtTime] {
            guard let c else {
                return plan.rateTimes.map { RateAtTime(time: $0, estimate: 0, lower: .nan, upper: .nan) }
            }
            return c.estimates(at: plan.rateTimes).map {
                RateAtTime(time: $0.time, estimate: $0.estimate, lower: $0.lower, upper: $0.upper)
            }
        }
        func extended(_ c: CumulativeIncidence.Curve?, label: String) -> Curve {
            var t = c?.time ?? [], v = c?.estimate ?? [], lims = c?.limits ?? (lower: [], upper: [])
            var lo = lims.lower, hi = lims.upper
            if (t.last ?? -1) < end {   // hold the last value to the end of follow-up, like the KM curves
                t.append(end); v.append(v.last ?? 0); lo.append(lo.last ?? .nan); hi.append(hi.last ?? .nan)
            }
            return Curve(label: label, time: t, value: v, lower: lo, upper: hi, censorTimes: [],
                         riskTimes: plan.riskTableTimes, atRisk: atRisk)
        }
        let oneMinus = km.estimates(at: plan.rateTimes).map {
            RateAtTime(time: $0.time, estimate: 1 - $0.survival, lower: 1 - $0.upper, upper: 1 - $0.lower)
        }
        let vocabulary = plan.failureVocabulary
        let competingLabel = e.definition.otherFailures == .censor
            ? "death or another failure type first"
            : "death without \(e.definition.singleFailureType.map { "\(vocabulary.name($0)) failure" } ?? "failure")"
        return CompetingRiskResult(
            endpoint: e.definition.name, endpointLabel: e.definition.label, competing: competingLabel,
            times: plan.rateTimes,
            incidence: rates(c1), oneMinusKM: oneMinus, competingIncidence: rates(cif.curve(cause: 2)),
            curve: extended(c1, label: (e.definition.singleFailureType.map { "\(vocabulary.name($0)) failure" }
                                            ?? "failure").capitalizedFirst),
            competingCurve: extended(cif.curve(cause: 2), label: competingLabel.capitalizedFirst),
            grayTests: gray, fineGray: models?.fineGray ?? [], causeSpecificCox: models?.causeSpecific ?? [])
    }

    static func patternCounts(_ patterns: [FailurePattern], window: String,
                              vocabulary: FailureVocabulary = .paper) -> PatternCounts {
        let n = patterns.count
        let failed = patterns.count(where: { !$0.isEmpty })
        let sites = FailureSite.allCases.map { s -> SiteCount in
            let with = patterns.filter { $0.includes(s) }
            return SiteCount(site: vocabulary.name(s), n: with.count,
                             percent: n > 0 ? Double(with.count) / Double(n) * 100 : .nan,
                             combined: with.count(where: { $0.sites.count > 1 }))
        }
        let exclusive = FailurePattern.allPatterns.map { p in
            CategoryCount(category: vocabulary.patternLabel(p), n: patterns.count(where: { $0 == p }), denominator: n)
        }
        return PatternCounts(window: window, patientsWithFailure: failed,
                             percent: n > 0 ? Double(failed) / Double(n) * 100 : .nan, sites: sites,
                             exclusive: exclusive)
    }

    static func patterns(_ d: [StudyData.PatientRecord], plan: StudyPlan, n: Int) -> PatternSummary {
        let v = plan.failureVocabulary
        let landmark = patternCounts(d.map(\.history.landmarkPattern),
                                     window: "within \(NumberFormat.plain(plan.landmarkMonths)) months after "
                                         + "\(plan.origin == .rtEnd ? "RT end" : "RT start")",
                                     vocabulary: v)
        let overall = patternCounts(d.map(\.history.everPattern), window: "whole follow-up", vocabulary: v)
        let first = FailurePattern.allPatterns.map { p in
            CategoryCount(category: v.patternLabel(p), n: d.count(where: { $0.history.firstPattern == p }),
                          denominator: n)
        }
        var organs: [String: Int] = [:]
        for x in d { for o in x.history.extrahepaticOrgans { organs[o, default: 0] += 1 } }
        let withE = d.count(where: { $0.history.everPattern.includes(.extrahepatic) })
        let ranked = organs.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { CategoryCount(category: $0.key, n: $0.value, denominator: withE) }
        return PatternSummary(landmark: landmark, overall: overall, firstFailure: first, extrahepaticOrgans: ranked)
    }

    static func toxicityTerms(_ d: [StudyData.PatientRecord]) -> [String] {
        let labOrder = CTCAELabTerm.allCases.map(\.rawValue)
        let all = Set(d.flatMap { $0.toxicity.keys })
        return labOrder.filter(all.contains) + all.subtracting(labOrder).sorted()
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

extension String {
    /// The text with its first letter upper-case: "death without …" → "Death without …".
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
