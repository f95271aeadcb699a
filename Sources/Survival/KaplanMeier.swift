import RealModule

/// The Kaplan–Meier (product-limit) estimate of a survival curve, with Greenwood variance and pointwise
/// confidence limits, as R's `survfit(Surv(time, status) ~ 1)` computes them.
///
/// ```swift
/// let fit = try KaplanMeier(time: [6, 6, 6, 7, 10, 13], event: [true, true, false, true, false, true])
/// fit.survival          // [0.667, 0.533, 0.533, 0.0] at times [6, 7, 10, 13]
/// fit.median.estimate   // 13
/// ```
///
/// At a tied time, deaths come before censorings (the censored are still at risk). The standard error
/// kept per time is that of log S (Greenwood: √Σ d/(n(n−d)), R's `fit$std.err`); ``survivalStandardError``
/// is S times it (what R's `summary()` prints). After everyone at risk has died S = 0, the log-scale
/// standard error is infinite, and the `log` and `log-log` limits are not available (NaN), as in R.
/// Missing values are NaN throughout.
public struct KaplanMeier: Sendable {
    /// How pointwise confidence limits are formed (R's `conf.type`).
    public enum ConfidenceType: String, Sendable, CaseIterable, Codable {
        /// exp(log S ± z·se): R's default.
        case log
        /// exp(−exp(log(−log S) ± z·se/log S)).
        case logLog = "log-log"
        /// S ± z·S·se, clipped to [0, 1].
        case plain
        /// No limits (NaN).
        case none
    }

    /// An estimate of a quantile of the survival time, with its confidence limits; `nil` where not reached.
    public struct Quantile: Sendable, Equatable, Codable {
        /// The quantile time; `nil` when the curve does not reach 1 − p.
        public var estimate: Double?
        /// Lower confidence limit; `nil` when not reached.
        public var lower: Double?
        /// Upper confidence limit; `nil` when not reached.
        public var upper: Double?
    }

    /// The curve at a requested time, as R's `summary(fit, times = …, extend = TRUE)` reports it.
    public struct Estimate: Sendable, Equatable, Codable {
        /// The requested time.
        public var time: Double
        /// Number at risk at `time` (the at-risk count of the first observed time ≥ `time`; 0 past the end).
        public var atRisk: Double
        /// Events in (previous requested time, `time`].
        public var events: Double
        /// Censorings in (previous requested time, `time`].
        public var censored: Double
        /// S(t): the survival estimate at ``time``.
        public var survival: Double
        /// Standard error of S(t).
        public var standardError: Double
        /// Lower pointwise limit of S(t).
        public var lower: Double
        /// Upper pointwise limit of S(t).
        public var upper: Double
    }

    /// Distinct observed times (events or censorings), ascending.
    public let time: [Double]
    /// Number (or weight) at risk just before each time.
    public let atRisk: [Double]
    /// Events at each time.
    public let events: [Double]
    /// Censorings at each time.
    public let censored: [Double]
    /// S(t) just after each time.
    public let survival: [Double]
    /// Standard error of −log S(t) (R's `fit$std.err`); `+infinity` once S = 0.
    public let logStandardError: [Double]
    /// Lower pointwise confidence limit (NaN where R gives NA).
    public let lower: [Double]
    /// Upper pointwise confidence limit (NaN where R gives NA).
    public let upper: [Double]
    /// Scale of the pointwise limits.
    public let confidenceType: ConfidenceType
    /// Level of the pointwise limits.
    public let confidenceLevel: Double
    /// Number of observations used.
    public let observations: Int

    /// Fits the curve.
    ///
    /// No observations give an empty curve (no times; S = 1 everywhere, median not reached).
    ///
    /// - Parameters:
    ///   - time: Follow-up times, finite and ≥ 0.
    ///   - event: `true` for an event, `false` for a censoring; one per time.
    ///   - weights: Optional case weights (R's `weights=`), one per time, positive and finite.
    ///   - confidenceType: How limits are formed; default `.log` as in R.
    ///   - confidenceLevel: Strictly between 0 and 1; default 0.95.
    ///   - timeFix: Merge times that differ by less than √ε (R's `timefix = TRUE`).
    ///   - parallelism: Whether the per-time counts of more than 2²⁰ unweighted rows are tallied in two
    ///     halves on two threads (default ``Parallelism/twoThreads``); the curve is the same either way.
    /// - Throws: ``SurvivalError`` for mismatched lengths, a negative or non-finite time, a weight that
    ///   is not positive and finite, or a confidence level outside (0, 1).
    /// - Complexity: O(n) after an O(n) radix sort.
    public init(time: [Double], event: [Bool], weights: [Double]? = nil,
                confidenceType: ConfidenceType = .log, confidenceLevel: Double = 0.95,
                timeFix: Bool = true, parallelism: Parallelism = .default) throws(SurvivalError) {
        try Check.length(event, "event", as: time.count, of: "time")
        try Check.times(time)
        try Check.weights(weights, count: time.count)
        try Check.confidenceLevel(confidenceLevel)
        self.init(validTime: time, event: event, weights: weights, confidenceType: confidenceType,
                  confidenceLevel: confidenceLevel, timeFix: timeFix, parallelism: parallelism)
    }

