import RealModule

/// Cumulative incidence functions under competing risks (the Aalen–Johansen estimate), by group, with
/// Gray's variance and Gray's k-sample test, as R's `cmprsk::cuminc` and `cmprsk::timepoints` compute them.
///
/// ```swift
/// // cause: 0 = censored, 1, 2, … = failure causes; group: 0 or 1
/// let ci = try CumulativeIncidence(time: t, cause: c, group: g)
/// ci.curve(group: 1, cause: 1)?.estimates(at: [365, 730])   // F₁(t), variance, limits
/// ci.tests.first?.test.pValue                                     // Gray's test for cause 1
/// ```
///
/// For cause j at a distinct time t of a group, with n at risk, d_j failures from cause j and d failures
/// from any cause, and Ŝ(t−) the all-cause Kaplan–Meier just before t:
/// F_j(t) = F_j(t−) + Ŝ(t−)·d_j/n. The variance is Gray's delta-method estimate: running sums v1, v2, v3
/// with the tie factor 1 − (d−1)/(n−1), and Var F_j(t) = v1 + F²·v3 − 2F·v2. As in `cuminc`, the
/// variance is recorded at the times where cause j fails; between them (and to the end of follow-up) the
/// last recorded value is carried forward. Times are compared exactly (cmprsk does not merge near-equal
/// times as `survival`'s `timefix` does).
///
/// Gray's test compares the subdistribution hazards of one cause among the groups, with weight
/// (1 − F̂(t−))^ρ, summing scores and variances over strata; the statistic is sᵀV⁻¹s on k − 1 degrees
/// of freedom. `cmprsk` reports a statistic of −1 and p = 1 when V is singular; here the statistic and
/// p-value are NaN and ``GrayTest/notPossible`` says why (groups nested in strata, or zero variance).
///
/// `cmprsk` gives no confidence limits. The limits here use the log(−log) transform of F:
/// F^exp(±z·se/(F·log F)), i.e. exp(−exp(log(−log F) ± z·se/(F·|log F|))), which stay inside (0, 1).
/// They are NaN where F = 0 or F = 1 (as R gives NA for the log limits at S = 0).
public struct CumulativeIncidence: Sendable {
    /// One cumulative incidence curve: one cause within one group.
    public struct Curve: Sendable {
        /// The group value (as given in `group`, or 0 without groups).
        public let group: Int
        /// The cause code.
        public let cause: Int
        /// Corners of the step function as `cuminc` returns them: (0, 0), then for each failure time of the
        /// cause two points (t, F(t−)) and (t, F(t)), then (largest follow-up time, last F).
        public let stepTime: [Double]
        /// F at each corner of the step function.
        public let stepEstimate: [Double]
        /// Gray's variance at each corner of the step function.
        public let stepVariance: [Double]
        /// Level of the pointwise limits.
        public let confidenceLevel: Double

        /// Times at which the cause has failures in the group, ascending.
        public var time: [Double] { stride(from: 2, to: stepTime.count - 1, by: 2).map { stepTime[$0] } }
        /// F just after each of ``time``.
        public var estimate: [Double] { stride(from: 2, to: stepTime.count - 1, by: 2).map { stepEstimate[$0] } }
        /// Gray's variance of F at each of ``time``.
        public var variance: [Double] { stride(from: 2, to: stepTime.count - 1, by: 2).map { stepVariance[$0] } }

        /// The curve at the requested times, as `cmprsk::timepoints`: the value of the step function at
        /// the last failure time ≤ t (0 before the first). Past the group's largest follow-up time (or
        /// before 0) the estimate is not available (NaN), as R gives NA.
        ///
        /// - Parameter times: Any times, in any order; results keep that order.
        /// - Returns: One ``Estimate`` per requested time.
        /// - Complexity: O(k log m) for k requested times and m corners.
        public func estimates(at times: [Double]) -> [Estimate] {
            let z = Normal.quantile(1 - (1 - confidenceLevel) / 2)
            let n = stepTime.count
            return times.map { t in
                var index: Int? = nil
                if t == stepTime[n - 1] {
                    index = n - 1
                } else if t < stepTime[n - 1] {
                    // largest k < n - 1 with stepTime[k] <= t; the value sits at k + 1
                    var lo = 0, hi = n - 1
                    while lo < hi { let mid = (lo + hi) >> 1; if stepTime[mid] <= t { lo = mid + 1 } else { hi = mid } }
                    if lo > 0 { index = lo }
                }
                guard let index else {
                    return Estimate(time: t, estimate: .nan, variance: .nan, standardError: .nan, lower: .nan,
                                    upper: .nan)
                }
                let f = stepEstimate[index], v = stepVariance[index]
                let (lo, hi) = CumulativeIncidence.limits(f, v, z)
                return Estimate(time: t, estimate: f, variance: v, standardError: v.squareRoot(), lower: lo,
                                upper: hi)
            }
        }

