import Survival
import Tabular

/// Multivariable models of an endpoint on the plan's factors, with each term's estimability: Cox
/// (``cox(_:terms:plan:exclusions:)``) and, for failure endpoints, Fine–Gray beside cause-specific Cox
/// (``competing(_:terms:)``). A term the data cannot estimate is returned with its reason and no numbers.
enum ModelSummary {
    /// The design: complete cases over the terms, one 0/1 column per non-reference level.
    struct Design {
        var rows: [Int]
        var columns: [[Double]]
        /// (factor, level index) of each column.
        var columnTerms: [(factor: ResolvedFactor, level: Int)]
        var excluded: Int
    }

    static func design(_ terms: [StudyData.FactorColumn], patients: Int) -> Design {
        let rows = (0..<patients).filter { i in terms.allSatisfy { $0.level[i] != nil } }
        var columns: [[Double]] = [], columnTerms: [(ResolvedFactor, Int)] = []
        for t in terms {
            for level in t.factor.levels.indices where level != t.factor.reference {
                columns.append(rows.map { t.level[$0] == level ? 1 : 0 })
                columnTerms.append((t.factor, level))
            }
        }
        return Design(rows: rows, columns: columns, columnTerms: columnTerms, excluded: patients - rows.count)
    }

    /// Why column `k` cannot be estimated; nil when it can.
    ///
    /// The engine's typed status of the term (``Estimability``: monotone likelihood, no events in a level of
    /// a two-valued column, not converged, aliased, singular, too few events) decides first; then the
    /// design: a level without patients among those in the model, or — for a factor with several levels —
    /// no events at its reference level (every dummy's hazard ratio is then infinite).
    static func estimability(column k: Int, design d: Design, event: [Bool], engine: Estimability) -> TermEstimability?
    {
        let x = d.columns[k]
        let factor = d.columnTerms[k].factor
        if !x.contains(1) {
            return .init(code: "collinear", explanation: "no patients at this level among those in the model")
        }
        if let r = engine.reason {
            switch r {
            case .monotoneLikelihood:
                return .init(
                    code: "monotone_likelihood",
                    explanation:
                        "the likelihood keeps increasing as the coefficient grows (separation): no finite estimate")
            case .noEventsInLevel:
                return .init(
                    code: "no_events_in_level",
                    explanation: "one of the two groups compared has no events: the hazard ratio is 0 or infinite")
            case .notConverged: return .init(code: "not_converged", explanation: "the model did not converge")
            case .aliased:
                return .init(
                    code: "collinear", explanation: "collinear with other terms of the model: not separately estimable")
            case .singular:
                return .init(
                    code: "singular", explanation: "the variance of the coefficient is not positive at the estimate")
            case .noEvents: return .init(code: "too_few_events", explanation: "the model has no events")
            case .fewerEventsThanTerms:
                return .init(code: "too_few_events", explanation: "the model has fewer events than terms")
            }
        }
        let sameFactor = d.columns.indices.filter { d.columnTerms[$0].factor.name == factor.name }
        let eventsAtReference = event.indices.filter { i in event[i] && sameFactor.allSatisfy { d.columns[$0][i] == 0 }
        }.count
        if eventsAtReference == 0 {
            return .init(code: "no_events_in_level", explanation: """
                no events at the reference level (\(factor.levels[factor.reference])): the hazard ratio is infinite \
                and its likelihood has no maximum
                """)
        }
        return nil
    }

    static func term(_ d: Design, _ k: Int, coef: Double, hr: Double, lower: Double, upper: Double, p: Double,
                     status: TermEstimability?) -> HazardRatio {
        let (f, level) = d.columnTerms[k]
        // A safety net under the engine's rules: a coefficient beyond ±20 (hazard ratio outside e^±20) or
        // limits that are not finite and positive are never shown as an estimate.
        var status = status
        if status == nil && (!coef.isFinite || abs(coef) > 20 || !(lower > 0) || !upper.isFinite || !p.isFinite) {
            status = .init(code: "monotone_likelihood", explanation: """
                the estimate is not finite or its confidence limits are degenerate (the likelihood is flat or keeps \
                increasing)
                """)
        }
        let ok = status == nil
        return HazardRatio(factor: f.name, label: f.label, level: f.levels[level], reference: f.levels[f.reference],
            coef: ok ? coef : .nan, hr: ok ? hr : .nan, lower: ok ? lower : .nan, upper: ok ? upper : .nan,
                           p: ok ? p : .nan, estimable: ok, notEstimable: status)
    }

