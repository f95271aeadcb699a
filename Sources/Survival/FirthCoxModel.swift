import RealModule

/// Cox regression with Firth's penalized partial likelihood, as R's `coxphf` (Heinze & Schemper 2001):
/// finite estimates where the ordinary fit diverges (monotone likelihood, separation, small cohorts).
///
/// ```swift
/// let fit = try FirthCoxModel(time: t, event: e, covariates: [x, z])
/// if let e = fit.estimate(0) { print(e.hazardRatio, e.lower, e.upper, e.pValue) }   // profile limits, PLR p
/// fit.likelihoodRatioTest.pValue                                                    // global penalized LR
/// ```
///
/// The estimate maximises ℓ*(β) = ℓ(β) + ½ log|I(β)|, the Breslow partial log likelihood plus half the log
/// determinant of its information matrix (`coxphf`'s ties method is Breslow's). The penalized score is
/// U*_r = U_r + ½ tr(I⁻¹ ∂I/∂β_r), where ∂I/∂β_r sums the third central moments of the covariates over the
/// risk sets. Iterations are `coxphf`'s: β ← β + I(β)⁻¹U*(β), each component of a step capped at
/// `maxStep` on the standardized scale, halved while ℓ* decreases; they stop when every standardized step is
/// below `tolerance` (far tighter than `coxphf`'s 10⁻⁶ by default).
///
/// The variance is I(β̂)⁻¹, the inverse of the unpenalized information at the penalized estimate, as
/// `coxphf`'s `var`. With `.profileLikelihood` inference (the default, as `coxphf`'s `pl = TRUE`) the
/// limits for β_j are where 2{ℓ*(β̂) − max_{β₋ⱼ} ℓ*(β_j, β₋ⱼ)} equals the χ²₁ quantile and the p-value is the
/// penalized likelihood-ratio test of β_j = 0; with `.wald` they are β̂ ± z·se and the Wald test.
public struct FirthCoxModel: Sendable {
    /// How the confidence limits and p-values are computed.
    public enum Inference: String, Sendable, Codable, CaseIterable {
        /// Profile penalized likelihood limits and penalized likelihood-ratio p-values (`coxphf`'s default).
        case profileLikelihood
        /// Wald limits and p-values from I(β̂)⁻¹ (`coxphf`'s `pl = FALSE`).
        case wald
    }

    /// Iteration settings.
    public struct Control: Sendable {
        /// Maximum iterations of each maximisation (the fit, and each profile point).
        public var maxIterations: Int = 200
        /// Convergence: every step on the standardized coefficients below this.
        public var tolerance: Double = 1e-11
        /// Largest step on one standardized coefficient (`coxphf`'s `maxstep`).
        public var maxStep: Double = 0.5
        /// Absolute tolerance on the standardized coefficient when locating a profile limit.
        public var profileTolerance: Double = 1e-11
        /// `coxphf`'s defaults.
        ///
        /// - Complexity: O(1).
        public init() {}
    }

    /// Penalized estimates (log hazard ratios).
    public let coefficients: [Double]
    /// I(β̂)⁻¹: the inverse of the unpenalized information at the penalized estimate.
    public let variance: Matrix
    /// Penalized log partial likelihood ℓ* = ℓ + ½ log|I| at β = 0 and at β̂, on the covariates as given.
    /// (`coxphf` reports it on covariates divided by their standard deviations, which subtracts
    /// Σ_j log sd_j from both values; differences and tests are the same.)
    public let penalizedLogLikelihood: (initial: Double, final: Double)
    /// The unpenalized Breslow log partial likelihood at β̂.
    public let logLikelihood: Double
    /// Global penalized likelihood-ratio test of β = 0: 2{ℓ*(β̂) − ℓ*(0)} on p df (`coxphf`'s summary).
    public let likelihoodRatioTest: ChiSquareTest
    /// Confidence limits for the hazard ratios at ``level`` (profile or Wald, per ``inference``); NaN where
    /// a profile limit could not be located.
    public let limits: (lower: [Double], upper: [Double])
    /// Per coefficient: the χ²₁ statistic behind ``pValues`` (penalized LR, or Wald z²).
    public let statistics: [Double]
    /// Two-sided p-values for β_j = 0.
    public let pValues: [Double]
    /// Confidence level of ``limits``.
    public let level: Double
    /// How limits and p-values were computed.
    public let inference: Inference
    /// Newton–Raphson iterations of the penalized fit.
    public let iterations: Int
    /// Whether the penalized fit converged.
    public let converged: Bool
    /// Whether the model as a whole can be reported (`.notEstimable(.noEvents)`, `.notEstimable(.notConverged)`).
    public let status: Estimability
    /// Per coefficient: `.aliased` (constant or collinear column), `.notConverged` (the fit, or a profile
    /// limit, did not converge), `.singular` (variance not positive), or `.estimable`.
    public let termStatus: [Estimability]
    /// Number of rows used.
    public let observations: Int
    /// Number of events.
    public let events: Int

