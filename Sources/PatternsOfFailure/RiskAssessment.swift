import Foundation
import Oncology
import Survival

/// A new patient's baseline, as far as the study's risk factors need it.
public struct BaselineProfile: Sendable, Codable, Equatable {
    public var age: Double
    public var stage: MUICCStage?
    public var portalVeinThrombosis: Bool
    /// Treatments before CCRT; empty = primary treatment.
    public var priorTreatments: [String]
    public var afp: Double?
    public var pivka: Double?

    public init(age: Double, stage: MUICCStage?, portalVeinThrombosis: Bool, priorTreatments: [String],
                afp: Double?, pivka: Double?) {
        self.age = age; self.stage = stage; self.portalVeinThrombosis = portalVeinThrombosis
        self.priorTreatments = priorTreatments; self.afp = afp; self.pivka = pivka
    }
}

/// Decision support for one patient from the fitted study: risk factors, predicted failure-free
/// probabilities per failure type, and the direction the paper suggests, with its level of evidence.
public struct RiskAssessment: Sendable, Codable {
    public struct Factor: Sendable, Codable {
        public var factor: RiskFactor.Kind
        public var label: String
        /// The patient's level, or nil when the data are missing.
        public var level: String?
        public var present: Bool?
    }

    public struct Prediction: Sendable, Codable {
        public var endpoint: Endpoint
        public var label: String
        public var time: Double
        /// Probability of being free of this failure type (or alive, for OS) at `time`.
        public var probability: Double
        public var lower95: Double
        public var upper95: Double
        /// The model this comes from: patients and events.
        public var modelPatients: Int
        public var modelEvents: Int
    }

    public var factors: [Factor]
    public var predictions: [Prediction]
    public var suggestions: [String]
    public var evidence: String
    public var caveats: [String]
    public var unit: String
}

extension StudyAnalysis {
    /// Assesses a new patient against the cohort: Cox models of each failure-specific PFS (and OS) on the
    /// plan's risk factors (complete cases), and the patient's predicted probabilities at the plan's rate
    /// times (R `survfit.coxph` with the patient's factor values), with 95% limits.
    ///
    /// - Returns: The assessment; missing factors make the prediction unavailable and say why.
    public func assess(_ profile: BaselineProfile) -> RiskAssessment {
        let (derived, _, _) = derive()
        let factorDefs = plan.factors.map { RiskFactor(kind: $0, plan: plan) }
        let anchor = cohort.patients.first?.rtStart ?? Day(serial: 0)
        let person = Patient(id: "assessed", age: profile.age, sex: .male, portalVeinThrombosis: profile.portalVeinThrombosis,
                             afp: profile.afp, pivka: profile.pivka, priorTreatments: profile.priorTreatments,
                             totalDoseGy: 45, fractions: 25, rtStart: anchor, rtEnd: anchor, lastFollowUp: anchor,
                             vitalStatus: .alive)
        let values = factorDefs.map { $0.isPresent(in: person, stage: profile.stage) }
        let factors = zip(factorDefs, values).map { d, v in
            RiskAssessment.Factor(factor: d.kind, label: d.label, level: v.map { d.levels[$0 ? 1 : 0] }, present: v)
        }
        var caveats: [String] = []
        var predictions: [RiskAssessment.Prediction] = []
        if values.contains(where: { $0 == nil }) {
            caveats.append("Predictions need every factor; missing: " + zip(factorDefs, values).filter { $0.1 == nil }.map(\.0.label).joined(separator: ", ") + ".")
        } else {
            let x = values.map { $0! ? 1.0 : 0.0 }
            for e in Endpoint.failureSpecific + [.overallSurvival] {
                let rows = derived.indices.filter { i in factorDefs.allSatisfy { derived[i].factors[$0.kind]! != nil } }
                let o = rows.map { derived[$0].observations[e]! }
                let columns = factorDefs.map { f in rows.map { derived[$0].factors[f.kind]!! ? 1.0 : 0.0 } }
                guard let model = try? CoxModel(time: o.map(\.time), event: o.map(\.event), covariates: columns) else { continue }
                if !model.warnings.isEmpty || !model.aliased.isEmpty {
                    caveats.append("\(e.label): the model has problems (\((model.warnings + model.aliased.map { "\(factorDefs[$0].label) not estimable" }).joined(separator: "; "))); treat its prediction with caution.")
                }
                guard let curve = (try? CoxPrediction(model: model, covariates: x))?.curves[0] else { continue }
                for est in curve.estimates(at: plan.rateTimes) {
                    predictions.append(.init(endpoint: e, label: e.label, time: est.time, probability: est.survival,
                                             lower95: est.lower, upper95: est.upper, modelPatients: rows.count,
                                             modelEvents: model.events))
                }
                let epv = Double(model.events) / Double(factorDefs.count)
                if epv < 10 { caveats.append("\(e.label): \(model.events) events for \(factorDefs.count) factors (fewer than 10 per factor): wide uncertainty.") }
            }
        }
        var suggestions: [String] = []
        let present = Dictionary(uniqueKeysWithValues: zip(factorDefs.map(\.kind), values))
        if present[.history] == true {
            suggestions.append("Treated before CCRT (recurrence treatment group): the paper found this the risk factor for infield (local) failure (multivariate HR 2.19, 95% CI 1.13–4.24, P = 0.020). The authors suggest more intensified local treatment for such patients, e.g. a higher radiation dose where liver function allows.")
        }
        if present[.markers] == true || (present[.afp] == true && present[.pivka] == true) {
            suggestions.append("AFP ≥ \(RiskFactor.number(plan.afpCutoff)) IU/mL and PIVKA-II ≥ \(RiskFactor.number(plan.pivkaCutoff)) mAU/mL: the paper found both markers elevated to be the risk factor for extrahepatic failure (multivariate HR 6.95, 95% CI 1.22–39.6, P = 0.029). The authors suggest adding systemic therapy.")
        }
        if present[.age] == false {
            suggestions.append("Age < \(RiskFactor.number(plan.ageCutoff)): associated with extrahepatic failure in the univariate analysis only (P = 0.007); not significant after adjustment.")
        }
        if suggestions.isEmpty {
            suggestions.append("None of the paper's risk factors for failure is present; the study gives no reason to change the standard CCRT protocol.")
        }
        return RiskAssessment(
            factors: factors, predictions: predictions, suggestions: suggestions,
            evidence: "Decision support, not a treatment order. Evidence: one retrospective single-institution cohort (138 patients, 2001–2009), hypothesis-generating (Oxford CEBM level 4 / GRADE low); the suggested intensification was not tested in a trial. Predictions come from Cox models of this cohort\(synthetic ? ", which here is the SYNTHETIC demo cohort" : "") and carry its limitations.",
            caveats: caveats, unit: plan.timeUnit.rawValue)
    }
}
