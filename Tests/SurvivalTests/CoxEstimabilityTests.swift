import Foundation
import Testing
@testable import Survival

/// Estimability as data for CoxModel and FineGray: each rule on data built to trigger it (and checked in R
/// for the warning or the diverging estimate), and no term flagged on the R fixture fits that are fine.
@Suite struct CoxEstimabilityTests {
    // 12 subjects, events at odd times; x1 falls with time, so every death has the largest x1 of its risk
    // set and the partial likelihood rises without bound in β₁. R: coxph(Surv(t, e) ~ x1 + x2) warns
    // "Ran out of iterations and did not converge" with β₁ = 18.7, se 4827.
    static let t = (1...12).map(Double.init)
    static let e = (1...12).map { $0 % 2 == 1 }
    static let x1 = (1...12).map { 12 - Double($0) }
    static let x2 = [0.3, -1.2, 0.8, 0.1, -0.5, 1.4, -0.9, 0.6, 0.2, -0.3, 1.1, -0.7]

    @Test func separatedContinuousCovariateIsMonotone() throws {
        let m = try CoxModel(time: Self.t, event: Self.e, covariates: [Self.x1, Self.x2])
        #expect(m.warnings.first == "Ran out of iterations and did not converge")
        #expect(m.status == .notEstimable(.notConverged))
        #expect(m.termStatus[0] == .notEstimable(.monotoneLikelihood))
        #expect(m.termStatus[1] == .notEstimable(.notConverged))
        #expect(m.estimate(0) == nil && m.estimate(1) == nil)
        #expect(!m.isEstimable(0))
    }

    // All events at g = 1: R coxph(Surv(t, e) ~ g + x2) warns "Loglik converged before variable 1"
    // (β = 21.1); the data check names the reason directly.
    @Test func levelWithoutEvents() throws {
        let g = zip(Self.e, [1.0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 0]).map { $0 ? 1 : $1 }
        let m = try CoxModel(time: Self.t, event: Self.e, covariates: [g, Self.x2])
        #expect(m.warnings == ["Loglik converged before variable  1 ; coefficient may be infinite. "])
        #expect(m.status == .estimable)
        #expect(m.termStatus == [.notEstimable(.noEventsInLevel), .estimable])
        #expect(m.estimate(0) == nil)
        let e = try #require(m.estimate(1))
        #expect(e.hazardRatio == m.hazardRatios[1])
        #expect(e.lower == m.hazardRatioInterval().lower[1] && e.upper == m.hazardRatioInterval().upper[1])
        #expect(e.pValue == m.pValues[1] && e.z == m.zScores[1] && e.standardError == m.standardErrors[1])
    }

    @Test func modelLevelReasons() throws {
        let none = try CoxModel(time: [1, 2, 3], event: [false, false, false], covariates: [[0, 1, 0]])
        #expect(none.status == .notEstimable(.noEvents))
        #expect(none.termStatus == [.notEstimable(.noEvents)])
        let few = try CoxModel(time: [1, 2, 3, 4, 5], event: [true, false, false, false, false],
                               covariates: [[0.5, 1, 0.2, 3, 1], [1, 4, 2, 2, 0]])
        #expect(few.status == .notEstimable(.fewerEventsThanTerms))
        #expect(few.termStatus.allSatisfy { $0 == .notEstimable(.fewerEventsThanTerms) })
        #expect(few.estimate(0) == nil)
    }

    @Test func constantColumnIsAliased() throws {
        let m = try CoxModel(time: Self.t, event: Self.e, covariates: [Self.x2, [Double](repeating: 2, count: 12)])
        #expect(m.termStatus == [.estimable, .notEstimable(.aliased)])
        #expect(m.aliased == [1])
    }

    /// The R fixture cases with a warning or an NA get the matching status; every other fixture term is
    /// estimable (no false alarms on ordinary data).
    @Test(arguments: CoxModelTests.cases.map { $0["name"] as! String })
    func fixtureStatuses(name: String) throws {
        let c = CoxModelTests.cases.first { $0["name"] as! String == name }!
        let m = try CoxModelTests.fit(c).model
        let expected: [Int: Estimability.Reason]
        switch name {
        case "one_patient_level": expected = [4: .noEventsInLevel]
        case "singular": expected = [2: .aliased]
        case "one_event_monotone": expected = [0: .monotoneLikelihood]   // R: "Ran out of iterations"; one event
        default: expected = [:]
        }
        for k in 0..<m.coefficients.count {
            let want: Estimability = expected[k].map { .notEstimable($0) } ?? .estimable
            #expect(m.termStatus[k] == want, "\(name) term \(k + 1): \(m.termStatus[k])")
            #expect((m.estimate(k) == nil) == (want != .estimable))
        }
    }

