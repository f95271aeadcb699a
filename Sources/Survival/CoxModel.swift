import RealModule

/// The Cox proportional-hazards model fitted by partial likelihood, as R's `coxph`.
///
/// ```swift
/// let fit = CoxModel(time: t, event: e, covariates: [age, sex])   // one array per covariate
/// fit.coefficients, fit.standardErrors, fit.hazardRatios
/// fit.tests.likelihoodRatio.pValue
/// ```
///
/// Ties are handled by Efron's approximation (default) or Breslow's. With deaths D at time t, d = |D|,
/// risk weights r_i = w_i·exp(η_i), mean death weight w̄ and c_k = k/d (k = 0…d−1), Efron uses
/// den_k = S0 − c_k·S0_D and adds to the log partial likelihood Σ_D w_i η_i − w̄ Σ_k log den_k, with the
/// matching score and information; Breslow is the d = 1 form with weight Σ_D w_i.
///
/// The fit follows R's `coxph.fit`/`coxfit6` algorithm: covariates are centred and scaled (except columns
/// whose values are all in {−1, 0, 1}, which R neither centres nor scales), Newton–Raphson from β = 0 with
/// convergence when |1 − ℓ_old/ℓ_new| ≤ ε, step halving when the likelihood decreases, at most
/// `maxIterations` iterations; a column whose Cholesky pivot falls below the tolerance is aliased and its
/// coefficient is NaN (R's NA). The warnings R gives are reproduced word for word in ``warnings``.
///
/// Counting-process data (entry times, R's `Surv(start, stop, event)`) are supported: a row is at risk at t
/// when entry < t ≤ time.
public struct CoxModel: Sendable {
    /// How tied event times are handled.
    public enum Ties: String, Sendable, Codable, CaseIterable {
        /// Efron's approximation (R's default) or Breslow's.
        case efron, breslow
    }

    /// R's `coxph.control` settings.
    public struct Control: Sendable {
        /// Convergence threshold on |1 − ℓ_old/ℓ_new| (`eps`).
        public var epsilon: Double = 1e-9
        /// Maximum Newton–Raphson iterations (`iter.max`).
        public var maxIterations: Int = 20
        /// Pivot tolerance of the Cholesky factorization below which a column is aliased (`toler.chol`).
        public var cholTolerance: Double = Double.pow(Double.ulpOfOne, 0.75)
        /// Tolerance of R's "coefficient may be infinite" check (`toler.inf`).
        public var infTolerance: Double = (1e-9).squareRoot()
        /// R's defaults.
        ///
        /// - Complexity: O(1).
        public init() {}
    }

    /// The global tests of β = 0.
    public struct Tests: Sendable, Codable, Equatable {
        /// Likelihood-ratio test, 2(ℓ(β̂) − ℓ(β₀)) (R's "Likelihood ratio test").
        public var likelihoodRatio: ChiSquareTest
        /// Wald test β̂ᵀV⁻¹β̂, V the ``CoxModel/variance`` (robust when the fit is robust, as R).
        public var wald: ChiSquareTest
        /// Score (log-rank) test at β₀ with the model-based information (R's "Score (logrank) test").
        public var score: ChiSquareTest
        /// Robust score test (only with robust variance; R's "Robust").
        public var robustScore: ChiSquareTest?
        /// The four tests.
        ///
        /// - Complexity: O(1).
        public init(likelihoodRatio: ChiSquareTest, wald: ChiSquareTest, score: ChiSquareTest,
                    robustScore: ChiSquareTest? = nil) {
            self.likelihoodRatio = likelihoodRatio
            self.wald = wald
            self.score = score
            self.robustScore = robustScore
        }
    }

    // MARK: Results

