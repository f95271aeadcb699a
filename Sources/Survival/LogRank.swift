/// The G-rho family of k-sample tests for right-censored data (log-rank for ρ = 0, Peto–Peto
/// modification of the Gehan–Wilcoxon for ρ = 1), optionally stratified, as R's `survdiff`.
///
/// ```swift
/// let test = LogRankTest(time: t, event: e, group: g)   // g in 0..<k
/// test.chiSquare, test.degreesOfFreedom, test.pValue
/// ```
///
/// At each distinct time t of a stratum, with n at risk, d events, and n_j, d_j in group j, and weight
/// w = Ŝ(t−)^ρ (pooled Kaplan–Meier of the stratum, left-continuous):
/// O_j += w·d_j, E_j += w·d·n_j/n, V_jj += w²·d·(n_j/n)(1−n_j/n)(n−d)/(n−1),
/// V_jk −= w²·d·n_j·n_k(n−d)/(n²(n−1)). Sums run over strata. The statistic is (O−E)ᵀV⁻(O−E) over the groups
/// with E > 0, first of them dropped; df = (number of such groups) − 1.
public struct LogRankTest: Sendable {
    /// Rows in each group.
    public let count: [Int]
    /// (Weighted) observed events per group.
    public let observed: [Double]
    /// (Weighted) expected events per group.
    public let expected: [Double]
    /// Variance–covariance matrix of O − E.
    public let variance: Matrix
    public let chiSquare: Double
    public let degreesOfFreedom: Int
    public let pValue: Double
    public let rho: Double

    /// Runs the test.
    ///
    /// - Parameters:
    ///   - time: Follow-up times.
    ///   - event: Event indicator.
    ///   - group: Group index of each row in `0..<groupCount`.
    ///   - groupCount: Number of groups (default: max(group) + 1).
    ///   - strata: Optional stratum index of each row (small non-negative integers).
    ///   - rho: Weight exponent ρ ≥ 0.
    ///   - timeFix: Merge near-equal times as R's `timefix = TRUE`.
    /// - Complexity: O(n·k) after radix sorting within each stratum and group.
    public init(time: [Double], event: [Bool], group: [Int], groupCount: Int? = nil, strata: [Int]? = nil,
                rho: Double = 0, timeFix: Bool = true) {
        let k = groupCount ?? ((group.max() ?? -1) + 1)
        let n = time.count
        precondition(event.count == n && group.count == n)
        var counts = [Int](repeating: 0, count: k)
        for g in group { counts[g] += 1 }
        var o = [Double](repeating: 0, count: k), e = o
        var v = Matrix(zeros: k)
        // R applies timefix to all the data at once; without strata the event table does the same.
        let fixedTime = timeFix && strata != nil ? TimeFix.applied(to: time) : time
        // rows per stratum
        var strataRows: [[Int]]
        if let strata {
            var byStratum: [Int: [Int]] = [:]
            for i in 0..<n { byStratum[strata[i], default: []].append(i) }
            strataRows = byStratum.keys.sorted().map { byStratum[$0]! }
        } else {
            strataRows = []
        }
        func accumulate(_ t: [Double], _ ev: [Bool], _ g: [Int], fix: Bool) {
            var cells = [Int](repeating: 0, count: t.count)
            for i in 0..<t.count { cells[i] = g[i] * 2 + (ev[i] ? 0 : 1) }
            let table = EventTable(time: t, cell: cells, cellCount: 2 * k, timeFix: fix)
            let m = table.time.count
            var atRisk = [Double](repeating: 0, count: k)
            for j in 0..<k {
                for idx in 0..<m { atRisk[j] += table.counts[2 * j][idx] + table.counts[2 * j + 1][idx] }
            }
            var km = 1.0
            var dj = [Double](repeating: 0, count: k)
            for idx in 0..<m {
                var d = 0.0, nTotal = 0.0, leaving = 0.0
                for j in 0..<k {
                    dj[j] = table.counts[2 * j][idx]
                    d += dj[j]
                    nTotal += atRisk[j]
                }
                let w = rho == 0 ? 1.0 : pow(km, rho)
                if d > 0 {
                    for j in 0..<k {
                        o[j] += w * dj[j]
                        e[j] += w * d * atRisk[j] / nTotal
                    }
                    if nTotal > 1 {
                        let f = w * w * d * (nTotal - d) / (nTotal * nTotal * (nTotal - 1))
                        for a in 0..<k {
                            v[a, a] += f * atRisk[a] * (nTotal - atRisk[a])
                            for b in 0..<a {
                                let c = f * atRisk[a] * atRisk[b]
                                v[a, b] -= c
                                v[b, a] -= c
                            }
                        }
                    }
                    km *= (nTotal - d) / nTotal
                }
                for j in 0..<k {
                    leaving = table.counts[2 * j][idx] + table.counts[2 * j + 1][idx]
                    atRisk[j] -= leaving
                }
            }
        }
        if strataRows.isEmpty {
            accumulate(fixedTime, event, group, fix: timeFix)
        } else {
            for rows in strataRows {
                accumulate(rows.map { fixedTime[$0] }, rows.map { event[$0] }, rows.map { group[$0] }, fix: false)
            }
        }
        count = counts
        observed = o
        expected = e
        variance = v
        self.rho = rho
        let keep = (0..<k).filter { e[$0] > 0 }
        if keep.count < 2 {
            chiSquare = 0
            degreesOfFreedom = max(keep.count - 1, 0)
        } else {
            let idx = Array(keep.dropFirst())
            let diff = idx.map { o[$0] - e[$0] }
            let chol = GeneralizedCholesky(v.submatrix(idx))
            let sol = chol.solve(diff)
            chiSquare = zip(diff, sol).reduce(0) { $0 + $1.0 * $1.1 }
            degreesOfFreedom = keep.count - 1
        }
        pValue = degreesOfFreedom > 0 ? ChiSquared.survival(chiSquare, df: Double(degreesOfFreedom)) : 1
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