    /// The fit of arguments already checked by the caller (equal lengths, finite times, positive weights).
    init(validTime time: [Double], event: [Bool], weights: [Double]? = nil,
         confidenceType: ConfidenceType = .log, confidenceLevel: Double = 0.95, timeFix: Bool = true,
         parallelism: Parallelism = .serial) {
        let table = weights == nil
            ? EventTable(time: time, event: event, timeFix: timeFix, parallelism: parallelism)
            : EventTable(time: time, cell: event.map { $0 ? 0 : 1 }, cellCount: 2, weights: weights, timeFix: timeFix)
        self.init(table: table, observations: time.count, confidenceType: confidenceType,
                  confidenceLevel: confidenceLevel)
    }

    init(table: EventTable, observations: Int, confidenceType: ConfidenceType, confidenceLevel: Double) {
        let m = table.time.count
        let d = table.counts[0], c = table.counts[1]
        var nRisk = [Double](repeating: 0, count: m)
        var acc = 0.0
        for k in stride(from: m - 1, through: 0, by: -1) { acc += d[k] + c[k]; nRisk[k] = acc }
        var s = [Double](repeating: 1, count: m)
        var se = [Double](repeating: 0, count: m)
        var surv = 1.0, varh = 0.0
        for k in 0..<m {
            let n = nRisk[k], dk = d[k]
            if dk > 0 {
                surv *= (n - dk) / n
                varh += n > dk ? dk / (n * (n - dk)) : .infinity
            }
            s[k] = surv
            se[k] = varh.squareRoot()
        }
        time = table.time
        atRisk = nRisk
        events = d
        censored = c
        survival = s
        logStandardError = se
        (lower, upper) = KaplanMeier.limits(survival: s, logStandardError: se, type: confidenceType,
                                            level: confidenceLevel)
        self.confidenceType = confidenceType
        self.confidenceLevel = confidenceLevel
        self.observations = observations
    }

    /// Pointwise limits by R's `survfit_confint` rules (upper limit capped at 1 for log and plain).
    static func limits(survival s: [Double], logStandardError se: [Double], type: ConfidenceType,
                       level: Double) -> ([Double], [Double]) {
        let z = Normal.quantile(1 - (1 - level) / 2)
        var lo = [Double](repeating: .nan, count: s.count), hi = lo
        for k in 0..<s.count {
            let p = s[k], e = se[k]
            switch type {
            case .none:
                break
            case .plain:
                let w = z * e * p
                if w.isNaN { continue }
                lo[k] = max(p - w, 0)
                hi[k] = min(p + w, 1)
            case .log:
                if p == 0 { continue }
                lo[k] = Double.exp(Double.log(p) - z * e)
                hi[k] = min(Double.exp(Double.log(p) + z * e), 1)
            case .logLog:
                if p == 0 || p == 1 { continue }
                let w = z * e / Double.log(p)
                lo[k] = Double.exp(-Double.exp(Double.log(-Double.log(p)) - w))
                hi[k] = Double.exp(-Double.exp(Double.log(-Double.log(p)) + w))
            }
        }
        return (lo, hi)
    }

    /// Total number (weight) of events.
    public var totalEvents: Double { events.reduce(0, +) }

    /// Standard error of S(t) at each time (S · `logStandardError`), as R's `summary.survfit` prints it.
    public var survivalStandardError: [Double] { zip(survival, logStandardError).map { $0 * $1 } }

    /// The median survival time and its confidence interval by the rule of R's `print.survfit`.
    ///
    /// The median is the first time S drops below 0.5; if S equals 0.5 (within √ε) over a stretch, the
    /// midpoint of that stretch and the next drop. The limits apply the same rule to the lower and upper
    /// bands. R's `quantile.survfit` can differ in the upper limit when a band is not monotone: see
    /// ``quantile(_:)``.
    public var median: Quantile {
        Quantile(estimate: KaplanMeier.firstBelowHalf(survival, time),
                 lower: KaplanMeier.firstBelowHalf(lower, time),
                 upper: KaplanMeier.firstBelowHalf(upper, time))
    }

    private static func firstBelowHalf(_ y: [Double], _ x: [Double]) -> Double? {
        let tol = Double.ulpOfOne.squareRoot()
        var first: Int? = nil
        for k in 0..<y.count where !y[k].isNaN && y[k] < 0.5 + tol {
            if first == nil { first = k; if abs(y[k] - 0.5) >= tol { return x[k] } }
            else if y[k] < y[first!] { return (x[first!] + x[k]) / 2 }
        }
        return first.map { x[$0] }
    }

