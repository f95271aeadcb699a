import Survival

/// One patient's predicted probability of remaining free of an endpoint's event over the whole follow-up,
/// with its pointwise 95% confidence band: the multivariable Cox model's predicted survival curve (R's
/// `survfit(coxph(…), newdata)`), for each model that ``StudyAnalysis/assess(_:predicted:)`` predicts from.
///
/// A curve exists exactly when `pof assess` gives that endpoint's predictions at the plan's rate times: a
/// refused model (a value no cohort patient has, an unknown term, a non-estimable term, no usable interval)
/// has no curve, and the assessment's cautions apply to the curves as to the rates.
///
/// ```swift
/// let (assessment, curves) = try analysis.assessWithCurves(profile)
/// curves[0].survival(at: 12)      // the same number as assessment.predictions' 12-month row
/// ```
public struct PredictedCurve: Sendable, Codable, Equatable {
    /// Endpoint name and label (as in ``RiskAssessment/Prediction``).
    public var endpoint: String
    /// The endpoint's label ("Overall survival").
    public var label: String
    /// Times where the curve steps (0, then each event time of the model's data), then the last observed
    /// time; in the plan's time unit, increasing.
    public var time: [Double]
    /// Predicted S(t) from each time until the next.
    public var survival: [Double]
    /// Pointwise 95% limits of S(t) (R's default log interval; NaN, written `null` in JSON, where R gives NA).
    public var lower95: [Double]
    /// Upper pointwise 95% limits of S(t), one per ``time`` (NaN where R gives NA).
    public var upper95: [Double]
    /// Patients and events of the model.
    public var modelPatients: Int
    /// Events in the model's data.
    public var modelEvents: Int

    /// Keeps the points of a predicted curve where it changes (and its first and last points).
    ///
    /// - Parameters:
    ///   - curve: The engine's predicted curve (one per distinct observed time).
    ///   - endpoint: The endpoint it predicts.
    ///   - modelPatients: Patients in the model.
    ///   - modelEvents: Events in the model.
    /// - Complexity: O(m) for m curve times.
    public init(_ curve: CoxPrediction.Curve, endpoint: EndpointDefinition, modelPatients: Int, modelEvents: Int) {
        self.endpoint = endpoint.name
        self.label = endpoint.label
        self.modelPatients = modelPatients
        self.modelEvents = modelEvents
        var t: [Double] = [0], s: [Double] = [1], lo: [Double] = [1], hi: [Double] = [1]
        func same(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }
        for k in curve.time.indices {
            if curve.time[k] <= 0 {   // events at time 0 move the starting point
                s[0] = curve.survival[k]; lo[0] = curve.lower[k]; hi[0] = curve.upper[k]; continue
            }
            let changes =
                !same(curve.survival[k], s.last!) || !same(curve.lower[k], lo.last!) || !same(curve.upper[k], hi.last!)
            if changes || k == curve.time.count - 1 {
                t.append(curve.time[k]); s.append(curve.survival[k]); lo.append(curve.lower[k]);
                hi.append(curve.upper[k])
            }
        }
        time = t; survival = s; lower95 = lo; upper95 = hi
    }

    /// The curve's value at time `t` (the value at the last curve time ≤ t), with its limits.
    ///
    /// - Parameter t: A time ≥ 0 in the plan's unit.
    /// - Returns: S(t) and its 95% limits; those of the last point after the last curve time.
    /// - Complexity: O(log m).
    public func survival(at t: Double) -> (survival: Double, lower95: Double, upper95: Double) {
        var a = 0, b = time.count
        while a < b { let mid = (a + b) >> 1; if time[mid] <= t { a = mid + 1 } else { b = mid } }
        let k = max(0, a - 1)
        return (survival[k], lower95[k], upper95[k])
    }
}

extension StudyAnalysis {
    /// Assesses a new patient exactly as ``assess(_:predicted:)`` does, and also returns the predicted curves of the
    /// models it predicts from.
    ///
    /// ```swift
    /// let (assessment, curves) = try StudyAnalysis(cohort: cohort, plan: plan).assessWithCurves(profile)
    /// ```
    ///
    /// - Parameter profile: The patient's values (every model variable given or declared not known).
    /// - Returns: The assessment (identical to ``assess(_:predicted:)``) and one curve per endpoint with predictions,
    ///   in the assessment's order; no curve for a refused endpoint.
    /// - Throws: As ``assess(_:predicted:)``.
    /// - Complexity: That of ``assess(_:predicted:)``.
    public func assessWithCurves(
        _ profile: BaselineProfile
    ) throws -> (assessment: RiskAssessment, curves: [PredictedCurve]) {
        var curves: [PredictedCurve] = []
        let assessment = try assess(profile) { endpoint, curve, patients, events in
            curves.append(PredictedCurve(curve, endpoint: endpoint, modelPatients: patients, modelEvents: events))
        }
        return (assessment, curves)
    }
}
