import Foundation
import Oncology
import Survival
import Tabular

/// A new patient's values of the plan's variables: each given, or explicitly not known.
///
/// ```swift
/// var p = BaselineProfile()
/// p.set("age", .number(45)); p.set("muicc_stage", .text("III")); p.setUnknown("pivka")
/// ```
public struct BaselineProfile: Sendable, Equatable {
    /// The given values, by variable name (``StudyVariable`` names or patients.csv columns).
    public var values: [String: StudyVariable.Value] = [:]
    /// Variables declared "not known" (never taken as absent).
    public var unknown: Set<String> = []
    /// An empty profile: nothing given, nothing declared unknown.
    ///
    /// - Complexity: O(1).
    public init() {}
    /// Gives a variable's value (and withdraws a "not known" for it).
    ///
    /// - Complexity: O(1) on average (a dictionary and a set update).
    public mutating func set(_ name: String, _ value: StudyVariable.Value) {
        values[name] = value; unknown.remove(name)
    }
    /// Declares a variable not known (and withdraws a value given for it).
    ///
    /// - Complexity: O(1) on average (a dictionary and a set update).
    public mutating func setUnknown(_ name: String) { values[name] = nil; unknown.insert(name) }
}

/// Decision support for one patient from the study as fitted on its cohort: the patient's factor levels,
/// predicted event-free probabilities from each endpoint's multivariable Cox model, the factors the
/// fitted models find associated with risk, and (for the paper's plan only) the paper's own suggestion,
/// quoted as the paper's.
public struct RiskAssessment: Sendable, Codable {
    /// One factor of the study's models, with this patient's level.
    public struct Factor: Sendable, Codable {
        /// The factor's identifier (``FactorDefinition/name``).
        public var factor: String
        /// The factor's label with its unit.
        public var label: String
        /// The patient's level, or nil when not known.
        public var level: String?
    }

    /// A predicted probability of being free of an endpoint's event at one of the plan's rate times.
    public struct Prediction: Sendable, Codable {
        /// The endpoint's identifier (`os`, `pfs_infield`).
        public var endpoint: String
        /// The endpoint's label.
        public var label: String
        /// The time, in the plan's time unit (``RiskAssessment/unit``).
        public var time: Double
        /// Probability of being free of the endpoint's event at `time`.
        public var probability: Double
        /// Lower limit of the 95% confidence interval of ``probability`` (R's log interval of `survfit.coxph`).
        public var lower95: Double
        /// Upper limit of the 95% confidence interval of ``probability``.
        public var upper95: Double
        /// The model this comes from: patients and events.
        public var modelPatients: Int
        /// Events in the model's data.
        public var modelEvents: Int
    }

    /// An endpoint for which no prediction is given, and why.
    public struct Refusal: Sendable, Codable {
        /// The endpoint's identifier.
        public var endpoint: String
        /// The endpoint's label.
        public var label: String
        /// Why no prediction is given, in words (a non-estimable term, fewer than 10 events per term, a level no
        /// cohort patient has, an unusable confidence interval).
        public var reason: String
    }

    /// The factors of the study's models, with the patient's level (or `nil` when not known).
    public var factors: [Factor]
    /// Predicted event-free probabilities, per endpoint and rate time.
    public var predictions: [Prediction]
    /// Endpoints for which no prediction is given, with the reason.
    public var refusals: [Refusal]
    /// Warnings to read before the predictions (extrapolation, small models).
    public var cautions: [String]
    /// What the fitted models find for this patient's levels.
    public var findings: [String]
    /// The paper's suggestion, quoted as the paper's (paper plan only).
    public var paperSuggestions: [String]
    /// What the assessment rests on and does not claim, in one paragraph (retrospective cohort, associations,
    /// not a treatment order).
    public var evidence: String
    /// The plan's time unit (`months`, `years`, …) of every time here.
    public var unit: String
}

extension StudyAnalysis {
    /// Errors in a profile: required values not given.
    public struct ProfileError: Error, CustomStringConvertible {
        /// The missing values, in words.
        public var description: String
    }

    /// The variables a profile must give (or declare not known): those of every factor in a model.
    public var profileVariables: [String] {
        let names = Set(plan.analyses.flatMap(\.multivariable))
        var vars: [String] = []
        for f in plan.factors where names.contains(f.name) {
            if case .allOf(let parts) = f.rule {
                for p in parts { if let v = plan.factor(named: p)?.variable, !vars.contains(v) { vars.append(v) } }
            } else if !vars.contains(f.variable) { vars.append(f.variable) }
        }
        return vars
    }

