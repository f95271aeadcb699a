import RealModule

/// Sums over the subject rows of one (stratum, time) cell of Cox-model data at one coefficient vector β:
/// what a database returns, one row per distinct time and stratum, for one Newton–Raphson step.
///
/// Covariates x are the centred and scaled ones (x − mean)·scale of ``AggregateCoxModel``, η = x·β and
/// r = w·exp(η). Over all rows of the cell: `risk` = Σ r, `riskX` = Σ r·x, `riskXX` = Σ r·x xᵀ (lower
/// triangle, row by row: (0,0), (1,0), (1,1), (2,0), …). Over the cell's events: the same three sums
/// (`deathRisk…`, Efron's tie terms), Σ w·η (`deathEta`), Σ w·x (`deathX`), the number of events and their
/// weight. `maxEta` is the largest η in the cell (for R's "may be infinite" warning).
public struct CoxCellSums: Sendable, Equatable {
    /// Stratum index of the cell.
    public var stratum: Int
    /// The cell's time (the event or censoring time the sums are taken at).
    public var time: Double
    /// Number of events in the cell.
    public var deaths: Int
    /// Total case weight of the cell's events.
    public var deathWeight: Double
    /// Σ w·exp(η) over the rows at risk in the cell.
    public var risk: Double
    /// Σ w·exp(η)·x over the rows at risk, one per covariate.
    public var riskX: [Double]
    /// Σ w·exp(η)·x·xᵀ over the rows at risk, lower triangle row by row.
    public var riskXX: [Double]
    /// Σ w·exp(η) over the cell's events (Efron's tie terms).
    public var deathRisk: Double
    /// Σ w·exp(η)·x over the cell's events.
    public var deathRiskX: [Double]
    /// Σ w·exp(η)·x·xᵀ over the cell's events, lower triangle row by row.
    public var deathRiskXX: [Double]
    /// Σ w·η over the cell's events.
    public var deathEta: Double
    /// Σ w·x over the cell's events.
    public var deathX: [Double]
    /// The largest η in the cell (for R's "may be infinite" warning).
    public var maxEta: Double

    /// Creates one cell's sums (see the type's description for each).
    ///
    /// - Complexity: O(p²) to copy the sums.
    public init(stratum: Int, time: Double, deaths: Int, deathWeight: Double, risk: Double, riskX: [Double],
                riskXX: [Double], deathRisk: Double, deathRiskX: [Double], deathRiskXX: [Double], deathEta: Double,
                deathX: [Double], maxEta: Double) {
        self.stratum = stratum
        self.time = time
        self.deaths = deaths
        self.deathWeight = deathWeight
        self.risk = risk
        self.riskX = riskX
        self.riskXX = riskXX
        self.deathRisk = deathRisk
        self.deathRiskX = deathRiskX
        self.deathRiskXX = deathRiskXX
        self.deathEta = deathEta
        self.deathX = deathX
        self.maxEta = maxEta
    }

    /// Adds another cell's sums (same stratum and time after merging near-equal times, or another shard).
    mutating func add(_ o: CoxCellSums) {
        deaths += o.deaths
        deathWeight += o.deathWeight
        risk += o.risk
        deathRisk += o.deathRisk
        deathEta += o.deathEta
        maxEta = max(maxEta, o.maxEta)
        for i in riskX.indices { riskX[i] += o.riskX[i]; deathRiskX[i] += o.deathRiskX[i]; deathX[i] += o.deathX[i] }
        for i in riskXX.indices { riskXX[i] += o.riskXX[i]; deathRiskXX[i] += o.deathRiskXX[i] }
    }
}

