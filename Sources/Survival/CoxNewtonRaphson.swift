/// The Newton–Raphson iteration of R's `coxph.fit` (`coxfit6`) and the rules applied to its result —
/// variance on the original scale, warnings, estimability, tests — written once for ``CoxModel`` (which
/// evaluates the partial likelihood from subject rows) and ``AggregateCoxModel`` (from per-time sums).
///
/// ```swift
/// let fit = try CoxNewtonRaphson(start: [0, 0], noEvents: false, control: .init()) { beta in
///     data.evaluate(beta: beta)
/// }
/// fit.beta, fit.converged
/// ```
struct CoxNewtonRaphson {
    /// Final coefficients on the centred, scaled covariates.
    let beta: [Double]
    /// Log partial likelihood at the start and at `beta`.
    let initialLoglik: Double
    let finalLoglik: Double
    /// Score and information at `beta` (at the start when no iteration ran).
    let finalEvaluation: CoxData.Evaluation
    let finalCholesky: GeneralizedCholesky
    /// The score test statistic at the start.
    let scoreStatistic: Double
    let iterations: Int
    let converged: Bool

    /// Iterates from `start`, with step halving when the likelihood falls or is not finite, until the
    /// relative change of the log-likelihood is at most `control.epsilon`.
    ///
    /// - Parameters:
    ///   - start: Starting coefficients on the scaled covariates.
    ///   - noEvents: Whether the data have no events (then no iteration runs).
    ///   - control: Iteration limit and tolerances.
    ///   - evaluate: Log-likelihood, score and information at a β (called once per Newton step).
    /// - Throws: What `evaluate` throws.
    /// - Complexity: `control.maxIterations + 2` evaluations at most, plus O(p³) per step.
    init(start: [Double], noEvents: Bool, control: CoxModel.Control,
         evaluate: ([Double]) throws -> CoxData.Evaluation) rethrows {
        let p = start.count
        var beta = start
        var eval = try evaluate(beta)
        let loglik0 = eval.loglik
        var chol = GeneralizedCholesky(eval.information, tolerance: control.cholTolerance)
        let step0 = chol.solve(eval.score)
        scoreStatistic = zip(eval.score, step0).reduce(0) { $0 + $1.0 * $1.1 }
        var bestLoglik = loglik0
        var newBeta = zip(beta, step0).map { $0 + $1 }
        var iterations = 0
        var converged = false
        var finalEval = eval
        var finalChol = chol
        if control.maxIterations == 0 || !loglik0.isFinite || noEvents {
            converged = !noEvents
        } else {
            var halving = 0.0
            var iter = 1
            while iter <= control.maxIterations {
                eval = try evaluate(newBeta)
                chol = GeneralizedCholesky(eval.information, tolerance: control.cholTolerance)
                let notFinite = !eval.loglik.isFinite || eval.score.contains { !$0.isFinite }
                    || eval.information.storage.contains { !$0.isFinite }
                if !notFinite && abs(1 - bestLoglik / eval.loglik) <= control.epsilon {
                    beta = newBeta
                    bestLoglik = eval.loglik
                    finalEval = eval
                    finalChol = chol
                    converged = true
                    break
                }
                if notFinite || eval.loglik < bestLoglik {
                    halving += 1
                    newBeta = (0..<p).map { (newBeta[$0] + halving * beta[$0]) / (halving + 1) }
                } else {
                    halving = 0
                    bestLoglik = eval.loglik
                    let step = chol.solve(eval.score)
                    beta = newBeta
                    newBeta = (0..<p).map { newBeta[$0] + step[$0] }
                }
                iter += 1
            }
            iterations = iter
            if !converged {
                iterations = control.maxIterations + 1
                if control.maxIterations > 1 {
                    finalEval = try evaluate(beta)
                    bestLoglik = finalEval.loglik
                }
                finalChol = GeneralizedCholesky(finalEval.information, tolerance: control.cholTolerance)
            }
        }
        if control.maxIterations == 0 || !loglik0.isFinite || noEvents {
            finalEval = eval
            finalChol = chol
            bestLoglik = loglik0
        }
        self.beta = beta
        initialLoglik = loglik0
        finalLoglik = bestLoglik
        finalEvaluation = finalEval
        finalCholesky = finalChol
        self.iterations = iterations
        self.converged = converged
    }

    /// Coefficients, model-based variance I(β̂)⁻¹ and score on the original covariate scale, and the
    /// aliased columns (zero variance after the generalized Cholesky drops them).
    func unscaled(scale: [Double]) -> (coefficients: [Double], variance: Matrix, score: [Double], aliased: [Int]) {
        let p = beta.count
        let invScaled = finalCholesky.inverse()
        var v = Matrix(zeros: p)
        for i in 0..<p { for j in 0..<p { v[i, j] = invScaled[i, j] * scale[i] * scale[j] } }
        let coef = (0..<p).map { beta[$0] * scale[$0] }
        let u = (0..<p).map { finalEvaluation.score[$0] / scale[$0] }
        let aliased = finalCholesky.rank < p ? (0..<p).filter { v[$0, $0] == 0 } : []
        return (coef, v, u, aliased)
    }