    /// Every column's term of a fitted model, each with its estimability (engine status, then the design).
    static func fittedTerms(_ d: Design, event: [Bool], coefficients: [Double], hazardRatios: [Double], lower: [Double],
                            upper: [Double], pValues: [Double], termStatus: [Estimability]) -> [HazardRatio] {
        d.columns.indices.map { k in
            term(d, k, coef: coefficients[k], hr: hazardRatios[k], lower: lower[k], upper: upper[k], p: pValues[k],
                 status: estimability(column: k, design: d, event: event, engine: termStatus[k]))
        }
    }

    /// Warnings that hold for any model on these terms: nested factors, sparse levels, events per term.
    static func designWarnings(_ terms: [StudyData.FactorColumn], design d: Design, event: [Bool]) -> [String] {
        var w: [String] = []
        let names = Set(terms.map(\.factor.name))
        for t in terms {
            if case .allOf(let parts) = t.factor.definition.rule {
                let inModel = parts.filter(names.contains)
                if !inModel.isEmpty {
                    w.append("""
                        \(t.factor.label) is built from \
                        \(inModel.map { n in terms.first { $0.factor.name == n }!.factor.label }
                            .joined(separator: " and ")), \
                        also in the model: the terms are nested, so their hazard ratios are conditional on each other \
                        and hard to read
                        """)
                }
            }
        }
        var sparse: [String] = []
        for k in d.columns.indices {
            let e = d.columns[k].indices.filter { d.columns[k][$0] == 1 && event[$0] }.count
            if e > 0 && e < 5 {
                let (f, level) = d.columnTerms[k]
                sparse.append("\(f.label) = \(f.levels[level]) (\(e))")
            }
        }
        if !sparse.isEmpty {
            w.append("fewer than 5 events at " + sparse.joined(separator: ", ") + ": these estimates are unstable")
        }
        return w
    }

