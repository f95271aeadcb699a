import RealModule

/// The Fine–Gray proportional subdistribution-hazards model for one failure cause under competing risks,
/// fitted as R's `cmprsk::crr` fits it.
///
/// ```swift
/// // cause: 0 = censored, 1 = cause of interest, 2 = competing cause
/// let fit = try FineGray(time: t, cause: c, covariates: [age, thickness], failureCode: 1)
/// fit.coefficients, fit.standardErrors, fit.hazardRatios, fit.pValues
/// ```
///
/// Subjects who fail from a competing cause stay in the risk set after their failure, with weight
/// Ĝ(t−)/Ĝ(tᵢ−), where Ĝ is the Kaplan–Meier estimate of the censoring distribution (censorings as the
/// events, failures of every cause as censorings), evaluated just before the time, as `crr` does: the
/// value of the step function at the last knot ≤ t·(1 − 100ε). With censoring groups, Ĝ is estimated
/// within each group. Tied failures are handled as Breslow's approximation (each failure adds
/// log S0 to the pseudo-likelihood).
///
/// The fit is `crr`'s Newton–Raphson: stop when max|U_j|·max(|β_j|, 1) < max(|ℓ|, 1)·`gradientTolerance`
/// (checked before each step, at most `maxIterations` steps), with a backtracking line search halving the
/// step until −ℓ decreases by at least 10⁻⁴ of the predicted amount (at most 20 halvings, otherwise the
/// fit is marked not converged). The variance is `crr`'s sandwich I⁻¹ Σᵢ (ηᵢ + ψᵢ)(ηᵢ + ψᵢ)ᵀ I⁻¹, whose ψ
/// term accounts for the estimated censoring distribution. `crr`'s time-varying covariates (`cov2`/`tf`)
/// are not offered.
///
/// This is not the same fit as weighting a Cox model (R's `finegray()` + `coxph`): the two differ in the
/// censoring weights at tied times and in the variance, and agree only to about three digits.
public struct FineGray: Sendable {
    /// `crr`'s iteration settings.
    public struct Control: Sendable {
        /// Convergence threshold on the scaled score (`gtol`, default 10⁻⁶).
        public var gradientTolerance: Double = 1e-6
        /// Maximum number of Newton steps (`maxiter`, default 10).
        public var maxIterations: Int = 10
        /// `crr`'s defaults.
        ///
        /// - Complexity: O(1).
        public init() {}
    }

    /// Estimated coefficients (log subdistribution hazard ratios).
    public let coefficients: [Double]
    /// Sandwich variance of the coefficients (`crr`'s `$var`).
    public let variance: Matrix
    /// Information matrix, minus the Hessian of the log pseudo-likelihood (`crr`'s `$inf`).
    public let information: Matrix
    /// Score at the estimate (`crr`'s `$score`).
    public let score: [Double]
    /// Log pseudo-likelihood at the estimate and at β = 0 (`$loglik`, `$loglik.null`).
    public let logLikelihood: Double
    /// Log pseudo-likelihood at β = 0 (`$loglik.null`).
    public let nullLogLikelihood: Double
    /// Whether `crr`'s iterations converged.
    public let converged: Bool
    /// Newton steps taken.
    public let iterations: Int
    /// Number of rows used.
    public let observations: Int
    /// The cause of interest.
    public let failureCode: Int
    /// Distinct failure times of the cause of interest (`$uftime`).
    public let failureTimes: [Double]
    /// Jumps of the baseline cumulative subdistribution hazard at ``failureTimes`` (`$bfitj`), for x = 0.
    public let baselineHazardIncrements: [Double]

    /// Whether the model as a whole can be reported: `.notEstimable(.fewerEventsThanTerms)` with fewer
    /// failures of the cause than coefficients, `.notEstimable(.notConverged)` when crr's iterations ran out,
    /// otherwise `.estimable`.
    public let status: Estimability
    /// Per coefficient, whether it is an estimate. `crr` gives no warning for a diverging coefficient; the
    /// rules (see the CompetingRisks guide), in this order: model-level reasons, `.aliased` (a pivot of
    /// the information matrix below R's tolerance), `.noEventsInLevel` (a two-valued column with no
    /// failures of the cause at one value), `.monotoneLikelihood` (Newton–Raphson continued from crr's
    /// estimate to `coxph`'s convergence, then `coxph`'s one-more-step rule), `.notConverged`, `.singular`
    /// (sandwich variance not positive and finite).
    public let termStatus: [Estimability]