    /// The p-quantile of the survival time (the time at which S first falls to 1 − p), with limits,
    /// following R's `quantile.survfit` (midpoint of a flat stretch at 1 − p; flat at the end: midpoint
    /// with the last time).
    ///
    /// - Parameter p: Probability in [0, 1] (0.5 for the median).
    /// - Returns: The quantile and its limits, each `nil` when not reached.
    /// - Complexity: O(m) for m distinct times (three linear scans; no sort).
    public func quantile(_ p: Double) -> Quantile {
        let start = min(0, time.first ?? 0)
        return Quantile(estimate: KaplanMeier.findQuantile(p, time, survival, start),
                        lower: KaplanMeier.findQuantile(p, time, lower, start),
                        upper: KaplanMeier.findQuantile(p, time, upper, start))
    }

    private static func findQuantile(_ p: Double, _ times: [Double], _ s: [Double], _ start: Double) -> Double? {
        let tol = Double.ulpOfOne.squareRoot()
        // F = 1 − S with a leading (start, 0) point; NaN where S is NaN.
        var x = [start] + times
        var y = [0.0] + s.map { 1 - $0 }
        let xmax = x[x.count - 1]
        let finite = y.filter { !$0.isNaN }
        guard let ymax = finite.max(), ymax >= p else { return nil }
        // drop duplicated y values (keeping the first), then NaN points
        var seen = Set<UInt64>(), seenNaN = false
        var kx: [Double] = [], ky: [Double] = []
        for (xi, yi) in zip(x, y) {
            if yi.isNaN { if seenNaN { continue }; seenNaN = true; kx.append(xi); ky.append(yi); continue }
            if seen.insert(yi.bitPattern).inserted { kx.append(xi); ky.append(yi) }
        }
        let lastIsNaN = ky.last?.isNaN ?? true
        x = []; y = []
        for (xi, yi) in zip(kx, ky) where !yi.isNaN { x.append(xi); y.append(yi) }
        let n = y.count
        let lastY = y[n - 1]
        // approx(y ± tol, 1:n, p, method = "constant", f = 1) — approx orders the points by y first,
        // which matters for a confidence band that is not monotone.
        let byY = (0..<n).sorted { (y[$0], $0) < (y[$1], $1) }
        func stepIndex(_ shift: Double) -> Int? {
            let first = y[byY[0]] + shift, last = y[byY[n - 1]] + shift
            if p < first || p > last { return nil }
            for r in 0..<n {
                let v = y[byY[r]] + shift
                if p == v { return byY[r] }
                if r + 1 < n && p > v && p < y[byY[r + 1]] + shift { return byY[r + 1] }
            }
            return nil
        }
        if p == 0 { return x[0] }
        let i1 = stepIndex(tol), i2 = stepIndex(-tol)
        if !lastIsNaN, abs(p - lastY) < tol, let i1 { return (x[i1] + xmax) / 2 }
        guard let i1, let i2 else { return nil }
        return (x[i1] + x[i2]) / 2
    }

    /// The curve at the requested times (R's `summary(fit, times = at, extend = TRUE)`).
    ///
    /// Before the first observed time S = 1 with standard error 0; after the last, S is carried forward and
    /// the number at risk is 0. `times` are processed in ascending order.
    ///
    /// - Complexity: O(m + k log m) for m distinct times and k requested times.
    public func estimates(at times: [Double]) -> [Estimate] {
        let sortedTimes = times.sorted()
        var cumEvents = [Double](repeating: 0, count: time.count + 1)
        var cumCensor = cumEvents
        for k in 0..<time.count {
            cumEvents[k + 1] = cumEvents[k] + events[k]
            cumCensor[k + 1] = cumCensor[k] + censored[k]
        }
        var result: [Estimate] = []
        var previous = 0  // index1 of the previous requested time
        for t in sortedTimes {
            let index1 = upperBound(time, t)          // number of times ≤ t
            let index2 = lowerBound(time, t)          // number of times < t
            let risk = index2 < time.count ? atRisk[index2] : 0
            let e = cumEvents[index1] - cumEvents[previous]
            let c = cumCensor[index1] - cumCensor[previous]
            previous = index1
            if index1 == 0 {
                result.append(Estimate(time: t, atRisk: risk, events: e, censored: c, survival: 1,
                                       standardError: 0, lower: confidenceType == .none ? .nan : 1,
                                       upper: confidenceType == .none ? .nan : 1))
            } else {
                let k = index1 - 1
                result.append(Estimate(time: t, atRisk: risk, events: e, censored: c, survival: survival[k],
                                       standardError: survival[k] * logStandardError[k],
                                       lower: lower[k], upper: upper[k]))
            }
        }
        return result
    }

