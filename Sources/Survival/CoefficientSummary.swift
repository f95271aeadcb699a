import RealModule

/// One coefficient of a proportional-hazards model as R's `summary` reports it: β, exp(β), its standard
/// errors, Wald z and p, and the confidence limits of the hazard ratio.
///
/// ``CoxModel``, ``FineGray`` and ``FirthCoxModel`` all report coefficients with this type, through
/// `estimate(_:level:)` (one estimable term) and `coefficientSummaries(level:)` (every term, as R prints
/// them). z, p and the limits use one standard error, ``standardError``: the robust one when the model was
/// fitted with a robust variance, the model-based one otherwise — the columns of R's
/// `summary(coxph(..., robust = TRUE))`:
///
/// | R column        | field                    |
/// |-----------------|--------------------------|
/// | `coef`          | ``coefficient``          |
/// | `exp(coef)`     | ``hazardRatio``          |
/// | `se(coef)`      | ``modelStandardError``   |
/// | `robust se`     | ``robustStandardError``  |
/// | `z`, `Pr(>|z|)` | ``z``, ``pValue``        |
/// | `lower .95`, `upper .95` | ``lower``, ``upper`` |
///
/// ```swift
/// if let e = fit.estimate(0) { print(e.hazardRatio, e.lower, e.upper, e.pValue) }
/// ```
///
/// For ``FineGray`` the model-based and used standard errors are `crr`'s sandwich standard error (the only
/// one `crr` reports); for ``FirthCoxModel`` the limits are profile penalized-likelihood limits and p the
/// penalized likelihood-ratio p, as R's `coxphf`.
public struct CoefficientSummary: Sendable, Codable, Hashable {
    /// log hazard ratio β (R's `coef`).
    public var coefficient: Double
    /// The standard error behind ``z``, ``pValue``, ``lower`` and ``upper``: ``robustStandardError``
    /// when there is one, else ``modelStandardError``.
    public var standardError: Double
    /// The model-based standard error, R's `se(coef)`.
    public var modelStandardError: Double
    /// The robust (sandwich) standard error, R's `robust se`; `nil` when the fit is not robust.
    public var robustStandardError: Double?
    /// exp(β) (R's `exp(coef)`).
    public var hazardRatio: Double
    /// Lower confidence limit of the hazard ratio.
    public var lower: Double
    /// Upper confidence limit of the hazard ratio.
    public var upper: Double
    /// The confidence level of ``lower`` and ``upper``.
    public var level: Double
    /// The test statistic behind ``pValue`` (Wald z, or the signed root of a likelihood-ratio statistic).
    public var z: Double
    /// Two-sided p-value for β = 0.
    public var pValue: Double

    /// The Wald summary of a coefficient: se = the robust standard error when given, else the model-based
    /// one; z = β/se; p = 2Φ(−|z|); limits exp(β ± z₁₋α/₂·se).
    ///
    /// ```swift
    /// let s = CoefficientSummary(coefficient: 0.5, modelStandardError: 0.2)
    /// s.hazardRatio, s.lower, s.upper, s.pValue   // 1.6487, 1.1140, 2.4403, 0.0124
    /// ```
    ///
    /// - Parameters:
    ///   - coefficient: β.
    ///   - modelStandardError: Model-based standard error of β.
    ///   - robustStandardError: Robust standard error of β, if the fit computed one.
    ///   - level: Confidence level of the limits (default 0.95).
    /// - Complexity: O(1).
    public init(coefficient: Double, modelStandardError: Double, robustStandardError: Double? = nil,
                level: Double = 0.95) {
        let se = robustStandardError ?? modelStandardError
        let q = Normal.quantile(1 - (1 - level) / 2)
        let z = coefficient / se
        self.init(coefficient: coefficient, standardError: se, modelStandardError: modelStandardError,
                  robustStandardError: robustStandardError, hazardRatio: Double.exp(coefficient),
                  lower: Double.exp(coefficient - q * se), upper: Double.exp(coefficient + q * se), level: level, z: z,
                  pValue: z.isNaN ? .nan : Normal.twoSidedP(z))
    }

    /// A summary with every field given (profile-likelihood limits, likelihood-ratio p, or decoded values).
    ///
    /// - Parameters:
    ///   - coefficient: β.
    ///   - standardError: The standard error reported beside the limits and p.
    ///   - modelStandardError: Model-based standard error (default: `standardError`).
    ///   - robustStandardError: Robust standard error, if any.
    ///   - hazardRatio: exp(β).
    ///   - lower: Lower limit of the hazard ratio.
    ///   - upper: Upper limit of the hazard ratio.
    ///   - level: Confidence level of the limits.
    ///   - z: The statistic behind `pValue`.
    ///   - pValue: Two-sided p-value.
    /// - Complexity: O(1).
    public init(coefficient: Double, standardError: Double, modelStandardError: Double? = nil,
                robustStandardError: Double? = nil, hazardRatio: Double, lower: Double, upper: Double,
                level: Double, z: Double, pValue: Double) {
        self.coefficient = coefficient
        self.standardError = standardError
        self.modelStandardError = modelStandardError ?? standardError
        self.robustStandardError = robustStandardError
        self.hazardRatio = hazardRatio
        self.lower = lower
        self.upper = upper
        self.level = level
        self.z = z
        self.pValue = pValue
    }
}

extension CoefficientSummary {
    /// Wald limits exp(β ± z₁₋α/₂·se) for each coefficient (NaN where β or se is).
    static func waldLimits(_ coefficients: [Double], standardErrors: [Double],
                           level: Double) -> (lower: [Double], upper: [Double]) {
        let z = Normal.quantile(1 - (1 - level) / 2)
        let pairs = zip(coefficients, standardErrors)
        return (pairs.map { Double.exp($0 - z * $1) }, pairs.map { Double.exp($0 + z * $1) })
    }
}