    /// Whether coefficient `k` is an estimate (``termStatus``[k] is `.estimable`).
    ///
    /// - Complexity: O(1).
    public func isEstimable(_ k: Int) -> Bool { termStatus[k].isEstimable }

    /// Coefficient `k` as it can be reported — subdistribution hazard ratio, Wald limits, z and p — or
    /// `nil` when it is not estimable.
    ///
    /// ```swift
    /// if let e = fit.estimate(0) { print(e.hazardRatio, e.lower, e.upper, e.pValue) }
    /// ```
    ///
    /// - Parameters:
    ///   - k: Coefficient index.
    ///   - level: Confidence level (default 0.95).
    /// - Returns: The estimate, or `nil` when `termStatus[k]` is not `.estimable`.
    /// - Complexity: O(1).
    public func estimate(_ k: Int, level: Double = 0.95) -> CoefficientSummary? {
        guard termStatus[k].isEstimable else { return nil }
        return CoefficientSummary(coefficient: coefficients[k], modelStandardError: variance[k, k].squareRoot(),
                                  level: level)
    }

    /// `summary.crr`'s coefficient table: one row per coefficient, estimable or not. The standard error is
    /// `crr`'s sandwich standard error (``CoefficientSummary/modelStandardError`` and
    /// ``CoefficientSummary/standardError`` are both it; there is no separate robust one).
    ///
    /// ```swift
    /// for row in fit.coefficientSummaries() { print(row.hazardRatio, row.lower, row.upper, row.pValue) }
    /// ```
    ///
    /// - Parameter level: Confidence level of the intervals (default 0.95).
    /// - Returns: One summary per coefficient, in column order.
    /// - Complexity: O(p).
    public func coefficientSummaries(level: Double = 0.95) -> [CoefficientSummary] {
        standardErrors.enumerated().map {
            CoefficientSummary(coefficient: coefficients[$0.offset], modelStandardError: $0.element, level: level)
        }
    }

    /// `crr`'s numbers, reported whether or not a term is estimable (use ``estimate(_:level:)`` to report).
    /// Standard errors √diag(V).
    public var standardErrors: [Double] { variance.diagonal.map { $0.squareRoot() } }
    /// exp(β): subdistribution hazard ratios.
    public var hazardRatios: [Double] { coefficients.map { Double.exp($0) } }
    /// β / se.
    public var zScores: [Double] { zip(coefficients, standardErrors).map { $0 / $1 } }
    /// Two-sided p-values 2Φ(−|z|).
    public var pValues: [Double] { zScores.map { $0.isNaN ? .nan : Normal.twoSidedP($0) } }
    /// Wald limits for the hazard ratios, exp(β ± z·se).
    ///
    /// - Parameter level: Confidence level (default 0.95).
    /// - Returns: Lower and upper limits, one per coefficient.
    /// - Complexity: O(p).
    public func hazardRatioInterval(level: Double = 0.95) -> (lower: [Double], upper: [Double]) {
        CoefficientSummary.waldLimits(coefficients, standardErrors: standardErrors, level: level)
    }
    /// The pseudo likelihood-ratio test of `summary.crr`: 2(ℓ − ℓ₀) on p degrees of freedom.
    public var likelihoodRatioTest: ChiSquareTest {
        ChiSquareTest(statistic: 2 * (logLikelihood - nullLogLikelihood), degreesOfFreedom: coefficients.count)
    }

    /// The predicted cumulative incidence 1 − exp(−Σ exp(x·β)·dΛ₀) at each of ``failureTimes``, for
    /// covariate values `x` (R's `predict.crr`).
    ///
    /// - Parameter x: One value per coefficient.
    /// - Returns: The predicted cumulative incidence at each failure time.
    /// - Complexity: O(p + m) for m failure times.
    public func cumulativeIncidence(covariates x: [Double]) -> [Double] {
        precondition(x.count == coefficients.count, "one value per coefficient")
        let r = Double.exp(zip(x, coefficients).reduce(0) { $0 + $1.0 * $1.1 })
        var h = 0.0
        return baselineHazardIncrements.map { h += r * $0; return 1 - Double.exp(-h) }
    }

