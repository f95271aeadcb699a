import RealModule

/// Predicted survival curves from a fitted ``CoxModel`` for given covariate values, as R's
/// `survfit(fit, newdata)` computes them (`survfit.coxph` with its defaults `stype = 2`, `se.fit = TRUE`).
///
/// ```swift
/// let fit = try CoxModel(time: t, event: e, covariates: [age, sex])
/// let curves = try CoxPrediction(model: fit, covariates: [60, 1]) // one value per covariate
/// curves.curves[0].survival, curves.curves[0].lower               // one curve per stratum
/// ```
///
/// The baseline cumulative hazard follows the fit's ties (R's default `ctype`): Breslow increments
/// d/Σ w·e^η for `.breslow`, and for `.efron` the Efron-type increments w̄·Σₖ 1/(S0 − (k/d)·S0_D) over
/// the d tied deaths. For covariate values z with r = exp((z − x̄)·β), where x̄ are the fit's
/// ``CoxModel/means``: H(t) = r·Σ_{s≤t} dΛ₀(s) and S(t) = exp(−H(t)). The variance of H(t) is
/// r²·(Σ_{s≤t} dV₀(s) + dᵀ V_β d) with dV₀ = d/S0² (Breslow) or w̄·Σₖ 1/den_k² (Efron),
/// d(t) = Σ_{s≤t} (z − x̄)·dΛ₀(s) − Σ_{s≤t} x̄_w(s)·dΛ₀(s) (x̄_w the risk-weighted covariate mean, Efron-
/// averaged), and V_β the model's variance (robust if the model is robust), as R does.
///
/// Each curve has a row at every distinct observed time of its stratum, including times with only
/// censorings. Limits are formed from the standard error of H (R's `std.err`) by R's `survfit` rules
/// (default `log`, upper limit capped at 1). Aliased coefficients are left out, as R does.
public struct CoxPrediction: Sendable {
    /// One predicted curve, for one stratum.
    public struct Curve: Sendable {
        /// Stratum index (position among the ascending distinct strata values given to the model; 0
        /// without strata).
        public let stratum: Int
        /// Distinct observed times of the stratum, ascending.
        public let time: [Double]
        /// Number (weight) at risk at each time.
        public let atRisk: [Double]
        /// Events (weighted) at each time.
        public let events: [Double]
        /// Censorings (weighted) at each time.
        public let censored: [Double]
        /// S(t) = exp(−H(t)).
        public let survival: [Double]
        /// H(t).
        public let cumulativeHazard: [Double]
        /// Standard error of H(t), which is also that of log S(t) (R's `fit$std.err`).
        public let cumulativeHazardStandardError: [Double]
        /// Lower and upper pointwise limits for S(t) (NaN where R gives NA).
        public let lower: [Double]
        /// Upper pointwise limits for S(t).
        public let upper: [Double]

        /// Standard error of S(t): S·se(H), as R's `summary()` reports it.
        public var survivalStandardError: [Double] {
            zip(survival, cumulativeHazardStandardError).map { $0 * $1 }
        }
    }

    /// The covariate values the curves are for (one per model covariate).
    public let covariates: [Double]
    /// One curve per stratum, in stratum order.
    public let curves: [Curve]
    /// Scale of the pointwise limits.
    public let confidenceType: KaplanMeier.ConfidenceType
    /// Level of the pointwise limits.
    public let confidenceLevel: Double