        /// Pointwise limits at each of ``time``.
        public var limits: (lower: [Double], upper: [Double]) {
            let z = Normal.quantile(1 - (1 - confidenceLevel) / 2)
            let l = zip(estimate, variance).map { CumulativeIncidence.limits($0, $1, z) }
            return (l.map(\.0), l.map(\.1))
        }
    }

    /// A curve's value at one requested time.
    public struct Estimate: Sendable, Equatable, Codable {
        /// The requested time.
        public var time: Double
        /// Cumulative incidence at ``time``.
        public var estimate: Double
        /// Variance of the estimate (`cuminc`'s).
        public var variance: Double
        /// √variance.
        public var standardError: Double
        /// Lower pointwise limit (log(−log) scale, as `cmprsk`).
        public var lower: Double
        /// Upper pointwise limit.
        public var upper: Double
    }

    /// Gray's test for one cause (a row of `cuminc`'s `$Tests`).
    public struct GrayTest: Sendable, Hashable, Codable, ChiSquareTestResult {
        /// The failure cause whose cumulative incidence the groups are compared on.
        public var cause: Int
        /// The χ² test on (groups − 1) degrees of freedom; statistic and p are NaN when ``notPossible`` is set.
        public var test: ChiSquareTest
        /// Why the test could not be computed, or `nil` when it was.
        public var notPossible: TestNotPossible?

        /// A test result for one cause.
        ///
        /// - Parameters:
        ///   - cause: The failure cause.
        ///   - test: The χ² test.
        ///   - notPossible: Why it could not be computed, or `nil`.
        /// - Complexity: O(1).
        public init(cause: Int, test: ChiSquareTest, notPossible: TestNotPossible? = nil) {
            self.cause = cause
            self.test = test
            self.notPossible = notPossible
        }    }

    /// Cause codes with at least one failure, ascending.
    public let causes: [Int]
    /// Group values with at least one row, ascending.
    public let groups: [Int]
    /// Curves, cause-major then group (the order of `cuminc`'s list).
    public let curves: [Curve]
    /// Gray's test per cause; empty with fewer than two groups.
    public let tests: [GrayTest]
    /// Weight exponent ρ of Gray's test.
    public let rho: Double
    /// Number of rows used.
    public let observations: Int

