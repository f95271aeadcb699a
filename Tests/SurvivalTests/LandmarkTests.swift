import Testing
@testable import Survival

/// Landmark selection and conditional survival against R (fixtures/r/landmark.json,
/// scripts/fixtures/make-methods-fixtures.R: survfit, survdiff and coxph on the rows with time > t₀, clock
/// restarted at t₀).
@Suite struct LandmarkTests {
    nonisolated(unsafe) static let cases = (try? Fixture.cases("landmark.json")) ?? []
    static let tolerance = 1e-10

    @Test func fixturesPresent() { #expect(Self.cases.count >= 4) }

    @Test(arguments: cases.map { $0["name"] as! String })
    func matchesR(name: String) throws {
        let c = Self.cases.first { $0["name"] as! String == name }!
        let table = try Fixture.table(c["data"] as! String)
        let timeCol = c["time"] as! String, eventCol = c["event"] as! String
        let groupCol = c["group"] as? String
        let covariates = ((c["cox"] as? [String: Any])?["covariates"] as? [Any])?.map { $0 as! String } ?? []
        let rows = completeRows(table, [timeCol, eventCol] + (groupCol.map { [$0] } ?? []) + covariates)
        let time = table[timeCol]!.doubles(rows), event = table[eventCol]!.bools(rows)
        let t0 = number(c["landmark"])!
        let lm = try Landmark(time: time, event: event, at: t0)
        #expect(lm.rows.count == c["n_rows_used"] as! Int)
        #expect(lm.excludedEvents == c["excluded_events"] as! Int)
        #expect(lm.excludedCensored == c["excluded_censored"] as! Int)
        let labels = groupCol.map { table[$0]!.strings(rows) }
        for s in c["strata"] as! [[String: Any]] {
            let g = s["group"] as! String
            let keep = lm.rows.indices.filter { labels == nil || labels![lm.rows[$0]] == g }
            let fit = try KaplanMeier(time: keep.map { lm.time[$0] }, event: keep.map { lm.event[$0] })
            let original = lm.rows.filter { labels == nil || labels![$0] == g }
            let conditional = try KaplanMeier.conditional(
                time: original.map { time[$0] }, event: original.map { event[$0] },
                given: t0)
            let at = (s["at"] as! [Any]).map { number($0)! }
            let est = fit.estimates(at: at)
            let estOriginal = conditional.estimates(at: at.map { $0 + t0 })
            let w = "\(name)[\(g)]"
            #expect(fit.observations == s["n"] as! Int)
            expectClose(fit.median.estimate, s["median"], rel: Self.tolerance, "\(w) median")
            for (k, e) in est.enumerated() {
                expectClose(e.atRisk, (s["n_risk"] as! [Any])[k], rel: 0, "\(w) n.risk[\(k)]")
                expectClose(e.survival, (s["surv"] as! [Any])[k], rel: Self.tolerance, "\(w) surv[\(k)]")
                expectClose(e.standardError, (s["std_err"] as! [Any])[k], rel: Self.tolerance, "\(w) se[\(k)]")
                expectClose(e.lower, (s["lower95"] as! [Any])[k], rel: Self.tolerance, "\(w) lower[\(k)]")
                expectClose(e.upper, (s["upper95"] as! [Any])[k], rel: Self.tolerance, "\(w) upper[\(k)]")
                expectClose(
                    estOriginal[k].survival, (s["surv"] as! [Any])[k], rel: Self.tolerance,
                    "\(w) conditional surv[\(k)]")
                expectClose(estOriginal[k].standardError, (s["std_err"] as! [Any])[k], rel: Self.tolerance,
                            "\(w) conditional se[\(k)]")
            }
        }
        if let lr = c["logrank"] as? [String: Any], let labels {
            let levels = Array(Set(lm.rows.map { labels[$0] })).sorted()
            let test = try LogRankTest(
                time: lm.time, event: lm.event, group: lm.rows.map { levels.firstIndex(of: labels[$0])! })
            expectClose(test.test.statistic, lr["chisq"], rel: Self.tolerance, "\(name) log-rank chisq")
            expectClose(test.test.pValue, lr["p"], rel: Self.tolerance, "\(name) log-rank p")
        }
        if let cox = c["cox"] as? [String: Any] {
            let x = covariates.map { col in lm.rows.map { Double(table[col]!.strings(rows)[$0])! } }
            let model = try CoxModel(time: lm.time, event: lm.event, covariates: x)
            for k in covariates.indices {
                expectClose(
                    model.coefficients[k], (cox["coef"] as! [Any])[k], rel: 1e-8, "\(name) coef \(covariates[k])")
                expectClose(model.standardErrors[k], (cox["se"] as! [Any])[k], rel: 1e-8, "\(name) se \(covariates[k])")
            }
        }
    }

    /// S(t | T > t₀) = S(t) / S(t₀) on the whole curve, and a death exactly at t₀ is not "alive at t₀".
    @Test func conditionalIsARatioOfTheFullCurve() throws {
        let t: [Double] = [1, 2, 2, 3, 4, 5, 6, 7, 8, 9],
            e = [true, true, false, true, true, false, true, true, false, true]
        let full = try KaplanMeier(time: t, event: e)
        let c = try KaplanMeier.conditional(time: t, event: e, given: 3)
        let s3 = full.estimates(at: [3])[0].survival
        for u in [3.5, 4, 6.5, 9, 12] {
            let expected = full.estimates(at: [u])[0].survival / s3
            #expect(abs(c.estimates(at: [u])[0].survival - expected) < 1e-15)
        }
        let lm = try Landmark(time: t, event: e, at: 3)
        #expect(lm.excludedEvents == 3 && lm.excludedCensored == 1 && lm.time.first == 1)
        #expect(throws: SurvivalError.self) { try Landmark(time: t, event: e, at: -1) }
        #expect(throws: SurvivalError.self) { try Landmark(time: t, event: e, at: .nan) }
    }
}
