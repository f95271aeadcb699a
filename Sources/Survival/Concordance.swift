/// Harrell's concordance between a risk score and a (possibly censored) survival time, with the
/// infinitesimal-jackknife standard error, as R's `concordance` / `coxph(...)$concordance`.
///
/// ```swift
/// let c = Concordance(time: t, event: e, score: riskScore)
/// c.estimate   // fraction of comparable pairs where the higher score fails first
/// c.standardError
/// ```
///
/// A pair (i, j) is comparable when i has an event at t_i and j is still at risk then (t_j > t_i, or
/// t_j = t_i and j censored; with entry times also entry_j < t_i), within a stratum. It is concordant when
/// score_i > score_j, discordant when lower, and tied on the score when equal (counted as ½). Pairs with
/// both events at one time are "tied on time" and not comparable. With case weights a pair counts w_i·w_j.
/// The standard error is √Σ dfbeta_i² with dfbeta_i = w_i((C_i − D_i) − (C_i + D_i + T_i)·(C − D)/N)/(2N),
/// where C_i, D_i, T_i are the weighted pair counts involving observation i and N the comparable total.
public struct Concordance: Sendable, Codable, Equatable {
    public let concordant: Double
    public let discordant: Double
    public let tiedScore: Double
    public let tiedTime: Double
    public let tiedBoth: Double
    public let estimate: Double
    public let standardError: Double

    /// Computes the concordance.
    ///
    /// - Parameters:
    ///   - time: Exit times.
    ///   - event: Event indicators.
    ///   - score: Risk scores (higher = earlier failure expected, like a Cox linear predictor).
    ///   - entry: Optional entry times (counting-process data).
    ///   - strata: Optional stratum per row; pairs are formed within strata.
    ///   - weights: Optional case weights.
    /// - Complexity: O(n log n).
    public init(time: [Double], event: [Bool], score: [Double], entry: [Double]? = nil, strata: [Int]? = nil,
                weights: [Double]? = nil) {
        let n = time.count
        let w = weights ?? [Double](repeating: 1, count: n)
        // ranks of distinct scores
        let distinct = Array(Set(score)).sorted()
        var rankOf: [Double: Int] = [:]
        for (k, v) in distinct.enumerated() { rankOf[v] = k }
        let rank = score.map { rankOf[$0]! }
        let m = distinct.count
        var rowsByStratum: [Int: [Int]] = [:]
        if let strata { for i in 0..<n { rowsByStratum[strata[i], default: []].append(i) } } else { rowsByStratum[0] = Array(0..<n) }

        var cTot = 0.0, dTot = 0.0, txTot = 0.0, tyTot = 0.0, txyTot = 0.0
        var infC = [Double](repeating: 0, count: n), infD = infC, infT = infC
        for (_, rows) in rowsByStratum.sorted(by: { $0.key < $1.key }) {
            // --- event side: descending time over moments ---
            // kinds at equal time: 0 add censored, 1 remove (entry == t), 2 query+tie deaths, 3 add deaths
            var moments: [(t: Double, kind: Int, row: Int)] = []
            for i in rows {
                if event[i] { moments.append((time[i], 2, i)); moments.append((time[i], 3, i)) }
                else { moments.append((time[i], 0, i)) }
                if let entry { moments.append((entry[i], 1, i)) }
            }
            moments.sort { $0.t != $1.t ? $0.t > $1.t : $0.kind < $1.kind }
            var tree = Fenwick(size: m)
            var k = 0
            while k < moments.count {
                let mo = moments[k]
                switch mo.kind {
                case 0: tree.add(rank[mo.row], w[mo.row]); k += 1
                case 1: tree.add(rank[mo.row], -w[mo.row]); k += 1
                case 2:
                    // all deaths at this time: query, then tied-on-time counts
                    var j = k
                    var deadW = 0.0
                    var byRank: [Int: Double] = [:]
                    while j < moments.count && moments[j].kind == 2 && moments[j].t == mo.t {
                        let i = moments[j].row
                        let (less, greater, equal) = tree.split(rank[i])
                        cTot += w[i] * less; dTot += w[i] * greater; txTot += w[i] * equal
                        infC[i] += less; infD[i] += greater; infT[i] += equal
                        tyTot += w[i] * deadW
                        txyTot += w[i] * byRank[rank[i], default: 0]
                        deadW += w[i]
                        byRank[rank[i], default: 0] += w[i]
                        j += 1
                    }
                    k = j
                default: tree.add(rank[mo.row], w[mo.row]); k += 1
                }
            }
            // --- at-risk side: ascending time over moments ---
            // kinds at equal time: 0 snapshot(+) for deaths, 1 add event, 2 snapshot(+) for censored,
            // 3 snapshot(−) at entry
            var asc: [(t: Double, kind: Int, row: Int)] = []
            for i in rows {
                if event[i] { asc.append((time[i], 0, i)); asc.append((time[i], 1, i)) }
                else { asc.append((time[i], 2, i)) }
                if let entry { asc.append((entry[i], 3, i)) }
            }
            asc.sort { $0.t != $1.t ? $0.t < $1.t : $0.kind < $1.kind }
            var events = Fenwick(size: m)
            for mo in asc {
                let i = mo.row
                switch mo.kind {
                case 1: events.add(rank[i], w[i])
                default:
                    let (less, greater, equal) = events.split(rank[i])
                    // an earlier event with a higher score than this at-risk row is concordant
                    let sign = mo.kind == 3 ? -1.0 : 1.0
                    infC[i] += sign * greater; infD[i] += sign * less; infT[i] += sign * equal
                }
            }
        }
        concordant = cTot
        discordant = dTot
        tiedScore = txTot
        tiedBoth = txyTot
        tiedTime = tyTot - txyTot
        let npair = cTot + dTot + txTot
        let somer = npair > 0 ? (cTot - dTot) / npair : .nan
        estimate = (somer + 1) / 2
        var v = 0.0
        for i in 0..<n {
            let d = ((infC[i] - infD[i]) - (infC[i] + infD[i] + infT[i]) * somer) * w[i] / (2 * npair)
            v += d * d
        }
        standardError = v.squareRoot()
    }
}

/// A Fenwick (binary indexed) tree of weights over ranks 0..<size.
struct Fenwick {
    private var tree: [Double]
    private var value: [Double]
    private(set) var total = 0.0

    init(size: Int) {
        tree = [Double](repeating: 0, count: size + 1)
        value = [Double](repeating: 0, count: size)
    }

    mutating func add(_ rank: Int, _ w: Double) {
        value[rank] += w
        total += w
        var i = rank + 1
        while i < tree.count { tree[i] += w; i += i & (-i) }
    }

    /// Sum of weights at ranks < rank.
    func prefix(_ rank: Int) -> Double {
        var s = 0.0
        var i = rank
        while i > 0 { s += tree[i]; i -= i & (-i) }
        return s
    }

    /// (weight below, weight above, weight equal) relative to `rank`.
    func split(_ rank: Int) -> (Double, Double, Double) {
        let below = prefix(rank)
        let equal = value[rank]
        return (below, total - below - equal, equal)
    }
}
