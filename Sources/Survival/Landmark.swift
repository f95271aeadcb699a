/// A landmark selection: the rows still at risk just after a time t₀, with the clock restarted at t₀, and
/// a count of the rows left out. Any estimator fitted to the selection answers "given alive (and
/// followed) at t₀, what happens next", free of the immortal-time bias of classifying patients by
/// something that happens after time 0.
///
/// ```swift
/// let lm = try Landmark(time: t, event: e, at: 180)
/// let fit = try KaplanMeier(time: lm.time, event: lm.event)   // S(u | T > 180), u = time since day 180
/// lm.excludedEvents, lm.excludedCensored                        // rows that ended at or before day 180
/// ```
///
/// A row is kept when its time is **strictly after** t₀ (S(t) = P(T > t), so "alive at t₀" is T > t₀);
/// a death or censoring exactly at t₀ is left out. The kept rows' times become time − t₀.
/// For the Kaplan–Meier estimate this gives exactly the conditional survival
/// S(t₀ + u | T > t₀) = S(t₀ + u) / S(t₀) = Π_{t₀ < t_i ≤ t₀ + u} (1 − d_i/n_i), with Greenwood's variance
/// summed over the event times after t₀ only (R: `survfit` on the landmark subset).
public struct Landmark: Sendable, Equatable {
    /// The landmark time t₀.
    public let landmark: Double
    /// Indices (into the arrays given) of the rows kept, ascending.
    public let rows: [Int]
    /// The kept rows' times measured from t₀ (time − t₀ > 0).
    public let time: [Double]
    /// The kept rows' event indicators.
    public let event: [Bool]
    /// Rows left out that ended with an event at or before t₀.
    public let excludedEvents: Int
    /// Rows left out that were censored at or before t₀.
    public let excludedCensored: Int

    /// Selects the rows at risk after `landmark` and restarts their clock.
    ///
    /// ```swift
    /// let lm = try Landmark(time: [100, 200, 300], event: [true, false, true], at: 150)
    /// lm.time            // [50, 150]
    /// lm.excludedEvents  // 1
    /// ```
    ///
    /// - Parameters:
    ///   - time: Follow-up times, finite and ≥ 0.
    ///   - event: Event indicators, one per time.
    ///   - landmark: t₀, finite and ≥ 0.
    /// - Returns: The selection (possibly empty: check ``rows``).
    /// - Throws: ``SurvivalError`` for mismatched lengths, a bad time or a landmark not finite and ≥ 0.
    /// - Complexity: O(n).
    public init(time: [Double], event: [Bool], at landmark: Double) throws(SurvivalError) {
        try Check.length(event, "event", as: time.count, of: "time")
        try Check.times(time)
        guard landmark.isFinite, landmark >= 0 else {
            throw .invalidParameter(name: "landmark", value: landmark, requirement: "a finite time ≥ 0")
        }
        var rows: [Int] = [], t: [Double] = [], e: [Bool] = []
        var events = 0, censored = 0
        for i in time.indices {
            if time[i] > landmark {
                rows.append(i); t.append(time[i] - landmark); e.append(event[i])
            } else if event[i] {
                events += 1
            } else {
                censored += 1
            }
        }
        self.landmark = landmark
        self.rows = rows
        self.time = t
        self.event = e
        excludedEvents = events
        excludedCensored = censored
    }
}

extension KaplanMeier {
    /// Conditional survival S(t | T > t₀): the Kaplan–Meier curve of the rows still at risk after t₀, on the
    /// original clock, so that ``estimates(at:)`` at t ≥ t₀ gives S(t) / S(t₀) with Greenwood's variance
    /// over the event times in (t₀, t] (R: `survfit` on `subset = time > t0`).
    ///
    /// ```swift
    /// let c = try KaplanMeier.conditional(time: t, event: e, given: 365)
    /// c.estimates(at: [730]).first!.survival   // P(alive at 730 | alive at 365)
    /// ```
    ///
    /// Before t₀ the curve is 1 (nobody in it has an event there).
    ///
    /// - Parameters:
    ///   - time: Follow-up times, finite and ≥ 0.
    ///   - event: Event indicators.
    ///   - landmark: t₀, finite and ≥ 0.
    ///   - confidenceType: How limits are formed; default `.log`.
    ///   - confidenceLevel: Level of the limits; default 0.95.
    /// - Returns: The conditional curve (empty when nobody is at risk after t₀).
    /// - Throws: ``SurvivalError`` for mismatched lengths, a bad time, landmark or confidence level.
    /// - Complexity: O(n) after an O(n) radix sort.
    public static func conditional(time: [Double], event: [Bool], given landmark: Double,
                                   confidenceType: ConfidenceType = .log,
                                   confidenceLevel: Double = 0.95) throws(SurvivalError) -> KaplanMeier {
        let lm = try Landmark(time: time, event: event, at: landmark)
        return try KaplanMeier(time: lm.rows.map { time[$0] }, event: lm.event, confidenceType: confidenceType,
                               confidenceLevel: confidenceLevel)
    }
}