    /// Assesses a new patient against the study's cohort.
    ///
    /// Rules: every variable of ``profileVariables`` must be given or declared not known (else
    /// ``ProfileError``); a categorical value no cohort patient has (e.g. stage IVB in a cohort without
    /// metastatic patients) refuses predictions; a number outside the cohort's range is a caution; a model
    /// with a non-estimable term, fewer than 10 events per term, or a prediction without a finite,
    /// non-degenerate confidence interval gives no prediction, with the reason; findings come from the
    /// fitted models; the paper's suggestion is quoted as the paper's, only for the paper's plan.
    ///
    /// - Parameters:
    ///   - profile: The new patient's values of ``profileVariables``.
    ///   - predicted: Called with each model's predicted curve that the predictions come from (used by
    ///   ``assessWithCurves(_:)``); not called for a refused model.
    /// - Throws: ``ProfileError`` for missing values; ``StudyPlan/PlanError`` when the plan does not fit the data.
    ///
    /// - Complexity: O(fitting each endpoint's multivariable Cox model): O(*n* · *p*²) per Newton step for
    ///   *n* patients and *p* terms.
    public func assess(_ profile: BaselineProfile,
        predicted: ((EndpointDefinition, CoxPrediction.Curve, _ patients: Int, _ events: Int) -> Void)? = nil
    ) throws -> RiskAssessment {
        let missing = profileVariables.filter { profile.values[$0] == nil && !profile.unknown.contains($0) }
        if !missing.isEmpty {
            throw ProfileError(description: """
                the study's models need \(missing.joined(separator: ", ")); give each a value, or say it is not known \
                (unknown)
                """)
        }
        let data = try data()
        var cautions: [String] = []
        var refuse: [String] = []
        // Compare with the cohort.
        for (name, value) in profile.values.sorted(by: { $0.key < $1.key }) {
            let cohortValues = data.records.compactMap {
                StudyVariable.value(name, patient: $0.patient, plan: plan, response: $0.response)
            }
            guard !cohortValues.isEmpty else { continue }
            switch value {
            case .number(let x):
                let nums = cohortValues.compactMap { v -> Double? in
                    if case .number(let y) = v { return y } else { return nil }
                }
                if let lo = nums.min(), let hi = nums.max(), x < lo || x > hi {
                    cautions.append("""
                        \(name) = \(abs(x) < 1e15 ? NumberFormat.plain(x) : "\(x)") is outside the cohort's range \
                        (\(NumberFormat.plain(lo))–\(NumberFormat.plain(hi))): predictions are an extrapolation
                        """)
                }
            case .text(let t):
                if !cohortValues.contains(where: {
                    if case .text(let u) = $0 { return u.lowercased() == t.lowercased() } else { return false }
                }) {
                    refuse.append("""
                        \(name) = \(t): no patient of the cohort has this value, so its models say nothing about such \
                        a patient
                        """)
                }
            case .yes(let b):
                if !cohortValues.contains(.yes(b)) {
                    refuse.append("\(name) = \(b ? "yes" : "no"): no patient of the cohort has this value")
                }
            }
        }
        // The patient's factor levels.
        var levels: [String: Int?] = [:]
        for f in plan.factors where !f.isAllOf {
            if let v = profile.values[f.variable] {
                levels[f.name] = try f.rule.level(of: v, factor: f, source: SourceRow(file: "patient", row: 1))
            } else { levels[f.name] = .some(nil) }
        }
        for f in plan.factors {
            if case .allOf(let parts) = f.rule {
                let l = parts.map { levels[$0] ?? nil }
                levels[f.name] = l.contains(where: { $0 == nil }) ? .some(nil) : (l.allSatisfy { $0 == 1 } ? 1 : 0)
            }
        }
        let factors = data.factors.map { c in
            RiskAssessment.Factor(
                factor: c.factor.name, label: c.factor.label,
                level: (levels[c.factor.name] ?? nil).map { c.factor.levels[$0] })
        }
        var predictions: [RiskAssessment.Prediction] = [], refusals: [RiskAssessment.Refusal] = [],
            findings: [String] = []
        for a in plan.analyses where !a.multivariable.isEmpty {
            guard let e = data.endpoint(a.endpoint) else { continue }
            let label = e.definition.label
            func no(_ why: String) { refusals.append(.init(endpoint: e.definition.name, label: label, reason: why)) }
            let terms = a.multivariable.map { data.factor($0)! }
            let d = ModelSummary.design(terms, patients: data.records.count)
            let time = d.rows.map { e.observations[$0].time }, event = d.rows.map { e.observations[$0].event }
            guard event.filter({ $0 }).count >= 2,
                let model = try? CoxModel(time: time, event: event, covariates: d.columns)
            else {
                no("no model could be fitted (\(event.filter { $0 }.count) events)"); continue
            }
            let p = model.pValues
            let (lo, hi) = model.hazardRatioInterval()
            let status = ModelSummary.fittedTerms(
                d, event: event, coefficients: model.coefficients, hazardRatios: model.hazardRatios,
                lower: lo, upper: hi, pValues: p, termStatus: model.termStatus
            ).map(\.notEstimable)
            // Findings: significant terms at the patient's level.
            for k in d.columns.indices where status[k] == nil && p[k] < plan.alpha {
                let (f, level) = d.columnTerms[k]
                guard (levels[f.name] ?? nil) == level else { continue }
                let direction = model.hazardRatios[k] > 1 ? "higher" : "lower"
                findings.append("""
                    \(label): \(f.label) = \(f.levels[level]) is associated with \(direction) risk in this cohort's \
                    multivariable model (HR \(fmt(model.hazardRatios[k])), 95% CI \(fmt(lo[k]))–\(fmt(hi[k])), \
                    \(NumberFormat.pValueStatement(p[k])) vs \(f.levels[f.reference])).
                    """)
            }
            if !refuse.isEmpty { no(refuse.joined(separator: "; ")); continue }
            let unknownTerms = terms.filter { (levels[$0.factor.name] ?? nil) == nil }
            if !unknownTerms.isEmpty {
                no("""
                    not known: \(unknownTerms.map(\.factor.label).joined(separator: ", ")) (the model needs every \
                    term)
                    """); continue
            }
            if let k = status.firstIndex(where: { $0 != nil }) {
                let (f, level) = d.columnTerms[k]
                no("the model's term \(f.label) = \(f.levels[level]) is not estimable (\(status[k]!.explanation))");
                continue
            }
            let epv = Double(model.events) / Double(max(1, d.columns.count))
            let x = d.columnTerms.map { (f, level) in (levels[f.name] ?? nil) == level ? 1.0 : 0.0 }
            let curve = try CoxPrediction(model: model, covariates: x).curves[0]
            var rows: [RiskAssessment.Prediction] = []
            var degenerate = false
            for est in curve.estimates(at: plan.rateTimes) {
                if !(est.lower.isFinite && est.upper.isFinite) || est.upper - est.lower <= 1e-12 || est.survival <= 0
                    || est.survival >= 1
                {
                    degenerate = true
                }
                rows.append(.init(endpoint: e.definition.name, label: label, time: est.time, probability: est.survival,
                        lower95: est.lower, upper95: est.upper, modelPatients: d.rows.count, modelEvents: model.events))
            }
            if degenerate {
                no("""
                    the predicted probability has no usable confidence interval at \
                    \(plan.rateTimes.map(NumberFormat.plain).joined(separator: "/")) \(plan.timeUnit.rawValue) (too \
                    few patients at risk)
                    """); continue
            }
            if epv < 10 {
                cautions.append("""
                    \(label): the model has \(model.events) events for \(d.columns.count) terms \
                    (\(NumberFormat.fixed(epv, 1)) per term, fewer than 10): its predictions are uncertain and may be \
                    over-fitted.
                    """)
            }
            predictions += rows
            predicted?(e.definition, curve, d.rows.count, model.events)
        }
        var paper: [String] = []
        if plan.isPaperPreset {
            if (levels["history"] ?? nil) == 1 {
                paper.append("""
                    The paper (its own cohort of 138 patients, 2001–2009) found pre-CCRT treatment the risk factor \
                    for infield failure (multivariate HR 2.19, 95% CI 1.13–4.24, P = 0.020) and suggested more \
                    intensified local treatment for such patients, e.g. a higher radiation dose where liver function \
                    allows.
                    """)
            }
            if (levels["markers"] ?? nil) == 1 {
                paper.append("""
                    The paper found AFP ≥ 200 IU/mL with PIVKA-II ≥ 60 mAU/mL the risk factor for extrahepatic \
                    failure (multivariate HR 6.95, 95% CI 1.22–39.6, P = 0.029) and suggested adding systemic therapy.
                    """)
            }
        }
        if findings.isEmpty {
            findings.append(
                predictions.isEmpty && refusals.count == plan.analyses.filter({ !$0.multivariable.isEmpty }).count
                ? "No model gives a finding for this patient."
                : """
                    None of this patient's known factor levels is significantly associated with risk (P < \
                    \(NumberFormat.plain(plan.alpha))) in this cohort's multivariable models.
                    """)
        }
        let osE = data.endpoints.first { $0.definition.isOverallSurvival }
        let deaths = osE.map { $0.event.filter { $0 }.count }
        let years = data.records.map { $0.patient.rtStart.components.year }
        let cohortText = (synthetic ? "the SYNTHETIC demo cohort (not patient data)" : "the study's cohort")
            + " of \(data.records.count) patients treated " + Self.yearSpan(years)
            + (deaths.map { ", \($0) deaths" } ?? "")
        return RiskAssessment(
            factors: factors, predictions: predictions, refusals: refusals, cautions: cautions, findings: findings,
            paperSuggestions: paper,
            evidence: """
                Decision support, not a treatment order. Predictions and findings come from Cox models fitted on \
                \(cohortText) (retrospective data: associations, not effects of treatment; hypothesis-generating). \
                Any suggestion quoted from the paper is the paper's, from its own cohort, and was not tested in a \
                trial.
                """,
            unit: plan.timeUnit.rawValue)
    }

    /// A hazard ratio or limit as reported: two decimals below 10, one from 10.
    private func fmt(_ x: Double) -> String { NumberFormat.fixed(x, x < 10 ? 2 : 1) }
}

extension StudyAnalysis {
    /// "in 2005" for one year, "2001–2009" for several, "in unknown years" for none.
    static func yearSpan(_ years: [Int]) -> String {
        guard let lo = years.min(), let hi = years.max() else { return "in unknown years" }
        return lo == hi ? "in \(lo)" : "\(lo)–\(hi)"
    }
}
