import Testing
@testable import Survival

/// Kaplan–Meier against R `survfit` (fixtures/r/km.json, scripts/fixtures/make-survival-fixtures.R).
@Suite struct KaplanMeierTests {
    nonisolated(unsafe) static let cases = (try? Fixture.cases("km.json")) ?? []

    @Test(arguments: cases.map { $0["name"] as! String })
    func matchesR(name: String) throws {
        let c = Self.cases.first { $0["name"] as! String == name }!
        let table = try Fixture.table(c["data"] as! String)
        let timeCol = c["time"] as! String, eventCol = c["event"] as! String
        let groupCol = c["group"] as? String
        let rows = completeRows(table, [timeCol, eventCol] + (groupCol.map { [$0] } ?? []))
        #expect(rows.count == c["n_rows_used"] as! Int)
        let type = KaplanMeier.ConfidenceType(rawValue: c["conf_type"] as! String)!
        let time = table[timeCol]!.doubles(rows), event = table[eventCol]!.bools(rows)
        let fits: [(String, KaplanMeier)]
        if let groupCol {
            fits = try KaplanMeier.byGroup(time: time, event: event, group: table[groupCol]!.strings(rows),
                                       confidenceType: type).map { ($0.group, $0.fit) }
        } else {
            fits = [("all", try KaplanMeier(time: time, event: event, confidenceType: type))]
        }
        let strata = c["strata"] as! [[String: Any]]
        #expect(fits.count == strata.count)
        let at = (c["at"] as? [Any] ?? []).compactMap(number)
        for s in strata {
            let g = s["group"] as! String
            guard let fit = fits.first(where: { $0.0 == g })?.1 else {
                Issue.record("\(name): no group \(g)"); continue
            }
            let w = "\(name)[\(g)]"
            #expect(fit.observations == s["n"] as! Int)
            expectClose(fit.totalEvents, s["events"], "\(w) events")
            let med = fit.median
            expectClose(med.estimate, s["median"], "\(w) median")
            expectClose(med.lower, s["median_lower95"], "\(w) median lower")
            expectClose(med.upper, s["median_upper95"], "\(w) median upper")
            if let q = s["quantile_median"] as? [Any] {
                let qm = fit.quantile(0.5)
                expectClose(qm.estimate, q[0], "\(w) quantile median")
                if q.count == 3 {
                    expectClose(qm.lower, q[1], "\(w) quantile lower")
                    expectClose(qm.upper, q[2], "\(w) quantile upper")
                }
            }
            if let qs = s["quantiles"] as? [String: Any] {
                let probs = (qs["probs"] as! [Any]).compactMap(number)
                for (k, p) in probs.enumerated() {
                    let q = fit.quantile(p)
                    expectClose(q.estimate, (qs["est"] as! [Any])[k], "\(w) q\(p)")
                    expectClose(q.lower, (qs["lower"] as! [Any])[k], "\(w) q\(p) lower")
                    expectClose(q.upper, (qs["upper"] as! [Any])[k], "\(w) q\(p) upper")
                }
            }
            let rowsR = s["table"] as! [[String: Any]]
            #expect(fit.time.count == rowsR.count, "\(w): \(fit.time.count) times vs R \(rowsR.count)")
            let se = fit.survivalStandardError
            for (k, r) in rowsR.enumerated() where k < fit.time.count {
                expectClose(fit.time[k], r["time"], "\(w) time[\(k)]")
                expectClose(fit.atRisk[k], r["n_risk"], "\(w) n_risk[\(k)]")
                expectClose(fit.events[k], r["n_event"], "\(w) n_event[\(k)]")
                expectClose(fit.censored[k], r["n_censor"], "\(w) n_censor[\(k)]")
                expectClose(fit.survival[k], r["surv"], "\(w) surv[\(k)]")
                expectClose(se[k], r["std_err"], "\(w) std_err[\(k)]")
                expectClose(fit.logStandardError[k], r["cumhaz_se"], "\(w) cumhaz_se[\(k)]")
                expectClose(fit.lower[k], r["lower95"], "\(w) lower[\(k)]")
                expectClose(fit.upper[k], r["upper95"], "\(w) upper[\(k)]")
            }
            let atR = s["at"] as? [[String: Any]] ?? []
            let est = fit.estimates(at: at)
            #expect(est.count == atR.count, "\(w): at rows")
            for (e, r) in zip(est, atR) {
                expectClose(e.time, r["time"], "\(w) at time")
                expectClose(e.atRisk, r["n_risk"], "\(w) at n_risk \(e.time)")
                expectClose(e.events, r["n_event"], "\(w) at n_event \(e.time)")
                expectClose(e.survival, r["surv"], "\(w) at surv \(e.time)")
                expectClose(e.standardError, r["std_err"], "\(w) at std_err \(e.time)")
                expectClose(e.lower, r["lower95"], "\(w) at lower \(e.time)")
                expectClose(e.upper, r["upper95"], "\(w) at upper \(e.time)")
            }
        }
        if let rev = c["reverse_median_followup"] as? [String: Any] {
            let r = try KaplanMeier.reverse(time: time, event: event, confidenceType: type).median
            expectClose(r.estimate, rev["median"], "\(name) reverse median")
            expectClose(r.lower, rev["lower95"], "\(name) reverse lower")
            expectClose(r.upper, rev["upper95"], "\(name) reverse upper")
        }
    }
}
