import Testing
@testable import Survival

/// Cox model, concordance, cox.zph and residuals against R `coxph` (fixtures/r/cox.json).
@Suite struct CoxModelTests {
    nonisolated(unsafe) static let cases = (try? Fixture.cases("cox.json")) ?? []

    struct Fitted {
        var model: CoxModel
        var names: [String]
        var terms: [[Int]]
        var rows: [Int]
    }

    static func fit(_ c: [String: Any]) throws -> Fitted {
        let table = try Fixture.table(c["data"] as! String)
        let timeCol = c["time"] as! String, eventCol = c["event"] as! String
        let covs = c["covariates"] as! [String]
        let startCol = c["start"] as? String, strataCol = c["strata"] as? String, wCol = c["weights"] as? String
        let used = [timeCol, eventCol] + covs + [startCol, strataCol, wCol].compactMap { $0 }
        let rows = completeRows(table, used)
        let (columns, names, terms) = modelColumns(table, covs, rows: rows,
                                                   reference: c["reference"] as? [String: String] ?? [:])
        var strata: [Int]? = nil
        if let strataCol {
            let sv = table[strataCol]!.strings(rows)
            let sl = Array(Set(sv)).sorted()
            strata = sv.map { sl.firstIndex(of: $0)! }
        }
        let model = try CoxModel(time: table[timeCol]!.doubles(rows), event: table[eventCol]!.bools(rows),
                                 covariates: columns, entry: startCol.map { table[$0]!.doubles(rows) },
                                 strata: strata, weights: wCol.map { table[$0]!.doubles(rows) },
                                 ties: CoxModel.Ties(rawValue: c["ties"] as! String)!,
                                 robust: c["robust"] as! Bool)
        return Fitted(model: model, names: names, terms: terms, rows: rows)
    }

    @Test(arguments: cases.map { $0["name"] as! String })
    func coefficientsAndTests(name: String) throws {
        let c = Self.cases.first { $0["name"] as! String == name }!
        let f = try Self.fit(c)
        let m = f.model
        #expect(m.observations == c["n"] as! Int)
        #expect(m.events == c["events"] as! Int, "\(name) events")
        let terms = c["terms"] as! [[String: Any]]
        #expect(f.names == terms.map { $0["term"] as! String })
        let se = m.modelStandardErrors, rse = m.robustStandardErrors
        let rows = m.coefficientSummaries()
        let (lo, hi) = m.hazardRatioInterval()
        for (k, t) in terms.enumerated() where k < m.coefficients.count {
            let w = "\(name) \(t["term"] as! String)"
            expectClose(m.coefficients[k], t["coef"], "\(w) coef")
            expectClose(se[k], t["se"], "\(w) se")
            if let r = t["robust_se"], number(r) != nil { expectClose(rse?[k], r, "\(w) robust se") }
            expectClose(m.hazardRatios[k], t["hr"], "\(w) hr")
            expectClose(lo[k], t["lower95"], "\(w) lower")
            expectClose(hi[k], t["upper95"], "\(w) upper")
            expectClose(m.zScores[k], t["z"], "\(w) z")
            expectClose(m.pValues[k], t["p"], "\(w) p")
            // the summary table carries R's columns: se(coef), robust se, and z, p, limits from the robust one
            expectClose(rows[k].modelStandardError, t["se"], "\(w) summary se(coef)")
            if let r = t["robust_se"], number(r) != nil {
                expectClose(rows[k].robustStandardError, r, "\(w) summary robust se")
            }
            expectClose(rows[k].z, t["z"], "\(w) summary z")
            expectClose(rows[k].pValue, t["p"], "\(w) summary p")
            expectClose(rows[k].lower, t["lower95"], "\(w) summary lower")
            expectClose(rows[k].upper, t["upper95"], "\(w) summary upper")
        }
        let ll = c["loglik"] as! [Any]
        expectClose(m.logLikelihood.initial, ll[0], "\(name) loglik0")
        expectClose(m.logLikelihood.final, ll[ll.count - 1], "\(name) loglik")
        let tests = c["tests"] as! [String: [String: Any]]
        for (key, test) in [
            ("likelihood_ratio", m.tests.likelihoodRatio), ("wald", m.tests.wald), ("score", m.tests.score),
        ] {
            guard let r = tests[key] else { continue }
            expectClose(test.statistic, r["statistic"], "\(name) \(key)")
            #expect(test.degreesOfFreedom == r["df"] as? Int, "\(name) \(key) df")
            expectClose(test.pValue, r["p"], "\(name) \(key) p")
        }
        if let r = tests["robust_score"] {
            expectClose(m.tests.robustScore?.statistic, r["statistic"], "\(name) robust score")
        }
        let conc = c["concordance"] as! [String: Any]
        expectClose(m.concordance.estimate, conc["estimate"], "\(name) concordance")
        expectClose(m.concordance.standardError, conc["se"], "\(name) concordance se")
        #expect(m.iterations == c["iterations"] as! Int, "\(name) iterations")
        #expect(m.warnings == c["warnings"] as! [String])
        let means = (c["means"] as! [Any])
        for (k, v) in means.enumerated() { expectClose(m.means[k], v, "\(name) mean[\(k)]") }
        if let v = c["variance"] as? [[Any]] {
            for i in 0..<v.count {
                for j in 0..<v.count { expectClose(m.variance[i, j], v[i][j], "\(name) var[\(i),\(j)]") }
            }
        }
    }

