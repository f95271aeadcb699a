import RealModule

/// The test of proportional hazards of a Cox model, as R's `cox.zph` (survival ≥ 3.0: the score test).
///
/// ```swift
/// let zph = ProportionalHazardsTest(model: fit)                  // one term per column
/// let zph2 = ProportionalHazardsTest(model: fit, terms: [[0], [1, 2]])  // a 3-level factor as one term
/// zph.global.test.pValue
/// ```
///
/// For each term the model is extended by β_j·g(t)·x_j with g the transformed time, centred over the
/// events; the score test of the added coefficients at (β̂, 0) uses U = (0, Σ_t g(t)·U_t) and the 2p×2p
/// information with blocks Σ V_t, Σ g·V_t, Σ g²·V_t (Efron-aware, as the fit). The "km" transform is
/// g(t) = 1 − Ŝ(t−) with Ŝ the Kaplan–Meier estimate of all the data (strata ignored, unweighted).
/// Aliased (NaN) coefficients are left out, as R does.
public struct ProportionalHazardsTest: Sendable {
    /// How time is transformed.
    public enum Transform: String, Sendable, Codable, CaseIterable {
        /// 1 − Ŝ(t−) (R's default), t itself, the rank of t among the times, or log t.
        case km, identity, rank, log
    }

    /// The test for one term (or the global test).
    public struct Term: Sendable, Codable, Hashable, ChiSquareTestResult {
        /// Model columns making up the term.
        public var columns: [Int]
        /// The score test of proportional hazards for these columns, on one degree of freedom per column.
        public var test: ChiSquareTest
    }

    /// One test per requested term, in the order requested (terms whose columns are all aliased are left out).
    public let terms: [Term]
    /// The global test of all non-aliased columns together (R's `GLOBAL` row).
    public let global: Term
    /// The time transform used.
    public let transform: Transform

    /// Runs the test.
    ///
    /// - Parameters:
    ///   - model: A fitted model.
    ///   - terms: Groups of model columns tested together (default: each column alone).
    ///   - transform: Time transform (default `.km`, as R).
    /// - Complexity: O(n·p²) plus a sort.
    public init(model: CoxModel, terms: [[Int]]? = nil, transform: Transform = .km) {
        self.transform = transform
        let data = model.data
        let n = data.n
        let keep = (0..<model.coefficients.count).filter { !model.aliased.contains($0) }
        let p = keep.count
        let columns = keep.map { model.covariates[$0] }
        let times = data.fixedTime
        // transformed times per input row
        var g: [Double]
        switch transform {
        case .identity: g = times
        case .log: g = times.map { Double.log($0) }
        case .rank:
            let ord = times.indices.sorted { times[$0] < times[$1] }
            g = [Double](repeating: 0, count: n)
            var i = 0
            while i < n {
                var j = i
                while j + 1 < n && times[ord[j + 1]] == times[ord[i]] { j += 1 }
                let r = Double(i + j) / 2 + 1
                for k in i...j { g[ord[k]] = r }
                i = j + 1
            }
        case .km:
            g = ProportionalHazardsTest.kmTransform(time: times, data: data)
        }
        var eventSum = 0.0, eventCount = 0.0
        for k in 0..<n where data.status[k] { eventSum += g[data.order[k]]; eventCount += 1 }
        let gMean = eventSum / eventCount
        // g per event time (time → g) in sorted order
        var gAtTime: [Int: [Double: Double]] = [:]
        for (si, range) in data.strataRanges.enumerated() {
            var map: [Double: Double] = [:]
            for k in range where data.status[k] { map[data.time[k]] = g[data.order[k]] - gMean }
            gAtTime[si] = map
        }
        var u2 = [Double](repeating: 0, count: p)
        var info = Matrix(zeros: 2 * p)
        let centres = keep.map { data.means[$0] }
        _ = data.eventTimes(lp: model.linearPredictor, columns: columns, centres: centres) { ev, uT, vT in
            let gt = gAtTime[ev.stratum]![ev.time]!
            for i in 0..<p {
                u2[i] += gt * uT[i]
                for j in 0..<p {
                    info[i, j] += vT[i, j]
                    info[i, j + p] += gt * vT[i, j]
                    info[i + p, j] += gt * vT[i, j]
                    info[i + p, j + p] += gt * gt * vT[i, j]
                }
            }
        }
        func test(_ cols: [Int]) -> Term {
            let kk = Array(0..<p) + cols.map { $0 + p }
            let u = [Double](repeating: 0, count: p) + cols.map { u2[$0] }
            let chol = GeneralizedCholesky(info.submatrix(kk), tolerance: 1e-14)
            let stat = zip(u, chol.solve(u)).reduce(0) { $0 + $1.0 * $1.1 }
            return Term(columns: cols.map { keep[$0] },
                        test: ChiSquareTest(statistic: stat, degreesOfFreedom: cols.count,
                                            pValue: ChiSquared.survival(stat, df: Double(cols.count))))
        }
        // map requested terms (model column indices) to kept positions
        let requested = terms ?? keep.map { [$0] }
        var results: [Term] = []
        for t in requested {
            let cols = t.compactMap { keep.firstIndex(of: $0) }
            if !cols.isEmpty { results.append(test(cols)) }
        }
        self.terms = results
        global = test(Array(0..<p))
    }

    /// 1 − Ŝ(t−) for each input row, Ŝ the Kaplan–Meier estimate of all rows (entry times respected).
    static func kmTransform(time: [Double], data: CoxData) -> [Double] {
        let n = data.n
        var exitEvents: [Double: Double] = [:]
        var distinct = Set<Double>()
        for k in 0..<n {
            distinct.insert(data.time[k])
            if data.status[k] { exitEvents[data.time[k], default: 0] += 1 }
        }
        let times = distinct.sorted()
        // number at risk at each distinct time: entry < t <= exit
        var exits = data.time
        exits.sort()
        let entries = (data.entry ?? []).sorted()
        var surv = [Double](repeating: 1, count: times.count)
        var s = 1.0
        for (i, t) in times.enumerated() {
            let atRisk = Double(n - lowerBound(exits, t)) - Double(entries.count - lowerBound(entries, t))
            if let d = exitEvents[t], atRisk > 0 { s *= (atRisk - d) / atRisk }
            surv[i] = s
        }
        return time.map { t in
            let i = lowerBound(times, t)       // distinct times < t
            return 1 - (i == 0 ? 1 : surv[i - 1])
        }
    }
}