    /// √diag(I(β̂)⁻¹).
    public var standardErrors: [Double] { variance.diagonal.map { $0.squareRoot() } }
    /// exp(β̂).
    public var hazardRatios: [Double] { coefficients.map { Double.exp($0) } }

    /// Whether coefficient `k` is an estimate.
    ///
    /// - Complexity: O(1).
    public func isEstimable(_ k: Int) -> Bool { termStatus[k].isEstimable }

    /// Coefficient `k` as it can be reported, with the fit's limits and p-value, or `nil` when not estimable.
    ///
    /// ```swift
    /// let e = fit.estimate(0)!   // e.lower/e.upper: profile limits; e.z: signed root of the PLR statistic
    /// ```
    ///
    /// - Parameter k: Coefficient index.
    /// - Returns: The estimate (``CoefficientSummary/z`` is the Wald z, or sign(β)·√statistic for the
    ///   penalized likelihood-ratio test), or `nil`.
    /// - Complexity: O(1).
    public func estimate(_ k: Int) -> CoefficientSummary? {
        guard termStatus[k].isEstimable else { return nil }
        let b = coefficients[k]
        let z = inference == .wald ? b / standardErrors[k] : (b < 0 ? -1 : 1) * statistics[k].squareRoot()
        return CoefficientSummary(coefficient: b, standardError: standardErrors[k], hazardRatio: Double.exp(b),
                                   lower: limits.lower[k], upper: limits.upper[k], level: level, z: z,
                                   pValue: pValues[k])
    }