    /// Predicts the survival curves of a subject with covariate values `covariates`.
    ///
    /// - Parameters:
    ///   - model: A fitted Cox model.
    ///   - covariates: One value per covariate of the model, in the model's order (an aliased
    ///     covariate's value is ignored).
    ///   - confidenceType: How limits are formed; default `.log` as R.
    ///   - confidenceLevel: Strictly between 0 and 1; default 0.95.
    /// - Throws: ``SurvivalError`` when the number of values differs from the model's covariates, a value
    ///   of an estimated covariate is not finite, or the confidence level is outside (0, 1).
    /// - Complexity: O(n·p + m·p²) for n rows and m distinct times.
    public init(model: CoxModel, covariates: [Double], confidenceType: KaplanMeier.ConfidenceType = .log,
                confidenceLevel: Double = 0.95) throws(SurvivalError) {
        try Check.length(covariates, "covariates", as: model.coefficients.count, of: "the model's coefficients")
        for (j, v) in covariates.enumerated() where !v.isFinite && !model.aliased.contains(j) {
            throw .notFinite(argument: "covariates", index: j, value: v)
        }
        try Check.confidenceLevel(confidenceLevel)
        self.covariates = covariates
        self.confidenceType = confidenceType
        self.confidenceLevel = confidenceLevel
        let data = model.data
        let keep = (0..<model.coefficients.count).filter { !model.aliased.contains($0) }
        let cols = keep.map { model.covariates[$0] }
        let centres = keep.map { data.means[$0] }
        let beta = keep.map { model.coefficients[$0] }
        let zc = keep.map { covariates[$0] - data.means[$0] }
        let vb = model.variance.submatrix(keep)
        let p = keep.count
        let risk = Double.exp(zip(zc, beta).reduce(0) { $0 + $1.0 * $1.1 })
        let events = data.eventTimes(lp: model.linearPredictor, columns: cols, centres: centres)
        let tables = data.predictionTables(lp: model.linearPredictor)
        var curves: [Curve] = []
        var e = 0
        for (si, table) in tables.enumerated() {
            let m = table.time.count
            var h = 0.0, v0 = 0.0
            var d = [Double](repeating: 0, count: p)
            var cumhaz = [Double](repeating: 0, count: m), se = cumhaz, surv = cumhaz
            for k in 0..<m {
                if e < events.count && events[e].stratum == si && events[e].time == table.time[k] {
                    let ev = events[e]
                    h += ev.hazard
                    v0 += table.hazardVariance[k]
                    for j in 0..<p { d[j] += ev.hazard * zc[j] - ev.xHazard[j] }
                    e += 1
                }
                cumhaz[k] = risk * h
                surv[k] = Double.exp(-cumhaz[k])
                se[k] = ((v0 + vb.quadraticForm(d)) * risk * risk).squareRoot()
            }
            let (lo, hi) = KaplanMeier.limits(survival: surv, logStandardError: se, type: confidenceType,
                                              level: confidenceLevel)
            curves.append(Curve(stratum: si, time: table.time, atRisk: table.atRisk, events: table.events,
                                censored: table.censored, survival: surv, cumulativeHazard: cumhaz,
                                cumulativeHazardStandardError: se, lower: lo, upper: hi))
        }
        self.curves = curves
    }
}

extension CoxModel {
    /// Predicted survival curves for each row of `newdata` (R's `survfit(fit, newdata)`); see
    /// ``CoxPrediction``.
    ///
    /// ```swift
    /// let curves = try fit.predictedSurvival([[60, 0], [60, 1]])
    /// ```
    ///
    /// - Parameters:
    ///   - newdata: One array of covariate values per curve, in the model's covariate order.
    ///   - confidenceType: Scale of the pointwise limits (default `.log`, as R).
    ///   - confidenceLevel: Level of the pointwise limits (default 0.95).
    /// - Returns: One prediction per row of `newdata`.
    /// - Throws: ``SurvivalError`` as ``CoxPrediction/init(model:covariates:confidenceType:confidenceLevel:)``.
    /// - Complexity: O(k·(n·p + m·p²)) for k rows of `newdata`.
    public func predictedSurvival(_ newdata: [[Double]], confidenceType: KaplanMeier.ConfidenceType = .log,
                                  confidenceLevel: Double = 0.95) throws(SurvivalError) -> [CoxPrediction] {
        var out: [CoxPrediction] = []
        for x in newdata {
            out.append(try CoxPrediction(model: self, covariates: x, confidenceType: confidenceType,
                                         confidenceLevel: confidenceLevel))
        }
        return out
    }
}

