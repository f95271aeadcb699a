import Testing
@testable import Survival

/// The shared result types against closed forms (R: exp, 2 * pnorm(-z), qnorm, pchisq), and the
/// parallelism option against itself.
@Suite struct ResultTypeTests {
    @Test func chiSquareTestTakesPFromTheChiSquareDistribution() {
        // R: pchisq(7.5, 3, lower.tail = FALSE) = 0.057558451972636406
        let t = ChiSquareTest(statistic: 7.5, degreesOfFreedom: 3)
        #expect(abs(t.pValue - 0.057558451972636406) <= 1e-12 * 0.0576)
        #expect(ChiSquareTest(statistic: .nan, degreesOfFreedom: 2).pValue.isNaN)
        #expect(ChiSquareTest(statistic: 1, degreesOfFreedom: 0).pValue.isNaN)
        #expect(ChiSquareTest.notComputed(degreesOfFreedom: 1).statistic.isNaN)
    }

    @Test func coefficientSummaryIsTheWaldSummaryOfTheStandardErrorItUses() {
        // β = 0.5, se = 0.2. R: exp(0.5); 2 * pnorm(-2.5); exp(0.5 + c(-1, 1) * qnorm(0.975) * 0.2)
        let s = CoefficientSummary(coefficient: 0.5, modelStandardError: 0.2)
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * abs(b) }
        #expect(close(s.hazardRatio, 1.648721270700128194))
        #expect(close(s.z, 2.5) && close(s.pValue, 0.012419330651552270))
        #expect(close(s.lower, 1.114055770003758994) && close(s.upper, 2.439987208584605494))
        #expect(s.standardError == 0.2 && s.modelStandardError == 0.2 && s.robustStandardError == nil)
        // a robust standard error, when given, is the one z, p and the limits use (R's summary(coxph(robust = TRUE)))
        let r = CoefficientSummary(coefficient: 0.5, modelStandardError: 0.3, robustStandardError: 0.2)
        #expect(r.standardError == 0.2 && r.modelStandardError == 0.3)
        #expect(r.z == s.z && r.pValue == s.pValue && r.lower == s.lower && r.upper == s.upper)
    }

    @Test func coxSummaryRowsMatchTheArraysForRobustAndModelBasedFits() throws {
        let time: [Double] = [5, 8, 8, 12, 15, 17, 20, 23, 27, 30, 31, 35, 40, 42, 45, 50]
        let event = [
            true, true, false, true, false, true, true, false, true, true, false, true, false, true, true, false,
        ]
        let x: [Double] = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0]
        let age: [Double] = [61, 55, 70, 48, 66, 59, 72, 50, 63, 58, 45, 69, 52, 60, 57, 49]
        for robust in [false, true] {
            let fit = try CoxModel(time: time, event: event, covariates: [x, age], robust: robust)
            let rows = fit.coefficientSummaries()
            let (lo, hi) = fit.hazardRatioInterval()
            for k in 0..<2 {
                #expect(rows[k].modelStandardError == fit.modelStandardErrors[k])
                #expect(rows[k].robustStandardError == fit.robustStandardErrors?[k])
                #expect(rows[k].standardError == fit.standardErrors[k])
                #expect(rows[k].z == fit.zScores[k] && rows[k].pValue == fit.pValues[k])
                #expect(rows[k].lower == lo[k] && rows[k].upper == hi[k])
                #expect(fit.estimate(k) == rows[k])
            }
            #expect((fit.standardErrors != fit.modelStandardErrors) == robust)
        }
    }

    @Test func parallelismDoesNotChangeTheResult() throws {
        let n = 3000
        var state: UInt64 = 42
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        let time = (0..<n).map { _ in (next() * 100).rounded() / 10 + 0.1 }
        let event = (0..<n).map { _ in next() < 0.7 }
        let x = (0..<n).map { _ in next() }
        let serial = try CoxModel(time: time, event: event, covariates: [x], parallelism: .serial)
        let parallel = try CoxModel(time: time, event: event, covariates: [x], parallelism: .twoThreads)
        #expect(serial.concordance == parallel.concordance)
        #expect(serial.martingaleResiduals == parallel.martingaleResiduals)
        #expect(serial.coefficients == parallel.coefficients)
        let c1 = try Concordance(time: time, event: event, score: x, parallelism: .serial)
        let c2 = try Concordance(time: time, event: event, score: x)
        #expect(c1 == c2)
    }

    /// With enough rows × terms each Newton step is split over two threads by rows of the information
    /// matrix; the fit is the same bit for bit, for both tie methods, with strata, weights and entry times.
    @Test func twoThreadNewtonStepsGiveTheSameFit() throws {
        let n = 20_000, p = 10
        var state: UInt64 = 7
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        let time = (0..<n).map { _ in (next() * 300).rounded() + 1 }       // many ties
        let event = (0..<n).map { _ in next() < 0.6 }
        let x = (0..<p).map { j in (0..<n).map { _ in j == 0 ? (next() < 0.5 ? 1 : 0) : next() * Double(j) } }
        let strata = (0..<n).map { _ in next() < 0.3 ? 1 : 0 }
        let weights = (0..<n).map { _ in 0.5 + next() }
        let entry = time.map { $0 - 1 - (next() * 0.5) }
        for ties in CoxModel.Ties.allCases {
            let designs: [([Int]?, [Double]?, [Double]?)] = [(nil, nil, nil), (strata, weights, nil), (nil, nil, entry)]
            for (s, w, e) in designs {
                let one = try CoxModel(time: time, event: event, covariates: x, entry: e, strata: s, weights: w,
                                       ties: ties, parallelism: .serial)
                let two = try CoxModel(time: time, event: event, covariates: x, entry: e, strata: s, weights: w,
                                       ties: ties, parallelism: .twoThreads)
                #expect(one.coefficients == two.coefficients)
                #expect(one.standardErrors == two.standardErrors)
                #expect(one.logLikelihood.final == two.logLikelihood.final)
                #expect(one.iterations == two.iterations)
                #expect(one.concordance == two.concordance)
            }
        }
    }

    /// Kaplan–Meier on more than 2²⁰ rows tallies the two halves side by side: the same curve, including
    /// a time only one half holds and −0 written in one half only.
    @Test func twoThreadTallyGivesTheSameCurve() throws {
        let n = (1 << 20) + 1000
        var state: UInt64 = 11
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var time = (0..<n).map { _ in (next() * 1000).rounded() / 4 }
        let event = (0..<n).map { _ in next() < 0.7 }
        time[10] = 5000          // first half only
        time[n - 3] = 6000       // second half only
        time[n - 5] = -0.0
        let one = try KaplanMeier(time: time, event: event, parallelism: .serial)
        let two = try KaplanMeier(time: time, event: event, parallelism: .twoThreads)
        #expect(one.time == two.time)
        #expect(one.time.first?.sign == two.time.first?.sign)
        #expect(one.atRisk == two.atRisk && one.events == two.events && one.censored == two.censored)
        #expect(one.survival == two.survival && one.logStandardError == two.logStandardError)
    }
}