    static func cox(_ e: StudyData.EndpointColumn, terms: [StudyData.FactorColumn], plan: StudyPlan,
                    exclusions: inout [ExclusionCount]) -> MultivariateResult {
        let d = design(terms, patients: e.observations.count)
        if d.excluded > 0 {
            exclusions.append(
                ExclusionCount(
                    analysis: "\(e.definition.label), multivariable Cox", reason: "a factor not known", n: d.excluded))
        }
        let time = d.rows.map { e.observations[$0].time }, event = d.rows.map { e.observations[$0].event }
        let events = event.filter { $0 }.count
        var warnings = designWarnings(terms, design: d, event: event)
        func empty(_ why: String) -> MultivariateResult {
            MultivariateResult(
                endpoint: e.definition.name, penalty: plan.coxPenalty.rawValue, n: d.rows.count, events: events,
                terms: d.columns.indices.map {
                    term(
                        d, $0, coef: .nan, hr: .nan, lower: .nan, upper: .nan, p: .nan,
                        status: .init(code: "too_few_events", explanation: why))
                },
                               eventsPerVariable: Double(events) / Double(max(1, d.columns.count)), concordance: .nan,
                likelihoodRatioP: .nan, proportionalHazards: [], warnings: warnings + ["no model: \(why)"])
        }
        guard !d.columns.isEmpty else { return empty("no terms") }
        guard events >= 2 else {
            return empty("\(events) event\(events == 1 ? "" : "s") among \(d.rows.count) patients")
        }
        if plan.coxPenalty == .firth {
            return firth(e, design: d, time: time, event: event, plan: plan, warnings: warnings)
        }
        let model: CoxModel
        do { model = try CoxModel(time: time, event: event, covariates: d.columns) } catch {
            return empty("the model could not be fitted (\(error))")
        }
        if let r = model.status.reason, r == .noEvents || r == .fewerEventsThanTerms {
            return empty("\(events) events for \(d.columns.count) terms (\(r))")
        }
        let (lo, hi) = model.hazardRatioInterval()
        let hrs = fittedTerms(d, event: event, coefficients: model.coefficients, hazardRatios: model.hazardRatios,
                              lower: lo, upper: hi, pValues: model.pValues, termStatus: model.termStatus)
        for h in hrs where !h.estimable {
            warnings.append("\(h.label) = \(h.level): not estimable (\(h.notEstimable!.explanation))")
        }
        let estimable = hrs.filter(\.estimable).count
        let epv = Double(model.events) / Double(max(1, estimable))
        if epv < 10 && estimable > 0 {
            warnings.append("""
                \(model.events) events for \(estimable) estimable term\(estimable == 1 ? "" : "s"): \
                \(NumberFormat.fixed(epv, 1)) events per term (fewer than 10); estimates may be unstable
                """)
        }
        var ph: [PHTest] = []
        if model.events >= 2 && estimable == d.columns.count {
            let z = ProportionalHazardsTest(model: model)
            ph = z.terms.map { t in
                let (f, level) = d.columnTerms[t.columns[0]]
                return PHTest(
                    term: "\(f.label) = \(f.levels[level])", chisq: t.test.statistic, df: t.test.degreesOfFreedom,
                    p: t.test.pValue)
            }
            ph.append(
                PHTest(
                    term: "Global", chisq: z.global.test.statistic, df: z.global.test.degreesOfFreedom,
                    p: z.global.test.pValue))
            if z.global.test.pValue < plan.alpha {
                warnings.append("""
                    proportional-hazards assumption questionable (global test \
                    \(NumberFormat.pValueStatement(z.global.test.pValue, symbol: "p")))
                    """)
            }
        }
        let allOK = estimable == d.columns.count
        return MultivariateResult(endpoint: e.definition.name, penalty: plan.coxPenalty.rawValue, n: d.rows.count,
                                  events: model.events, terms: hrs, eventsPerVariable: epv,
                                  concordance: allOK ? model.concordance.estimate : .nan,
                                  likelihoodRatioP: allOK ? model.tests.likelihoodRatio.pValue : .nan,
                                  proportionalHazards: ph, warnings: warnings)
    }