    @Test(arguments: cases.filter { $0["zph"] is [String: Any] }.map { $0["name"] as! String })
    func proportionalHazards(name: String) throws {
        let c = Self.cases.first { $0["name"] as! String == name }!
        let f = try Self.fit(c)
        let zphR = c["zph"] as! [String: Any]
        let zph = ProportionalHazardsTest(model: f.model, terms: f.terms)
        let termsR = zphR["terms"] as! [[String: Any]]
        #expect(zph.terms.count == termsR.count)
        for (t, r) in zip(zph.terms, termsR) {
            expectClose(t.test.statistic, r["chisq"], "\(name) zph \(r["term"]!)")
            #expect(t.test.degreesOfFreedom == r["df"] as! Int)
            expectClose(t.test.pValue, r["p"], "\(name) zph p \(r["term"]!)")
        }
        let g = zphR["global"] as! [String: Any]
        expectClose(zph.global.test.statistic, g["chisq"], "\(name) zph global")
        #expect(zph.global.test.degreesOfFreedom == g["df"] as! Int)
    }

    @Test(arguments: cases.filter { $0["residuals"] is [String: Any] }.map { $0["name"] as! String })
    func residuals(name: String) throws {
        let c = Self.cases.first { $0["name"] as! String == name }!
        let f = try Self.fit(c)
        let r = c["residuals"] as! [String: Any]
        let mart = r["martingale"] as! [Any]
        #expect(mart.count == f.model.martingaleResiduals.count)
        for (k, v) in mart.enumerated() { expectClose(f.model.martingaleResiduals[k], v, "\(name) martingale[\(k)]") }
        if let s = r["schoenfeld"] as? [String: Any], let values = s["values"] as? [[Any]] {
            let sch = f.model.schoenfeldResiduals
            #expect(sch.time.count == values.count)
            let times = s["time"] as! [Any]
            for (k, row) in values.enumerated() where k < sch.time.count {
                expectClose(sch.time[k], times[k], "\(name) schoenfeld time[\(k)]")
                // R keeps a column for an aliased coefficient; this engine leaves it out (as cox.zph does)
                let present = row.count == sch.values[k].count
                    ? row : row.enumerated().filter { !f.model.aliased.contains($0.offset) }.map(\.element)
                #expect(present.count == sch.values[k].count)
                for (j, v) in present.enumerated() where j < sch.values[k].count {
                    expectClose(sch.values[k][j], v, "\(name) schoenfeld[\(k),\(j)]")
                }
            }
        }
    }

    /// Closed forms of Therneau & Grambsch's test1 data (matching-r.md): not from a fit in R.
    @Test func test1ClosedForms() throws {
        // book1.R's test1 without its NA-status row
        let time: [Double] = [9, 1, 1, 6, 6, 8], x: [Double] = [0, 1, 1, 1, 0, 0]
        let status = [true, true, false, true, true, false]
        let breslow = try CoxModel(time: time, event: status, covariates: [x], ties: .breslow)
        #expect(abs(breslow.coefficients[0] - log(1.5 + 33.0.squareRoot() / 2)) < 1e-10)
        let efron = try CoxModel(time: time, event: status, covariates: [x])
        let beta = log(2 * (23.0 / 3).squareRoot() * cos(acos((45.0 / 23) * (3.0 / 23).squareRoot()) / 3))
        #expect(abs(efron.coefficients[0] - beta) < 1e-10)
        #expect(abs(efron.logLikelihood.initial - (-4.276666119)) < 1e-9)
        var control = CoxModel.Control()
        control.maxIterations = 1
        let one = try CoxModel(time: time, event: status, covariates: [x], ties: .breslow, control: control)
        #expect(abs(one.coefficients[0] - 8.0 / 5) < 1e-10)
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