    /// Fits the model.
    ///
    /// - Parameters:
    ///   - time: Event or censoring times.
    ///   - event: Event indicators.
    ///   - covariates: One array per covariate (column-major).
    ///   - level: Confidence level (default 0.95; `coxphf`'s `alpha = 0.05`).
    ///   - inference: `.profileLikelihood` (default) or `.wald`.
    ///   - control: Iteration settings.
    /// - Throws: ``SurvivalError`` for no rows, mismatched lengths, non-finite values or a level outside (0, 1).
    /// - Complexity: O(n·p³) per evaluation after one sort; the profile limits take two root searches of
    ///   O(p) evaluations per step for each coefficient.
    public init(time: [Double], event: [Bool], covariates: [[Double]], level: Double = 0.95,
                inference: Inference = .profileLikelihood, control: Control = Control()) throws(SurvivalError) {
        let n = time.count
        guard n > 0 else { throw .noObservations }
        try Check.length(event, "event", as: n, of: "time")
        for (j, c) in covariates.enumerated() { try Check.length(c, "covariates[\(j)]", as: n, of: "time") }
        try Check.finite(time, "time")
        for (j, c) in covariates.enumerated() { try Check.finite(c, "covariates[\(j)]") }
        if !(level > 0 && level < 1) {
            throw .invalidParameter(name: "level", value: level, requirement: "strictly between 0 and 1")
        }
        let data = CoxData(time: time, event: event, covariates: covariates, entry: nil, strata: nil, weights: nil,
                           efron: false)
        let p = data.p
        observations = n
        events = event.reduce(0) { $0 + ($1 ? 1 : 0) }
        self.level = level
        self.inference = inference
        let zq = Normal.quantile(1 - (1 - level) / 2)
        let q = zq * zq   // the χ²₁ quantile at `level`
        // the log determinant on the given scale: the data are centred and multiplied by `scale`
        let logScale = data.scale.reduce(0) { $0 + Double.log($1) }

        let zero = [Double](repeating: 0, count: p)
        let atZero = FirthPenalty(data: data, columns: Array(0..<p)).evaluate(zero, thirdMoments: false)
        let aliased = Set(GeneralizedCholesky(atZero.information).singularColumns)
        let free = (0..<p).filter { !aliased.contains($0) }
        let penalty = FirthPenalty(data: data, columns: free)
        var status: Estimability = .estimable
        var beta = zero, fitIterations = 0, fitConverged = true
        if events == 0 {
            status = .notEstimable(.noEvents)
        } else if !free.isEmpty {
            let fit = penalty.maximize(start: zero, free: free, control: control)
            beta = fit.beta
            fitIterations = fit.iterations
            fitConverged = fit.converged
            if !fit.converged { status = .notEstimable(.notConverged) }
        }
        iterations = fitIterations
        converged = fitConverged && events > 0
        self.status = status
        let final = penalty.evaluate(beta, thirdMoments: false)
        logLikelihood = final.loglik
        let nullPenalized = penalty.evaluate(zero, thirdMoments: false).penalized
        penalizedLogLikelihood = (nullPenalized - logScale, final.penalized - logScale)
        likelihoodRatioTest = ChiSquareTest(statistic: 2 * (final.penalized - nullPenalized),
                                            degreesOfFreedom: free.count)
        // variance on the given scale
        let inv = GeneralizedCholesky(final.information.submatrix(free)).inverse()
        var v = Matrix(zeros: p)
        for (a, i) in free.enumerated() {
            for (b, j) in free.enumerated() { v[i, j] = inv[a, b] * data.scale[i] * data.scale[j] }
        }
        variance = v
        coefficients = (0..<p).map { aliased.contains($0) ? .nan : beta[$0] * data.scale[$0] }

        var lower = [Double](repeating: .nan, count: p), upper = lower, stats = lower, pv = lower
        var termStatus = [Estimability](repeating: status, count: p)
        for j in 0..<p {
            if aliased.contains(j) { termStatus[j] = .notEstimable(.aliased); continue }
            guard status.isEstimable else { continue }
            guard v[j, j] > 0 && v[j, j].isFinite else { termStatus[j] = .notEstimable(.singular); continue }
            termStatus[j] = .estimable
            let b = coefficients[j], se = v[j, j].squareRoot()
            switch inference {
            case .wald:
                lower[j] = Double.exp(b - zq * se)
                upper[j] = Double.exp(b + zq * se)
                stats[j] = (b / se) * (b / se)
                pv[j] = ChiSquared.survival(stats[j], df: 1)
            case .profileLikelihood:
                let s = data.scale[j]
                let profile = penalty.profile(term: j, free: free, estimate: beta, maximum: final.penalized,
                                              standardError: se / s, criterion: q, control: control)
                lower[j] = Double.exp(profile.lower * s)
                upper[j] = Double.exp(profile.upper * s)
                stats[j] = profile.statistic
                pv[j] = ChiSquared.survival(profile.statistic, df: 1)
                if !profile.converged { termStatus[j] = .notEstimable(.notConverged) }
            }
        }
        limits = (lower, upper)
        statistics = stats
        pValues = pv
        self.termStatus = termStatus
    }
}

/// The penalized partial likelihood ℓ*(β) = ℓ(β) + ½ log|I(β)| (Breslow ties) on CoxData's centred, scaled
/// covariates, with its gradient.
struct FirthPenalty: Sendable {
    let data: CoxData
    /// The columns in the determinant (the non-aliased ones); the others are held at 0.
    let columns: [Int]

    struct Evaluation {
        var loglik: Double
        var penalized: Double
        var score: [Double]
        var penalizedScore: [Double]
        var information: Matrix
    }