    @Test func badArgumentsThrowSurvivalError() {
        #expect(throws: SurvivalError.noObservations) { try CoxModel(time: [], event: [], covariates: []) }
        #expect(
            throws: SurvivalError.lengthMismatch(argument: "covariates[1]", count: 2, reference: "time", expected: 3)
        ) {
            try CoxModel(time: [1, 2, 3], event: [true, false, true], covariates: [[1, 2, 3], [1, 2]])
        }
        #expect(throws: SurvivalError.notFinite(argument: "covariates[0]", index: 1, value: .nan)) {
            try CoxModel(time: [1, 2, 3], event: [true, false, true], covariates: [[1, .nan, 3]])
        }
        #expect(throws: SurvivalError.invalidWeight(index: 2, value: 0)) {
            try CoxModel(time: [1, 2, 3], event: [true, false, true], covariates: [[1, 2, 3]], weights: [1, 1, 0])
        }
        #expect(
            throws: SurvivalError.invalidParameter(name: "entry[0]", value: 1, requirement: "before the exit time 1.0")
        ) {
            try CoxModel(time: [1, 2, 3], event: [true, false, true], covariates: [[1, 2, 3]], entry: [1, 0, 0])
        }
    }

    @Test func statusJSON() throws {
        let values: [Estimability] = [.estimable, .notEstimable(.monotoneLikelihood)]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(values)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text == #"[{"estimable":true},{"estimable":false,"reason":"monotoneLikelihood"}]"#)
        #expect(try JSONDecoder().decode([Estimability].self, from: data) == values)
    }
}

/// Fine–Gray: crr gives no warning, so each rule is checked on data where the coefficient provably
/// diverges.
@Suite struct FineGrayEstimabilityTests {
    static let t = (1...12).map(Double.init)
    static let cause = [1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 0, 2]
    static let x2 = CoxEstimabilityTests.x2

    // Every cause-1 failure has a larger x1 than anyone else in its risk set (including the competing
    // failures kept in it): the pseudo-likelihood rises without bound in β₁. R's crr stops after 10 steps
    // (converged FALSE) at β₁ = 4.107 with se 0.250 — a number that is not an estimate.
    @Test func separatedContinuousCovariateIsMonotone() throws {
        let x1 = zip(Self.cause, Self.t).map { $0 == 1 ? 20 - $1 : -0.1 * $1 }
        let fit = try FineGray(time: Self.t, cause: Self.cause, covariates: [x1, Self.x2])
        #expect(!fit.converged)
        #expect(fit.termStatus[0] == .notEstimable(.monotoneLikelihood))
        #expect(fit.status == .notEstimable(.notConverged))
        #expect(fit.estimate(0) == nil)
    }

    // All cause-1 failures at g = 1 (R's crr: β = 12.3, se 0.81).
    @Test func levelWithoutFailures() throws {
        let g = zip(Self.cause, [0.0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0]).map { $0 == 1 ? 1 : $1 }
        let fit = try FineGray(time: Self.t, cause: Self.cause, covariates: [g, Self.x2])
        #expect(fit.termStatus[0] == .notEstimable(.noEventsInLevel))
        #expect(fit.estimate(0) == nil)
    }

    // 40 subjects whose cause-1 failures all have the largest x of their risk sets. R's crr stops after
    // 10 steps (converged FALSE) at β = 62.43 with se 3.49: z = 17.9, "P < 0.001" for a coefficient that
    // has no finite estimate.
    @Test func monotoneWithLargeZ() throws {
        var time: [Double] = [], cause: [Int] = [], x: [Double] = [], z: [Double] = []
        for i in 0..<40 {
            time.append(Double(i + 1))
            let c = [1, 2, 0, 2, 1, 0, 2, 0][i % 8]
            cause.append(c)
            x.append(c == 1 ? 1 + Double(40 - i) / 40 : Double(i % 5) * 0.1)
            z.append(sin(Double(i) * 1.7))
        }
        let fit = try FineGray(time: time, cause: cause, covariates: [x, z])
        #expect(!fit.converged)
        #expect(fit.termStatus[0] == .notEstimable(.monotoneLikelihood))
        #expect(fit.estimate(0) == nil)
    }

    @Test func fewerFailuresThanTerms() throws {
        let fit = try FineGray(time: [1, 2, 3, 4, 5], cause: [1, 2, 0, 0, 2],
                               covariates: [[0.5, 1, 0.2, 3, 1], [1, 4, 2, 2, 0]])
        #expect(fit.status == .notEstimable(.fewerEventsThanTerms))
        #expect(fit.estimate(1) == nil)
    }

    @Test func fixtureFitsAreEstimable() throws {
        var checked = 0
        for c in try Fixture.cases("cmprsk.json") {
            let table = try Fixture.table(c["data"] as! String)
            let timeCol = c["time"] as! String, statusCol = c["status"] as! String
            for r in c["crr"] as? [[String: Any]] ?? [] {
                let covariates = r["covariates"] as! [String]
                let rows = completeRows(table, [timeCol, statusCol] + covariates)
                let x = modelColumns(table, covariates, rows: rows)
                let fit = try FineGray(time: table[timeCol]!.doubles(rows),
                                       cause: table[statusCol]!.doubles(rows).map { Int($0) },
                                       covariates: x.columns, failureCode: r["failcode"] as! Int,
                                       censorCode: c["cencode"] as! Int)
                for j in 0..<fit.coefficients.count {
                    #expect(fit.termStatus[j] == .estimable, "\(c["name"]!) \(x.names[j]): \(fit.termStatus[j])")
                    let e = try #require(fit.estimate(j))
                    #expect(e.hazardRatio == fit.hazardRatios[j] && e.pValue == fit.pValues[j])
                    checked += 1
                }
            }
        }
        #expect(checked > 0)
    }
}
