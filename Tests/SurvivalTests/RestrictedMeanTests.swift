import Testing
@testable import Survival

/// Restricted mean survival time against R (fixtures/r/rmst.json, scripts/fixtures/make-methods-fixtures.R):
/// survival's `summary(survfit, rmean = τ)$table` per group and survRM2's difference / ratio formulas.
@Suite struct RestrictedMeanTests {
    nonisolated(unsafe) static let cases = (try? Fixture.cases("rmst.json")) ?? []
    static let tolerance = 1e-10

    /// The curves of a case, by group label.
    static func fits(_ c: [String: Any]) throws -> [String: KaplanMeier] {
        let (curves, rowsUsed) = try Fixture.kaplanMeierCurves(c)
        #expect(rowsUsed == c["n_rows_used"] as! Int)
        return curves
    }

    @Test func fixturesPresent() { #expect(Self.cases.count >= 10) }

    @Test(arguments: cases.map { $0["name"] as! String })
    func matchesR(name: String) throws {
        let c = Self.cases.first { $0["name"] as! String == name }!
        let tau = number(c["tau"])!, level = number(c["level"])!
        let fits = try Self.fits(c)
        var means: [RestrictedMeanSurvival] = []
        for g in c["groups"] as! [[String: Any]] {
            let label = g["group"] as! String
            let w = "\(name)[\(label)]"
            let fit = try #require(fits[label])
            let r = try RestrictedMeanSurvival(fit, tau: tau, confidenceLevel: level)
            expectClose(r.estimate, g["rmst"], rel: Self.tolerance, "\(w) rmst")
            expectClose(r.standardError, g["se"], rel: Self.tolerance, "\(w) se")
            expectClose(r.lower, g["lower"], rel: Self.tolerance, "\(w) lower")
            expectClose(r.upper, g["upper"], rel: Self.tolerance, "\(w) upper")
            expectClose(r.lastTime, g["last_time"], rel: 0, "\(w) last time")
            let beyond = tau > number(g["last_time"])! && number(g["last_surv"])! > 0
            #expect((r.limitation == .beyondFollowUp) == beyond, "\(w) limitation \(String(describing: r.limitation))")
            means.append(r)
        }
        guard let d = c["difference"] as? [String: Any] else { return }
        let cmp = try RestrictedMeanComparison(means[1], versus: means[0], confidenceLevel: level)
        expectClose(cmp.difference.estimate, d["estimate"], rel: Self.tolerance, "\(name) difference")
        expectClose(cmp.difference.standardError, d["se"], rel: Self.tolerance, "\(name) difference se")
        expectClose(cmp.difference.lower, d["lower"], rel: Self.tolerance, "\(name) difference lower")
        expectClose(cmp.difference.upper, d["upper"], rel: Self.tolerance, "\(name) difference upper")
        expectClose(cmp.difference.pValue, d["p"], rel: Self.tolerance, "\(name) difference p")
        for (ratio, key) in [(cmp.ratio, "ratio"), (cmp.lostTimeRatio, "rmtl_ratio")] {
            let r = c[key] as! [String: Any]
            // R divides by a zero RMTL (no event before τ) and reports Inf; here such a ratio is NaN.
            if let e = number(r["estimate"]), !e.isFinite {
                #expect(ratio.estimate.isNaN && ratio.lower.isNaN && ratio.pValue.isNaN, "\(name) \(key) not estimable")
                continue
            }
            expectClose(ratio.estimate, r["estimate"], rel: Self.tolerance, "\(name) \(key)")
            expectClose(ratio.logStandardError, r["log_se"], rel: Self.tolerance, "\(name) \(key) log se")
            expectClose(ratio.lower, r["lower"], rel: Self.tolerance, "\(name) \(key) lower")
            expectClose(ratio.upper, r["upper"], rel: Self.tolerance, "\(name) \(key) upper")
            expectClose(ratio.pValue, r["p"], rel: Self.tolerance, "\(name) \(key) p")
        }
    }

    /// τ before the first time: the curve is 1 on [0, τ], so the RMST is τ exactly with no variance
    /// (R's summary.survfit stops here instead).
    @Test func tauBeforeFirstTime() throws {
        let fit = try KaplanMeier(time: [5, 8, 12], event: [true, false, true])
        let r = try RestrictedMeanSurvival(fit, tau: 3)
        #expect(r.estimate == 3)
        #expect(r.standardError == 0)
        #expect(r.limitation == nil)
    }

    /// A closed form: one event at 2 among 4 at risk, τ = 4: area 2·1 + 2·¾ = 3.5;
    /// Var = A² d/(n(n−d)) with A = 2·¾ = 1.5: 2.25 / 12.
    @Test func closedForm() throws {
        let fit = try KaplanMeier(time: [2, 5, 6, 7], event: [true, false, false, false])
        let r = try RestrictedMeanSurvival(fit, tau: 4)
        #expect(abs(r.estimate - 3.5) < 1e-15)
        #expect(abs(r.standardError - (2.25 / 12).squareRoot()) < 1e-15)
    }

    @Test func curveAtZeroIsNotAnExtrapolation() throws {
        let fit = try KaplanMeier(time: [1, 2], event: [true, true])
        let r = try RestrictedMeanSurvival(fit, tau: 10)
        #expect(r.estimate == 1.5)
        #expect(r.limitation == nil)
    }

    @Test func badArgumentsThrow() throws {
        let fit = try KaplanMeier(time: [1, 2], event: [true, false])
        #expect(throws: SurvivalError.self) { try RestrictedMeanSurvival(fit, tau: 0) }
        #expect(throws: SurvivalError.self) { try RestrictedMeanSurvival(fit, tau: .nan) }
        #expect(throws: SurvivalError.self) { try RestrictedMeanSurvival(fit, tau: .infinity) }
        #expect(throws: SurvivalError.self) { try RestrictedMeanSurvival(fit, tau: 1, confidenceLevel: 1) }
        let a = try RestrictedMeanSurvival(fit, tau: 1), b = try RestrictedMeanSurvival(fit, tau: 2)
        #expect(throws: SurvivalError.self) { try RestrictedMeanComparison(a, versus: b) }
    }
}

/// The restricted means that km.json records (`summary(fit, rmean = "common")`, τ = the largest time over
/// all curves of the case) for its 23 cases.
@Suite struct RestrictedMeanCommonHorizonTests {
    nonisolated(unsafe) static let cases = ((try? Fixture.cases("km.json")) ?? []).filter { c in
        (c["strata"] as? [[String: Any]])?.allSatisfy { $0["rmean"] is [String: Any] } == true
    }

