import Foundation
import Oncology
import PatternsOfFailure
import Reporting
import Tabular

/// The risk calculator: the form `pof assess` takes as options, and its answer for one patient.
///
/// ```swift
/// let form = RiskCalculator.form(study)           // what to ask
/// let a = try RiskCalculator.assess(#"{"values":{"age":"45","muicc_stage":"III"}}"#.data(using: .utf8)!, study: study)
/// ```
public enum RiskCalculator {
    /// One question of the form.
    public struct Field: Codable, Sendable {
        /// The variable's name (the key of the answer's `values`).
        public var name: String
        /// The question's label, with the unit ("AFP (IU/mL)").
        public var label: String
        /// "number", "choice" or "yesno".
        public var kind: String
        /// The choices of a "choice" field (the cohort's values); empty otherwise.
        public var choices: [String]
        /// Range of the cohort's values (numbers): outside it a prediction is an extrapolation.
        public var cohortMin: Double?
        /// See ``cohortMin``.
        public var cohortMax: Double?
        enum CodingKeys: String, CodingKey {
            case name, label, kind, choices, cohortMin = "cohort_min", cohortMax = "cohort_max"
        }
    }

    /// The form: the variables of the plan's models, each of which may be "unknown".
    public struct Form: Codable, Sendable {
        /// The questions, in the plan's order.
        public var fields: [Field]
        /// The plan's time unit (`months`).
        public var unit: String
        /// The times of the predictions, in ``unit``.
        public var times: [Double]
        /// Whether the study's cohort is the built-in synthetic demo.
        public var synthetic: Bool
    }

    /// The answer: the assessment exactly as `pof assess --format json` gives it, the predicted curves of the
    /// models it predicts from, and a figure of them.
    public struct Answer: Encodable, Sendable {
        /// The assessment, as `pof assess --format json` writes it.
        public var assessment: RiskAssessment
        /// Predicted probability of remaining free of each endpoint's event over follow-up, with 95% CI;
        /// one per endpoint with predictions (none for a refused endpoint).
        public var curves: [PredictedCurve]
        /// One figure per curve (SVG), the curve with its 95% band, in the order of `curves`.
        public var figures: [String]
    }

    /// The form for a study.
    ///
    /// - Complexity: O(*n* · *v*) for *n* patients and *v* variables (the cohort ranges and choices).
    public static func form(_ study: StudySession.Study) -> Form {
        let analysis = StudyAnalysis(cohort: study.cohort, plan: study.plan)
        let fields = analysis.profileVariables.map { v -> Field in
            let label = study.plan.factors.first { $0.variable == v }?.labelWithUnit ?? v
            let values = study.data.records.compactMap {
                StudyVariable.value(v, patient: $0.patient, plan: study.plan, response: $0.response)
            }
            if StudyVariable.yesNo.contains(v) {
                return Field(name: v, label: label, kind: "yesno", choices: ["no", "yes"])
            }
            if v == "muicc_stage" {
                return Field(name: v, label: label, kind: "choice", choices: MUICCStage.allCases.map(\.rawValue))
            }
            let nums = values.compactMap { x -> Double? in if case .number(let y) = x { return y } else { return nil } }
            if StudyVariable.numeric.contains(v) || (!nums.isEmpty && nums.count == values.count) {
                return Field(name: v, label: label, kind: "number", choices: [], cohortMin: nums.min(),
                             cohortMax: nums.max())
            }
            var seen: [String] = []
            for case .text(let t) in values where !seen.contains(t) { seen.append(t) }
            return Field(name: v, label: label, kind: "choice", choices: seen.sorted())
        }
        return Form(fields: fields, unit: study.plan.timeUnit.rawValue, times: study.plan.rateTimes,
                    synthetic: study.synthetic)
    }

    struct Request: Decodable { var values: [String: String] }

    /// Assesses one patient: body `{"values": {"age": "45", "pvt": "unknown", …}}`.
    ///
    /// - Throws: ``ServerError`` (400) for a body that is not that JSON, (422) for values that cannot be
    ///   read or are missing, with `pof assess`'s message.
    ///
    /// - Complexity: As ``PatternsOfFailure/StudyAnalysis/assess(_:predicted:)``: one Cox fit per endpoint.
    public static func assess(_ body: Data, study: StudySession.Study) throws -> Answer {
        let request: Request
        do { request = try JSONDecoder().decode(Request.self, from: body) } catch {
            throw ServerError(ServerError.badRequest,
                              "send JSON {\"values\": {\"age\": \"45\", …}} with text values "
                                  + "(\"unknown\" when not known)")
        }
        var analysis = StudyAnalysis(cohort: study.cohort, plan: study.plan)
        analysis.synthetic = study.synthetic
        let a: RiskAssessment, curves: [PredictedCurve]
        do {
            var values = request.values.filter { !$0.value.isEmpty }
            // The form asks prior treatment as yes/no; `pof assess` takes treatments or "none" (a bare "yes" is
            // ambiguous there), so the form's answer is given in those words.
            if let v = values["prior_treatment"]?.lowercased(), v == "yes" || v == "no" {
                values["prior_treatment"] = v == "yes" ? "previously treated" : "none"
            }
            (a, curves) = try analysis.assessWithCurves(try ProfileReading.profile(values, source: "form"))
        } catch let e as StudyAnalysis.ProfileError { throw ServerError(ServerError.unprocessable, e.description) }
        catch let e as StudyPlan.PlanError { throw ServerError(ServerError.unprocessable, e.description) }
        return Answer(assessment: a, curves: curves, figures: curves.map { plot($0, unit: a.unit, study: study) })
    }

    static func plot(_ c: PredictedCurve, unit: String, study: StudySession.Study) -> String {
        let maxT = c.time.last ?? 1
        let ticks = study.plan.riskTableTimes.filter { $0 <= maxT }
        let series = SurvivalPlot.Series(label: "this patient (95% CI)", times: c.time, values: c.survival,
                                         lower: c.lower95, upper: c.upper95, endTime: maxT)
        let at = study.plan.rateTimes.map { t in
            "\(NumberFormat.plain(t)) \(unit): \(NumberFormat.percent(c.survival(at: t).survival))%"
        }
        return SurvivalPlot(title: c.label, xLabel: "Time (\(unit))",
                            yLabel: "Probability of remaining free of the event",
                            series: [series], xTicks: ticks.count >= 2 ? ticks : [0, maxT],
                            annotation: "Cox model, \(c.modelPatients) patients, \(c.modelEvents) events; "
                                + at.joined(separator: ", "),
                            watermark: study.synthetic ? "SYNTHETIC" : nil).svg()
    }
}
