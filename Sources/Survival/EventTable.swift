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

    /// A table from its parts (distinct ascending times; one count array per cell, each as long).
    init(time: [Double], counts: [[Double]]) {
        self.time = time
        self.counts = counts
    }

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
        } else if let tallied = time.withUnsafeBufferPointer({ t in
            cell.withUnsafeBufferPointer { c in EventTable.tally(t, cellCount: cellCount) { c[$0] } }
        }) {
            (self.time, counts) = tallied
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

    /// The table of unweighted times with events (cell 0) and censorings (cell 1), without building
    /// a cell index per row.
    ///
    /// - Complexity: O(n) by hashing when the data hold few distinct times (as rounded clinical times
    ///   do); else O(n) radix sorts of the event and censoring times.
    ///
    /// With ``Parallelism/twoThreads`` and at least 2²⁰ rows, the two halves of the rows are hashed side by
    /// side and their tables merged (the counts are whole numbers: the same table either way).
    init(time: [Double], event: [Bool], timeFix: Bool = true, parallelism: Parallelism = .serial) {
        @Sendable func tally(_ rows: Range<Int>) -> (time: [Double], counts: [[Double]])? {
            time.withUnsafeBufferPointer { t in
                event.withUnsafeBufferPointer { e in
                    let base = rows.lowerBound
                    return EventTable.tally(UnsafeBufferPointer(rebasing: t[rows]), cellCount: 2) {
                        e[base + $0] ? 0 : 1
                    }
                }
            }
        }
        let tallied: (time: [Double], counts: [[Double]])?
        if parallelism == .twoThreads && time.count >= 1 << 20 {
            let half = time.count / 2, n = time.count
            let (first, second) = parallelism.both({ tally(0..<half) }, { tally(half..<n) })
            tallied = first.flatMap { a in second.map { b in EventTable.merge(a, b) } }
        } else {
            tallied = tally(0..<time.count)
        }
        if let tallied {
            (self.time, counts) = tallied
        } else {
            var events = 0
            for e in event where e { events += 1 }
            var buckets: [[Double]] = [[], []]
            buckets[0].reserveCapacity(events)
            buckets[1].reserveCapacity(time.count - events)
            for i in 0..<time.count { buckets[event[i] ? 0 : 1].append(time[i]) }
            for j in 0..<2 { RadixSort.sort(&buckets[j]) }
            (self.time, counts) = EventTable.merge(buckets)
        }
        if timeFix { mergeNearTies() }
    }

    /// Distinct times and per-cell counts by hashing the times, or nil when the data hold too many
    /// distinct times for that to pay (then the caller sorts). Times are finite; −0 and +0 are one time,
    /// written −0 when any −0 occurs (as the sorted merge does).
    @inline(__always)
    static func tally(_ time: UnsafeBufferPointer<Double>, cellCount: Int,
                      cell: (Int) -> Int) -> (time: [Double], counts: [[Double]])? {
        let n = time.count
        guard n >= 4096, n < Int(UInt32.max) else { return nil }
        let limit = max(1 << 14, min(1 << 20, n / 16))   // most distinct times worth hashing
        let empty = UInt64.max                             // a NaN pattern: never a finite time's bits
        var capacity = 1 << 12
        var keys = [UInt64](repeating: empty, count: capacity)
        var counts = [UInt32](repeating: 0, count: capacity * cellCount)
        var used = 0
        var negativeZero = false
        var shift = UInt64(64 - 12)

        func grow() {
            let newCapacity = capacity * 2
            let newShift = shift - 1
            var newKeys = [UInt64](repeating: empty, count: newCapacity)
            var newCounts = [UInt32](repeating: 0, count: newCapacity * cellCount)
            for h in 0..<capacity where keys[h] != empty {
                var g = Int((keys[h] &* 0x9E37_79B9_7F4A_7C15) >> newShift)
                while newKeys[g] != empty { g = (g + 1) & (newCapacity - 1) }
                newKeys[g] = keys[h]
                for j in 0..<cellCount { newCounts[g * cellCount + j] = counts[h * cellCount + j] }
            }
            keys = newKeys
            counts = newCounts
            capacity = newCapacity
            shift = newShift
        }

        var i = 0
        while i < n {
            // Hash rows with the table's buffers held until it is half full; then grow it.
            keys.withUnsafeMutableBufferPointer { k in
                counts.withUnsafeMutableBufferPointer { c in
                    let mask = capacity - 1
                    let full = capacity / 2
                    while i < n {
                        let v = time[i]
                        var key = v.bitPattern
                        if v == 0 { if key != 0 { negativeZero = true }; key = 0 }
                        var h = Int((key &* 0x9E37_79B9_7F4A_7C15) >> shift)
                        var added = false
                        while true {
                            let kh = k[h]
                            if kh == key { break }
                            if kh == empty { k[h] = key; used += 1; added = true; break }
                            h = (h + 1) & mask
                        }
                        c[h * cellCount + cell(i)] += 1
                        i += 1
                        if added && used >= full { return }
                    }
                }
            }
            if used * 2 >= capacity {
                if capacity >= 2 * limit { return nil }
                grow()
            }
        }

        var slots: [Int] = []
        slots.reserveCapacity(used)
        for h in 0..<capacity where keys[h] != empty { slots.append(h) }
        var values = slots.map { Double(bitPattern: keys[$0]) }
        let order = values.indices.sorted { values[$0] < values[$1] }
        var table = [[Double]](repeating: [Double](repeating: 0, count: used), count: cellCount)
        var sortedValues = [Double](repeating: 0, count: used)
        for (k, o) in order.enumerated() {
            let v = values[o]
            sortedValues[k] = v == 0 && negativeZero ? -0.0 : v
            for j in 0..<cellCount { table[j][k] = Double(counts[slots[o] * cellCount + j]) }
        }
        values = sortedValues
        return (values, table)
    }

    /// Two tables of distinct ascending times merged into one, the counts of a time in both added (−0 when
    /// either wrote −0, as ``tally(_:cellCount:cell:)`` does).
    private static func merge(_ a: (time: [Double], counts: [[Double]]),
                              _ b: (time: [Double], counts: [[Double]])) -> (time: [Double], counts: [[Double]]) {
        let cells = a.counts.count
        var t: [Double] = []
        t.reserveCapacity(a.time.count + b.time.count)
        var c = [[Double]](repeating: [], count: cells)
        var i = 0, j = 0
        while i < a.time.count || j < b.time.count {
            if j == b.time.count || (i < a.time.count && a.time[i] < b.time[j]) {
                t.append(a.time[i])
                for m in 0..<cells { c[m].append(a.counts[m][i]) }
                i += 1
            } else if i == a.time.count || b.time[j] < a.time[i] {
                t.append(b.time[j])
                for m in 0..<cells { c[m].append(b.counts[m][j]) }
                j += 1
            } else {
                let v = a.time[i]
                t.append(v == 0 && (v.sign == .minus || b.time[j].sign == .minus) ? -0.0 : v)
                for m in 0..<cells { c[m].append(a.counts[m][i] + b.counts[m][j]) }
                i += 1
                j += 1
            }
        }
        return (t, c)
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