    @Test func fixturesPresent() { #expect(Self.cases.count >= 20) }

    @Test(arguments: cases.map { $0["name"] as! String })
    func matchesR(name: String) throws {
        let c = Self.cases.first { $0["name"] as! String == name }!
        let table = try Fixture.table(c["data"] as! String)
        let timeCol = c["time"] as! String, eventCol = c["event"] as! String
        let groupCol = c["group"] as? String
        let rows = completeRows(table, [timeCol, eventCol] + (groupCol.map { [$0] } ?? []))
        let time = table[timeCol]!.doubles(rows), event = table[eventCol]!.bools(rows)
        var fits: [String: KaplanMeier] = [:]
        if let groupCol {
            for f in try KaplanMeier.byGroup(time: time, event: event, group: table[groupCol]!.strings(rows)) {
                fits[f.group] = f.fit
            }
        } else {
            fits["all"] = try KaplanMeier(time: time, event: event)
        }
        for s in c["strata"] as! [[String: Any]] {
            let g = s["group"] as! String
            let rm = s["rmean"] as! [String: Any]
            let fit = try #require(fits[g])
            let r = try RestrictedMeanSurvival(fit, tau: number(rm["upper"])!)
            expectClose(r.estimate, rm["estimate"], rel: 1e-10, "\(name)[\(g)] rmean")
            expectClose(r.standardError, rm["se"], rel: 1e-10, "\(name)[\(g)] se(rmean)")
        }
    }
}