    /// Fits the model.
    ///
    /// - Parameters:
    ///   - time: Failure or censoring times (finite).
    ///   - cause: Cause code per row: `failureCode` for the cause of interest, `censorCode` for censored,
    ///     anything else for a competing cause.
    ///   - covariates: One array per covariate (column-major).
    ///   - failureCode: The cause of interest (default 1).
    ///   - censorCode: The code of censored rows (default 0).
    ///   - censoringGroup: Optional group per row; the censoring distribution is estimated within each.
    ///   - initial: Starting coefficients (default 0).
    ///   - control: Iteration settings.
    /// - Throws: ``SurvivalError`` for no rows, mismatched lengths, non-finite values, or no failures of the
    ///   cause (`invalidParameter` naming `failureCode`).
    /// - Complexity: O(n·p²) per iteration after one sort.
    public init(time: [Double], cause: [Int], covariates: [[Double]], failureCode: Int = 1, censorCode: Int = 0,
                censoringGroup: [Int]? = nil, initial: [Double]? = nil,
                control: Control = Control()) throws(SurvivalError) {
        let n = time.count
        guard n > 0 else { throw .noObservations }
        try Check.length(cause, "cause", as: n, of: "time")
        for (j, c) in covariates.enumerated() { try Check.length(c, "covariates[\(j)]", as: n, of: "time") }
        if let g = censoringGroup { try Check.length(g, "censoringGroup", as: n, of: "time") }
        try Check.finite(time, "time")
        for (j, c) in covariates.enumerated() { try Check.finite(c, "covariates[\(j)]") }
        guard cause.contains(failureCode) else {
            throw .invalidParameter(name: "failureCode", value: Double(failureCode),
                                    requirement: "the cause of some row (no row fails from cause \(failureCode))")
        }
        let p = covariates.count
        if let initial { try Check.length(initial, "initial", as: p, of: "covariates") }

        let data = FineGrayData(time: time, cause: cause, covariates: covariates, failureCode: failureCode,
                                censorCode: censorCode, censoringGroup: censoringGroup)
        observations = n
        self.failureCode = failureCode

        // --- crr's Newton–Raphson with backtracking
        var b = initial ?? [Double](repeating: 0, count: p)
        var converged = false
        var steps = 0
        var current = data.evaluate(beta: b, derivatives: true)
        for ll in 0...control.maxIterations {
            if ll > 0 { current = data.evaluate(beta: b, derivatives: true) }
            let lik = current.negLoglik
            var lhs = 0.0
            for j in 0..<p { lhs = max(lhs, abs(current.score[j]) * max(abs(b[j]), 1)) }
            if lhs < max(abs(lik), 1) * control.gradientTolerance {
                converged = true
                break
            }
            if ll == control.maxIterations { break }
            let chol = GeneralizedCholesky(current.hessian)
            var sc = chol.solve(current.score).map { -$0 }
            var bn = zip(b, sc).map { $0 + $1 }
            var fbn = data.evaluate(beta: bn, derivatives: false).negLoglik
            func slope() -> Double { zip(sc, current.score).reduce(0) { $0 + $1.0 * $1.1 } }
            var halvings = 0
            // the sufficient-decrease bound uses the current (shrunk) step, as crr's loop does
            while !(fbn <= lik + 1e-4 * slope()) {
                halvings += 1
                sc = sc.map { $0 * 0.5 }
                bn = zip(b, sc).map { $0 + $1 }
                fbn = data.evaluate(beta: bn, derivatives: false).negLoglik
                if halvings > 20 { break }
            }
            if halvings > 20 { break }
            b = bn
            steps += 1
        }
        iterations = steps
        self.converged = converged
        coefficients = b

        // --- variance (crrvv), baseline jumps (crrfit), null likelihood
        let final = data.evaluate(beta: b, derivatives: true)
        logLikelihood = -final.negLoglik
        score = final.score.map { -$0 }
        information = final.hessian
        let null = data.evaluate(beta: [Double](repeating: 0, count: p), derivatives: true)
        nullLogLikelihood = -null.negLoglik
        let middle = data.sandwichMiddle(beta: b, evaluation: final)
        let hInv = GeneralizedCholesky(final.hessian).inverse()
        var v = Matrix(zeros: p)
        for i in 0..<p {
            for j in 0..<p {
                var s = 0.0
                for k in 0..<p { for l in 0..<p { s += hInv[i, k] * middle[k, l] * hInv[j, l] } }
                v[i, j] = s
            }
        }
        variance = v
        let shift = Double.exp(-zip(data.means, b).reduce(0) { $0 + $1.0 * $1.1 })
        // estimability as data
        let failureCount = cause.reduce(0) { $0 + ($1 == failureCode ? 1 : 0) }
        let status: Estimability = failureCount < p ? .notEstimable(.fewerEventsThanTerms)
            : (converged ? .estimable : .notEstimable(.notConverged))
        self.status = status
        if status == .notEstimable(.fewerEventsThanTerms) {
            termStatus = [Estimability](repeating: status, count: p)
        } else {
            // a singular design shows in the information at β = 0; a pivot lost only at the estimate is
            // an information that vanished as the coefficient grew (divergence, below)
            let nullPivots = GeneralizedCholesky(null.hessian)
            let aliased = Set(nullPivots.singularColumns)
            let eventless = Set(EstimabilityCheck.columnsWithEventlessLevel(covariates) { cause[$0] == failureCode })
            let monotone = Set(data.divergingTerms(from: b)).subtracting(aliased)
            let runaway = Set(EstimabilityCheck.runawayTerms(coefficients: b, covariates: covariates))
            termStatus = (0..<p).map { j in
                if aliased.contains(j) { return .notEstimable(.aliased) }
                if eventless.contains(j) { return .notEstimable(.noEventsInLevel) }
                if monotone.contains(j) || runaway.contains(j) { return .notEstimable(.monotoneLikelihood) }
                if case .notEstimable = status { return status }
                if !(v[j, j] > 0) || !v[j, j].isFinite || !b[j].isFinite { return .notEstimable(.singular) }
                return .estimable
            }
        }
        failureTimes = final.failureBlocks.map { data.blockTime[$0] }
        baselineHazardIncrements = zip(final.failureBlocks, final.s0).map { Double(data.failures[$0.0]) / $0.1 * shift }
    }
}