extension CoxData {
    /// Per-stratum aggregates at every distinct exit time, as R's `agsurv` forms them.
    struct PredictionTable {
        var time: [Double] = []
        var atRisk: [Double] = []
        var events: [Double] = []
        var censored: [Double] = []
        /// The increment of the variance of the baseline cumulative hazard (β fixed): d/S0² for
        /// Breslow, w̄·Σₖ 1/(S0 − (k/d)·S0_D)² for Efron; 0 where nobody dies.
        var hazardVariance: [Double] = []
    }

    /// One table per stratum; `lp` is the linear predictor in input order.
    func predictionTables(lp: [Double]) -> [PredictionTable] {
        strataRanges.enumerated().map { si, range in
            var out = PredictionTable()
            let r = range.map { Double.exp(lp[order[$0]]) * weight[$0] }   // risk weights, by position in range
            let lo = range.lowerBound
            // entry times of the stratum, ascending, with suffix sums of weight and risk weight
            var entries: [(Double, Double, Double)] = []
            if let entry { entries = range.map { (entry[$0], weight[$0], r[$0 - lo]) }.sorted { $0.0 < $1.0 } }
            var entryW = [Double](repeating: 0, count: entries.count + 1), entryR = entryW
            for i in stride(from: entries.count - 1, through: 0, by: -1) {
                entryW[i] = entryW[i + 1] + entries[i].1
                entryR[i] = entryR[i + 1] + entries[i].2
            }
            var sumW = 0.0, sumR = 0.0
            var k = range.upperBound - 1
            var rows: [(Double, Double, Double, Double, Double)] = []   // time, atRisk, events, censored, dV
            while k >= lo {
                let t = time[k]
                var ev = 0.0, cen = 0.0, deadR = 0.0, nd = 0
                while k >= lo && time[k] == t {
                    sumW += weight[k]
                    sumR += r[k - lo]
                    if status[k] { ev += weight[k]; deadR += r[k - lo]; nd += 1 } else { cen += weight[k] }
                    k -= 1
                }
                var nW = sumW, s0 = sumR
                if entry != nil {
                    // rows not yet entered at t (entry ≥ t) are not at risk
                    var a = 0, b = entries.count
                    while a < b { let mid = (a + b) >> 1; if entries[mid].0 < t { a = mid + 1 } else { b = mid } }
                    nW -= entryW[a]
                    s0 -= entryR[a]
                }
                var dv = 0.0
                if nd > 0 {
                    if !efron || nd == 1 {
                        dv = ev / (s0 * s0)
                    } else {
                        let dd = Double(nd)
                        for j in 0..<nd {
                            let den = s0 - deadR * Double(j) / dd
                            dv += 1 / (den * den)
                        }
                        dv *= ev / dd
                    }
                }
                rows.append((t, nW, ev, cen, dv))
            }
            for row in rows.reversed() {
                out.time.append(row.0)
                out.atRisk.append(row.1)
                out.events.append(row.2)
                out.censored.append(row.3)
                out.hazardVariance.append(row.4)
            }
            return out
        }
    }
}

extension CoxPrediction.Curve {
    /// The curve at requested times, as R's `summary(survfit(fit, newdata), times = …)`: the value at the
    /// last curve time ≤ t (S = 1 with standard error 0 before the first).
    ///
    /// - Returns: One estimate per requested time, in the order given.
    /// - Complexity: O(k log m) for k requested times and m curve times.
    public func estimates(at times: [Double]) -> [KaplanMeier.Estimate] {
        let se = survivalStandardError
        return times.map { t in
            let k = upperBound(time, t)
            let risk = lowerBound(time, t) < time.count ? atRisk[lowerBound(time, t)] : 0
            if k == 0 {
                return KaplanMeier.Estimate(time: t, atRisk: risk, events: 0, censored: 0, survival: 1,
                                            standardError: 0, lower: 1, upper: 1)
            }
            return KaplanMeier.Estimate(time: t, atRisk: risk, events: 0, censored: 0, survival: survival[k - 1],
                                        standardError: se[k - 1], lower: lower[k - 1], upper: upper[k - 1])
        }
    }
}
