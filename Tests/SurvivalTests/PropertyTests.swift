import PropertyBased
import Testing
@testable import Survival

/// Invariants of the estimators over random data sets (swift-property-based; 100 cases each, a few
/// seconds in all). Each property is a mathematical identity, so it holds to rounding error.
@Suite struct PropertyTests {
    /// One row: an integer time 1…25 (ties likely), a cause 0…2 (0 censored), a group 0/1, a covariate.
    struct Row: Sendable, CustomStringConvertible {
        var time: Double
        var cause: Int
        var group: Int
        var x: Double
        var event: Bool { cause != 0 }
        var description: String { "(\(time), \(cause), \(group), \(x))" }
    }

    static let rows = zip(Gen.int(in: 1...25), Gen.int(in: 0...2), Gen.int(in: 0...1), Gen.double(in: -2...2))
        .map { t, c, g, x in Row(time: Double(t), cause: c, group: g, x: x) }
        .array(of: 1...40)

    /// Rows with distinct continuous times (no ties).
    static let untiedRows = zip(Gen.double(in: 0.01...100), Gen.bool, Gen.int(in: 0...1), Gen.double(in: -2...2))
        .map { t, e, g, x in Row(time: t, cause: e ? 1 : 0, group: g, x: x) }
        .array(of: 4...40)
        .map { rows in
            var seen = Set<Double>()
            return rows.filter { seen.insert($0.time).inserted }
        }