    /// Firth's penalized Cox model (R coxphf: Breslow ties, profile penalized-likelihood limits, penalized
    /// likelihood-ratio P) on the same design.
    static func firth(_ e: StudyData.EndpointColumn, design d: Design, time: [Double], event: [Bool], plan: StudyPlan,
                      warnings: [String]) -> MultivariateResult {
        let events = event.filter { $0 }.count
        func result(_ terms: [HazardRatio], _ extra: [String]) -> MultivariateResult {
            MultivariateResult(
                endpoint: e.definition.name, penalty: "firth", n: d.rows.count, events: events, terms: terms,
                eventsPerVariable: Double(events) / Double(max(1, d.columns.count)), concordance: .nan,
                likelihoodRatioP: .nan, proportionalHazards: [], warnings: warnings + extra)
        }
        guard events >= d.columns.count else {
            let why = TermEstimability(code: "too_few_events", explanation: "the model has fewer events than terms")
            return result(
                d.columns.indices.map {
                    term(d, $0, coef: .nan, hr: .nan, lower: .nan, upper: .nan, p: .nan, status: why)
                },
                          ["no model: \(events) events for \(d.columns.count) terms (fewer events than terms)"])
        }
        guard let m = try? FirthCoxModel(time: time, event: event, covariates: d.columns) else {
            let why = TermEstimability(code: "not_converged", explanation: "the penalized model could not be fitted")
            return result(
                d.columns.indices.map {
                    term(d, $0, coef: .nan, hr: .nan, lower: .nan, upper: .nan, p: .nan, status: why)
                },
                          ["no model: the penalized model could not be fitted"])
        }
        let terms = d.columns.indices.map { k -> HazardRatio in
            if !d.columns[k].contains(1) {
                return term(d, k, coef: .nan, hr: .nan, lower: .nan, upper: .nan, p: .nan,
                    status: .init(code: "collinear", explanation: "no patients at this level among those in the model"))
            }
            guard let x = m.estimate(k) else {
                return term(d, k, coef: .nan, hr: .nan, lower: .nan, upper: .nan, p: .nan,
                            status: estimability(column: k, design: d, event: event, engine: m.termStatus[k])
                                ?? .init(code: "not_converged", explanation: "the penalized model did not converge"))
            }
            return term(
                d, k, coef: x.coefficient, hr: x.hazardRatio, lower: x.lower, upper: x.upper, p: x.pValue, status: nil)
        }
        var extra = ["""
            Firth's penalized Cox model (as R coxphf): Breslow ties, profile penalized-likelihood 95% limits, \
            penalized likelihood-ratio P
            """]
        let epv = Double(events) / Double(max(1, d.columns.count))
        if epv < 10 { extra.append("""
            \(events) events for \(d.columns.count) terms: \(NumberFormat.fixed(epv, 1)) events per term (fewer than \
            10); the penalty reduces small-sample bias but the estimates remain uncertain
            """) }
        return result(terms, extra)
    }

    /// Fine–Gray (cause 1, competing cause 2) and cause-specific Cox on the same complete cases.
    static func competing(_ e: StudyData.EndpointColumn, terms: [StudyData.FactorColumn])
        -> (fineGray: [HazardRatio], causeSpecific: [HazardRatio], warnings: [String]) {
        let d = design(terms, patients: e.observations.count)
        let time = d.rows.map { e.observations[$0].time }, cause = d.rows.map { e.observations[$0].cause }
        let event = cause.map { $0 == 1 }
        var warnings: [String] = []
        let label = e.definition.label
        func unavailable(_ why: String) -> [HazardRatio] {
            d.columns.indices.map { term(d, $0, coef: .nan, hr: .nan, lower: .nan, upper: .nan, p: .nan,
                                         status: .init(code: "too_few_events", explanation: why)) }
        }
        guard !d.columns.isEmpty else { return ([], [], []) }
        let events = event.filter { $0 }.count
        guard events >= 2 else {
            let why = "\(events) event\(events == 1 ? "" : "s")"
            return (unavailable(why), unavailable(why), ["\(label): no Fine–Gray or cause-specific model (\(why))"])
        }
        if events < d.columns.count {
            let why = "\(events) events for \(d.columns.count) terms (fewer events than terms)"
            return (unavailable(why), unavailable(why), ["\(label): no Fine–Gray or cause-specific model (\(why))"])
        }
        var fg: [HazardRatio] = unavailable("the model could not be fitted")
        if let m = try? FineGray(time: time, cause: cause, covariates: d.columns) {
            let (lo, hi) = m.hazardRatioInterval()
            fg = fittedTerms(
                d, event: event, coefficients: m.coefficients, hazardRatios: m.hazardRatios, lower: lo, upper: hi,
                             pValues: m.pValues, termStatus: m.termStatus)
        }
        var cs: [HazardRatio] = unavailable("the model could not be fitted")
        if let m = try? CoxModel(time: time, event: event, covariates: d.columns) {
            let (lo, hi) = m.hazardRatioInterval()
            cs = fittedTerms(
                d, event: event, coefficients: m.coefficients, hazardRatios: m.hazardRatios, lower: lo, upper: hi,
                             pValues: m.pValues, termStatus: m.termStatus)
        }
        for h in fg where !h.estimable {
            warnings.append(
                "\(label) (Fine–Gray): \(h.label) = \(h.level) not estimable (\(h.notEstimable!.explanation))")
        }
        return (fg, cs, warnings)
    }
}