    /// The warnings of `coxph.fit`, worded as R words them.
    ///
    /// - Parameters:
    ///   - maxLinearPredictor: Largest linear predictor at the returned β (for "may be infinite").
    ///   - counting: Counting-process data (R says "beta" rather than "coefficient").
    func warnings(noEvents: Bool, control: CoxModel.Control, score u: [Double], variance v: Matrix,
                  coefficients coef: [Double], maxLinearPredictor: Double, counting: Bool) -> [String] {
        let p = coef.count
        var warnings: [String] = []
        if noEvents {
            warnings.append("There are no events: the coefficients cannot be estimated")
        } else if control.maxIterations > 1 {
            let infs = (0..<p).map { j in abs((0..<p).reduce(0.0) { $0 + u[$1] * v[$1, j] }) }
            if !converged {
                warnings.append("Ran out of iterations and did not converge")
                if maxLinearPredictor > 500 || infs.contains(where: { !$0.isFinite }) {
                    warnings.append("one or more coefficients may be infinite")
                }
            } else {
                let flagged = (0..<p).filter { j in
                    !u[j].isFinite || (infs[j] > control.epsilon && infs[j] > control.infTolerance * abs(coef[j]))
                }
                if !flagged.isEmpty {
                    let list = flagged.map { String($0 + 1) }.joined(separator: ",")
                    warnings.append("Loglik converged before variable  \(list) ; "
                                    + (counting ? "beta may be infinite. " : "coefficient may be infinite. "))
                }
            }
        }
        return warnings
    }

    /// Whether the model and each coefficient can be reported, and why not (the rules in the CoxModel guide):
    /// model-level reasons first, then aliased, a level without events, monotone likelihood, singular.
    ///
    /// - Parameter eventless: The covariates with two values one of which no event has (asked only when needed).
    func estimability(noEvents: Bool, events: Int, control: CoxModel.Control, score u: [Double], variance v: Matrix,
                      coefficients coef: [Double], aliased: [Int], eventless: () -> Set<Int>,
                      runaway: () -> Set<Int> = { [] })
        -> (model: Estimability, terms: [Estimability]) {
        let p = coef.count
        let status: Estimability
        if noEvents {
            status = .notEstimable(.noEvents)
        } else if events < p {
            status = .notEstimable(.fewerEventsThanTerms)
        } else if control.maxIterations > 0 && !converged {
            status = .notEstimable(.notConverged)
        } else {
            status = .estimable
        }
        if case .notEstimable(let r) = status, r != .notConverged {
            return (status, [Estimability](repeating: status, count: p))
        }
        let eventlessTerms = eventless()
        let monotone = control.maxIterations > 1
            ? Set(EstimabilityCheck.monotoneTerms(score: u, inverseInformation: v, coefficients: coef,
                                                  epsilon: control.epsilon, infTolerance: control.infTolerance))
            : []
        let runawayTerms = control.maxIterations > 1 ? runaway() : []
        let terms = (0..<p).map { j -> Estimability in
            if aliased.contains(j) { return .notEstimable(.aliased) }
            if eventlessTerms.contains(j) { return .notEstimable(.noEventsInLevel) }
            if monotone.contains(j) || runawayTerms.contains(j) { return .notEstimable(.monotoneLikelihood) }
            if case .notEstimable = status { return status }
            let se2 = v[j, j]
            if !(se2 > 0) || !se2.isFinite || !coef[j].isFinite { return .notEstimable(.singular) }
            return .estimable
        }
        return (status, terms)
    }

    /// Likelihood-ratio, Wald (with `variance`, model-based or robust) and score tests over the estimable terms.
    func tests(coefficients coef: [Double], variance: Matrix, aliased: [Int], control: CoxModel.Control,
               robustScore: ChiSquareTest?) -> CoxModel.Tests {
        let estimable = (0..<coef.count).filter { !aliased.contains($0) }
        let est = estimable.map { coef[$0] }
        let wc = GeneralizedCholesky(variance.submatrix(estimable), tolerance: control.cholTolerance)
        let wald = zip(est, wc.solve(est)).reduce(0) { $0 + $1.0 * $1.1 }
        return CoxModel.Tests(
            likelihoodRatio: ChiSquareTest(statistic: 2 * (finalLoglik - initialLoglik),
                                           degreesOfFreedom: estimable.count),
            wald: ChiSquareTest(statistic: wald, degreesOfFreedom: estimable.count),
            score: ChiSquareTest(statistic: scoreStatistic, degreesOfFreedom: estimable.count),
            robustScore: robustScore)
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