/// The Cox proportional-hazards model fitted from per-(stratum, time) sums, one set of sums per
/// Newton–Raphson step: the database path of ``CoxModel`` (rows stay where they are; each step asks for
/// ``CoxCellSums`` at the current β).
///
/// ```swift
/// let fit = try AggregateCoxModel(covariateCount: 2, means: m, scale: s, observations: n) { beta in
///     try database.coxSums(beta)      // one GROUP BY stratum, time per step
/// }
/// fit.coefficients, fit.tests.likelihoodRatio.pValue
/// ```
///
/// The Newton–Raphson iteration, step halving, convergence rule, variance, tests and warnings are those of
/// ``CoxModel`` (R's `coxph.fit`), so with the same means and scales the results agree with ``CoxModel`` on
/// the subject rows to rounding. What needs subject rows is not available here: residuals, concordance,
/// robust variance, counting-process (entry) data.
public struct AggregateCoxModel: Sendable {
    /// Estimated coefficients on the original covariate scale (NaN for an aliased column).
    public let coefficients: [Double]
    /// Model-based variance I(β̂)⁻¹ on the original covariate scale.
    public let naiveVariance: Matrix
    /// Log partial likelihood at the start and at the end.
    public let logLikelihood: (initial: Double, final: Double)
    /// Likelihood-ratio, Wald and score tests of β = 0 (no robust score test).
    public let tests: CoxModel.Tests
    /// Newton–Raphson iterations, counted as R does.
    public let iterations: Int
    /// Whether the iterations converged.
    public let converged: Bool
    /// Warnings, worded as R's `coxph` words them.
    public let warnings: [String]
    /// Indices of aliased (linearly dependent) columns, whose coefficients are NaN.
    public let aliased: [Int]
    /// Whether the model can be reported, and why not (the rules of ``CoxModel/status``).
    public let status: Estimability
    /// Per coefficient: estimable, or why not (the rules of ``CoxModel/termStatus``).
    public let termStatus: [Estimability]
    /// Column means used for centring (0 for a column with values in {−1, 0, 1}).
    public let means: [Double]
    /// Number of subject rows the sums cover.
    public let observations: Int
    /// Number of events (unweighted) and their total weight.
    public let events: Int
    /// Total weight of the events.
    public let weightedEvents: Double
    /// How tied event times were handled.
    public let ties: CoxModel.Ties
    /// Number of times the sums were requested (database round trips).
    public let evaluations: Int

    /// Model-based standard errors √(I⁻¹)ₖₖ, R's `se(coef)` (NaN for an aliased column).
    public var standardErrors: [Double] {
        naiveVariance.diagonal.enumerated().map { aliased.contains($0.offset) ? .nan : $0.element.squareRoot() }
    }
    /// exp(β).
    public var hazardRatios: [Double] { coefficients.map { Double.exp($0) } }
    /// Wald z statistics β/se.
    public var zScores: [Double] { zip(coefficients, standardErrors).map { $0 / $1 } }
    /// Two-sided p-values 2Φ(−|z|).
    public var pValues: [Double] { zScores.map { $0.isNaN ? .nan : Normal.twoSidedP($0) } }
    /// Wald limits exp(β ± z₁₋α/₂·se) for the hazard ratios.
    ///
    /// - Parameter level: Confidence level (default 0.95).
    /// - Returns: Lower and upper limits, one per coefficient.
    /// - Complexity: O(p).
    public func hazardRatioInterval(level: Double = 0.95) -> (lower: [Double], upper: [Double]) {
        CoefficientSummary.waldLimits(coefficients, standardErrors: standardErrors, level: level)
    }

    /// Fits the model.
    ///
    /// - Parameters:
    ///   - p: Number of covariates.
    ///   - means: Centring of each covariate (R's weighted mean, 0 for a column with values in {−1, 0, 1}).
    ///   - scale: Scaling of each centred covariate (Σw / Σ w|x − mean|, or 1).
    ///   - observations: Number of subject rows.
    ///   - ties: `.efron` (default) or `.breslow`.
    ///   - initial: Starting coefficients on the original scale (default 0).
    ///   - control: Convergence settings (R's `coxph.control` defaults).
    ///   - eventlessLevel: Covariates with exactly two values one of which no event has (their coefficient
    ///     is infinite; computed by the caller, e.g. from distinct counts in the database).
    ///   - sums: Returns the cell sums at a β on the centred, scaled covariates (one database query).
    /// - Throws: What `sums` throws.
    /// - Complexity: O(m·p²) per step for m cells, plus the queries.
    public init(covariateCount p: Int, means: [Double], scale: [Double], observations: Int,
                ties: CoxModel.Ties = .efron, initial: [Double]? = nil, control: CoxModel.Control = .init(),
                eventlessLevel: Set<Int> = [],
                sums: ([Double]) throws -> [CoxCellSums]) throws {
        precondition(means.count == p && scale.count == p, "means and scale need one value per covariate")
        let efron = ties == .efron
        var evaluations = 0
        var maxEta = -Double.infinity
        var totals: (events: Int, weight: Double) = (0, 0)
        func evaluate(_ beta: [Double]) throws -> CoxData.Evaluation {
            evaluations += 1
            let cells = AggregateCoxModel.merged(try sums(beta))
            maxEta = cells.map(\.maxEta).max() ?? -.infinity
            totals = (cells.reduce(0) { $0 + $1.deaths }, cells.reduce(0) { $0 + $1.deathWeight })
            return AggregateCoxModel.evaluate(cells, p: p, efron: efron)
        }
        let start = (initial ?? [Double](repeating: 0, count: p)).enumerated().map { $0.element / scale[$0.offset] }
        // the first evaluation gives the event counts, which decide whether to iterate
        var first: CoxData.Evaluation? = try evaluate(start)
        events = totals.events
        weightedEvents = totals.weight
        let noEvents = events == 0
        let newton = try CoxNewtonRaphson(start: start, noEvents: noEvents, control: control) { beta in
            if let f = first { first = nil; return f }
            return try evaluate(beta)
        }
        let unscaled = newton.unscaled(scale: scale)
        var coef = unscaled.coefficients
        let (v, u, aliased) = (unscaled.variance, unscaled.score, unscaled.aliased)
        // the linear predictor of the last evaluation is at the returned β
        warnings = newton.warnings(noEvents: noEvents, control: control, score: u, variance: v, coefficients: coef,
                                   maxLinearPredictor: maxEta, counting: false)
        let estimability = newton.estimability(noEvents: noEvents, events: events, control: control, score: u,
                                               variance: v, coefficients: coef, aliased: aliased) { eventlessLevel }
        status = estimability.model
        termStatus = estimability.terms
        if control.maxIterations > 0 { for j in aliased { coef[j] = .nan } }
        coefficients = coef
        naiveVariance = v
        self.aliased = aliased
        iterations = newton.iterations
        converged = newton.converged
        logLikelihood = (newton.initialLoglik, newton.finalLoglik)
        self.means = means
        self.observations = observations
        self.ties = ties
        self.evaluations = evaluations
        tests = newton.tests(coefficients: coef, variance: v, aliased: aliased, control: control, robustScore: nil)
    }