    static func close(_ a: Double, _ b: Double, _ rel: Double) -> Bool {
        if a == b { return true }
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
        return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300) || abs(a - b) < 1e-13
    }

    @Test func kaplanMeierIsNonIncreasingWithinZeroAndOne() async {
        await propertyCheck(input: Self.rows) { rows in
            let fit = try KaplanMeier(time: rows.map(\.time), event: rows.map(\.event))
            var previous = 1.0
            for s in fit.survival {
                #expect(s >= 0 && s <= 1)
                #expect(s <= previous)
                previous = s
            }
            for (lo, hi) in zip(fit.lower, fit.upper) where !lo.isNaN {
                #expect(lo >= 0 && lo <= hi && hi <= 1)
            }
        }
    }

    @Test func kaplanMeierIsInvariantToRowOrder() async {
        await propertyCheck(input: Self.rows, Gen.int(in: 0...1000)) { rows, seed in
            // a permutation: reverse, then rotate by seed
            var permuted = Array(rows.reversed())
            let k = seed % permuted.count
            permuted = Array(permuted[k...] + permuted[..<k])
            let a = try KaplanMeier(time: rows.map(\.time), event: rows.map(\.event))
            let b = try KaplanMeier(time: permuted.map(\.time), event: permuted.map(\.event))
            #expect(a.time == b.time && a.atRisk == b.atRisk && a.events == b.events)
            #expect(a.survival == b.survival)
            #expect(zip(a.logStandardError, b.logStandardError).allSatisfy { Self.close($0, $1, 1e-14) })
        }
    }

    @Test func coxScoreTestAtZeroIsTheLogRankTestWithoutTies() async {
        await propertyCheck(input: Self.untiedRows) { rows in
            let time = rows.map(\.time), event = rows.map(\.event), group = rows.map(\.group)
            let logrank = try LogRankTest(time: time, event: event, group: group, groupCount: 2)
            guard logrank.notPossible == nil else { return }
            let cox = try CoxModel(time: time, event: event, covariates: [group.map(Double.init)])
            #expect(Self.close(cox.tests.score.statistic, logrank.test.statistic, 1e-9),
                    "score \(cox.tests.score.statistic) vs log-rank \(logrank.test.statistic)")
        }
    }

    @Test func logRankSweepEqualsCountTables() async {
        // the sparse sweep (many groups) and the per-time count tables (few groups) give the same test
        let data = zip(Gen.int(in: 1...20), Gen.bool, Gen.int(in: 0...5), Gen.int(in: 0...2)).array(of: 2...50)
        await propertyCheck(input: data, Gen.int(in: 0...2).map { Double($0) / 2 }) { rows, rho in
            let time = rows.map { Double($0.0) }, event = rows.map(\.1), group = rows.map(\.2), strata = rows.map(\.3)
            for s in [nil, strata] {
                let dense = try LogRankTest(time: time, event: event, group: group, groupCount: 6, strata: s, rho: rho,
                                            timeFix: true, sparse: false)
                let sweep = try LogRankTest(time: time, event: event, group: group, groupCount: 6, strata: s, rho: rho,
                                            timeFix: true, sparse: true)
                #expect(zip(dense.observed, sweep.observed).allSatisfy { Self.close($0, $1, 1e-13) })
                #expect(zip(dense.expected, sweep.expected).allSatisfy { Self.close($0, $1, 1e-13) })
                #expect(zip(dense.variance.storage, sweep.variance.storage).allSatisfy { Self.close($0, $1, 1e-11) },
                        "\(dense.variance.storage) vs \(sweep.variance.storage)")
                #expect(
                    dense.notPossible == sweep.notPossible && dense.test.degreesOfFreedom == sweep.test.degreesOfFreedom
                )
                #expect(Self.close(dense.test.statistic, sweep.test.statistic, 1e-9))
            }
        }
    }

    @Test func cumulativeIncidencesAndSurvivalSumToOne() async {
        await propertyCheck(input: Self.rows) { rows in
            let time = rows.map(\.time)
            let cif = try CumulativeIncidence(time: time, cause: rows.map(\.cause))
            let km = try KaplanMeier(time: time, event: rows.map(\.event))
            let s = km.estimates(at: km.time)
            for (k, t) in km.time.enumerated() {
                let f = cif.curves.map { $0.estimates(at: [t])[0].estimate }.reduce(0, +)
                #expect(Self.close(f + s[k].survival, 1, 1e-12), "t = \(t): ΣF = \(f), S = \(s[k].survival)")
            }
        }
    }

    @Test func fineGrayWithoutCompetingEventsIsCoxBreslow() async {
        await propertyCheck(count: 60, input: Self.rows) { rows in
            let time = rows.map(\.time), x = rows.map(\.x)
            let cause = rows.map { $0.cause == 0 ? 0 : 1 }   // no competing events
            guard cause.filter({ $0 == 1 }).count >= 2, cause.contains(0) else { return }
            // informative data only: events at two or more times, a covariate that varies among them
            let eventRows = rows.indices.filter { cause[$0] == 1 }
            guard eventRows.count >= 5, Set(eventRows.map { time[$0] }).count >= 3,
                  (x.max()! - x.min()!) > 0.1 else { return }
            // both fitted to convergence well below the 1e-9 compared (crr's default gtol 1e-6 stops earlier)
            var coxControl = CoxModel.Control()
            coxControl.epsilon = 1e-14
            coxControl.maxIterations = 50
            var fgControl = FineGray.Control()
            fgControl.gradientTolerance = 1e-13
            fgControl.maxIterations = 50
            let cox = try CoxModel(time: time, event: cause.map { $0 == 1 }, covariates: [x], ties: .breslow,
                                   control: coxControl)
            let fg = try FineGray(time: time, cause: cause, covariates: [x], control: fgControl)
            guard cox.status.isEstimable, cox.termStatus[0].isEstimable, cox.converged, fg.converged,
                  abs(cox.coefficients[0]) < 5, cox.standardErrors[0] < 5 else { return }   // a finite maximum
            #expect(Self.close(fg.coefficients[0], cox.coefficients[0], 1e-9),
                    "Fine-Gray \(fg.coefficients[0]) vs Cox \(cox.coefficients[0])")
        }
    }

    @Test func resultsAreInvariantToTheTimeScale() async {
        await propertyCheck(input: Self.rows, Gen.double(in: 0.001...1000)) { rows, scale in
            let time = rows.map(\.time), scaled = time.map { $0 * scale }
            let event = rows.map(\.event), group = rows.map(\.group), cause = rows.map(\.cause)
            let a = try KaplanMeier(time: time, event: event), b = try KaplanMeier(time: scaled, event: event)
            #expect(a.survival.count == b.survival.count)
            #expect(zip(a.survival, b.survival).allSatisfy { Self.close($0, $1, 1e-13) })
            #expect(zip(a.time, b.time).allSatisfy { Self.close($0 * scale, $1, 1e-13) })
            if let m = a.median.estimate { #expect(Self.close(m * scale, b.median.estimate ?? .nan, 1e-13)) }

            let la = try LogRankTest(time: time, event: event, group: group, groupCount: 2)
            let lb = try LogRankTest(time: scaled, event: event, group: group, groupCount: 2)
            #expect(la.notPossible == lb.notPossible)
            #expect(Self.close(la.test.statistic, lb.test.statistic, 1e-12))

            let ca = try CumulativeIncidence(time: time, cause: cause)
            let cb = try CumulativeIncidence(time: scaled, cause: cause)
            #expect(ca.curves.count == cb.curves.count)
            for (u, v) in zip(ca.curves, cb.curves) {
                #expect(zip(u.estimate, v.estimate).allSatisfy { Self.close($0, $1, 1e-13) })
                #expect(zip(u.variance, v.variance).allSatisfy { Self.close($0, $1, 1e-12) })
            }

            guard event.contains(true) else { return }
            let xa = try CoxModel(time: time, event: event, covariates: [rows.map(\.x)])
            let xb = try CoxModel(time: scaled, event: event, covariates: [rows.map(\.x)])
            #expect(
                Self.close(xa.coefficients[0], xb.coefficients[0], 1e-10)
                    || (xa.coefficients[0].isNaN && xb.coefficients[0].isNaN),
                "\(xa.coefficients[0]) vs \(xb.coefficients[0])")
        }
    }
}
