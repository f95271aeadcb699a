/// The number at risk, events and censorings of a Kaplan–Meier curve at chosen times: the table printed
/// under a survival plot, as data, with R's `summary(survfit, times = …)` counts.
///
/// ```swift
/// let fit = try KaplanMeier(time: t, event: e)
/// let table = fit.riskTable(at: [0, 6, 12, 18])
/// for row in table.rows { print(row.time, row.atRisk, row.events, row.censored) }
/// ```
///
/// **Interval convention** (R's `summary.survfit(times = …, extend = TRUE)`, survival 3.x). For requested
/// times τ₁ ≤ τ₂ ≤ … (sorted; repeats kept):
/// - `atRisk` at τ_j counts the rows whose time is ≥ τ_j (still under observation just before τ_j; an
///   event or censoring exactly at τ_j is at risk at τ_j). It is 0 after the last observed time.
/// - `events` and `censored` count the rows whose time falls in (τ_{j−1}, τ_j]; the first interval is
///   everything up to and including τ₁ (so with τ₁ = 0 it holds the events and censorings at time 0).
/// So a row whose time equals a requested time τ_j is both at risk at τ_j and counted in the interval
/// that ends at τ_j.
/// SAS PROC LIFETEST's `ATRISK` numbers at risk are the same counts (rows with time ≥ τ).
/// With weights the counts are sums of weights.
public struct RiskTable: Sendable, Equatable, Codable {
    /// One requested time.
    public struct Row: Sendable, Equatable, Codable {
        /// The requested time τ_j.
        public var time: Double
        /// The previous requested time τ_{j−1} (−∞ for the first row): events and censorings are counted
        /// in (intervalStart, time].
        public var intervalStart: Double
        /// Rows (weight) with time ≥ τ_j.
        public var atRisk: Double
        /// Events in (τ_{j−1}, τ_j].
        public var events: Double
        /// Censorings in (τ_{j−1}, τ_j].
        public var censored: Double
    }

    /// One row per requested time, ascending.
    public let rows: [Row]

    /// The table of `fit` at `times`.
    ///
    /// ```swift
    /// try RiskTable(fit, at: [0, 180, 365])
    /// ```
    ///
    /// - Parameters:
    ///   - fit: A Kaplan–Meier curve.
    ///   - times: The times, each finite; sorted ascending here (repeats kept, as R does).
    /// - Returns: The counts at and between the times.
    /// - Throws: ``SurvivalError/notFinite(argument:index:value:)`` for a NaN or infinite time.
    /// - Complexity: O(m + k log m) for m distinct times of the curve and k requested times.
    public init(_ fit: KaplanMeier, at times: [Double]) throws(SurvivalError) {
        try self.init(time: fit.time, atRisk: fit.atRisk, events: fit.events, censored: fit.censored, at: times)
    }

    /// The table from a curve's per-time counts (for instance a Kaplan–Meier table computed in a database):
    /// the distinct times ascending, and the number at risk, events and censorings at each.
    ///
    /// ```swift
    /// try RiskTable(time: [2, 5], atRisk: [4, 2], events: [1, 1], censored: [1, 1], at: [0, 3])
    /// ```
    ///
    /// - Parameters:
    ///   - time: Distinct times, strictly ascending.
    ///   - atRisk: Number at risk just before each time.
    ///   - events: Events at each time.
    ///   - censored: Censorings at each time.
    ///   - times: The requested times, each finite.
    /// - Returns: The counts at and between the requested times.
    /// - Throws: ``SurvivalError`` for arrays of different lengths, times not strictly ascending, or a
    ///   requested time that is not finite.
    /// - Complexity: O(m + k log k + k log m) for m distinct times and k requested times.
    public init(time: [Double], atRisk: [Double], events: [Double], censored: [Double],
                at times: [Double]) throws(SurvivalError) {
        try Check.length(atRisk, "atRisk", as: time.count, of: "time")
        try Check.length(events, "events", as: time.count, of: "time")
        try Check.length(censored, "censored", as: time.count, of: "time")
        try Check.finite(times, "times")
        for k in time.indices.dropFirst() where !(time[k] > time[k - 1]) {
            throw .invalidParameter(name: "time", value: time[k],
                                    requirement: "strictly ascending (time[\(k - 1)] is \(time[k - 1]))")
        }
        var cumEvents = [Double](repeating: 0, count: time.count + 1), cumCensored = cumEvents
        for k in time.indices {
            cumEvents[k + 1] = cumEvents[k] + events[k]
            cumCensored[k + 1] = cumCensored[k] + censored[k]
        }
        var out: [Row] = []
        var previousIndex = 0, previousTime = -Double.infinity
        for t in times.sorted() {
            let through = upperBound(time, t)   // times ≤ t
            let before = lowerBound(time, t)    // times < t
            out.append(Row(time: t, intervalStart: previousTime,
                           atRisk: before < time.count ? atRisk[before] : 0,
                           events: cumEvents[through] - cumEvents[previousIndex],
                           censored: cumCensored[through] - cumCensored[previousIndex]))
            previousIndex = through
            previousTime = t
        }
        rows = out
    }
}

extension KaplanMeier {
    /// The number at risk, events and censorings at `times` (see ``RiskTable`` for the interval convention).
    ///
    /// ```swift
    /// fit.riskTable(at: [0, 6, 12]).rows.map(\.atRisk)
    /// ```
    ///
    /// - Parameter times: Finite times (non-finite ones are dropped, as R's `summary` drops them).
    /// - Returns: The table.
    /// - Complexity: O(m + k log m).
    public func riskTable(at times: [Double]) -> RiskTable {
        (try? RiskTable(self, at: times.filter(\.isFinite))) ?? RiskTable(rows: [])
    }
}

extension RiskTable {
    init(rows: [Row]) { self.rows = rows }
}