/// `crr`'s data, sorted by time, with centred covariates and the censoring weights.
struct FineGrayData {
    let n: Int, p: Int
    /// 1 = cause of interest, 2 = competing cause, 0 = censored (sorted order).
    let status: [Int]
    /// Censoring group index (sorted order).
    let group: [Int]
    let groupCount: Int
    /// Row-major n×p centred covariates (sorted order).
    let x: [Double]
    let means: [Double]
    /// Blocks of equal times: `blockStart[b]..<blockStart[b+1]`.
    let blockStart: [Int]
    let blockTime: [Double]
    /// Failures of interest per block, overall and per censoring group.
    let failures: [Int]
    let failuresByGroup: [[Int]]
    /// `censorKM[g][b]`: censoring Kaplan–Meier of group g just before block b's time.
    let censorKM: [[Double]]
    /// Block of each sorted row.
    let blockOf: [Int]

    init(time: [Double], cause: [Int], covariates: [[Double]], failureCode: Int, censorCode: Int,
         censoringGroup: [Int]?) {
        let n = time.count, p = covariates.count
        self.n = n
        self.p = p
        let order = RadixSort.order(time)
        let t = order.map { time[$0] }
        status = order.map { cause[$0] == failureCode ? 1 : (cause[$0] == censorCode ? 0 : 2) }
        let levels = Array(Set(censoringGroup ?? [0])).sorted()
        let levelIndex = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
        group = censoringGroup.map { g in order.map { levelIndex[g[$0]]! } } ?? [Int](repeating: 0, count: n)
        groupCount = levels.count
        var means = [Double](repeating: 0, count: p)
        var x = [Double](repeating: 0, count: n * p)
        for j in 0..<p {
            let col = covariates[j]
            means[j] = col.reduce(0, +) / Double(n)
            for k in 0..<n { x[k * p + j] = col[order[k]] - means[j] }
        }
        self.x = x
        self.means = means
        var starts: [Int] = [], times: [Double] = []
        var blockOf = [Int](repeating: 0, count: n)
        for k in 0..<n {
            if k == 0 || t[k] != t[k - 1] { starts.append(k); times.append(t[k]) }
            blockOf[k] = starts.count - 1
        }
        let nb = starts.count
        starts.append(n)
        blockStart = starts
        blockTime = times
        self.blockOf = blockOf
        var failures = [Int](repeating: 0, count: nb)
        var byGroup = [[Int]](repeating: [Int](repeating: 0, count: nb), count: levels.count)
        for k in 0..<n where status[k] == 1 { failures[blockOf[k]] += 1; byGroup[group[k]][blockOf[k]] += 1 }
        self.failures = failures
        failuresByGroup = byGroup
        // censoring distribution per group: survfit(Surv(time, censored) ~ 1), read at t·(1 − 100ε)
        var km: [[Double]] = []
        let groupOf = group, statusOf = status
        for g in 0..<levels.count {
            let rows = (0..<n).filter { groupOf[$0] == g }
            let fit = KaplanMeier(validTime: rows.map { t[$0] }, event: rows.map { statusOf[$0] == 0 })
            let eps = Double.ulpOfOne
            let first = min(0, fit.time.first ?? 0) - 10 * eps
            let last = (fit.time.last ?? 0) * (1 + 10 * eps)
            km.append(times.map { tb in
                let xout = tb * (1 - 100 * eps)
                if xout < first { return 1 }
                if xout >= last { return 0 }
                let k = upperBound(fit.time, xout)   // knots ≤ xout among the curve's times
                return k == 0 ? 1 : fit.survival[k - 1]
            })
        }
        censorKM = km
    }

