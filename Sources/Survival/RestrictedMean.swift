import RealModule

/// The restricted mean survival time (RMST) up to a horizon τ: the area under a Kaplan–Meier curve from 0
/// to τ, with its standard error, as R's `print(survfit(...), rmean = τ)` reports it.
///
/// ```swift
/// let fit = try KaplanMeier(time: [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161],
///                           event: [true, true, false, true, true, false, true, true, false, true, false])
/// let rmst = try RestrictedMeanSurvival(fit, tau: 30)
/// rmst.estimate        // 24.602272727272727 (R: summary(fit, rmean = 30)$table["rmean"])
/// rmst.standardError   // 2.3131… (R: se(rmean))
/// rmst.limitation      // nil: the curve is observed up to τ
/// ```
///
/// With distinct times t₁ < … < t_m ≤ τ, S the Kaplan–Meier estimate and t₀ = 0:
///
///     RMST = Σ_{k=1}^{m+1} (t_k − t_{k−1}) · S(t_{k−1}),  t_{m+1} = τ, S(t₀) = 1
///     Var  = Σ_{k=1}^{m} A_k² · d_k / (n_k (n_k − d_k)),  A_k = ∫_{t_k}^{τ} S(u) du
///
/// (a time with n_k = d_k adds 0, as in R's `survmean`; survRM2's `rmst1` uses the same two formulas).
/// Limits are RMST ± z·se.
///
/// **τ beyond the data.** When τ is after the curve's last observed time and the curve has not reached 0
/// there, the area beyond the last time rests on carrying S flat (no events after the last follow-up):
/// R's survival does this silently, survRM2 refuses τ there. The estimate is R's value and
/// ``limitation`` is ``Limitation/beyondFollowUp``; report it only as an extrapolation. A curve that has
/// reached 0 has a well-defined area for any τ. When τ is before the first observed time R stops
/// ("Truncation point … < smallest survival"); here the RMST is τ with standard error 0.
public struct RestrictedMeanSurvival: Sendable, Equatable, Codable {
    /// Why an RMST is an extrapolation rather than an estimate from the data.
    public enum Limitation: String, Sendable, Equatable, Codable, CustomStringConvertible {
        /// τ is after the last observed time and S has not reached 0 there: the area after the last time
        /// assumes no events happen after follow-up ends.
        case beyondFollowUp

        /// A plain-language reason, as tables print it.
        public var description: String {
            switch self {
            case .beyondFollowUp:
                return "tau is beyond the last observed time and the curve has not reached 0 there"
            }
        }
    }

    /// The horizon τ.
    public var tau: Double
    /// The restricted mean ∫₀^τ S(u) du.
    public var estimate: Double
    /// Its standard error (R's `se(rmean)`).
    public var standardError: Double
    /// Lower confidence limit, estimate − z·se.
    public var lower: Double
    /// Upper confidence limit, estimate + z·se.
    public var upper: Double
    /// Level of ``lower`` and ``upper``.
    public var confidenceLevel: Double
    /// The curve's last observed time (event or censoring); NaN for an empty curve.
    public var lastTime: Double
    /// S at ``lastTime`` (1 for an empty curve).
    public var lastSurvival: Double
    /// `nil` when the curve is observed up to τ (or has reached 0); otherwise why the estimate is an
    /// extrapolation.
    public var limitation: Limitation?

