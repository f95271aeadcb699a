/// A rule for adjusting a family of p-values for multiple comparisons, as R's `p.adjust`.
///
/// ```swift
/// PValueAdjustment.holm.adjusted([0.01, 0.04, 0.03])               // [0.03, 0.06, 0.06]
/// PValueAdjustment.benjaminiHochberg.adjusted([0.01, 0.04, 0.03])  // [0.03, 0.04, 0.04]
/// ```
///
/// With m p-values (NaN entries are left NaN and not counted in m, as R's NA), sorted p₍₁₎ ≤ … ≤ p₍m₎:
/// Bonferroni min(1, m·p); Holm min(1, max_{j≤i} (m − j + 1)·p₍j₎); Hochberg min(1, min_{j≥i} (m − j + 1)·p₍j₎);
/// Benjamini–Hochberg min(1, min_{j≥i} m/j·p₍j₎); Benjamini–Yekutieli the same times Σ_{k≤m} 1/k.
public enum PValueAdjustment: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Holm's step-down (controls the family-wise error rate; always at least as powerful as Bonferroni).
    case holm
    /// Hochberg's step-up (family-wise; valid under independence or positive dependence).
    case hochberg
    /// Bonferroni: m·p.
    case bonferroni
    /// Benjamini–Hochberg false discovery rate (R's "BH", alias "fdr").
    case benjaminiHochberg = "BH"
    /// Benjamini–Yekutieli false discovery rate under arbitrary dependence (R's "BY").
    case benjaminiYekutieli = "BY"
    /// No adjustment.
    case none

    /// R's `p.adjust` method name.
    public var description: String { rawValue }

    /// The adjusted p-values, in the order given.
    ///
    /// ```swift
    /// PValueAdjustment.bonferroni.adjusted([0.01, .nan, 0.2])   // [0.02, NaN, 0.4]
    /// ```
    ///
    /// - Parameter p: p-values in [0, 1]; NaN marks a comparison that could not be made.
    /// - Returns: One adjusted value per input (NaN where the input is NaN), each in [0, 1].
    /// - Complexity: O(m log m).
    public func adjusted(_ p: [Double]) -> [Double] {
        let present = p.indices.filter { !p[$0].isNaN }
        let m = present.count
        var out = p
        guard m > 0, self != .none else { return out }
        let n = Double(m)
        // stable orders, as R's order()
        let ascending = present.sorted { (p[$0], $0) < (p[$1], $1) }
        let descending = present.sorted { p[$0] != p[$1] ? p[$0] > p[$1] : $0 < $1 }
        switch self {
        case .none:
            break
        case .bonferroni:
            for i in present { out[i] = min(1, n * p[i]) }
        case .holm:
            var running = -Double.infinity
            for (k, i) in ascending.enumerated() {
                running = max(running, (n - Double(k)) * p[i])
                out[i] = min(1, running)
            }
        case .hochberg, .benjaminiHochberg, .benjaminiYekutieli:
            let q = self == .benjaminiYekutieli ? (1...m).reduce(0.0) { $0 + 1 / Double($1) } : 1
            var running = Double.infinity
            for (k, i) in descending.enumerated() {
                let rank = Double(m - k)   // i-th smallest has rank m − k
                let factor = self == .hochberg ? (n - rank + 1) : q * n / rank
                running = min(running, factor * p[i])
                out[i] = min(1, running)
            }
        }
        return out
    }
}

/// Log-rank (G-rho) tests between pairs of groups with the p-values adjusted for multiplicity, as
/// survminer's `pairwise_survdiff` (every pair), or each group against a reference.
///
/// ```swift
/// let pw = try PairwiseLogRank(time: t, event: e, group: g, adjustment: .holm)   // g in 0..<k
/// for pair in pw.pairs { print(pair.first, pair.second, pair.test.pValue, pair.adjustedPValue) }
/// ```
///
/// Each pair's test is ``LogRankTest`` on the rows of the two groups only (strata and ρ as given), so
/// its expected counts and variance use only those rows, as `survdiff` on the pair's subset does. The
/// p-values of the pairs whose test is possible are then adjusted together (R's `p.adjust` over the
/// family). A pair whose test is not possible has NaN p-values and is not counted in the family.
public struct PairwiseLogRank: Sendable {
    /// Which pairs are compared.
    public enum Comparisons: Sendable, Equatable {
        /// Every pair (a, b) with a < b: k(k − 1)/2 tests.
        case allPairs
        /// Each other group against this group index: k − 1 tests.
        case againstReference(Int)
    }