    /// Number at risk at each requested time (for the table under a plot).
    ///
    /// - Parameter times: Requested times, in any order.
    /// - Returns: One count (or weight) per requested time.
    /// - Complexity: O(k log m) for k requested times and m distinct times.
    public func numberAtRisk(at times: [Double]) -> [Double] {
        times.map { t in
            let i = lowerBound(time, t)
            return i < time.count ? atRisk[i] : 0
        }
    }

    /// The reverse Kaplan–Meier estimate (censoring as the event): its median is the median follow-up
    /// time in the sense of Schemper & Smith (1996).
    ///
    /// ```swift
    /// let followUp = try KaplanMeier.reverse(time: t, event: e).median.estimate
    /// ```
    ///
    /// - Throws: ``SurvivalError`` as
    ///   ``init(time:event:weights:confidenceType:confidenceLevel:timeFix:parallelism:)``.
    /// - Complexity: That of the Kaplan–Meier estimate: O(n) after one radix sort.
    public static func reverse(time: [Double], event: [Bool], confidenceType: ConfidenceType = .log,
                               confidenceLevel: Double = 0.95) throws(SurvivalError) -> KaplanMeier {
        try KaplanMeier(time: time, event: event.map { !$0 }, confidenceType: confidenceType,
                        confidenceLevel: confidenceLevel)
    }

    /// The reverse Kaplan–Meier estimate of this fit's observations (censorings as events), from the
    /// per-time counts this fit already holds: the same curve as
    /// ``reverse(time:event:confidenceType:confidenceLevel:)`` on the same data, without sorting them again.
    ///
    /// ```swift
    /// let fit = try KaplanMeier(time: t, event: e)
    /// let followUp = fit.reversed().median.estimate
    /// ```
    ///
    /// - Parameters:
    ///   - confidenceType: How limits are formed; default `.log`.
    ///   - confidenceLevel: Strictly between 0 and 1; default 0.95.
    /// - Returns: The reverse curve.
    /// - Complexity: O(m) for m distinct times.
    public func reversed(confidenceType: ConfidenceType = .log, confidenceLevel: Double = 0.95) -> KaplanMeier {
        KaplanMeier(table: EventTable(time: time, counts: [censored, events]), observations: observations,
                    confidenceType: confidenceType, confidenceLevel: confidenceLevel)
    }

    /// Separate curves for each value of `group`, in ascending order of the group values.
    ///
    /// ```swift
    /// let fits = try KaplanMeier.byGroup(time: t, event: e, group: ["a", "b", "a"])
    /// fits[0].group, fits[0].fit.median
    /// ```
    ///
    /// - Returns: One `(group, fit)` pair per distinct group value.
    /// - Throws: ``SurvivalError`` for mismatched lengths (`group` included), a negative or non-finite
    ///   time, a bad weight or confidence level.
    /// - Complexity: O(n log n).
    public static func byGroup<G: Hashable & Comparable>(
        time: [Double], event: [Bool], group: [G], weights: [Double]? = nil,
        confidenceType: ConfidenceType = .log, confidenceLevel: Double = 0.95
    ) throws(SurvivalError) -> [(group: G, fit: KaplanMeier)] {
        try Check.length(event, "event", as: time.count, of: "time")
        try Check.length(group, "group", as: time.count, of: "time")
        try Check.times(time)
        try Check.weights(weights, count: time.count)
        try Check.confidenceLevel(confidenceLevel)
        var rows: [G: [Int]] = [:]
        for (i, g) in group.enumerated() { rows[g, default: []].append(i) }
        // R applies timefix to all the data before splitting by group
        let fixed = TimeFix.applied(to: time)
        return rows.keys.sorted().map { g in
            let idx = rows[g]!
            return (g, KaplanMeier(validTime: idx.map { fixed[$0] }, event: idx.map { event[$0] },
                                   weights: weights.map { w in idx.map { w[$0] } },
                                   confidenceType: confidenceType, confidenceLevel: confidenceLevel, timeFix: false))
        }
    }
}

/// Number of elements of the ascending array `a` that are < x.
@inline(__always)
func lowerBound(_ a: [Double], _ x: Double) -> Int {
    var lo = 0, hi = a.count
    while lo < hi { let mid = (lo + hi) >> 1; if a[mid] < x { lo = mid + 1 } else { hi = mid } }
    return lo
}

/// Number of elements of the ascending array `a` that are ≤ x.
@inline(__always)
func upperBound(_ a: [Double], _ x: Double) -> Int {
    var lo = 0, hi = a.count
    while lo < hi { let mid = (lo + hi) >> 1; if a[mid] <= x { lo = mid + 1 } else { hi = mid } }
    return lo
}
