import Foundation
import Testing
@testable import Survival

@Suite struct FineGrayTests {
    @Test func matchesCrr() throws {
        var compared = 0
        for c in try Fixture.cases("cmprsk.json") {
            let name = c["name"] as! String
            let table = try Fixture.table(c["data"] as! String)
            let timeCol = c["time"] as! String, statusCol = c["status"] as! String
            for r in c["crr"] as! [[String: Any]] {
                let covariates = r["covariates"] as! [String]
                let rows = completeRows(table, [timeCol, statusCol] + covariates)
                #expect(rows.count == r["n"] as! Int)
                let time = table[timeCol]!.doubles(rows)
                let cause = table[statusCol]!.doubles(rows).map { Int($0) }
                let x = modelColumns(table, covariates, rows: rows)
                let failcode = r["failcode"] as! Int
                let fit = try FineGray(time: time, cause: cause, covariates: x.columns, failureCode: failcode,
                                       censorCode: c["cencode"] as! Int)
                let what = "\(name) crr(failcode \(failcode))"
                #expect(fit.converged == (r["converged"] as! Bool), "\(what): converged")
                #expect(fit.observations == r["n"] as! Int)
                expectClose(fit.logLikelihood, r["loglik"], "\(what) loglik")
                expectClose(fit.nullLogLikelihood, r["loglik_null"], "\(what) loglik_null")
                let terms = r["terms"] as! [[String: Any]]
                let (lo, hi) = fit.hazardRatioInterval()
                for (j, t) in terms.enumerated() {
                    #expect(x.names[j] == t["term"] as! String)
                    let term = "\(what) \(x.names[j])"
                    expectClose(fit.coefficients[j], t["coef"], "\(term) coef")
                    expectClose(fit.standardErrors[j], t["se"], "\(term) se")
                    expectClose(fit.hazardRatios[j], t["hr"], "\(term) hr")
                    expectClose(lo[j], t["lower95"], "\(term) lower95")
                    expectClose(hi[j], t["upper95"], "\(term) upper95")
                    expectClose(fit.zScores[j], t["z"], "\(term) z")
                    expectClose(fit.pValues[j], t["p"], "\(term) p")
                }
                let v = r["variance"] as! [[Any]]
                for i in 0..<v.count { for j in 0..<v.count {
                    expectClose(fit.variance[i, j], v[i][j], "\(what) var[\(i),\(j)]")
                } }
                compared += 1
            }
        }
        #expect(compared == 4)
    }

    /// Four subjects, no censoring (so Ĝ ≡ 1 and competing failures stay at risk with weight 1):
    /// A (t=1, competing, x=1), B (t=2, cause 1, x=0), C (t=3, cause 1, x=1), D (t=4, competing, x=0).
    /// With r = e^β: ℓ = −log(2 + 2r) + β − log(1 + 2r); U = 1 − r/(1+r) − 2r/(1+2r) = 0 ⟹ r = 1/√2.
    /// I = r/(1+r)² + 2r/(1+2r)² = 6√2 − 8. No censoring, so ψ = 0 and V = I⁻¹ Σηᵢ² I⁻¹ with the score
    /// residuals ηᵢ written out below (S0 = 2+√2 and 1+√2, x̄ = √2−1 and 2−√2 at t = 2 and 3).
    @Test func handComputedWithoutCensoring() throws {
        let fit = try FineGray(time: [1, 2, 3, 4], cause: [2, 1, 1, 2], covariates: [[1, 0, 1, 0]])
        let s = 2.0.squareRoot(), r = 1 / s
        #expect(fit.converged)
        expectClose(fit.coefficients[0], -0.5 * log(2.0), rel: 1e-6, "beta")
        expectClose(fit.logLikelihood, -log(2 + s) - 0.5 * log(2.0) - log(1 + s), "loglik")
        expectClose(fit.nullLogLikelihood, -log(4.0) - log(3.0), "null loglik")
        let info = 6 * s - 8
        expectClose(fit.information[0, 0], info, "information")
        let h2: Double = 1 / (2 + s), h3: Double = 1 / (1 + s)      // dΛ at x = 0
        let xbar2: Double = s - 1, xbar3: Double = 2 - s
        let etaA: Double = -r * ((1 - xbar2) * h2 + (1 - xbar3) * h3)
        let etaB: Double = -xbar2 + xbar2 * h2
        let etaC: Double = (1 - xbar3) + etaA
        let etaD: Double = xbar2 * h2 + xbar3 * h3
        let etaSum: Double = etaA + etaB + etaC + etaD
        expectClose(etaSum, 0.0, "residuals sum to the score")
        let middle: Double = [etaA, etaB, etaC, etaD].reduce(0) { $0 + $1 * $1 }
        expectClose(fit.variance[0, 0], middle / (info * info), "sandwich variance")
        // baseline jumps d/S0 at x = 0 and the predicted incidence (predict.crr)
        #expect(fit.failureTimes == [2, 3])
        expectClose(fit.baselineHazardIncrements[0], h2, "dΛ(2)")
        expectClose(fit.baselineHazardIncrements[1], h3, "dΛ(3)")
        let f = fit.cumulativeIncidence(covariates: [1])
        let expectedF: Double = 1 - exp(-r * (h2 + h3))
        expectClose(f[1], expectedF, "F(3 | x=1)")
    }

    /// The same data with the codes moved: failure code 3, censor code 9, competing code 7.
    @Test func customCodes() throws {
        let fit = try FineGray(time: [1, 2, 3, 4], cause: [7, 3, 3, 7], covariates: [[1, 0, 1, 0]],
                               failureCode: 3, censorCode: 9)
        expectClose(fit.coefficients[0], -0.5 * log(2.0), "beta")
    }

    /// A single censoring group is the same as none; two groups estimate Ĝ separately (with no censoring
    /// at all, Ĝ ≡ 1 in each, so the fit is unchanged).
    @Test func censoringGroups() throws {
        let time: [Double] = [1, 2, 3, 4, 5, 6, 7, 8], cause = [2, 1, 0, 1, 2, 0, 1, 0]
        let x: [[Double]] = [[0.5, 1.2, -0.3, 0.8, 2.0, 0.1, -1.0, 0.4]]
        let plain = try FineGray(time: time, cause: cause, covariates: x)
        let one = try FineGray(time: time, cause: cause, covariates: x, censoringGroup: [Int](repeating: 7, count: 8))
        #expect(plain.coefficients == one.coefficients)
        #expect(plain.variance == one.variance)
        let uncensored = try FineGray(time: [1, 2, 3, 4], cause: [2, 1, 1, 2], covariates: [[1, 0, 1, 0]],
                                      censoringGroup: [0, 1, 0, 1])
        expectClose(uncensored.coefficients[0], -0.5 * log(2.0), "beta with two censoring groups")
    }

    @Test func noFailuresOfTheCause() {
        #expect(
            throws: SurvivalError.invalidParameter(
                name: "failureCode", value: 1,
                requirement: "the cause of some row (no row fails from cause 1)")
        ) {
            try FineGray(time: [1, 2, 3], cause: [0, 2, 0], covariates: [[1, 2, 3]])
        }
        #expect(
            throws: SurvivalError.lengthMismatch(argument: "covariates[0]", count: 3, reference: "time", expected: 2)
        ) {
            try FineGray(time: [1, 2], cause: [1, 0], covariates: [[1, 2, 3]])
        }
    }
}
