import RealModule

/// Right-censored (or competing-risks) data summarised per distinct (stratum, group, time, status): the
/// result of one `GROUP BY` in a database, a few rows per distinct time however many subjects there are.
///
/// Kaplan–Meier, the log-rank test and the cumulative-incidence estimators depend on the data only through
/// these counts, so estimates built from them equal the ones built from the subject-level rows (exactly for
/// counts; to rounding for summed weights, whose addition order differs).
///
/// ```swift
/// // two rows of a `SELECT stratum, grp, time, status, COUNT(*) … GROUP BY …` result
/// let data = SurvivalAggregates(time: [5, 5], status: [1, 0], count: [3, 2])
/// KaplanMeier(aggregates: data).survival   // [0.4]
/// ```
///
/// `status` is 1 for an event and 0 for a censoring (Kaplan–Meier, log-rank), or a cause code with
/// `censorCode` for a censoring (cumulative incidence). `stratum` and `group` are small non-negative indices
/// (0 when absent). Rows need not be sorted and may repeat a key (their counts add: per-shard results can be
/// concatenated as they are).
public struct SurvivalAggregates: Sendable, Equatable {
    /// Distinct time of each aggregate row.
    public var time: [Double]
    /// Stratum index of each aggregate row (0 without strata).
    public var stratum: [Int]
    /// Group index of each aggregate row (0 without groups).
    public var group: [Int]
    /// Status of each aggregate row: 0 censored, otherwise the event (or cause) code.
    public var status: [Int]
    /// Number of subject rows in each aggregate row.
    public var count: [Int]
    /// Summed case weights of each aggregate row, or `nil` for unweighted data.
    public var weight: [Double]?

    /// Creates the table from parallel arrays.
    ///
    /// - Parameters:
    ///   - time: The (finite, non-negative) time of each aggregate row.
    ///   - stratum: Stratum index of each row (default all 0).
    ///   - group: Group index of each row (default all 0).
    ///   - status: Event (1) / censoring (0) or cause code of each row.
    ///   - count: Subject rows summarised by each row (positive).
    ///   - weight: Summed case weights of each row, if the data are weighted.
    /// - Complexity: O(m) for m aggregate rows.
    public init(time: [Double], stratum: [Int]? = nil, group: [Int]? = nil, status: [Int], count: [Int],
                weight: [Double]? = nil) {
        let m = time.count
        precondition(status.count == m && count.count == m, "aggregate columns differ in length")
        precondition(stratum.map { $0.count == m } ?? true && group.map { $0.count == m } ?? true,
                     "aggregate columns differ in length")
        precondition(weight.map { $0.count == m } ?? true, "aggregate columns differ in length")
        self.time = time
        self.stratum = stratum ?? [Int](repeating: 0, count: m)
        self.group = group ?? [Int](repeating: 0, count: m)
        self.status = status
        self.count = count
        self.weight = weight
    }

    /// Number of subject rows summarised.
    public var observations: Int { count.reduce(0, +) }

    /// The amount each row contributes: summed weights, or its count.
    var amount: [Double] { weight ?? count.map(Double.init) }

    /// The row indices with `predicate`.
    func rows(where predicate: (Int) -> Bool) -> [Int] { time.indices.filter(predicate) }

    /// Times after R's `timefix` over all the data (the rule depends only on the set of distinct times, so
    /// applying it to the aggregates equals applying it to the subject rows).
    var fixedTime: [Double] { TimeFix.applied(to: time) }
}

extension KaplanMeier {
    /// Fits the curve from per-time counts (status 1 = event, 0 = censoring), pooling every stratum and group.
    ///
    /// ```swift
    /// let fit = KaplanMeier(aggregates: SurvivalAggregates(time: [6, 6, 7], status: [1, 0, 1], count: [3, 1, 1]))
    /// ```
    ///
    /// - Parameters:
    ///   - aggregates: Counts (and summed weights) per distinct time and status.
    ///   - confidenceType: How limits are formed; default `.log` as in R.
    ///   - confidenceLevel: Default 0.95.
    ///   - timeFix: Merge times that differ by less than √ε (R's `timefix = TRUE`).
    /// - Returns: The same fit as
    ///   ``init(time:event:weights:confidenceType:confidenceLevel:timeFix:parallelism:)`` on the subject rows.
    /// - Complexity: O(m log m) for m aggregate rows.
    public init(aggregates: SurvivalAggregates, confidenceType: ConfidenceType = .log,
                confidenceLevel: Double = 0.95, timeFix: Bool = true) {
        let table = EventTable(time: aggregates.time, cell: aggregates.status.map { $0 != 0 ? 0 : 1 }, cellCount: 2,
                               weights: aggregates.amount, timeFix: timeFix)
        self.init(table: table, observations: aggregates.observations, confidenceType: confidenceType,
                  confidenceLevel: confidenceLevel)
    }

