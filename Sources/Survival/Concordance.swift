/// Harrell's concordance between a risk score and a (possibly censored) survival time, with the
/// infinitesimal-jackknife standard error, as R's `concordance` / `coxph(...)$concordance`.
///
/// ```swift
/// let c = try Concordance(time: t, event: e, score: riskScore)
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
    /// Weighted number of concordant comparable pairs (the higher score fails first).
    public let concordant: Double
    /// Weighted number of discordant comparable pairs.
    public let discordant: Double
    /// Weighted number of comparable pairs tied on the score (counted as ½ in the estimate).
    public let tiedScore: Double
    /// Weighted number of pairs tied on time (both events at one time; not comparable), not tied on score.
    public let tiedTime: Double
    /// Weighted number of pairs tied on both time and score.
    public let tiedBoth: Double
    /// The concordance (C + T/2)/(C + D + T); NaN without comparable pairs.
    public let estimate: Double
    /// Infinitesimal-jackknife standard error of ``estimate``.
    public let standardError: Double

    /// Computes the concordance.
    ///
    /// - Parameters:
    ///   - time: Exit times.
    ///   - event: Event indicators.
    ///   - score: Risk scores (higher = earlier failure expected, like a Cox linear predictor).
    ///   - entry: Optional entry times (counting-process data).
    ///   - strata: Optional stratum per row; pairs are formed within strata.
    ///   - weights: Optional case weights, positive and finite.
    ///   - parallelism: Whether the event-side and at-risk-side sweeps run on two threads (default
    ///     ``Parallelism/twoThreads``); the result is the same either way.
    /// - Throws: ``SurvivalError`` for mismatched lengths, a non-finite time, entry time or score, an entry
    ///   time not before its exit time, or a bad weight. No rows give an estimate of NaN (no pairs).
    /// - Complexity: O(n log n).
    public init(time: [Double], event: [Bool], score: [Double], entry: [Double]? = nil, strata: [Int]? = nil,
                weights: [Double]? = nil, parallelism: Parallelism = .default) throws(SurvivalError) {
        let n = time.count
        try Check.length(event, "event", as: n, of: "time")
        try Check.length(score, "score", as: n, of: "time")
        if let strata { try Check.length(strata, "strata", as: n, of: "time") }
        if let entry {
            try Check.length(entry, "entry", as: n, of: "time")
            try Check.finite(entry, "entry")
            for i in 0..<n where !(entry[i] < time[i]) && time[i].isFinite {
                throw .invalidParameter(name: "entry[\(i)]", value: entry[i],
                                        requirement: "before the exit time \(time[i])")
            }
        }
        try Check.finite(time, "time")
        try Check.finite(score, "score")
        try Check.weights(weights, count: n)
        self.init(validTime: time, event: event, score: score, entry: entry, strata: strata, weights: weights,
                  parallelism: parallelism)
    }

    /// The concordance of arguments already checked by the caller. `order`, when given, is the stable
    /// (stratum, time) order of the rows that the caller has already computed (a Cox fit's): it saves the sort.
    init(validTime time: [Double], event: [Bool], score: [Double], entry: [Double]? = nil, strata: [Int]? = nil,
         weights: [Double]? = nil, order presorted: [Int]? = nil, parallelism: Parallelism = .default) {
        let n = time.count
        let w = weights ?? [Double](repeating: 1, count: n)
        // strata as 0-based indices
        var stratumIndex = [Int](repeating: 0, count: n)
        if let strata {
            let levels = Array(Set(strata)).sorted()
            let map = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
            stratumIndex = strata.map { map[$0]! }
        }
        // The ranks of the distinct scores and, for right-censored data, the rows permuted into (stratum,
        // time) order, so that the sweeps read memory in sequence, are independent: side by side.
        let strataIndex = stratumIndex
        let ((rank, m), permuted) = parallelism.both({ Concordance.ranks(score) }, {
            () -> (order: [Int], time: [Double], event: [Bool], w: [Double], stratum: [Int])? in
            guard entry == nil else { return nil }
            let order = presorted ?? RadixSort.order(group: strataIndex, keys: time)
            return (order, order.map { time[$0] }, order.map { event[$0] }, order.map { w[$0] },
                    order.map { strataIndex[$0] })
        })
        var counts = PairCounts(n: n)
        if let entry {
            var rowsByStratum = [[Int]](repeating: [], count: (stratumIndex.max() ?? 0) + 1)
            for i in 0..<n { rowsByStratum[stratumIndex[i]].append(i) }
            for rows in rowsByStratum where !rows.isEmpty {
                counts.addCountingProcess(rows: rows, time: time, entry: entry, event: event, rank: rank, w: w, m: m)
            }
        } else if let permuted {
            // influence counts are mapped back to input order at the end
            let order = permuted.order
            let (sTime, sEvent, sW, sStratum) = (permuted.time, permuted.event, permuted.w, permuted.stratum)
            let sRank = order.map { rank[$0] }
            var stratumRanges: [Range<Int>] = []
            var lo = 0
            while lo < n {
                var hi = lo + 1
                while hi < n && sStratum[hi] == sStratum[lo] { hi += 1 }
                stratumRanges.append(lo..<hi)
                lo = hi
            }
            // The event-side sweep (descending) and the at-risk-side sweep (ascending) are independent.
            let ranges = stratumRanges, scoreCount = m
            let (eventSide, atRiskSide) = parallelism.both({ () -> PairCounts in
                var c = PairCounts(n: n)
                var tree = Fenwick(size: scoreCount)
                for r in ranges {
                    c.addEventSide(range: r, time: sTime, event: sEvent, rank: sRank, w: sW, tree: &tree,
                                   clearAfter: r.upperBound < n)
                }
                return c
            }, { () -> PairCounts in
                var c = PairCounts(n: n)
                var events = Fenwick(size: scoreCount)
                for r in ranges {
                    c.addAtRiskSide(range: r, time: sTime, event: sEvent, rank: sRank, w: sW, events: &events,
                                    clearAfter: r.upperBound < n)
                }
                return c
            })
            var sorted = eventSide
            for k in 0..<n {
                sorted.infC[k] += atRiskSide.infC[k]
                sorted.infD[k] += atRiskSide.infD[k]
                sorted.infT[k] += atRiskSide.infT[k]
            }
            (counts.c, counts.d, counts.tx) = (sorted.c, sorted.d, sorted.tx)
            (counts.ty, counts.txy) = (sorted.ty, sorted.txy)
            for (k, i) in order.enumerated() {
                counts.infC[i] = sorted.infC[k]; counts.infD[i] = sorted.infD[k]; counts.infT[i] = sorted.infT[k]
            }
        }
        let cTot = counts.c, dTot = counts.d, txTot = counts.tx, tyTot = counts.ty, txyTot = counts.txy
        let infC = counts.infC, infD = counts.infD, infT = counts.infT
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

extension Concordance {
    /// The rank of each score among the distinct scores (0 = lowest) and the number of distinct scores.
    ///
    /// - Complexity: O(n) (a radix sort).
    static func ranks(_ score: [Double]) -> (rank: [Int], count: Int) {
        let n = score.count
        let scoreOrder = RadixSort.order(score)
        var rank = [Int](repeating: 0, count: n)
        var m = 0
        for (k, i) in scoreOrder.enumerated() {
            if k > 0 && score[i] != score[scoreOrder[k - 1]] { m += 1 }
            rank[i] = m
        }
        return (rank, n > 0 ? m + 1 : 0)
    }
}

/// Weighted pair counts and the per-observation influence counts.
struct PairCounts {
    var c = 0.0, d = 0.0, tx = 0.0, ty = 0.0, txy = 0.0
    var infC: [Double], infD: [Double], infT: [Double]

    init(n: Int) {
        infC = [Double](repeating: 0, count: n)
        infD = infC
        infT = infC
    }

    /// Deaths tied at one time: query the at-risk tree, count ties on time and on both.
    private mutating func deaths(_ rows: ArraySlice<Int>, rank: [Int], w: [Double], tree: Fenwick) {
        var deadW = 0.0
        // Weight of the earlier deaths with the same score, summed in row order: a scan of the earlier
        // deaths for the few-way ties of real data, a dictionary for large ones.
        let scan = rows.count <= 32
        var byRank: [Int: Double] = [:]
        for position in rows.indices {
            let i = rows[position]
            let (less, greater, equal) = tree.split(rank[i])
            c += w[i] * less; d += w[i] * greater; tx += w[i] * equal
            infC[i] += less; infD[i] += greater; infT[i] += equal
            ty += w[i] * deadW
            if rows.count > 1 {
                if scan {
                    var same = 0.0
                    for j in rows[rows.startIndex..<position] where rank[j] == rank[i] { same += w[j] }
                    txy += w[i] * same
                } else {
                    txy += w[i] * byRank[rank[i], default: 0]
                    byRank[rank[i], default: 0] += w[i]
                }
            }
            deadW += w[i]
        }
    }

    /// Event side of one stratum of right-censored data (`range` of arrays in ascending time order): for
    /// each death, the at-risk rows with a lower, higher or equal score; ties on time. With `clearAfter`
    /// the tree is emptied again for the next stratum.
    mutating func addEventSide(range: Range<Int>, time: [Double], event: [Bool], rank: [Int], w: [Double],
                               tree: inout Fenwick, clearAfter: Bool) {
        var hi = range.upperBound
        var dead: [Int] = []
        while hi > range.lowerBound {
            var lo = hi - 1
            while lo > range.lowerBound && time[lo - 1] == time[hi - 1] { lo -= 1 }
            dead.removeAll(keepingCapacity: true)
            for i in lo..<hi { if event[i] { dead.append(i) } else { tree.add(rank[i], w[i]) } }
            if !dead.isEmpty {
                deaths(dead[...], rank: rank, w: w, tree: tree)
                for i in dead { tree.add(rank[i], w[i]) }
            }
            hi = lo
        }
        if clearAfter { for i in range { tree.add(rank[i], -w[i]) } }
    }

    /// At-risk side of one stratum: for each row, the earlier deaths (and, for a censored row, those at its
    /// time) with a higher, lower or equal score.
    mutating func addAtRiskSide(range: Range<Int>, time: [Double], event: [Bool], rank: [Int], w: [Double],
                                events: inout Fenwick, clearAfter: Bool) {
        var lo = range.lowerBound
        while lo < range.upperBound {
            var h = lo + 1
            while h < range.upperBound && time[h] == time[lo] { h += 1 }
            for i in lo..<h where event[i] {
                let (less, greater, equal) = events.split(rank[i])
                infC[i] += greater; infD[i] += less; infT[i] += equal
            }
            for i in lo..<h where event[i] { events.add(rank[i], w[i]) }
            for i in lo..<h where !event[i] {
                let (less, greater, equal) = events.split(rank[i])
                infC[i] += greater; infD[i] += less; infT[i] += equal
            }
            lo = h
        }
        if clearAfter { for i in range where event[i] { events.add(rank[i], -w[i]) } }
    }

    /// One stratum of counting-process data (entry < t ≤ exit), by sweeping entry and exit moments.
    mutating func addCountingProcess(rows: [Int], time: [Double], entry: [Double], event: [Bool], rank: [Int],
                                     w: [Double], m: Int) {
        // descending; at equal time: 0 add censored, 1 remove (entry == t), 2 deaths, 3 add deaths
        var moments: [(t: Double, kind: Int, row: Int)] = []
        for i in rows {
            if event[i] { moments.append((time[i], 2, i)); moments.append((time[i], 3, i)) }
            else { moments.append((time[i], 0, i)) }
            moments.append((entry[i], 1, i))
        }
        moments.sort { $0.t != $1.t ? $0.t > $1.t : $0.kind < $1.kind }
        var tree = Fenwick(size: m)
        var k = 0
        while k < moments.count {
            let mo = moments[k]
            switch mo.kind {
            case 0, 3: tree.add(rank[mo.row], w[mo.row]); k += 1
            case 1: tree.add(rank[mo.row], -w[mo.row]); k += 1
            default:
                var j = k
                while j < moments.count && moments[j].kind == 2 && moments[j].t == mo.t { j += 1 }
                deaths(moments[k..<j].map(\.row)[...], rank: rank, w: w, tree: tree)
                k = j
            }
        }
        // ascending; at equal time: 0 snapshot for deaths, 1 add event, 2 snapshot for censored,
        // 3 subtract at entry
        var asc: [(t: Double, kind: Int, row: Int)] = []
        for i in rows {
            if event[i] { asc.append((time[i], 0, i)); asc.append((time[i], 1, i)) }
            else { asc.append((time[i], 2, i)) }
            asc.append((entry[i], 3, i))
        }
        asc.sort { $0.t != $1.t ? $0.t < $1.t : $0.kind < $1.kind }
        var events = Fenwick(size: m)
        for mo in asc {
            let i = mo.row
            if mo.kind == 1 { events.add(rank[i], w[i]); continue }
            let (less, greater, equal) = events.split(rank[i])
            let sign = mo.kind == 3 ? -1.0 : 1.0
            infC[i] += sign * greater; infD[i] += sign * less; infT[i] += sign * equal
        }
    }
}

/// Weights over ranks 0..<size with O(log n) updates and prefix sums: a Fenwick (binary indexed) tree
/// over blocks of 64 ranks, plus the per-rank weights. A prefix sum is the tree's sum of whole blocks and a
/// short contiguous scan inside one block, which keeps the tree small enough to stay in cache for the
/// 10⁶-rank trees of large Cox fits.
struct Fenwick {
    private static let shift = 6
    private var blocks: [Double]
    private var value: [Double]
    private(set) var total = 0.0

    init(size: Int) {
        blocks = [Double](repeating: 0, count: (size >> Fenwick.shift) + 2)
        value = [Double](repeating: 0, count: size)
    }

    mutating func add(_ rank: Int, _ w: Double) {
        value[rank] += w
        total += w
        var i = (rank >> Fenwick.shift) + 1
        blocks.withUnsafeMutableBufferPointer { b in
            while i < b.count { b[i] += w; i += i & (-i) }
        }
    }

    /// Sum of weights at ranks < rank.
    func prefix(_ rank: Int) -> Double {
        let block = rank >> Fenwick.shift
        var s = 0.0
        blocks.withUnsafeBufferPointer { b in
            var i = block
            while i > 0 { s += b[i]; i -= i & (-i) }
        }
        value.withUnsafeBufferPointer { v in
            var k = block << Fenwick.shift
            while k < rank { s += v[k]; k += 1 }
        }
        return s
    }

    /// (weight below, weight above, weight equal) relative to `rank`.
    func split(_ rank: Int) -> (Double, Double, Double) {
        let below = prefix(rank)
        let equal = value[rank]
        return (below, total - below - equal, equal)
    }
}
