import RealModule

/// Why a k-sample test (log-rank, Gray's) cannot be computed for the data given: the data are valid but
/// hold no comparison. The estimators report this instead of a statistic (never a p-value of 1).
///
/// ```swift
/// let test = try LogRankTest(time: [1, 2, 3], event: [true, true, false], group: [0, 0, 0])
/// test.notPossible   // .fewerThanTwoGroups
/// test.pValue        // NaN
/// ```
public enum TestNotPossible: String, Sendable, Codable, Equatable, CustomStringConvertible {
    /// Fewer than two groups have rows (R's `survdiff`: "There is only 1 group").
    case fewerThanTwoGroups = "fewer than two groups"
    /// No events in the data (R's `survdiff`: Chisq 0 on −1 df, p NA).
    case noEvents = "no events"
    /// Every stratum holds a single group, so no group is compared with another inside a stratum
    /// (R's `survdiff` stops: "system is exactly singular"; `cmprsk::cuminc` reports −1 and p = 1).
    case groupsNestedInStrata = "each stratum holds a single group"
    /// The variance of the statistic is singular (zero): typically no event happens while two groups are
    /// both at risk (R stops with "system is exactly singular"; `cmprsk::cuminc` reports −1 and p = 1).
    case singularVariance = "singular variance"
    /// More groups than Gray's test accepts (``CumulativeIncidence/maxGrayGroups``): its cost grows as
    /// the cube of the number of groups at every failure time.
    case tooManyGroups = "too many groups"

    /// A plain-language reason, as tables print it.
    public var description: String {
        switch self {
        case .fewerThanTwoGroups: return "fewer than two groups have rows, there is nothing to compare"
        case .noEvents: return "there are no events"
        case .groupsNestedInStrata:
            return "each stratum holds a single group, so no comparison within strata is possible"
        case .singularVariance:
            return "the statistic has a singular variance (no event happens while two groups are both at risk)"
        case .tooManyGroups:
            return "more than \(CumulativeIncidence.maxGrayGroups) groups, too many for Gray's test "
                + "(its cost grows as the cube of the number of groups)"
        }
    }
}

/// The G-rho family of k-sample tests for right-censored data (log-rank for ρ = 0, Peto–Peto
/// modification of the Gehan–Wilcoxon for ρ = 1), optionally stratified, as R's `survdiff`.
///
/// ```swift
/// let test = try LogRankTest(time: t, event: e, group: g)   // g in 0..<k
/// test.test.statistic, test.test.degreesOfFreedom, test.test.pValue
/// ```
///
/// At each distinct time t of a stratum, with n at risk, d events, and n_j, d_j in group j, and weight
/// w = Ŝ(t−)^ρ (pooled Kaplan–Meier of the stratum, left-continuous):
/// O_j += w·d_j, E_j += w·d·n_j/n, V_jj += w²·d·(n_j/n)(1−n_j/n)(n−d)/(n−1),
/// V_jk −= w²·d·n_j·n_k(n−d)/(n²(n−1)). Sums run over strata. The statistic is (O−E)ᵀV⁻(O−E) over the
/// groups
/// with E > 0, first of them dropped; df = (number of such groups) − 1. When that variance is singular but
/// not zero the statistic uses its generalized inverse and df is its rank (R stops there).
///
/// When the data hold no comparison (one group, no events, groups nested in strata, zero variance),
/// ``notPossible`` says why and the statistic and p of ``test`` are NaN; the per-group counts are still
/// reported.
public struct LogRankTest: Sendable {
    /// Rows in each group.
    public let count: [Int]
    /// (Weighted) observed events per group.
    public let observed: [Double]
    /// (Weighted) expected events per group.
    public let expected: [Double]
    /// Variance–covariance matrix of O − E.
    public let variance: Matrix
    /// The χ² test (O−E)ᵀV⁻(O−E): statistic and p are NaN and the degrees of freedom 0 when
    /// ``notPossible`` is set.
    public let test: ChiSquareTest
    /// The weight exponent ρ (0: log-rank; 1: Peto–Peto).
    public let rho: Double
    /// Why no test could be computed, or `nil` when it was.
    public let notPossible: TestNotPossible?

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
    /// - Throws: ``SurvivalError`` for no rows, mismatched lengths, a negative or non-finite time, a group
    ///   index outside `0..<groupCount`, or ρ negative or not finite.
    /// - Complexity: O(n·k) after radix sorting within each stratum and group.
    public init(time: [Double], event: [Bool], group: [Int], groupCount: Int? = nil, strata: [Int]? = nil,
                rho: Double = 0, timeFix: Bool = true) throws(SurvivalError) {
        try self.init(time: time, event: event, group: group, groupCount: groupCount, strata: strata, rho: rho,
                      timeFix: timeFix, sparse: nil)
    }

    /// Groups up to this many use per-time count tables (fast for few groups); more use the sparse sweep,
    /// whose memory is O(n + k²) and time O(n·k) rather than O(m·k²).
    static let denseGroupLimit = 4

    /// Checks the arguments of a log-rank test (lengths, times, ρ, group indices) and returns the group count.
    ///
    /// - Throws: ``SurvivalError`` naming the first bad argument.
    /// - Complexity: O(n).
    static func checkedGroupCount(time: [Double], event: [Bool], group: [Int], groupCount: Int?, strata: [Int]?,
                                  rho: Double) throws(SurvivalError) -> Int {
        let n = time.count
        guard n > 0 else { throw .noObservations }
        try Check.length(event, "event", as: n, of: "time")
        try Check.length(group, "group", as: n, of: "time")
        if let strata { try Check.length(strata, "strata", as: n, of: "time") }
        try Check.times(time)
        try Check.rho(rho)
        let k = groupCount ?? ((group.max() ?? -1) + 1)
        try Check.indices(group, "group", count: k)
        if k > LogRankTest.maxGroups {
            throw .invalidParameter(name: "groupCount", value: Double(k),
                                    requirement: "at most \(LogRankTest.maxGroups) (the variance matrix is k × k)")
        }
        return k
    }

