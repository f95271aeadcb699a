import RealModule

// The per-time arithmetic of the log-rank test and of cumulative incidence (curves, Gray's test), written once for the
// subject-level
// initializers and the ones from per-time aggregates (a database's GROUP BY result).

extension LogRankTest {
    /// Adds one stratum's observed, expected and variance terms; `table` cells are group·2 + (0 event, 1 censored).
    /// Used by the subject-level initializer and the one from aggregates alike.
    static func accumulate(_ table: EventTable, groupCount k: Int, rho: Double, observed o: inout [Double],
                           expected e: inout [Double], variance v: inout Matrix) {
        let m = table.time.count
        var atRisk = [Double](repeating: 0, count: k)
        for j in 0..<k {
            for idx in 0..<m { atRisk[j] += table.counts[2 * j][idx] + table.counts[2 * j + 1][idx] }
        }
        var km = 1.0
        var dj = [Double](repeating: 0, count: k)
        for idx in 0..<m {
            var d = 0.0, nTotal = 0.0
            for j in 0..<k {
                dj[j] = table.counts[2 * j][idx]
                d += dj[j]
                nTotal += atRisk[j]
            }
            let w = rho == 0 ? 1.0 : Double.pow(km, rho)
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
            for j in 0..<k { atRisk[j] -= table.counts[2 * j][idx] + table.counts[2 * j + 1][idx] }
        }
    }

    /// The test statistic from O, E and V, or why no test is possible, in the order the rules are checked:
    /// fewer than two groups with rows, no events, groups nested in strata, a singular variance. The
    /// statistic is (O − E)ᵀ V⁻ (O − E) over the groups with an expected count, the first dropped; its
    /// degrees of freedom are the rank of that variance.
    ///
    /// - Parameters:
    ///   - groupSizes: Rows per group.
    ///   - hasEvents: Whether any row is an event.
    ///   - groupsNestedInStrata: Whether strata are given and no stratum holds two groups.
    /// - Returns: The reason no test is possible (with a NaN statistic and 0 df), or nil with the statistic.
    /// - Complexity: O(k³) for k groups.
    static func chiSquare(observed o: [Double], expected e: [Double], variance v: Matrix, groupSizes: [Int],
                          hasEvents: Bool, groupsNestedInStrata: Bool)
        -> (reason: TestNotPossible?, statistic: Double, degreesOfFreedom: Int) {
        let keep = (0..<e.count).filter { e[$0] > 0 }
        if groupSizes.filter({ $0 > 0 }).count < 2 { return (.fewerThanTwoGroups, .nan, 0) }
        if !hasEvents { return (.noEvents, .nan, 0) }
        if groupsNestedInStrata { return (.groupsNestedInStrata, .nan, 0) }
        if keep.count < 2 { return (.singularVariance, .nan, 0) }
        let idx = Array(keep.dropFirst())
        let diff = idx.map { o[$0] - e[$0] }
        let chol = GeneralizedCholesky(v.submatrix(idx))
        if chol.rank == 0 { return (.singularVariance, .nan, 0) }
        return (nil, zip(diff, chol.solve(diff)).reduce(0) { $0 + $1.0 * $1.1 }, chol.rank)
    }
}

extension CumulativeIncidence {
    /// One curve per cause and group (cause-major order) from one event table per group (cells: cause
    /// index, the last index censored).
    static func curves(_ tables: [EventTable], causes: [Int], groups: [Int], confidenceLevel: Double) -> [Curve] {
        var curves: [Curve] = []
        for c in causes.indices {
            for g in groups.indices {
                let s = CumulativeIncidence.steps(tables[g], cause: c, causeCount: causes.count)
                curves.append(Curve(group: groups[g], cause: causes[c], stepTime: s.x, stepEstimate: s.f,
                                    stepVariance: s.v, confidenceLevel: confidenceLevel))
            }
        }
        return curves
    }

    /// Gray's test of each cause across groups, summed over strata (one event table per stratum, cells
    /// group·(causes + 1) + cause index, the last index censored).
    ///
    /// - Parameters:
    ///   - stratumTables: One table per stratum.
    ///   - causes: The cause codes, in index order.
    ///   - groupCount: Number of groups (≥ 2).
    ///   - rho: Exponent of the test's weight.
    ///   - nested: Whether no stratum holds two groups (then no test is possible).
    /// - Returns: One test per cause.
    /// - Complexity: O(m·k² + k³) per cause for m times and k groups.
    static func grayTests(_ stratumTables: [EventTable], causes: [Int], groupCount ng: Int, rho: Double,
                          nested: Bool) -> [GrayTest] {
        let nc = causes.count
        return (0..<nc).map { c in
            var score = [Double](repeating: 0, count: ng - 1)
            var v = Matrix(zeros: ng - 1)
            for table in stratumTables {
                let part = CumulativeIncidence.grayScore(table, cause: c, causeCount: nc, groupCount: ng, rho: rho)
                for i in 0..<(ng - 1) {
                    score[i] += part.score[i]
                    for j in 0..<(ng - 1) { v[i, j] += part.variance[i, j] }
                }
            }
            let chol = GeneralizedCholesky(v, tolerance: 1e-7)
            var statistic = Double.nan
            var reason: TestNotPossible? = nil
            if nested {
                reason = .groupsNestedInStrata
            } else if chol.rank == ng - 1 && chol.isNonNegativeDefinite {
                statistic = zip(score, chol.solve(score)).reduce(0) { $0 + $1.0 * $1.1 }
            } else {
                reason = .singularVariance
            }
            return GrayTest(cause: causes[c], test: ChiSquareTest(statistic: statistic, degreesOfFreedom: ng - 1),
                            notPossible: reason)
        }
    }

    /// Every cause's test marked not possible for having more than ``maxGrayGroups`` groups.
    static func tooManyGroupsTests(causes: [Int], groupCount ng: Int) -> [GrayTest] {
        causes.map { GrayTest(cause: $0, test: .notComputed(degreesOfFreedom: ng - 1), notPossible: .tooManyGroups) }
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