    struct Evaluation {
        var negLoglik: Double
        var score: [Double]
        var hessian: Matrix
        /// Blocks with failures of interest, ascending; S0 and x̄ there.
        var failureBlocks: [Int]
        var s0: [Double]
        var xbar: [[Double]]
        var risk: [Double]
    }

    /// Minus the log pseudo-likelihood, its gradient and Hessian (crrfsv / crrf).
    func evaluate(beta: [Double], derivatives: Bool) -> Evaluation {
        let p = self.p, ng = groupCount
        let nb = blockTime.count
        var risk = [Double](repeating: 0, count: n)
        for k in 0..<n {
            var e = 0.0
            for j in 0..<p { e += x[k * p + j] * beta[j] }
            risk[k] = Double.exp(e)
        }
        let q = derivatives ? p : 0
        // suffix sums over rows with time ≥ block time, at failure blocks
        var r0 = 0.0, r1 = [Double](repeating: 0, count: q), r2 = Matrix(zeros: q)
        var suf0 = [Double](repeating: 0, count: nb)
        var suf1 = [[Double]](repeating: [], count: nb)
        var suf2 = [Matrix](repeating: Matrix(zeros: 0), count: nb)
        for b in stride(from: nb - 1, through: 0, by: -1) {
            for k in blockStart[b]..<blockStart[b + 1] {
                let w = risk[k]
                r0 += w
                for i in 0..<q {
                    let wx = w * x[k * p + i]
                    r1[i] += wx
                    for j in 0...i { r2[i, j] += wx * x[k * p + j] }
                }
            }
            if failures[b] > 0 { suf0[b] = r0; suf1[b] = r1; suf2[b] = r2 }
        }
        // prefix sums over competing failures before the block time, per censoring group, by 1/G(tᵢ−)
        var t0 = [Double](repeating: 0, count: ng)
        var t1 = [[Double]](repeating: [Double](repeating: 0, count: q), count: ng)
        var t2 = [Matrix](repeating: Matrix(zeros: q), count: ng)
        var lik = 0.0
        var score = [Double](repeating: 0, count: p)
        var hess = Matrix(zeros: q)
        var fb: [Int] = [], s0s: [Double] = [], xbars: [[Double]] = []
        for b in 0..<nb {
            if failures[b] > 0 {
                var s0 = suf0[b]
                var s1 = suf1[b], s2 = suf2[b]
                for g in 0..<ng {
                    let gw = censorKM[g][b]
                    s0 += gw * t0[g]
                    for i in 0..<q {
                        s1[i] += gw * t1[g][i]
                        for j in 0...i { s2[i, j] += gw * t2[g][i, j] }
                    }
                }
                let d = Double(failures[b])
                lik += d * Double.log(s0)
                for k in blockStart[b]..<blockStart[b + 1] where status[k] == 1 {
                    var e = 0.0
                    for j in 0..<p { e += x[k * p + j] * beta[j] }
                    lik -= e
                    for i in 0..<q { score[i] -= x[k * p + i] }
                }
                var xb = [Double](repeating: 0, count: q)
                for i in 0..<q { xb[i] = s1[i] / s0; score[i] += d * xb[i] }
                for i in 0..<q {
                    for j in 0...i {
                        let h = d * (s2[i, j] / s0 - xb[i] * xb[j])
                        hess[i, j] += h
                        if i != j { hess[j, i] += h }
                    }
                }
                fb.append(b); s0s.append(s0); xbars.append(xb)
            }
            for k in blockStart[b]..<blockStart[b + 1] where status[k] == 2 {
                let g = group[k]
                let w = risk[k] / censorKM[g][b]
                t0[g] += w
                for i in 0..<q {
                    let wx = w * x[k * p + i]
                    t1[g][i] += wx
                    for j in 0...i { t2[g][i, j] += wx * x[k * p + j] }
                }
            }
        }
        return Evaluation(negLoglik: lik, score: score, hessian: hess, failureBlocks: fb, s0: s0s, xbar: xbars,
                          risk: risk)
    }

