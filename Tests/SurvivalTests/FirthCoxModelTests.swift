import Foundation
import Testing
@testable import Survival

/// Firth's penalized Cox regression against an independent R computation of the penalized likelihood's
/// maximum, its profile limits and penalized likelihood-ratio tests (scripts/fixtures/make-firth-fixtures.R,
/// fixtures/r/firth.json); coxphf itself is not available.
@Suite struct FirthCoxModelTests {
    nonisolated(unsafe) static let cases = (try? Fixture.cases("firth.json")) ?? []
    /// The reference maximises to max |gradient| < 1e-11 and locates limits to 1e-13.
    let tolerance = 1e-10

    /// A JSON number or array of numbers (R's toJSON unboxes length-one vectors).
    static func doubles(_ any: Any?) -> [Double] {
        if let a = any as? [Any] { return a.map { number($0)! } }
        return [number(any)!]
    }

    static func fit(_ c: [String: Any], inference: FirthCoxModel.Inference) throws -> FirthCoxModel {
        let covariates = (c["covariates"] as! [Any]).map { doubles($0) }
        return try FirthCoxModel(time: doubles(c["time"]), event: doubles(c["status"]).map { $0 == 1 },
                                 covariates: covariates, inference: inference)
    }

    @Test func fixturesPresent() { #expect(Self.cases.count == 5) }

    @Test(arguments: cases.map { $0["name"] as! String })
    func profileLikelihood(name: String) throws {
        let c = Self.cases.first { $0["name"] as! String == name }!
        let m = try Self.fit(c, inference: .profileLikelihood)
        #expect(m.converged)
        #expect(m.status == .estimable)
        let ll = Self.doubles(c["penalized_loglik"])
        expectClose(m.penalizedLogLikelihood.initial, ll[0], rel: tolerance, "\(name) penalized loglik at 0")
        expectClose(m.penalizedLogLikelihood.final, ll[1], rel: tolerance, "\(name) penalized loglik")
        expectClose(m.logLikelihood, c["loglik"], rel: tolerance, "\(name) loglik")
        expectClose(m.likelihoodRatioTest.statistic, c["lr"], rel: tolerance, "\(name) penalized LR")
        expectClose(m.likelihoodRatioTest.pValue, c["lr_p"], rel: tolerance, "\(name) penalized LR p")
        let variance = (c["variance"] as! [Any]).map { Self.doubles($0) }
        for (i, row) in variance.enumerated() {
            for (j, v) in row.enumerated() { expectClose(m.variance[i, j], v, "\(name) variance[\(i),\(j)]") }
        }
        for (k, t) in (c["terms"] as! [[String: Any]]).enumerated() {
            let w = "\(name) term \(k + 1)"
            #expect(m.termStatus[k] == .estimable, "\(w)")
            let e = try #require(m.estimate(k))
            expectClose(e.coefficient, t["coef"], rel: tolerance, "\(w) coef")
            expectClose(e.standardError, t["se"], rel: tolerance, "\(w) se")
            expectClose(e.hazardRatio, exp(number(t["coef"])!), rel: tolerance, "\(w) hr")
            expectClose(e.lower, t["lower"], rel: tolerance, "\(w) profile lower")
            expectClose(e.upper, t["upper"], rel: tolerance, "\(w) profile upper")
            expectClose(m.statistics[k], t["plr"], rel: tolerance, "\(w) penalized LR statistic")
            expectClose(e.pValue, t["p"], rel: tolerance, "\(w) penalized LR p")
        }
    }

    @Test(arguments: cases.map { $0["name"] as! String })
    func wald(name: String) throws {
        let c = Self.cases.first { $0["name"] as! String == name }!
        let m = try Self.fit(c, inference: .wald)
        for (k, t) in (c["terms"] as! [[String: Any]]).enumerated() {
            let w = "\(name) term \(k + 1)"
            let e = try #require(m.estimate(k))
            expectClose(e.coefficient, t["coef"], rel: tolerance, "\(w) coef")
            expectClose(e.lower, t["wald_lower"], rel: tolerance, "\(w) Wald lower")
            expectClose(e.upper, t["wald_upper"], rel: tolerance, "\(w) Wald upper")
            expectClose(e.pValue, t["wald_p"], rel: tolerance, "\(w) Wald p")
        }
    }

    /// Where the ordinary fit is not estimable, the penalized one is.
    @Test func finiteUnderSeparation() throws {
        let t = CoxEstimabilityTests.t, e = CoxEstimabilityTests.e
        let cox = try CoxModel(time: t, event: e, covariates: [CoxEstimabilityTests.x1, CoxEstimabilityTests.x2])
        #expect(!cox.isEstimable(0))
        let firth = try FirthCoxModel(time: t, event: e, covariates: [CoxEstimabilityTests.x1, CoxEstimabilityTests.x2])
        #expect(firth.isEstimable(0) && firth.coefficients[0].isFinite && firth.limits.upper[0].isFinite)
    }

    @Test func constantColumnAndNoEvents() throws {
        let t = CoxEstimabilityTests.t, e = CoxEstimabilityTests.e
        let m = try FirthCoxModel(
            time: t, event: e, covariates: [CoxEstimabilityTests.x2, [Double](repeating: 1, count: 12)])
        #expect(m.termStatus == [.estimable, .notEstimable(.aliased)])
        #expect(m.coefficients[1].isNaN && m.estimate(1) == nil)
        let none = try FirthCoxModel(time: [1, 2, 3], event: [false, false, false], covariates: [[0, 1, 0]])
        #expect(none.status == .notEstimable(.noEvents) && none.estimate(0) == nil)
        #expect(throws: SurvivalError.lengthMismatch(argument: "event", count: 1, reference: "time", expected: 2)) {
            try FirthCoxModel(time: [1, 2], event: [true], covariates: [])
        }
    }
}