    /// ℓ, ℓ*, U, U* and I at `beta`. The determinant and the trace term use the rows and columns
    /// `columns`; with `thirdMoments` false U* is not computed (the third moments cost O(n·p³)).
    func evaluate(_ beta: [Double], thirdMoments: Bool = true) -> Evaluation {
        let p = data.p, n = data.n
        let x = data.x, time = data.time, status = data.status
        var risk = [Double](repeating: 0, count: n)
        var eta = [Double](repeating: 0, count: n)
        for k in 0..<n {
            var e = 0.0
            for j in 0..<p { e += x[k * p + j] * beta[j] }
            eta[k] = e
            risk[k] = Double.exp(e)
        }
        var loglik = 0.0
        var u = [Double](repeating: 0, count: p)
        var info = Matrix(zeros: p)
        // dI[r][a*p+b] = ∂I_ab/∂β_r
        let dIRow = [Double](repeating: 0, count: thirdMoments ? p * p : 0)
        var dI = [[Double]](repeating: dIRow, count: thirdMoments ? p : 0)
        var s0 = 0.0
        var s1 = [Double](repeating: 0, count: p)
        var s2 = [Double](repeating: 0, count: p * p)
        var s3 = [Double](repeating: 0, count: thirdMoments ? p * p * p : 0)
        var k = n - 1
        while k >= 0 {
            let t = time[k]
            var d = 0.0
            while k >= 0 && time[k] == t {
                let r = risk[k], row = k * p
                s0 += r
                for a in 0..<p {
                    let ra = r * x[row + a]
                    s1[a] += ra
                    for b in 0..<p {
                        let rab = ra * x[row + b]
                        s2[a * p + b] += rab
                        if thirdMoments { for c in 0..<p { s3[(a * p + b) * p + c] += rab * x[row + c] } }
                    }
                }
                if status[k] {
                    d += 1
                    loglik += eta[k]
                    for a in 0..<p { u[a] += x[row + a] }
                }
                k -= 1
            }
            guard d > 0 else { continue }
            loglik -= d * Double.log(s0)
            let m = s1.map { $0 / s0 }
            for a in 0..<p {
                u[a] -= d * m[a]
                for b in 0..<p { info[a, b] += d * (s2[a * p + b] / s0 - m[a] * m[b]) }
            }
            if thirdMoments {
                // third central moment: E[abc] − m_a E[bc] − m_b E[ac] − m_c E[ab] + 2 m_a m_b m_c
                for a in 0..<p {
                    for b in 0..<p {
                        for c in 0..<p {
                            let v = s3[(a * p + b) * p + c] / s0 - m[a] * s2[b * p + c] / s0
                                - m[b] * s2[a * p + c] / s0 - m[c] * s2[a * p + b] / s0 + 2 * m[a] * m[b] * m[c]
                            dI[c][a * p + b] += d * v
                        }
                    }
                }
            }
        }
        let idx = columns
        let sub = info.submatrix(idx)
        let chol = GeneralizedCholesky(sub, tolerance: 0)
        var logDet = 0.0
        var positive = chol.rank == idx.count
        for i in 0..<idx.count {
            let dii = chol.factor[i, i]
            if dii > 0 { logDet += Double.log(dii) } else { positive = false }
        }
        let penalized = positive ? loglik + 0.5 * logDet : -.infinity
        var ustar = u
        if thirdMoments && positive {
            let inv = chol.inverse()
            for r in 0..<p {
                var tr = 0.0
                for (a, i) in idx.enumerated() { for (b, j) in idx.enumerated() { tr += inv[a, b] * dI[r][j * p + i] } }
                ustar[r] += 0.5 * tr
            }
        }
        return Evaluation(loglik: loglik, penalized: penalized, score: u, penalizedScore: ustar, information: info)
    }

    /// Maximises ℓ* over the coordinates `free` (a subset of `columns`), the others held at their values
    /// in `start`.
    func maximize(start: [Double], free: [Int], control: FirthCoxModel.Control)
        -> (beta: [Double], evaluation: Evaluation, iterations: Int, converged: Bool) {
        var beta = start
        var e = evaluate(beta)
        guard !free.isEmpty else { return (beta, e, 0, true) }
        var iterations = 0
        while iterations < control.maxIterations {
            iterations += 1
            let chol = GeneralizedCholesky(e.information.submatrix(free))
            var step = chol.solve(free.map { e.penalizedScore[$0] })
            for i in step.indices where abs(step[i]) > control.maxStep {
                step[i] = step[i] < 0 ? -control.maxStep : control.maxStep
            }
            let size = step.map(abs).max() ?? 0
            if !(size.isFinite) { return (beta, e, iterations, false) }
            var trial = beta
            for (a, i) in free.enumerated() { trial[i] += step[a] }
            var next = evaluate(trial)
            var halvings = 0
            // halve while ℓ* falls (a step at rounding level is accepted as it is)
            while !(next.penalized >= e.penalized) && size * Double.pow(0.5, halvings) > control.tolerance
                    && halvings < 60 {
                halvings += 1
                for (a, i) in free.enumerated() { trial[i] = beta[i] + step[a] * Double.pow(0.5, halvings) }
                next = evaluate(trial)
            }
            if !next.penalized.isFinite { return (beta, e, iterations, false) }
            beta = trial
            e = next
            if size <= control.tolerance { return (beta, e, iterations, true) }
        }
        return (beta, e, iterations, false)
    }