    /// Terms whose coefficient diverges: Newton–Raphson on the pseudo-likelihood is continued from `start`
    /// as `coxph` iterates (convergence when |1 − ℓ_old/ℓ_new| ≤ 10⁻⁹, step halving when ℓ decreases, at
    /// most 30 steps), and at the end `coxph`'s rule flags term j when the next Newton step on β_j exceeds
    /// both 10⁻⁹ and √10⁻⁹·|β_j|. At a finite maximum Newton converges quadratically and the next step is
    /// negligible; along a direction where the likelihood rises without bound each step stays near
    /// 1/(the covariate's spread) however large β already is. A term whose information pivot falls below
    /// R's Cholesky tolerance (ε^¾ of the largest diagonal) at the end is flagged too: its information has
    /// vanished as its coefficient grew (the caller excludes columns already singular at β = 0).
    func divergingTerms(from start: [Double], epsilon: Double = 1e-9, maxIterations: Int = 30) -> [Int] {
        let p = self.p
        guard p > 0 else { return [] }
        var beta = start
        var current = evaluate(beta: beta, derivatives: true)
        var best = current.negLoglik
        var halving = 0.0
        var step = GeneralizedCholesky(current.hessian).solve(current.score).map { -$0 }
        var trial = zip(beta, step).map { $0 + $1 }
        for _ in 0..<maxIterations {
            let e = evaluate(beta: trial, derivatives: true)
            let finite = e.negLoglik.isFinite && !e.score.contains { !$0.isFinite }
            if finite && abs(1 - best / e.negLoglik) <= epsilon {
                beta = trial
                current = e
                break
            }
            if !finite || e.negLoglik > best {
                halving += 1
                trial = (0..<p).map { (trial[$0] + halving * beta[$0]) / (halving + 1) }
            } else {
                halving = 0
                best = e.negLoglik
                beta = trial
                current = e
                step = GeneralizedCholesky(e.hessian).solve(e.score).map { -$0 }
                trial = zip(beta, step).map { $0 + $1 }
            }
        }
        let chol = GeneralizedCholesky(current.hessian)
        let flagged = EstimabilityCheck.monotoneTerms(score: current.score.map { -$0 },
                                                      inverseInformation: chol.inverse(), coefficients: beta,
                                                      epsilon: epsilon, infTolerance: epsilon.squareRoot())
        return Array(Set(flagged).union(chol.singularColumns)).sorted()
    }

