import Foundation
import Testing
@testable import Survival

@Suite struct CoxPredictionTests {
    @Test func matchesSurvfitCoxph() throws {
        let cases = try Fixture.cases("survfit_coxph.json")
        #expect(!cases.isEmpty)
        for c in cases {
            let name = c["name"] as! String
            let table = try Fixture.table(c["data"] as! String)
            let timeCol = c["time"] as! String, eventCol = c["event"] as! String
            let covariates = c["covariates"] as! [String]
            let startCol = c["start"] as? String, strataCol = c["strata"] as? String
            let rows = completeRows(table, [timeCol, eventCol] + covariates + [startCol, strataCol].compactMap { $0 })
            let x = modelColumns(table, covariates, rows: rows)
            let strata = strataCol.map { fixtureGroups(table[$0]!, rows: rows).index }
            let ties: CoxModel.Ties = (c["ties"] as! String) == "efron" ? .efron : .breslow
            let fit = try CoxModel(time: table[timeCol]!.doubles(rows), event: table[eventCol]!.bools(rows),
                                   covariates: x.columns, entry: startCol.map { table[$0]!.doubles(rows) },
                                   strata: strata, ties: ties)
            for (j, b) in (c["coef"] as! [Any]).enumerated() { expectClose(fit.coefficients[j], b, "\(name) coef") }
            for (j, m) in (c["means"] as! [Any]).enumerated() { expectClose(fit.means[j], m, "\(name) means") }
            let newdata = (c["newdata"] as! [[String: Any]]).map { row in covariates.map { number(row[$0])! } }
            let predictions = try fit.predictedSurvival(newdata)
            let curves = c["curves"] as! [[String: Any]]
            #expect(predictions.count == curves.count)
            for (i, rc) in curves.enumerated() {
                // no strata in these cases: one curve per newdata row
                let curve = predictions[i].curves[0]
                let what = "\(name) newdata[\(i)]"
                let times = rc["time"] as! [Any]
                #expect(curve.time.count == times.count, "\(what): rows")
                guard curve.time.count == times.count else { continue }
                let fields: [(String, [Double])] = [
                    ("time", curve.time), ("n_risk", curve.atRisk), ("n_event", curve.events),
                    ("surv", curve.survival), ("cumhaz", curve.cumulativeHazard),
                    ("std_err", curve.survivalStandardError), ("cumhaz_se", curve.cumulativeHazardStandardError),
                    ("lower95", curve.lower), ("upper95", curve.upper),
                ]
                for (key, actual) in fields {
                    let expected = rc[key] as! [Any]
                    for k in 0..<times.count { expectClose(actual[k], expected[k], "\(what) \(key)[\(k)]") }
                }
            }
        }
    }

    /// β fixed at 0 (no iterations), two strata, Efron ties in stratum B; x ∈ {0, 1} so the mean is 0.
    /// Stratum A (t, x, event): (1,0,1) (2,1,1) (3,0,0). dΛ = 1/3, 1/2; dV = 1/9, 1/4; x̄·dΛ = 1/9, 1/4.
    /// Stratum B: (2,1,1) (2,0,1) (4,1,1). At t=2, d=2, S0=3, S0_D=2: den = 3, 2 → dΛ = 1/3 + 1/2 = 5/6,
    /// dV = 1/9 + 1/4 = 13/36, x̄ = 2/3, 3/4 → x̄·dΛ = 2/9 + 3/8 = 43/72. At t=4: dΛ = 1, x̄ = 1.
    /// Efron information at 0: 2/9 + 1/4 (A) + 2/9 + 3/16 (B) = 127/144, so V = 144/127.
    /// For z = 1: d(t) = Σ(dΛ − x̄·dΛ): A: 2/9, 17/36; B: 17/72, 17/72. Var H = Σ dV + d²·V.
    @Test func handComputedStrataAtZero() throws {
        var control = CoxModel.Control()
        control.maxIterations = 0
        let fit = try CoxModel(time: [1, 2, 3, 2, 2, 4], event: [true, true, false, true, true, true],
                               covariates: [[0, 1, 0, 1, 0, 1]], strata: [0, 0, 0, 1, 1, 1], control: control)
        #expect(fit.coefficients == [0])
        expectClose(fit.variance[0, 0], 144.0 / 127, "V")
        let v = 144.0 / 127
        let pred = try CoxPrediction(model: fit, covariates: [1])
        #expect(pred.curves.count == 2)
        let a = pred.curves[0], b = pred.curves[1]
        #expect(a.stratum == 0 && b.stratum == 1)
        #expect(a.time == [1, 2, 3])
        #expect(a.atRisk == [3, 2, 1])
        #expect(a.events == [1, 1, 0])
        #expect(a.censored == [0, 0, 1])
        let hA = [1.0 / 3, 5.0 / 6, 5.0 / 6]
        let dA = [2.0 / 9, 17.0 / 36, 17.0 / 36]
        let v0A = [1.0 / 9, 1.0 / 9 + 1.0 / 4, 1.0 / 9 + 1.0 / 4]
        for k in 0..<3 {
            expectClose(a.cumulativeHazard[k], hA[k], "A H[\(k)]")
            expectClose(a.survival[k], exp(-hA[k]), "A S[\(k)]")
            let se: Double = (v0A[k] + dA[k] * dA[k] * v).squareRoot()
            expectClose(a.cumulativeHazardStandardError[k], se, "A se[\(k)]")
            expectClose(a.lower[k], exp(-hA[k] - 1.959963984540054 * se), "A lower[\(k)]")
            expectClose(a.upper[k], min(1, exp(-hA[k] + 1.959963984540054 * se)), "A upper[\(k)]")
        }
        #expect(b.time == [2, 4])
        #expect(b.atRisk == [3, 1])
        #expect(b.events == [2, 1])
        let hB = [5.0 / 6, 11.0 / 6]
        let v0B = [13.0 / 36, 13.0 / 36 + 1]
        let dB = 17.0 / 72
        for k in 0..<2 {
            expectClose(b.cumulativeHazard[k], hB[k], "B H[\(k)]")
            let se: Double = (v0B[k] + dB * dB * v).squareRoot()
            expectClose(b.cumulativeHazardStandardError[k], se, "B se[\(k)]")
        }
    }

    /// Counting-process data (entry, exit]: (0,2] event x=0, (1,3] event x=1, (2,4] censored x=0. β = 0.
    /// t=2: rows 1, 2 at risk (row 3 enters at 2, so not yet) → dΛ = 1/2, x̄ = 1/2. t=3: rows 2, 3 →
    /// dΛ = 1/2, x̄ = 1/2. I = 1/4 + 1/4 → V = 2. For z = 0: d = −1/4, −1/2; Var H = 1/4 + 2/16, 1/2 + 2/4.
    @Test func handComputedCountingProcess() throws {
        var control = CoxModel.Control()
        control.maxIterations = 0
        let fit = try CoxModel(time: [2, 3, 4], event: [true, true, false], covariates: [[0, 1, 0]],
                               entry: [0, 1, 2], control: control)
        let curve = try CoxPrediction(model: fit, covariates: [0]).curves[0]
        #expect(curve.time == [2, 3, 4])
        #expect(curve.atRisk == [2, 2, 1])
        let h = [0.5, 1, 1], varH = [0.375, 1, 1]
        for k in 0..<3 {
            expectClose(curve.cumulativeHazard[k], h[k], "H[\(k)]")
            expectClose(curve.cumulativeHazardStandardError[k], varH[k].squareRoot(), "se[\(k)]")
        }
    }
}