    /// Estimated coefficients (NaN for an aliased column).
    public let coefficients: [Double]
    /// Model-based variance I(β̂)⁻¹ (zero rows/columns for aliased columns).
    public let naiveVariance: Matrix
    /// Robust (sandwich) variance DᵀD from the dfbeta residuals, when requested.
    public let robustVariance: Matrix?
    /// Log partial likelihood at the start (β = initial) and at the end.
    public let logLikelihood: (initial: Double, final: Double)
    /// The global tests of β = 0.
    public let tests: Tests
    /// Newton–Raphson iterations, counted as R does.
    public let iterations: Int
    /// Whether the iterations converged.
    public let converged: Bool
    /// Warnings, worded exactly as R's `coxph` words them. Read ``termStatus`` rather than these texts.
    public let warnings: [String]
    /// Whether the model as a whole can be reported: `.notEstimable(.noEvents)`,
    /// `.notEstimable(.fewerEventsThanTerms)` or `.notEstimable(.notConverged)` otherwise `.estimable`.
    public let status: Estimability
    /// Per coefficient, whether it is an estimate (rules in Guides/CoxModel.md, "Estimability as data", applied in
    /// this order): model-level reasons first, then `.aliased` (R's NA), `.noEventsInLevel` (a two-valued
    /// column with no events at one value), `.monotoneLikelihood` (R's "Loglik converged before variable …"
    /// rule), `.notConverged`, `.singular` (variance not positive and finite).
    public let termStatus: [Estimability]
    /// Indices of aliased (linearly dependent) columns, whose coefficients are NaN.
    public let aliased: [Int]
    /// Column means used for centring (0 for a column with values in {−1, 0, 1}, as R's `fit$means`).
    public let means: [Double]
    /// Linear predictor x·β − means·β for each input row (input order).
    public let linearPredictor: [Double]
    /// Martingale residuals, input order (R's `residuals(fit, "martingale")`).
    ///
    /// They are not needed by the fit, so they are computed when asked for, on each access: read them once.
    ///
    /// ```swift
    /// let residuals = fit.martingaleResiduals   // O(n log n): keep the array
    /// ```
    ///
    /// - Complexity: O(*n* log *n*) for *n* rows (one pass over the risk sets after sorting the event times).
    public var martingaleResiduals: [Double] { data.martingaleResiduals(linearPredictor: linearPredictor) }
    /// Harrell's concordance of the linear predictor with survival, and its standard error.
    public let concordance: Concordance
    /// Number of rows used, number of events (unweighted count, as R's `nevent`) and their total weight.
    public let observations: Int
    /// Number of events (unweighted, R's `nevent`).
    public let events: Int
    /// Total weight of the events.
    public let weightedEvents: Double
    /// How tied event times were handled.
    public let ties: Ties

    /// The variance behind ``standardErrors``, ``zScores``, ``pValues``, ``hazardRatioInterval(level:)``,
    /// ``estimate(_:level:)`` and the Wald test: ``robustVariance`` when the fit is robust, else
    /// ``naiveVariance`` — the choice R's `summary(coxph)` makes.
    public var variance: Matrix { robustVariance ?? naiveVariance }
    /// Model-based standard errors √(I⁻¹)ₖₖ: R's `se(coef)` column (NaN for an aliased column).
    public var modelStandardErrors: [Double] { Self.roots(naiveVariance, aliased: aliased) }
    /// Robust standard errors √(DᵀD)ₖₖ, R's `robust se` column, when the fit is robust.
    public var robustStandardErrors: [Double]? { robustVariance.map { Self.roots($0, aliased: aliased) } }
    /// The standard errors z, p and the intervals use: √diag(``variance``) — robust when the fit is robust,
    /// else model-based. R shows these as `robust se` (robust fit) or `se(coef)`.
    public var standardErrors: [Double] { Self.roots(variance, aliased: aliased) }
    /// Whether coefficient `k` is an estimate (``termStatus``[k] is `.estimable`).
    ///
    /// - Complexity: O(1).
    public func isEstimable(_ k: Int) -> Bool { termStatus[k].isEstimable }

    static func roots(_ v: Matrix, aliased: [Int]) -> [Double] {
        v.diagonal.enumerated().map { aliased.contains($0.offset) ? .nan : $0.element.squareRoot() }
    }