    /// Σᵢ uᵢuᵢᵀ with uᵢ = ηᵢ + ψᵢ, `crr`'s score residuals corrected for the estimated censoring
    /// distribution (crrvv). `evaluation` must come from `evaluate(beta:derivatives: true)`.
    func sandwichMiddle(beta: [Double], evaluation e: Evaluation) -> Matrix {
        let p = self.p, ng = groupCount, nb = blockTime.count
        let risk = e.risk
        // failure-block quantities by block index
        var s0 = [Double](repeating: .nan, count: nb)
        var xbar = [[Double]](repeating: [], count: nb)
        for (f, b) in e.failureBlocks.enumerated() { s0[b] = e.s0[f]; xbar[b] = e.xbar[f] }
        // K_g (failure blocks strictly after b, weighted by G_g(t−)) and C_g (failures of group g at or
        // after b, weighted by G_g(t−)), as suffix sums
        var k0 = [[Double]](repeating: [Double](repeating: 0, count: ng), count: nb)
        var k1 = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: p), count: ng), count: nb)
        var c0 = k0, c1 = k1
        var accK0 = [Double](repeating: 0, count: ng)
        var accK1 = [[Double]](repeating: [Double](repeating: 0, count: p), count: ng)
        var accC0 = accK0, accC1 = accK1
        for b in stride(from: nb - 1, through: 0, by: -1) {
            k0[b] = accK0; k1[b] = accK1
            if failures[b] > 0 {
                for g in 0..<ng {
                    let gw = censorKM[g][b]
                    let a = Double(failures[b]) * gw / s0[b]
                    accK0[g] += a
                    let ag = Double(failuresByGroup[g][b]) * gw / s0[b]
                    accC0[g] += ag
                    for j in 0..<p { accK1[g][j] += a * xbar[b][j]; accC1[g][j] += ag * xbar[b][j] }
                }
            }
            c0[b] = accC0; c1[b] = accC1
        }
        // censored counts at risk per group (time ≥ t)
        var atRisk = [Double](repeating: 0, count: ng)
        for k in 0..<n { atRisk[group[k]] += 1 }
        var h0 = 0.0, h1 = [Double](repeating: 0, count: p)
        var a0 = [Double](repeating: 0, count: ng)
        var a1 = [[Double]](repeating: [Double](repeating: 0, count: p), count: ng)
        var ss2 = [[Double]](repeating: [Double](repeating: 0, count: p), count: ng)
        var qu = [[Double]](repeating: [Double](repeating: 0, count: p), count: ng)
        var middle = Matrix(zeros: p)
        var u = [Double](repeating: 0, count: p)
        for b in 0..<nb {
            let range = blockStart[b]..<blockStart[b + 1]
            if failures[b] > 0 {
                let a = Double(failures[b]) / s0[b]
                h0 += a
                for j in 0..<p { h1[j] += a * xbar[b][j] }
            }
            if range.contains(where: { status[$0] == 0 }) {
                for g in 0..<ng {
                    for j in 0..<p { qu[g][j] = a1[g][j] * c0[b][g] - a0[g] * c1[b][g][j] }
                }
                for k in range where status[k] == 0 {
                    let g = group[k]
                    let y2 = atRisk[g] * atRisk[g]
                    for j in 0..<p { ss2[g][j] -= qu[g][j] / y2 }
                }
            }
            for k in range {
                let g = group[k]
                let w = risk[k]
                for j in 0..<p {
                    let xj = x[k * p + j]
                    var v = -w * (xj * h0 - h1[j])
                    if status[k] == 1 { v += xj - xbar[b][j] }
                    if status[k] == 2 {
                        v -= w / censorKM[g][b] * (xj * k0[b][g] - k1[b][g][j])
                    }
                    v += ss2[g][j]
                    if status[k] == 0 { v += qu[g][j] / atRisk[g] }
                    u[j] = v
                }
                for i in 0..<p { for j in 0..<p { middle[i, j] += u[i] * u[j] } }
            }
            for k in range {
                let g = group[k]
                atRisk[g] -= 1
                if status[k] == 2 {
                    let w = risk[k] / censorKM[g][b]
                    a0[g] += w
                    for j in 0..<p { a1[g][j] += w * x[k * p + j] }
                }
            }
        }
        return middle
    }
}