    /// The RMST of a fitted curve up to `tau`.
    ///
    /// ```swift
    /// let r = try RestrictedMeanSurvival(try KaplanMeier(time: t, event: e), tau: 365)
    /// print(r.estimate, r.standardError, r.lower, r.upper)
    /// ```
    ///
    /// - Parameters:
    ///   - fit: A Kaplan–Meier curve (its weights, if any, are used as R uses them).
    ///   - tau: The horizon, finite and > 0.
    ///   - confidenceLevel: Level of the limits, strictly between 0 and 1; default 0.95.
    /// - Returns: The estimate, its standard error and limits, and whether τ lies beyond the data.
    /// - Throws: ``SurvivalError/invalidParameter(name:value:requirement:)`` for τ not finite and > 0 or a
    ///   confidence level outside (0, 1).
    /// - Complexity: O(m) for m distinct times of the curve.
    public init(_ fit: KaplanMeier, tau: Double, confidenceLevel: Double = 0.95) throws(SurvivalError) {
        guard tau.isFinite, tau > 0 else {
            throw .invalidParameter(name: "tau", value: tau, requirement: "a finite number > 0")
        }
        try Check.confidenceLevel(confidenceLevel)
        let m = upperBound(fit.time, tau)   // times ≤ τ
        // rectangles: (t_k − t_{k−1}) · S(t_{k−1}) for k = 1…m, then (τ − t_m) · S(t_m)
        var rectangles = [Double](repeating: 0, count: m + 1)
        var previousTime = 0.0, previousSurvival = 1.0
        for k in 0..<m {
            rectangles[k] = (fit.time[k] - previousTime) * previousSurvival
            previousTime = fit.time[k]
            previousSurvival = fit.survival[k]
        }
        rectangles[m] = (tau - previousTime) * previousSurvival
        var area = 0.0
        for r in rectangles { area += r }
        // A_k = Σ_{j > k} rectangles[j], accumulated from the end
        var after = 0.0, variance = 0.0
        for k in stride(from: m - 1, through: 0, by: -1) {
            after += rectangles[k + 1]
            let n = fit.atRisk[k], d = fit.events[k]
            if d > 0 && n > d { variance += after * after * d / (n * (n - d)) }
        }
        let z = Normal.quantile(1 - (1 - confidenceLevel) / 2)
        let se = variance.squareRoot()
        self.tau = tau
        estimate = area
        standardError = se
        lower = area - z * se
        upper = area + z * se
        self.confidenceLevel = confidenceLevel
        lastTime = fit.time.last ?? .nan
        lastSurvival = fit.survival.last ?? 1
        limitation = (fit.time.last.map { tau > $0 } ?? true) && lastSurvival > 0 ? .beyondFollowUp : nil
    }
}

/// The comparison of two restricted means with the same τ, as survRM2's `rmst2` defines it: the
/// difference with a normal confidence interval, and the ratios of RMST and of restricted mean time lost
/// (RMTL = τ − RMST) on the log scale with the delta method.
///
/// ```swift
/// let a = try RestrictedMeanSurvival(try KaplanMeier(time: t1, event: e1), tau: 30)
/// let b = try RestrictedMeanSurvival(try KaplanMeier(time: t0, event: e0), tau: 30)
/// let c = try RestrictedMeanComparison(a, versus: b)
/// c.difference.estimate, c.difference.pValue   // RMST₁ − RMST₀
/// c.ratio.estimate, c.ratio.lower              // RMST₁ / RMST₀
/// ```
///
/// With variances v₁, v₀ of the two estimates and z the normal quantile:
/// difference D = R₁ − R₀, se = √(v₁ + v₀), limits D ± z·se, p = 2Φ(−|D|/se);
/// ratio exp(log R₁/R₀), se_log = √(v₁/R₁² + v₀/R₀²), limits exp(log ± z·se_log), p = 2Φ(−|log|/se_log);
/// the RMTL ratio the same with L = τ − R (the variance of L is that of R). lifelines'
/// `rmst_difference`-style variance for the difference has been reported wrong (lifelines issue #1682);
/// these are survRM2's formulas. A ratio whose terms are 0 is NaN.
public struct RestrictedMeanComparison: Sendable, Equatable, Codable {
    /// The difference of two restricted means.
    public struct Difference: Sendable, Equatable, Codable {
        /// RMST of the group minus RMST of the reference.
        public var estimate: Double
        /// √(v₁ + v₀).
        public var standardError: Double
        /// Lower confidence limit.
        public var lower: Double
        /// Upper confidence limit.
        public var upper: Double
        /// Two-sided p for no difference.
        public var pValue: Double
    }