    /// One pair's test.
    public struct Pair: Sendable, Equatable, Codable, ChiSquareTestResult {
        /// The first group of the pair (the reference in ``Comparisons/againstReference(_:)``).
        public var first: Int
        /// The second group.
        public var second: Int
        /// Rows in the two groups.
        public var count: Int
        /// The log-rank test on the pair's rows (1 degree of freedom when possible): statistic and unadjusted
        /// p are NaN when not possible.
        public var test: ChiSquareTest
        /// p adjusted over the family; NaN when not possible.
        public var adjustedPValue: Double
        /// Why the pair's test is not possible, or nil.
        public var notPossible: TestNotPossible?
    }

    /// The tests, in order: (0,1), (0,2), …, (1,2), … for all pairs; (r, j) for j ≠ r in ascending j against
    /// a reference r.
    public let pairs: [Pair]
    /// The adjustment applied.
    public let adjustment: PValueAdjustment
    /// ρ of the G-rho weights (0 = log-rank).
    public let rho: Double

    /// Runs the pairwise tests.
    ///
    /// - Parameters:
    ///   - time: Follow-up times, finite and ≥ 0.
    ///   - event: Event indicator.
    ///   - group: Group index of each row in `0..<groupCount`.
    ///   - groupCount: Number of groups (default max(group) + 1).
    ///   - strata: Optional stratum index of each row.
    ///   - rho: G-rho exponent ≥ 0 (0 = log-rank, 1 = Peto–Peto).
    ///   - comparisons: All pairs (default) or each group against a reference.
    ///   - adjustment: Multiplicity adjustment (default Benjamini–Hochberg, survminer's default).
    /// - Returns: One ``Pair`` per comparison with raw and adjusted p-values.
    /// - Throws: ``SurvivalError`` as ``LogRankTest`` does, and for a reference outside `0..<groupCount`.
    /// - Complexity: O(k·n) for k groups (each row takes part in k − 1 pair tests), O(n) against a reference.
    public init(time: [Double], event: [Bool], group: [Int], groupCount: Int? = nil, strata: [Int]? = nil,
                rho: Double = 0, comparisons: Comparisons = .allPairs,
                adjustment: PValueAdjustment = .benjaminiHochberg) throws(SurvivalError) {
        let n = time.count
        let k = try LogRankTest.checkedGroupCount(time: time, event: event, group: group, groupCount: groupCount,
                                                  strata: strata, rho: rho)
        var rowsOf = [[Int]](repeating: [], count: k)
        for i in 0..<n { rowsOf[group[i]].append(i) }
        var list: [(Int, Int)] = []
        switch comparisons {
        case .allPairs:
            for a in 0..<k { for b in (a + 1)..<max(a + 1, k) { list.append((a, b)) } }
        case .againstReference(let r):
            guard r >= 0 && r < k else {
                throw .indexOutOfRange(argument: "reference", index: 0, value: r, count: k)
            }
            for b in 0..<k where b != r { list.append((r, b)) }
        }
        var result: [Pair] = []
        for (a, b) in list {
            let rows = (rowsOf[a] + rowsOf[b]).sorted()
            let count = rows.count
            guard !rowsOf[a].isEmpty, !rowsOf[b].isEmpty else {
                result.append(Pair(first: a, second: b, count: count, test: .notComputed(degreesOfFreedom: 0),
                                   adjustedPValue: .nan, notPossible: .fewerThanTwoGroups))
                continue
            }
            let test = try LogRankTest(time: rows.map { time[$0] }, event: rows.map { event[$0] },
                                       group: rows.map { group[$0] == a ? 0 : 1 }, groupCount: 2,
                                       strata: strata.map { s in rows.map { s[$0] } }, rho: rho)
            result.append(Pair(first: a, second: b, count: count, test: test.test, adjustedPValue: .nan,
                               notPossible: test.notPossible))
        }
        let adjusted = adjustment.adjusted(result.map(\.test.pValue))
        for i in result.indices { result[i].adjustedPValue = adjusted[i] }
        pairs = result
        self.adjustment = adjustment
        self.rho = rho
    }
}