    /// Estimates the curves and, with two or more groups, runs Gray's test for each cause.
    ///
    /// - Parameters:
    ///   - time: Failure or censoring times (finite).
    ///   - cause: Cause code of each row; `censorCode` marks a censored row.
    ///   - group: Optional group value of each row (curves per group, and the test's groups).
    ///   - strata: Optional stratum value of each row, used by the test only.
    ///   - rho: Exponent of the test's weight (1 − F(t−))^ρ; 0 by default.
    ///   - censorCode: The code of censored rows (default 0).
    ///   - confidenceLevel: Level of the pointwise limits, strictly between 0 and 1 (default 0.95).
    /// - Throws: ``SurvivalError`` for no rows, mismatched lengths, a negative or non-finite time, ρ
    ///   negative or not finite, a bad confidence level, more than ``maxCauses`` causes or ``maxGroups``
    ///   groups.
    /// - Complexity: O(n log n + n·c·k) for c causes and k groups (the test is O(n·k² + m·k³)).
    public init(time: [Double], cause: [Int], group: [Int]? = nil, strata: [Int]? = nil, rho: Double = 0,
                censorCode: Int = 0, confidenceLevel: Double = 0.95) throws(SurvivalError) {
        let n = time.count
        guard n > 0 else { throw .noObservations }
        try Check.length(cause, "cause", as: n, of: "time")
        if let group { try Check.length(group, "group", as: n, of: "time") }
        if let strata { try Check.length(strata, "strata", as: n, of: "time") }
        try Check.times(time)
        try Check.rho(rho)
        try Check.confidenceLevel(confidenceLevel)
        observations = n
        self.rho = rho
        let causes = Array(Set(cause.filter { $0 != censorCode })).sorted()
        if causes.count > CumulativeIncidence.maxCauses {
            throw .tooManyValues(argument: "cause", count: causes.count, limit: CumulativeIncidence.maxCauses)
        }
        self.causes = causes
        let groupValues = group ?? [Int](repeating: 0, count: n)
        let groups = Array(Set(groupValues)).sorted()
        if groups.count > CumulativeIncidence.maxGroups {
            throw .tooManyValues(argument: "group", count: groups.count, limit: CumulativeIncidence.maxGroups)
        }
        self.groups = groups
        let groupIndex = Dictionary(uniqueKeysWithValues: groups.enumerated().map { ($1, $0) })
        let causeIndex = Dictionary(uniqueKeysWithValues: causes.enumerated().map { ($1, $0) })
        let nc = causes.count, ng = groups.count
        // cell = cause index, or nc for censored
        let cell = cause.map { $0 == censorCode ? nc : causeIndex[$0]! }
        let gIdx = groupValues.map { groupIndex[$0]! }

        // --- curves, one event table per group
        var rowsByGroup = [[Int]](repeating: [], count: ng)
        for i in 0..<n { rowsByGroup[gIdx[i]].append(i) }
        let tables = rowsByGroup.map { rows in
            EventTable(time: rows.map { time[$0] }, cell: rows.map { cell[$0] }, cellCount: nc + 1, timeFix: false)
        }
        self.curves = CumulativeIncidence.curves(tables, causes: causes, groups: groups,
                                                 confidenceLevel: confidenceLevel)

        // --- Gray's test
        var tests: [GrayTest] = []
        if ng > CumulativeIncidence.maxGrayGroups {
            tests = CumulativeIncidence.tooManyGroupsTests(causes: causes, groupCount: ng)
        } else if ng > 1 && nc > 0 {
            var rowsByStratum: [[Int]]
            if let strata {
                var by: [Int: [Int]] = [:]
                for i in 0..<n { by[strata[i], default: []].append(i) }
                rowsByStratum = by.keys.sorted().map { by[$0]! }
            } else {
                rowsByStratum = [Array(0..<n)]
            }
            let nested = !rowsByStratum.contains { rows in rows.contains { gIdx[$0] != gIdx[rows[0]] } }
            let stratumTables = rowsByStratum.map { rows in
                EventTable(time: rows.map { time[$0] }, cell: rows.map { gIdx[$0] * (nc + 1) + cell[$0] },
                           cellCount: ng * (nc + 1), timeFix: false)
            }
            tests = CumulativeIncidence.grayTests(stratumTables, causes: causes, groupCount: ng, rho: rho,
                                                  nested: nested)
        }
        self.tests = tests
    }

    /// Most distinct failure causes accepted (curves and tables grow with causes × rows).
    public static let maxCauses = 100
    /// Most distinct groups accepted for the curves.
    public static let maxGroups = 5000
    /// Most groups for which Gray's test is computed; with more, each test is ``TestNotPossible/tooManyGroups``.
    public static let maxGrayGroups = 50

    /// The curve of `cause` in `group` (group 0 without groups).
    ///
    /// - Parameters:
    ///   - group: Group value (0 without groups).
    ///   - cause: Cause code.
    /// - Returns: The curve, or `nil` when that group has no curve for that cause.
    /// - Complexity: O(number of curves).
    public func curve(group: Int = 0, cause: Int) -> Curve? {
        curves.first { $0.group == group && $0.cause == cause }
    }

    /// Gray's test for `cause`, or `nil` without one (fewer than two groups, or no failure of the cause).
    ///
    /// - Parameter cause: A failure cause code.
    /// - Returns: The test, or `nil`.
    /// - Complexity: O(number of causes).
    public func test(cause: Int) -> GrayTest? { tests.first { $0.cause == cause } }