    /// Cells sorted by (stratum, time), near-equal times merged by R's `timefix` rule over all cells, and
    /// cells with the same stratum and time added together.
    static func merged(_ cells: [CoxCellSums]) -> [CoxCellSums] {
        let fixed = TimeFix.applied(to: cells.map(\.time))
        let order = cells.indices.sorted { (cells[$0].stratum, fixed[$0]) < (cells[$1].stratum, fixed[$1]) }
        var out: [CoxCellSums] = []
        for i in order {
            var c = cells[i]
            c.time = fixed[i]
            if let last = out.last, last.stratum == c.stratum, last.time == c.time {
                out[out.count - 1].add(c)
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// Log partial likelihood, score and information from sorted cells: the arithmetic of
    /// `CoxData.evaluate` with the per-row additions replaced by per-cell sums.
    static func evaluate(_ cells: [CoxCellSums], p: Int, efron: Bool) -> CoxData.Evaluation {
        let tri = p * (p + 1) / 2
        var loglik = 0.0
        var u = [Double](repeating: 0, count: p)
        var imat = [Double](repeating: 0, count: tri)
        var s1 = [Double](repeating: 0, count: p), s2 = [Double](repeating: 0, count: tri)
        var a = [Double](repeating: 0, count: p)
        var s0 = 0.0
        var k = cells.count - 1
        while k >= 0 {
            let c = cells[k]
            if k == cells.count - 1 || cells[k + 1].stratum != c.stratum {
                s0 = 0
                for i in 0..<p { s1[i] = 0 }
                for i in 0..<tri { s2[i] = 0 }
            }
            s0 += c.risk
            for i in 0..<p { s1[i] += c.riskX[i] }
            for i in 0..<tri { s2[i] += c.riskXX[i] }
            k -= 1
            let nd = c.deaths
            guard nd > 0 else { continue }
            let deadW = c.deathWeight
            loglik += c.deathEta
            for i in 0..<p { u[i] += c.deathX[i] }
            if !efron || nd == 1 {
                loglik -= deadW * Double.log(s0)
                let inv = 1 / s0
                for i in 0..<p { a[i] = s1[i] * inv; u[i] -= deadW * a[i] }
                var idx = 0
                for i in 0..<p {
                    let ai = a[i]
                    for j in 0...i { imat[idx] += deadW * (s2[idx] * inv - ai * a[j]); idx += 1 }
                }
            } else {
                let dd = Double(nd)
                let wbar = deadW / dd
                let ds0 = c.deathRisk
                var r1 = 0.0, rc = 0.0, q0 = 0.0, q1 = 0.0, q2 = 0.0
                for kk in 0..<nd {
                    let cc = Double(kk) / dd
                    let den = s0 - cc * ds0
                    let inv = 1 / den
                    loglik -= wbar * Double.log(den)
                    r1 += inv; rc += cc * inv
                    q0 += inv * inv; q1 += cc * inv * inv; q2 += cc * cc * inv * inv
                }
                for i in 0..<p { u[i] -= wbar * (s1[i] * r1 - c.deathRiskX[i] * rc) }
                var idx = 0
                for i in 0..<p {
                    let si = s1[i], di = c.deathRiskX[i]
                    for j in 0...i {
                        let sj = s1[j], dj = c.deathRiskX[j]
                        let outer = si * sj * q0 - (si * dj + di * sj) * q1 + di * dj * q2
                        imat[idx] += wbar * (s2[idx] * r1 - c.deathRiskXX[idx] * rc - outer)
                        idx += 1
                    }
                }
            }
        }
        var info = Matrix(zeros: p)
        var idx = 0
        for i in 0..<p { for j in 0...i { info[i, j] = imat[idx]; info[j, i] = imat[idx]; idx += 1 } }
        return CoxData.Evaluation(loglik: loglik, score: u, information: info)
    }
}

extension AggregateCoxModel {
    /// The centring and scaling ``CoxModel`` applies (R's `coxph.fit`): weighted means, and
    /// Σw / Σ w|x − mean|, except for columns whose values are all in {−1, 0, 1}, left as they are.
    ///
    /// - Parameters:
    ///   - weightSum: Σ w over the rows used.
    ///   - weightedSum: Σ w·x per covariate.
    ///   - unitValued: Whether each covariate has only the values −1, 0 and 1.
    ///   - absoluteDeviation: Σ w·|x − mean| per covariate, given the means this returns (a second pass).
    /// - Returns: Means and scales for
    ///   ``init(covariateCount:means:scale:observations:ties:initial:control:eventlessLevel:sums:)``.
    /// - Complexity: O(p).
    public static func centring(weightSum: Double, weightedSum: [Double], unitValued: [Bool],
                                absoluteDeviation: ([Double]) throws -> [Double]) rethrows
        -> (means: [Double], scale: [Double]) {
        let means = weightedSum.indices.map { unitValued[$0] ? 0 : weightedSum[$0] / weightSum }
        let dev = try absoluteDeviation(means)
        let scale = means.indices.map { unitValued[$0] ? 1 : (dev[$0] > 0 ? weightSum / dev[$0] : 1) }
        return (means, scale)
    }

    /// The cell sums of subject-level data, computed here: what the database query returns, for tests and
    /// for data already in memory.
    ///
    /// - Parameters:
    ///   - beta: Coefficients on the centred, scaled covariates.
    ///   - time: Exit times.
    ///   - event: Event indicators.
    ///   - x: One array per covariate, already centred and scaled.
    ///   - strata: Optional stratum index per row.
    ///   - weights: Optional case weights.
    /// - Returns: One cell per stratum and distinct time.
    /// - Complexity: O(n·p²).
    public static func cellSums(beta: [Double], time: [Double], event: [Bool], x: [[Double]], strata: [Int]? = nil,
                                weights: [Double]? = nil) -> [CoxCellSums] {
        let p = x.count, tri = p * (p + 1) / 2
        var cells: [Int: [Double: CoxCellSums]] = [:]
        for i in time.indices {
            let w = weights?[i] ?? 1
            let xi = (0..<p).map { x[$0][i] }
            let eta = (0..<p).reduce(0.0) { $0 + xi[$1] * beta[$1] }
            let r = w * Double.exp(eta)
            var xx = [Double](repeating: 0, count: tri)
            var idx = 0
            for a in 0..<p { for b in 0...a { xx[idx] = xi[a] * xi[b]; idx += 1 } }
            let d = event[i]
            let cell = CoxCellSums(
                stratum: strata?[i] ?? 0, time: time[i], deaths: d ? 1 : 0, deathWeight: d ? w : 0, risk: r,
                riskX: xi.map { r * $0 }, riskXX: xx.map { r * $0 }, deathRisk: d ? r : 0,
                deathRiskX: xi.map { d ? r * $0 : 0 }, deathRiskXX: xx.map { d ? r * $0 : 0 },
                deathEta: d ? w * eta : 0, deathX: xi.map { d ? w * $0 : 0 }, maxEta: eta)
            cells[cell.stratum, default: [:]][cell.time, default: cell.zeroed].add(cell)
        }
        return cells.values.flatMap { $0.values }
    }
}

extension CoxCellSums {
    /// A cell of the same stratum, time and size with all sums zero.
    var zeroed: CoxCellSums {
        CoxCellSums(stratum: stratum, time: time, deaths: 0, deathWeight: 0, risk: 0,
                    riskX: riskX.map { _ in 0 }, riskXX: riskXX.map { _ in 0 }, deathRisk: 0,
                    deathRiskX: riskX.map { _ in 0 }, deathRiskXX: riskXX.map { _ in 0 }, deathEta: 0,
                    deathX: riskX.map { _ in 0 }, maxEta: -.infinity)
    }
}