    /// Coefficient `k` as it can be reported — hazard ratio, Wald limits, z and p from ``variance`` — or
    /// `nil` when it is not estimable.
    ///
    /// ```swift
    /// if let e = fit.estimate(0) { print(e.hazardRatio, e.lower, e.upper, e.pValue) }
    /// else { print(fit.termStatus[0]) }   // "not estimable: monotone likelihood …"
    /// ```
    ///
    /// - Parameters:
    ///   - k: Coefficient index.
    ///   - level: Confidence level of the interval (default 0.95).
    /// - Returns: The estimate, or `nil` when `termStatus[k]` is not `.estimable`.
    /// - Complexity: O(1).
    public func estimate(_ k: Int, level: Double = 0.95) -> CoefficientSummary? {
        guard termStatus[k].isEstimable else { return nil }
        let model = naiveVariance[k, k].squareRoot(), robust = robustVariance.map { $0[k, k].squareRoot() }
        return CoefficientSummary(coefficient: coefficients[k], modelStandardError: model,
                                  robustStandardError: robust, level: level)
    }

    /// R's `summary(coxph)` coefficient table: one row per coefficient, estimable or not (NaN for an
    /// aliased column). Use ``estimate(_:level:)`` to report a single term.
    ///
    /// ```swift
    /// for (name, row) in zip(["age", "sex"], fit.coefficientSummaries()) {
    ///     print(name, row.hazardRatio, row.modelStandardError, row.robustStandardError ?? .nan, row.pValue)
    /// }
    /// ```
    ///
    /// - Parameter level: Confidence level of the intervals (default 0.95).
    /// - Returns: One summary per coefficient, in column order.
    /// - Complexity: O(p).
    public func coefficientSummaries(level: Double = 0.95) -> [CoefficientSummary] {
        let model = modelStandardErrors, robust = robustStandardErrors
        return coefficients.indices.map {
            CoefficientSummary(coefficient: coefficients[$0], modelStandardError: model[$0],
                               robustStandardError: robust?[$0], level: level)
        }
    }

    /// R's numbers, reported whether or not a term is estimable (use ``estimate(_:level:)`` to report).
    /// exp(β).
    public var hazardRatios: [Double] { coefficients.map { Double.exp($0) } }
    /// Wald z statistics β/se with se from ``standardErrors`` (robust when the fit is robust, as R).
    public var zScores: [Double] { zip(coefficients, standardErrors).map { $0 / $1 } }
    /// Two-sided p-values 2Φ(−|z|) of ``zScores``.
    public var pValues: [Double] { zScores.map { $0.isNaN ? .nan : Normal.twoSidedP($0) } }
    /// Wald limits exp(β ± z₁₋α/₂·se) for the hazard ratios, se from ``standardErrors``.
    ///
    /// - Parameter level: Confidence level (default 0.95).
    /// - Returns: Lower and upper limits, one per coefficient.
    /// - Complexity: O(p).
    public func hazardRatioInterval(level: Double = 0.95) -> (lower: [Double], upper: [Double]) {
        CoefficientSummary.waldLimits(coefficients, standardErrors: standardErrors, level: level)
    }

    // Retained for residuals, zph and prediction.
    let data: CoxData
    /// The covariates as given (one array per column, input order).
    public let covariates: [[Double]]
    let scaledBeta: [Double]

    // MARK: Fit

