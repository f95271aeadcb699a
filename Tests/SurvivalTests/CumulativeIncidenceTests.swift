import Foundation
import Testing
@testable import Survival

/// Group labels of a fixture column, in R's factor order (numeric ascending for numeric columns, byte
/// order for strings), and each row's index into them.
func fixtureGroups(_ column: [String?], rows: [Int]) -> (labels: [String], index: [Int]) {
    let values = column.strings(rows)
    var labels = Array(Set(values))
    if column.isNumeric {
        labels.sort { Double($0)! < Double($1)! }
    } else {
        labels.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }
    let map = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
    return (labels, values.map { map[$0]! })
}

@Suite struct CumulativeIncidenceTests {
    @Test func matchesCmprsk() throws {
        for c in try Fixture.cases("cmprsk.json") {
            let name = c["name"] as! String
            let table = try Fixture.table(c["data"] as! String)
            let timeCol = c["time"] as! String, statusCol = c["status"] as! String
            let groupCol = c["group"] as? String, strataCol = c["strata"] as? String
            let rows = completeRows(table, [timeCol, statusCol] + [groupCol, strataCol].compactMap { $0 })
            #expect(rows.count == c["n_rows_used"] as! Int, "\(name): rows")
            let time = table[timeCol]!.doubles(rows)
            let cause = table[statusCol]!.doubles(rows).map { Int($0) }
            let groups = groupCol.map { fixtureGroups(table[$0]!, rows: rows) }
            let strata = strataCol.map { fixtureGroups(table[$0]!, rows: rows).index }
            let fit = try CumulativeIncidence(time: time, cause: cause, group: groups?.index, strata: strata,
                                          rho: number(c["rho"])!, censorCode: c["cencode"] as! Int)
            let at = (c["timepoints"] as! [Any]).map { number($0)! }
            let curves = c["curves"] as! [[String: Any]]
            #expect(fit.curves.count == curves.count, "\(name): curve count")
            for rc in curves {
                let label = rc["group"] as! String
                let g = groups.map { $0.labels.firstIndex(of: label)! } ?? 0
                let causeCode = Int(rc["cause"] as! String)!
                guard let curve = fit.curve(group: g, cause: causeCode) else {
                    Issue.record("\(name): missing curve \(label) \(causeCode)"); continue
                }
                let what = "\(name) \(label) cause \(causeCode)"
                let t = rc["time"] as! [Any], est = rc["est"] as! [Any], v = rc["var"] as! [Any]
                #expect(curve.stepTime.count == t.count, "\(what): step length")
                guard curve.stepTime.count == t.count else { continue }
                for k in 0..<t.count {
                    expectClose(curve.stepTime[k], t[k], "\(what) time[\(k)]")
                    expectClose(curve.stepEstimate[k], est[k], "\(what) est[\(k)]")
                    expectClose(curve.stepVariance[k], v[k], "\(what) var[\(k)]")
                }
                let atEst = rc["at_est"] as! [Any], atVar = rc["at_var"] as! [Any]
                for (k, e) in curve.estimates(at: at).enumerated() {
                    expectClose(e.estimate, atEst[k], "\(what) at_est(\(at[k]))")
                    expectClose(e.variance, atVar[k], "\(what) at_var(\(at[k]))")
                }
            }
            if let tests = c["tests"] as? [[String: Any]] {
                #expect(fit.tests.count == tests.count, "\(name): test count")
                for rt in tests {
                    let causeCode = Int(rt["cause"] as! String)!
                    guard let test = fit.test(cause: causeCode) else {
                        Issue.record("\(name): missing test \(causeCode)"); continue
                    }
                    expectClose(test.test.statistic, rt["statistic"], "\(name) Gray cause \(causeCode) statistic")
                    expectClose(test.test.pValue, rt["p"], "\(name) Gray cause \(causeCode) p")
                    #expect(test.test.degreesOfFreedom == rt["df"] as! Int)
                }
            } else {
                #expect(fit.tests.isEmpty, "\(name): no tests expected")
            }
        }
    }