    /// A ratio of two positive quantities, with its log-scale standard error.
    public struct Ratio: Sendable, Equatable, Codable {
        /// The ratio (group over reference); NaN when either term is 0.
        public var estimate: Double
        /// Standard error of the log ratio.
        public var logStandardError: Double
        /// Lower confidence limit.
        public var lower: Double
        /// Upper confidence limit.
        public var upper: Double
        /// Two-sided p for a ratio of 1.
        public var pValue: Double
    }

    /// RMST(group) − RMST(reference).
    public var difference: Difference
    /// RMST(group) / RMST(reference).
    public var ratio: Ratio
    /// RMTL(group) / RMTL(reference), RMTL = τ − RMST.
    public var lostTimeRatio: Ratio
    /// Level of the limits.
    public var confidenceLevel: Double
    /// Set when either restricted mean is an extrapolation (see ``RestrictedMeanSurvival/limitation``).
    public var limitation: RestrictedMeanSurvival.Limitation?

    /// Compares `group` with `reference`.
    ///
    /// ```swift
    /// let c = try RestrictedMeanComparison(treated, versus: control, confidenceLevel: 0.95)
    /// ```
    ///
    /// - Parameters:
    ///   - group: The restricted mean of the group (survRM2's arm 1).
    ///   - reference: The restricted mean of the reference group (arm 0), with the same τ.
    ///   - confidenceLevel: Level of the limits, strictly between 0 and 1; default 0.95.
    /// - Returns: Difference, RMST ratio and RMTL ratio with limits and p-values.
    /// - Throws: ``SurvivalError/invalidParameter(name:value:requirement:)`` when the two τ differ or the
    ///   level is outside (0, 1).
    /// - Complexity: O(1).
    public init(_ group: RestrictedMeanSurvival, versus reference: RestrictedMeanSurvival,
                confidenceLevel: Double = 0.95) throws(SurvivalError) {
        guard group.tau == reference.tau else {
            throw .invalidParameter(name: "tau", value: group.tau,
                                    requirement: "the same for both groups (the reference has \(reference.tau))")
        }
        try Check.confidenceLevel(confidenceLevel)
        let z = Normal.quantile(1 - (1 - confidenceLevel) / 2)
        let v1 = group.standardError * group.standardError
        let v0 = reference.standardError * reference.standardError
        let d = group.estimate - reference.estimate
        let sd = (v1 + v0).squareRoot()
        difference = Difference(estimate: d, standardError: sd, lower: d - z * sd, upper: d + z * sd,
                                pValue: RestrictedMeanComparison.twoSided(d / sd))
        ratio = RestrictedMeanComparison.ratio(group.estimate, v1, reference.estimate, v0, z)
        lostTimeRatio = RestrictedMeanComparison.ratio(group.tau - group.estimate, v1,
                                                       reference.tau - reference.estimate, v0, z)
        self.confidenceLevel = confidenceLevel
        limitation = group.limitation ?? reference.limitation
    }

    private static func twoSided(_ z: Double) -> Double {
        z.isNaN ? .nan : 2 * Normal.cdf(-abs(z))
    }

    private static func ratio(_ a: Double, _ va: Double, _ b: Double, _ vb: Double, _ z: Double) -> Ratio {
        guard a > 0, b > 0 else {
            return Ratio(estimate: .nan, logStandardError: .nan, lower: .nan, upper: .nan, pValue: .nan)
        }
        let l = Double.log(a / b)
        let se = (va / (a * a) + vb / (b * b)).squareRoot()
        return Ratio(estimate: Double.exp(l), logStandardError: se,
                     lower: Double.exp(l - z * se), upper: Double.exp(l + z * se),
                     pValue: twoSided(l / se))
    }
}