    /// Separate curves per group index, ascending, as
    /// ``byGroup(time:event:group:weights:confidenceType:confidenceLevel:)``
    /// on the subject rows (near-equal times merged over all the data first, as R does).
    ///
    /// - Parameters:
    ///   - aggregates: Counts per (group, time, status).
    ///   - confidenceType: How limits are formed.
    ///   - confidenceLevel: Default 0.95.
    /// - Returns: One `(group, fit)` per group index present.
    /// - Complexity: O(m log m).
    public static func byGroup(aggregates: SurvivalAggregates, confidenceType: ConfidenceType = .log,
                               confidenceLevel: Double = 0.95) -> [(group: Int, fit: KaplanMeier)] {
        let fixed = aggregates.fixedTime
        return Array(Set(aggregates.group)).sorted().map { g in
            let idx = aggregates.rows { aggregates.group[$0] == g }
            let part = SurvivalAggregates(time: idx.map { fixed[$0] }, status: idx.map { aggregates.status[$0] },
                                          count: idx.map { aggregates.count[$0] },
                                          weight: aggregates.weight.map { w in idx.map { w[$0] } })
            return (g, KaplanMeier(aggregates: part, confidenceType: confidenceType,
                                   confidenceLevel: confidenceLevel, timeFix: false))
        }
    }

    /// The reverse Kaplan–Meier estimate (censoring as the event) from per-time counts, unweighted, as
    /// ``reverse(time:event:confidenceType:confidenceLevel:)``.
    ///
    /// - Complexity: O(m log m) for m aggregate rows.
    public static func reverse(aggregates: SurvivalAggregates, confidenceType: ConfidenceType = .log,
                               confidenceLevel: Double = 0.95) -> KaplanMeier {
        var swapped = aggregates
        swapped.status = aggregates.status.map { $0 != 0 ? 0 : 1 }
        swapped.weight = nil
        return KaplanMeier(aggregates: swapped, confidenceType: confidenceType, confidenceLevel: confidenceLevel)
    }
}

extension LogRankTest {
    /// The G-rho test from counts per (stratum, group, time, status), equal to
    /// ``init(time:event:group:groupCount:strata:rho:timeFix:)`` on the subject rows.
    ///
    /// ```swift
    /// let test = LogRankTest(aggregates: data, groupCount: 2)
    /// test.test.pValue
    /// ```
    ///
    /// - Parameters:
    ///   - aggregates: Counts (the weights, if any, are not used: the test is unweighted as `survdiff`).
    ///   - groupCount: Number of groups (default: largest group index + 1).
    ///   - rho: Weight exponent ρ ≥ 0.
    ///   - timeFix: Merge near-equal times as R's `timefix = TRUE`.
    /// - Complexity: O(m·k²) for m aggregate rows and k groups.
    public init(aggregates: SurvivalAggregates, groupCount: Int? = nil, rho: Double = 0, timeFix: Bool = true) {
        let k = groupCount ?? ((aggregates.group.max() ?? -1) + 1)
        var counts = [Int](repeating: 0, count: k)
        for i in aggregates.time.indices { counts[aggregates.group[i]] += aggregates.count[i] }
        var o = [Double](repeating: 0, count: k), e = o
        var v = Matrix(zeros: k)
        let time = timeFix ? aggregates.fixedTime : aggregates.time
        for s in Array(Set(aggregates.stratum)).sorted() {
            let idx = aggregates.rows { aggregates.stratum[$0] == s }
            let table = EventTable(time: idx.map { time[$0] },
                                   cell: idx.map { aggregates.group[$0] * 2 + (aggregates.status[$0] != 0 ? 0 : 1) },
                                   cellCount: 2 * k, weights: idx.map { Double(aggregates.count[$0]) }, timeFix: false)
            LogRankTest.accumulate(table, groupCount: k, rho: rho, observed: &o, expected: &e, variance: &v)
        }
        count = counts
        observed = o
        expected = e
        variance = v
        self.rho = rho
        // when no test is possible: the rules of the subject-level initializer
        let used = aggregates.rows { aggregates.count[$0] > 0 }
        var firstGroup: [Int: Int] = [:], twoGroupsInAStratum = false
        for i in used {
            let s = aggregates.stratum[i], g = aggregates.group[i]
            if let f = firstGroup[s] { if f != g { twoGroupsInAStratum = true } } else { firstGroup[s] = g }
        }
        let (reason, statistic, df) = LogRankTest.chiSquare(
            observed: o, expected: e, variance: v, groupSizes: counts,
            hasEvents: used.contains { aggregates.status[$0] != 0 },
            groupsNestedInStrata: Set(used.map { aggregates.stratum[$0] }).count > 1 && !twoGroupsInAStratum)
        notPossible = reason
        test = reason == nil ? ChiSquareTest(statistic: statistic, degreesOfFreedom: df)
            : ChiSquareTest(statistic: statistic, degreesOfFreedom: df, pValue: .nan)
    }
}