    /// Failures from both causes at t = 1. By hand from Gray's recursions (n = 4):
    /// t=1: n=4, d₁=1, d₂=1, Ŝ(1−)=1 → F₁ = 1/4; Ŝ(1) = 1/2;
    ///   other-cause term: t6 = 1/16, t3 = 2, t4 = F/Ŝ = 1/2 → v1 = 1/64, v2 = 1/16, v3 = 1/4;
    ///   own-cause term: t4 = 1 + 2·(1/4) = 3/2 → v1 = 10/64, v2 = 1/4, v3 = 1/2;
    ///   Var = 10/64 + (1/16)(1/2) − 2(1/4)(1/4) = 1/16.
    /// t=2: n=2, d₁=1, Ŝ(2−)=1/2 → F₁ = 1/4 + (1/2)(1/2) = 1/2, Ŝ(2) = 1/4; t6 = 1/16, t3 = 4, t4 = 3
    ///   → v1 = 46/64, v2 = 1, v3 = 3/2; Var = 46/64 + (1/4)(3/2) − 2(1/2)(1) = 6/64.
    @Test func tiesBetweenCauses() throws {
        let fit = try CumulativeIncidence(time: [2, 1, 3, 1], cause: [1, 1, 0, 2])
        #expect(fit.causes == [1, 2])
        #expect(fit.tests.isEmpty)
        let c1 = fit.curve(cause: 1)!
        #expect(c1.stepTime == [0, 1, 1, 2, 2, 3])
        #expect(c1.stepEstimate == [0, 0, 0.25, 0.25, 0.5, 0.5])
        for (a, e) in zip(c1.stepVariance, [0, 0, 1.0 / 16, 1.0 / 16, 6.0 / 64, 6.0 / 64]) { expectClose(a, e, "var") }
        let c2 = fit.curve(cause: 2)!
        #expect(c2.stepTime == [0, 1, 1, 3])
        #expect(c2.stepEstimate == [0, 0, 0.25, 0.25])
        for (a, e) in zip(c2.stepVariance, [0, 0, 1.0 / 16, 1.0 / 16]) { expectClose(a, e, "var") }
        // timepoints: step value at the last time ≤ t; NA past the largest follow-up time
        let at = c1.estimates(at: [0.5, 1, 2.5, 3, 4, -1])
        #expect(at.map(\.estimate)[0..<4] == [0, 0.25, 0.5, 0.5])
        #expect(at[4].estimate.isNaN && at[5].estimate.isNaN)
        expectClose(at[2].variance, 6.0 / 64, "var at 2.5")
        // log(−log) limits: F^exp(∓z·se/(F log F)), F = 1/2, se = √(6/64)
        let z = 1.959963984540054, f = 0.5, se = (6.0 / 64).squareRoot()
        let w = z * se / (f * log(f))
        expectClose(at[2].lower, pow(f, exp(-w)), "lower")
        expectClose(at[2].upper, pow(f, exp(w)), "upper")
        #expect(at[2].lower < 0.5 && at[2].upper > 0.5)
        #expect(at[0].lower.isNaN)   // F = 0: no limits
        // the curves agree with 1 − KM overall at t = 2: F₁ + F₂ = 3/4
        #expect(c1.estimates(at: [2])[0].estimate + c2.estimates(at: [2])[0].estimate == 0.75)
    }

    /// Group 1 has a single subject, who fails from cause 1 at t = 5: F jumps to 1 with Ŝ(5) = 0, so the
    /// other-cause sums are skipped and Var = v1 = (1 + 0)²·1·1/1² = 1. Group 0 has no cause-2 failure: its
    /// cause-2 curve is the flat (0, 0) → (largest time, 0).
    @Test func singleSubjectGroupAndCauseWithoutEvents() throws {
        let fit = try CumulativeIncidence(time: [1, 2, 4, 5], cause: [1, 0, 0, 1], group: [0, 0, 0, 1])
        let single = fit.curve(group: 1, cause: 1)!
        #expect(single.stepTime == [0, 5, 5, 5])
        #expect(single.stepEstimate == [0, 0, 1, 1])
        #expect(single.stepVariance == [0, 0, 1, 1])
        #expect(fit.causes == [1])
        // add a cause-2 failure in group 1 only
        let fit2 = try CumulativeIncidence(time: [1, 2, 4, 5, 6], cause: [1, 0, 0, 1, 2], group: [0, 0, 0, 1, 1])
        let none = fit2.curve(group: 0, cause: 2)!
        #expect(none.stepTime == [0, 4])
        #expect(none.stepEstimate == [0, 0])
        #expect(none.stepVariance == [0, 0])
        #expect(none.estimates(at: [3])[0].estimate == 0)
        #expect(none.estimates(at: [5])[0].estimate.isNaN)   // past group 0's follow-up
        #expect(fit2.tests.count == 2)
        #expect(fit2.tests.allSatisfy { $0.test.degreesOfFreedom == 1 })
    }

    @Test func allCensored() throws {
        let fit = try CumulativeIncidence(time: [1, 2, 3], cause: [0, 0, 0], group: [0, 1, 1])
        #expect(fit.causes.isEmpty)
        #expect(fit.curves.isEmpty)
        #expect(fit.tests.isEmpty)
        // a custom censoring code
        let other = try CumulativeIncidence(time: [1, 2, 3], cause: [9, 1, 9], censorCode: 9)
        #expect(other.causes == [1])
        #expect(other.curve(cause: 1)!.stepEstimate == [0, 0, 0.5, 0.5])
    }
}