    /// The test, with the accumulation path forced (`sparse` true/false) or chosen by the group count (nil).
    init(time: [Double], event: [Bool], group: [Int], groupCount: Int?, strata: [Int]?, rho: Double,
         timeFix: Bool, sparse: Bool?) throws(SurvivalError) {
        let n = time.count
        let k = try LogRankTest.checkedGroupCount(time: time, event: event, group: group, groupCount: groupCount,
                                                  strata: strata, rho: rho)
        let useSparse = sparse ?? (k > LogRankTest.denseGroupLimit)
        var counts = [Int](repeating: 0, count: k)
        for g in group { counts[g] += 1 }
        var o = [Double](repeating: 0, count: k), e = o
        var v = Matrix(zeros: k)
        // R applies timefix to all the data at once; without strata the event table does the same.
        let fixedTime = timeFix && (strata != nil || useSparse) ? TimeFix.applied(to: time) : time
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
            LogRankTest.accumulate(table, groupCount: k, rho: rho, observed: &o, expected: &e, variance: &v)
        }
        if useSparse {
            if strataRows.isEmpty {
                LogRankTest.accumulateSparse(fixedTime, event, group, k: k, rho: rho, o: &o, e: &e, v: &v)
            } else {
                for rows in strataRows {
                    LogRankTest.accumulateSparse(rows.map { fixedTime[$0] }, rows.map { event[$0] },
                                                 rows.map { group[$0] }, k: k, rho: rho, o: &o, e: &e, v: &v)
                }
            }
        } else if strataRows.isEmpty {
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
        let (reason, statistic, df) = LogRankTest.chiSquare(
            observed: o, expected: e, variance: v, groupSizes: counts, hasEvents: event.contains(true),
            groupsNestedInStrata: strata.map {
                !LogRankTest.someStratumHasTwoGroups(strata: $0, group: group)
            } ?? false)
        notPossible = reason
        test = reason == nil ? ChiSquareTest(statistic: statistic, degreesOfFreedom: df)
            : ChiSquareTest(statistic: statistic, degreesOfFreedom: df, pValue: .nan)
    }

    /// Most groups a test accepts: the variance matrix is k × k (5000 groups: 200 MB).
    public static let maxGroups = 5000

    /// One stratum's contribution to O, E and V by a single sweep over the rows in time order (times already
    /// merged by timefix). The off-diagonal sums Σ_t f_t·n_a(t)·n_b(t) are settled lazily: n_a changes only
    /// when rows of group a leave, so when it changes every pair (a, b) receives n_a·n_b times the sum of f
    /// since the later of the two groups' previous changes. Memory O(n + k²), time O(n·k + m·k).
    static func accumulateSparse(_ t: [Double], _ ev: [Bool], _ g: [Int], k: Int, rho: Double,
                                 o: inout [Double], e: inout [Double], v: inout Matrix) {
        let n = t.count
        let order = RadixSort.order(t)
        var atRisk = [Double](repeating: 0, count: k)
        for a in g { atRisk[a] += 1 }
        let present = (0..<k).filter { atRisk[$0] > 0 }
        var nTotal = Double(n)
        var sumF = 0.0                                          // Σ f over the event times so far
        var settledAt = [Double](repeating: 0, count: k)        // sumF when each group last changed
        var dj = [Double](repeating: 0, count: k), leaving = dj
        var touched: [Int] = []
        var km = 1.0
        func settle(_ a: Int) {
            for b in present where b != a {
                let span = sumF - max(settledAt[a], settledAt[b])
                if span != 0 {
                    let c = span * atRisk[a] * atRisk[b]
                    v[a, b] -= c
                    v[b, a] -= c
                }
            }
            settledAt[a] = sumF
        }
        var i = 0
        while i < n {
            let now = t[order[i]]
            var j = i, d = 0.0
            while j < n && t[order[j]] == now {
                let r = order[j], a = g[r]
                if leaving[a] == 0 { touched.append(a) }
                leaving[a] += 1
                if ev[r] { dj[a] += 1; d += 1 }
                j += 1
            }
            if d > 0 {
                let w = rho == 0 ? 1.0 : Double.pow(km, rho)
                for a in touched { o[a] += w * dj[a] }
                for a in present { e[a] += w * d * atRisk[a] / nTotal }
                if nTotal > 1 {
                    let f = w * w * d * (nTotal - d) / (nTotal * nTotal * (nTotal - 1))
                    for a in present { v[a, a] += f * atRisk[a] * (nTotal - atRisk[a]) }
                    sumF += f
                }
                km *= (nTotal - d) / nTotal
            }
            for a in touched {
                settle(a)
                atRisk[a] -= leaving[a]
                nTotal -= leaving[a]
                leaving[a] = 0
                dj[a] = 0
            }
            touched.removeAll(keepingCapacity: true)
            i = j
        }
        for a in present { settle(a) }
    }

    /// Whether some stratum has rows of two different groups.
    static func someStratumHasTwoGroups(strata: [Int], group: [Int]) -> Bool {
        var first: [Int: Int] = [:]
        for (s, g) in zip(strata, group) {
            if let f = first[s] { if f != g { return true } } else { first[s] = g }
        }
        return false
    }
}


extension LogRankTest: ChiSquareTestResult {}