extension CumulativeIncidence {
    /// Cumulative incidence curves and Gray's test from counts per (stratum, group, time, cause), equal to
    /// ``init(time:cause:group:strata:rho:censorCode:confidenceLevel:)`` on the subject rows.
    ///
    /// ```swift
    /// let ci = CumulativeIncidence(aggregates: data)   // status holds cause codes, 0 = censored
    /// ci.tests.first?.test.pValue
    /// ```
    ///
    /// - Parameters:
    ///   - aggregates: Counts; `status` is the cause code, `group` the curve's group (and the test's).
    ///   - rho: Exponent of the test's weight.
    ///   - censorCode: The code of censored rows (default 0).
    ///   - confidenceLevel: Level of the pointwise limits.
    /// - Complexity: O(m log m + m·c·k) for m aggregate rows, c causes and k groups.
    public init(aggregates: SurvivalAggregates, rho: Double = 0, censorCode: Int = 0,
                confidenceLevel: Double = 0.95) {
        observations = aggregates.observations
        self.rho = rho
        let causes = Array(Set(aggregates.rows { aggregates.count[$0] > 0 }.map { aggregates.status[$0] }
            .filter { $0 != censorCode })).sorted()
        self.causes = causes
        let groups = Array(Set(aggregates.group)).sorted()
        self.groups = groups
        let groupIndex = Dictionary(uniqueKeysWithValues: groups.enumerated().map { ($1, $0) })
        let causeIndex = Dictionary(uniqueKeysWithValues: causes.enumerated().map { ($1, $0) })
        let nc = causes.count, ng = groups.count
        let cell = aggregates.status.map { $0 == censorCode ? nc : causeIndex[$0]! }
        let gIdx = aggregates.group.map { groupIndex[$0]! }
        let amount = aggregates.count.map(Double.init)
        let tables = (0..<ng).map { g -> EventTable in
            let idx = aggregates.rows { gIdx[$0] == g }
            return EventTable(time: idx.map { aggregates.time[$0] }, cell: idx.map { cell[$0] }, cellCount: nc + 1,
                              weights: idx.map { amount[$0] }, timeFix: false)
        }
        self.curves = CumulativeIncidence.curves(tables, causes: causes, groups: groups,
                                                 confidenceLevel: confidenceLevel)
        var tests: [GrayTest] = []
        if ng > CumulativeIncidence.maxGrayGroups {
            tests = CumulativeIncidence.tooManyGroupsTests(causes: causes, groupCount: ng)
        } else if ng > 1 && nc > 0 {
            var firstGroup: [Int: Int] = [:], nested = true
            for i in aggregates.time.indices {
                let s = aggregates.stratum[i]
                if let f = firstGroup[s] { if f != gIdx[i] { nested = false } } else { firstGroup[s] = gIdx[i] }
            }
            let stratumTables = Array(Set(aggregates.stratum)).sorted().map { s -> EventTable in
                let idx = aggregates.rows { aggregates.stratum[$0] == s }
                return EventTable(time: idx.map { aggregates.time[$0] },
                                  cell: idx.map { gIdx[$0] * (nc + 1) + cell[$0] },
                                  cellCount: ng * (nc + 1), weights: idx.map { amount[$0] }, timeFix: false)
            }
            tests = CumulativeIncidence.grayTests(stratumTables, causes: causes, groupCount: ng, rho: rho,
                                                  nested: nested)
        }
        self.tests = tests
    }
}