    /// The profile penalized likelihood limits of coefficient `term` (standardized scale) and the penalized
    /// likelihood-ratio statistic for β_term = 0.
    func profile(term j: Int, free: [Int], estimate: [Double], maximum: Double, standardError: Double,
                 criterion q: Double, control: FirthCoxModel.Control)
        -> (lower: Double, upper: Double, statistic: Double, converged: Bool) {
        let others = free.filter { $0 != j }
        var converged = true
        var warm = estimate
        // 2{ℓ*(β̂) − max ℓ*(c, ·)}
        func deviance(_ c: Double) -> Double {
            var start = warm
            start[j] = c
            let fit = maximize(start: start, free: others, control: control)
            if !fit.converged { converged = false }
            warm = fit.beta
            return 2 * (maximum - fit.evaluation.penalized)
        }
        let statistic = max(0, deviance(0))
        warm = estimate
        let bj = estimate[j]
        let tol = control.profileTolerance
        func limit(_ direction: Double) -> Double {
            warm = estimate
            var inner = bj, innerValue = -q
            var d = max(standardError, 1e-3)
            var outer = bj + direction * d
            var outerValue = deviance(outer) - q
            var expansions = 0
            while outerValue < 0 {
                expansions += 1
                if expansions > 40 { converged = false; return .nan }
                inner = outer; innerValue = outerValue
                d *= 2
                outer = bj + direction * d
                outerValue = deviance(outer) - q
            }
            if !outerValue.isFinite { outerValue = .greatestFiniteMagnitude }
            return Root.brent(inner, innerValue, outer, outerValue, tolerance: tol) { deviance($0) - q } ?? {
                converged = false
                return .nan
            }()
        }
        let lo = limit(-1)
        let hi = limit(1)
        return (lo, hi, statistic, converged)
    }
}

/// Brent's root finder on a bracket.
enum Root {
    /// A root of `f` between `a` and `b`, where f(a) = fa and f(b) = fb have opposite signs (or one is 0),
    /// to within `tolerance` in x.
    static func brent(_ a0: Double, _ fa0: Double, _ b0: Double, _ fb0: Double, tolerance: Double,
                      maxIterations: Int = 200, _ f: (Double) -> Double) -> Double? {
        var a = a0, b = b0, fa = fa0, fb = fb0
        if fa == 0 { return a }
        if fb == 0 { return b }
        guard (fa < 0) != (fb < 0) else { return nil }
        var c = a, fc = fa
        var d = b - a, e = d
        for _ in 0..<maxIterations {
            if (fb < 0) == (fc < 0) { c = a; fc = fa; d = b - a; e = d }
            if abs(fc) < abs(fb) { a = b; b = c; c = a; fa = fb; fb = fc; fc = fa }
            let tol = 2 * Double.ulpOfOne * abs(b) + 0.5 * tolerance
            let m = 0.5 * (c - b)
            if abs(m) <= tol || fb == 0 { return b }
            if abs(e) >= tol && abs(fa) > abs(fb) {
                // inverse quadratic interpolation or secant
                let s = fb / fa
                var pp: Double, qq: Double
                if a == c {
                    pp = 2 * m * s
                    qq = 1 - s
                } else {
                    let q1 = fa / fc, r = fb / fc
                    pp = s * (2 * m * q1 * (q1 - r) - (b - a) * (r - 1))
                    qq = (q1 - 1) * (r - 1) * (s - 1)
                }
                if pp > 0 { qq = -qq } else { pp = -pp }
                if 2 * pp < min(3 * m * qq - abs(tol * qq), abs(e * qq)) {
                    e = d
                    d = pp / qq
                } else {
                    d = m; e = m
                }
            } else {
                d = m; e = m
            }
            a = b; fa = fb
            b += abs(d) > tol ? d : (m > 0 ? tol : -tol)
            fb = f(b)
        }
        return nil
    }
}