    // MARK: Computation

    /// Log(−log) limits of F with variance v.
    static func limits(_ f: Double, _ v: Double, _ z: Double) -> (Double, Double) {
        guard f > 0 && f < 1 && !v.isNaN else { return (.nan, .nan) }
        let w = z * v.squareRoot() / (f * Double.log(f))   // negative
        return (Double.pow(f, Double.exp(-w)), Double.pow(f, Double.exp(w)))
    }

    /// The estimate and Gray's variance for one cause in one group, in `cuminc`'s step representation.
    static func steps(_ table: EventTable, cause c: Int,
                      causeCount nc: Int) -> (x: [Double], f: [Double], v: [Double]) {
        let m = table.time.count
        var total = 0.0
        for k in 0..<m { for j in 0...nc { total += table.counts[j][k] } }
        var x = [0.0], f = [0.0], v = [0.0]
        var fk = 1.0, v1 = 0.0, v2 = 0.0, v3 = 0.0
        var rs = total
        for k in 0..<m {
            let nd1 = table.counts[c][k]
            var nd2 = 0.0
            for j in 0..<nc where j != c { nd2 += table.counts[j][k] }
            let nd = nd1 + nd2
            let leaving = nd + table.counts[nc][k]
            if nd > 0 {
                let fkn = fk * (rs - nd) / rs
                if nd1 > 0 {
                    let last = f[f.count - 1]
                    f.append(last)
                    f.append(last + fk * nd1 / rs)
                }
                let fl = f[f.count - 1]
                if nd2 > 0 && fkn > 0 {
                    let t5 = nd2 > 1 ? 1 - (nd2 - 1) / (rs - 1) : 1
                    let t6 = fk * fk * t5 * nd2 / (rs * rs)
                    let t3 = 1 / fkn
                    let t4 = fl / fkn
                    v1 += t4 * t4 * t6
                    v2 += t3 * t4 * t6
                    v3 += t3 * t3 * t6
                }
                if nd1 > 0 {
                    let t5 = nd1 > 1 ? 1 - (nd1 - 1) / (rs - 1) : 1
                    let t6 = fk * fk * t5 * nd1 / (rs * rs)
                    let t3 = fkn > 0 ? 1 / fkn : 0
                    let t4 = 1 + t3 * fl
                    v1 += t4 * t4 * t6
                    v2 += t3 * t4 * t6
                    v3 += t3 * t3 * t6
                    x.append(table.time[k])
                    x.append(table.time[k])
                    v.append(v[v.count - 1])
                    v.append(v1 + fl * fl * v3 - 2 * fl * v2)
                }
                fk = fkn
            }
            rs -= leaving
        }
        x.append(table.time[m - 1])
        f.append(f[f.count - 1])
        v.append(v[v.count - 1])
        return (x, f, v)
    }