    /// Fits the model.
    ///
    /// - Parameters:
    ///   - time: Exit (event or censoring) times.
    ///   - event: Event indicators.
    ///   - covariates: One array per covariate (column-major), each of the same length as `time`.
    ///   - entry: Optional entry times for counting-process data (at risk on (entry, time]).
    ///   - strata: Optional stratum index per row; each stratum has its own baseline hazard.
    ///   - weights: Optional positive case weights.
    ///   - ties: `.efron` (default, as R) or `.breslow`.
    ///   - robust: Also compute the robust sandwich variance (used for se, z, p and the Wald test).
    ///   - initial: Starting coefficients (default 0).
    ///   - control: Convergence settings (R's `coxph.control` defaults).
    ///   - parallelism: Whether each Newton step's sums and the concordance's two sweeps run on two threads
    ///     (default ``Parallelism/twoThreads``); the fit is the same either way.
    /// - Throws: ``SurvivalError`` for no rows, mismatched lengths, a non-finite time, covariate or entry
    ///   time, an entry time not before its exit time, or a weight that is not positive and finite.
    /// - Complexity: O(n·p²) per iteration after one O(n) radix sort.
    public init(time: [Double], event: [Bool], covariates: [[Double]], entry: [Double]? = nil,
                strata: [Int]? = nil, weights: [Double]? = nil, ties: Ties = .efron, robust: Bool = false,
                initial: [Double]? = nil, control: Control = Control(),
                parallelism: Parallelism = .default) throws(SurvivalError) {
        let n = time.count
        guard n > 0 else { throw .noObservations }
        try Check.length(event, "event", as: n, of: "time")
        for (j, c) in covariates.enumerated() { try Check.length(c, "covariates[\(j)]", as: n, of: "time") }
        if let entry { try Check.length(entry, "entry", as: n, of: "time") }
        if let strata { try Check.length(strata, "strata", as: n, of: "time") }
        if let initial { try Check.length(initial, "initial", as: covariates.count, of: "covariates") }
        try Check.weights(weights, count: n)
        try Check.finite(time, "time")
        for (j, c) in covariates.enumerated() { try Check.finite(c, "covariates[\(j)]") }
        if let entry {
            try Check.finite(entry, "entry")
            for i in 0..<n where !(entry[i] < time[i]) {
                throw .invalidParameter(name: "entry[\(i)]", value: entry[i],
                                        requirement: "before the exit time \(time[i])")
            }
        }

        let data = CoxData(time: time, event: event, covariates: covariates, entry: entry, strata: strata,
                           weights: weights, efron: ties == .efron)
        let p = data.p
        self.data = data
        self.covariates = covariates
        self.ties = ties
        observations = n
        events = event.reduce(0) { $0 + ($1 ? 1 : 0) }
        weightedEvents = data.totalEventWeight

        // --- Newton–Raphson, as coxfit6 (shared with AggregateCoxModel) ---
        let noEvents = !event.contains(true)
        let start = (initial ?? [Double](repeating: 0, count: p)).enumerated()
            .map { $0.element / data.scale[$0.offset] }
        let newton = CoxNewtonRaphson(start: start, noEvents: noEvents, control: control) {
            data.evaluate(beta: $0, parallelism: parallelism)
        }
        let beta = newton.beta
        let (loglik0, bestLoglik) = (newton.initialLoglik, newton.finalLoglik)
        let (iterations, converged) = (newton.iterations, newton.converged)
        scaledBeta = beta
        let unscaled = newton.unscaled(scale: data.scale)
        var coef = unscaled.coefficients
        let (v, u, aliased) = (unscaled.variance, unscaled.score, unscaled.aliased)
        means = data.means
        // linear predictor (input order), computed before aliased coefficients become NaN
        var lp = [Double](repeating: 0, count: n)
        let centre = zip(coef, data.means).reduce(0) { $0 + $1.0 * $1.1 }
        for j in 0..<p where coef[j] != 0 {
            let c = covariates[j], b = coef[j]
            for i in 0..<n { lp[i] += b * c[i] }
        }
        for i in 0..<n { lp[i] -= centre }

        // warnings, as coxph.fit, and estimability as data (the rules are in the CoxModel guide)
        let warnings = newton.warnings(noEvents: noEvents, control: control, score: u, variance: v, coefficients: coef,
                                       maxLinearPredictor: lp.max() ?? 0, counting: entry != nil)
        let (status, termStatus) = newton.estimability(
            noEvents: noEvents, events: events, control: control, score: u, variance: v, coefficients: coef,
            aliased: aliased,
            eventless: { Set(EstimabilityCheck.columnsWithEventlessLevel(covariates) { event[$0] }) },
            runaway: { Set(EstimabilityCheck.runawayTerms(coefficients: coef, covariates: covariates)) })
        self.status = status
        if control.maxIterations > 0 { for j in aliased { coef[j] = .nan } }
        self.coefficients = coef
        self.naiveVariance = v
        self.aliased = aliased
        self.iterations = iterations
        self.converged = converged
        self.warnings = warnings
        self.logLikelihood = (loglik0, bestLoglik)
        self.linearPredictor = lp

        concordance = Concordance(validTime: data.fixedTime, event: event, score: lp, entry: entry, strata: strata,
                                  weights: weights, order: data.order, parallelism: parallelism)
        var robustV: Matrix? = nil
        var robustScore: ChiSquareTest? = nil
        if robust {
            let score = data.scoreResiduals(linearPredictor: lp, covariates: covariates)
            // dfbeta (weighted) = w_i · L_i V ;  robust var = Σ dfbeta_i dfbetaᵀ
            var r = Matrix(zeros: p)
            let inputWeights = data.inputWeights
            for i in 0..<n {
                let w = inputWeights[i]
                var db = [Double](repeating: 0, count: p)
                for a in 0..<p { var s = 0.0; for b in 0..<p { s += score[b][i] * v[b, a] }; db[a] = w * s }
                for a in 0..<p { for b in 0..<p { r[a, b] += db[a] * db[b] } }
            }
            robustV = r
            // robust score test at the initial β
            let lp0: [Double] = {
                guard let initial else { return [Double](repeating: 0, count: n) }
                let c0 = zip(initial, data.means).reduce(0) { $0 + $1.0 * $1.1 }
                return (0..<n).map { i in (0..<p).reduce(-c0) { $0 + initial[$1] * covariates[$1][i] } }
            }()
            let s0 = data.scoreResiduals(linearPredictor: lp0, covariates: covariates)
            var m = Matrix(zeros: p)
            var u0 = [Double](repeating: 0, count: p)
            for i in 0..<n {
                let w = inputWeights[i]
                for a in 0..<p { u0[a] += w * s0[a][i]; for b in 0..<p { m[a, b] += w * w * s0[a][i] * s0[b][i] } }
            }
            let cm = GeneralizedCholesky(m, tolerance: control.cholTolerance)
            let sol = cm.solve(u0)
            robustScore = ChiSquareTest(statistic: zip(u0, sol).reduce(0) { $0 + $1.0 * $1.1 },
                                        degreesOfFreedom: cm.rank)
        }
        self.robustVariance = robustV
        self.termStatus = termStatus.enumerated().map { j, s in
            guard s.isEstimable, let r = robustV else { return s }
            return r[j, j] > 0 && r[j, j].isFinite ? s : .notEstimable(.singular)
        }
        tests = newton.tests(coefficients: coef, variance: robustV ?? v, aliased: aliased, control: control,
                             robustScore: robustScore)
    }
}

extension CoxModel {
    /// Schoenfeld residuals: for each event (ordered by stratum, then time), x_i − x̄(t_i) with x̄ the
    /// risk-weighted mean (Efron: averaged over the tie's d steps), as R's `residuals(fit, "schoenfeld")`.
    public var schoenfeldResiduals: (time: [Double], row: [Int], values: [[Double]]) {
        let keep = (0..<coefficients.count).filter { !aliased.contains($0) }
        let cols = keep.map { covariates[$0] }
        let centres = keep.map { data.means[$0] }
        let times = data.eventTimes(lp: linearPredictor, columns: cols, centres: centres)
        var lookup: [Int: [Double: Int]] = [:]
        for (i, e) in times.enumerated() { lookup[e.stratum, default: [:]][e.time] = i }
        var t: [Double] = [], rows: [Int] = [], values: [[Double]] = []
        for (si, range) in data.strataRanges.enumerated() {
            for k in range where data.status[k] {
                let row = data.order[k]
                let e = times[lookup[si]![data.time[k]]!]
                t.append(data.time[k])
                rows.append(row)
                values.append((0..<cols.count).map { cols[$0][row] - data.means[keep[$0]] - e.xMean[$0] })
            }
        }
        return (t, rows, values)
    }
}
