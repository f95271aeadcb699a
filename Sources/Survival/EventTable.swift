/// Per-time aggregates of right-censored data: the distinct times in ascending order and, for each
/// "cell" (for instance group × {event, censoring}), the summed weight observed at that time.
///
/// Kaplan–Meier, the log-rank test and the cumulative-incidence estimators are functions of these sums
/// only, which is why one sort and one merge serve all of them (and why a database `GROUP BY time` could
/// produce the same table for data that do not fit in memory).
struct EventTable {
    /// Distinct times, ascending, after R's `timefix` merging of near-equal times.
    var time: [Double]
    /// `counts[cell][k]`: total weight of the rows of `cell` at `time[k]`.
    var counts: [[Double]]

    /// Builds the table.
    ///
    /// - Parameters:
    ///   - time: Observation times.
    ///   - cell: Cell index of each row, in `0..<cellCount`.
    ///   - cellCount: Number of cells.
    ///   - weights: Case weights, or `nil` for 1.
    ///   - timeFix: Merge times closer than √ε as R's `aeqSurv` does.
    /// - Complexity: O(n · cellCount) after radix sorting each cell's times.
    init(time: [Double], cell: [Int], cellCount: Int, weights: [Double]? = nil, timeFix: Bool = true) {
        if let weights {
            let order = RadixSort.order(time)
            var t: [Double] = []
            var c = [[Double]](repeating: [], count: cellCount)
            var k = -1
            for i in order {
                if k < 0 || time[i] != t[k] {
                    t.append(time[i]); k += 1
                    for j in 0..<cellCount { c[j].append(0) }
                }
                c[cell[i]][k] += weights[i]
            }
            self.time = t
            counts = c
        } else {
            var buckets = [[Double]](repeating: [], count: cellCount)
            if cellCount == 1 {
                buckets[0] = time
            } else {
                var sizes = [Int](repeating: 0, count: cellCount)
                for c in cell { sizes[c] += 1 }
                for j in 0..<cellCount { buckets[j].reserveCapacity(sizes[j]) }
                for i in 0..<time.count { buckets[cell[i]].append(time[i]) }
            }
            for j in 0..<cellCount { RadixSort.sort(&buckets[j]) }
            (self.time, counts) = EventTable.merge(buckets)
        }
        if timeFix { mergeNearTies() }
    }

    /// k-way merge of sorted arrays into distinct times with per-array multiplicities.
    private static func merge(_ sorted: [[Double]]) -> ([Double], [[Double]]) {
        let m = sorted.count
        let total = sorted.reduce(0) { $0 + $1.count }
        var t: [Double] = []
        t.reserveCapacity(total)
        var counts = [[Double]](repeating: [], count: m)
        if m == 1 {
            sorted[0].withUnsafeBufferPointer { a in
                var c: [Double] = []
                c.reserveCapacity(a.count)
                var i = 0
                while i < a.count {
                    let v = a[i]
                    var j = i + 1
                    while j < a.count && a[j] == v { j += 1 }
                    t.append(v); c.append(Double(j - i))
                    i = j
                }
                counts[0] = c
            }
            return (t, counts)
        }
        var pos = [Int](repeating: 0, count: m)
        for j in 0..<m { counts[j].reserveCapacity(total / m + 1) }
        while true {
            var next = Double.infinity
            var any = false
            for j in 0..<m where pos[j] < sorted[j].count {
                let v = sorted[j][pos[j]]
                if !any || v < next { next = v; any = true }
            }
            if !any { break }
            t.append(next)
            for j in 0..<m {
                var c = 0
                let a = sorted[j]
                var p = pos[j]
                while p < a.count && a[p] == next { p += 1; c += 1 }
                pos[j] = p
                counts[j].append(Double(c))
            }
        }
        return (t, counts)
    }

    /// Applies R's `aeqSurv` rule to the distinct times and merges rows that become equal.
    private mutating func mergeNearTies() {
        var fixed = time
        guard TimeFix.apply(sorted: &fixed) else { return }
        var t: [Double] = []
        var c = [[Double]](repeating: [], count: counts.count)
        for k in 0..<fixed.count {
            if let last = t.last, last == fixed[k] {
                for j in 0..<counts.count { c[j][c[j].count - 1] += counts[j][k] }
            } else {
                t.append(fixed[k])
                for j in 0..<counts.count { c[j].append(counts[j][k]) }
            }
        }
        time = t
        counts = c
    }
}