    /// Gray's score (first k − 1 groups) and its variance within one stratum.
    /// `table` cells are group·(nc + 1) + (cause index, or nc for censored).
    static func grayScore(_ table: EventTable, cause c: Int, causeCount nc: Int, groupCount ng: Int,
                          rho: Double) -> (score: [Double], variance: Matrix) {
        let ng1 = ng - 1
        let m = table.time.count
        var rs = [Double](repeating: 0, count: ng)
        for g in 0..<ng { for j in 0...nc { for k in 0..<m { rs[g] += table.counts[g * (nc + 1) + j][k] } } }
        var s = [Double](repeating: 0, count: ng1)
        var v = Matrix(zeros: ng1)
        var f1m = [Double](repeating: 0, count: ng), f1 = f1m
        var skmm = [Double](repeating: 1, count: ng), skm = skmm
        var v3 = [Double](repeating: 0, count: ng)
        var v2 = [[Double]](repeating: [Double](repeating: 0, count: ng), count: ng1)
        var cm = Matrix(zeros: ng), a = Matrix(zeros: ng)
        var fm = 0.0, f = 0.0
        var d0 = [Double](repeating: 0, count: ng), d1 = d0, d2 = d0
        for k in 0..<m {
            var nd1 = 0.0, nd2 = 0.0
            for g in 0..<ng {
                let base = g * (nc + 1)
                d0[g] = table.counts[base + nc][k]
                d1[g] = table.counts[base + c][k]
                var other = 0.0
                for j in 0..<nc where j != c { other += table.counts[base + j][k] }
                d2[g] = other
                nd1 += d1[g]
                nd2 += d2[g]
            }
            if nd1 > 0 || nd2 > 0 {
                var tr = 0.0, tq = 0.0
                for i in 0..<ng where rs[i] > 0 {
                    let td = d1[i] + d2[i]
                    skm[i] = skmm[i] * (rs[i] - td) / rs[i]
                    f1[i] = f1m[i] + (skmm[i] * d1[i]) / rs[i]
                    tr += rs[i] / skmm[i]
                    tq += rs[i] * (1 - f1m[i]) / skmm[i]
                }
                f = fm + nd1 / tr
                let fb = rho == 0 ? 1 : rho == 1 ? 1 - fm : Double.pow(1 - fm, rho)   // RealModule: pow(0, 0) is NaN
                for i in 0..<ng {
                    for j in i..<ng { a[i, j] = 0 }
                    guard rs[i] > 0 else { continue }
                    let t1 = rs[i] / skmm[i]
                    a[i, i] = fb * t1 * (1 - t1 / tr)
                    if a[i, i] != 0 { cm[i, i] += a[i, i] * nd1 / (tr * (1 - fm)) }
                    for j in (i + 1)..<max(i + 1, ng) where rs[j] > 0 {
                        a[i, j] = -fb * t1 * rs[j] / (skmm[j] * tr)
                        if a[i, j] != 0 { cm[i, j] += a[i, j] * nd1 / (tr * (1 - fm)) }
                    }
                }
                for i in 1..<max(1, ng) { for j in 0..<i { a[i, j] = a[j, i]; cm[i, j] = cm[j, i] } }
                for i in 0..<ng1 where rs[i] > 0 {
                    s[i] += fb * (d1[i] - nd1 * rs[i] * (1 - f1m[i]) / (skmm[i] * tq))
                }
                if nd1 > 0 {
                    for kk in 0..<ng where rs[kk] > 0 {
                        let t4 = skm[kk] > 0 ? 1 - (1 - f) / skm[kk] : 1
                        let t5 = nd1 > 1 ? 1 - (nd1 - 1) / (tr * skmm[kk] - 1) : 1
                        let t3 = t5 * skmm[kk] * nd1 / (tr * rs[kk])
                        v3[kk] += t4 * t4 * t3
                        for i in 0..<ng1 {
                            let t1 = a[i, kk] - t4 * cm[i, kk]
                            v2[i][kk] += t1 * t4 * t3
                            for j in 0...i {
                                let t2 = a[j, kk] - t4 * cm[j, kk]
                                v[i, j] += t1 * t2 * t3
                            }
                        }
                    }
                }
                if nd2 > 0 {
                    for kk in 0..<ng where skm[kk] > 0 && d2[kk] > 0 {
                        let t4 = (1 - f) / skm[kk]
                        let t5 = d2[kk] > 1 ? 1 - (d2[kk] - 1) / (rs[kk] - 1) : 1
                        let t3 = t5 * ((skmm[kk] * skmm[kk]) * d2[kk]) / (rs[kk] * rs[kk])
                        v3[kk] += t4 * t4 * t3
                        for i in 0..<ng1 {
                            let t1 = t4 * cm[i, kk]
                            v2[i][kk] -= t1 * t4 * t3
                            for j in 0...i {
                                let t2 = t4 * cm[j, kk]
                                v[i, j] += t1 * t2 * t3
                            }
                        }
                    }
                }
            }
            for g in 0..<ng { rs[g] -= d0[g] + d1[g] + d2[g] }
            fm = f
            f1m = f1
            skmm = skm
        }
        for i in 0..<ng1 {
            for j in 0...i {
                for kk in 0..<ng {
                    v[i, j] += cm[i, kk] * cm[j, kk] * v3[kk]
                    v[i, j] += cm[i, kk] * v2[j][kk]
                    v[i, j] += cm[j, kk] * v2[i][kk]
                }
                v[j, i] = v[i, j]
            }
        }
        return (s, v)
    }
}
