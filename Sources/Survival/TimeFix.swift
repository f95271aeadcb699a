/// R's `aeqSurv` rule (`timefix = TRUE`): sorted distinct times closer than √ε — absolutely, or relative to
/// the mean absolute time — are treated as one time, the smallest of the run.
enum TimeFix {
    static let tolerance = Double.ulpOfOne.squareRoot()

    /// Replaces each near-tied time by the first distinct time of its run. `sorted` must be ascending.
    ///
    /// - Returns: `true` if any value changed.
    @discardableResult
    static func apply(sorted times: inout [Double]) -> Bool {
        let n = times.count
        guard n > 1 else { return false }
        // mean of |y| over distinct finite values, as aeqSurv does
        var sum = 0.0, count = 0.0
        var last = -Double.infinity
        for t in times where t.isFinite && t != last { sum += abs(t); count += 1; last = t }
        let meanAbs = count > 0 ? sum / count : 0
        var changed = false
        var cut = times[0]       // current representative
        var prevDistinct = times[0]
        for i in 1..<n {
            let t = times[i]
            if t == prevDistinct { times[i] = cut; continue }
            let d = t - prevDistinct
            let tied = d <= tolerance || (meanAbs > 0 && d / meanAbs <= tolerance)
            prevDistinct = t
            if tied && t.isFinite { times[i] = cut; changed = true } else { cut = t }
        }
        return changed
    }

    /// Applies the rule to unsorted times (returns a copy). Used where the caller has not sorted yet.
    static func applied(to times: [Double]) -> [Double] {
        var sorted = times
        RadixSort.sort(&sorted)
        var fixed = sorted
        guard apply(sorted: &fixed) else { return times }
        var map: [Double: Double] = [:]
        for i in 0..<sorted.count where sorted[i] != fixed[i] { map[sorted[i]] = fixed[i] }
        return times.map { map[$0] ?? $0 }
    }
}
