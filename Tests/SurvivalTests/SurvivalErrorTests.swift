import Testing
@testable import Survival

/// Bad arguments throw ``SurvivalError`` naming the argument and the problem (never a trap).
@Suite struct SurvivalErrorTests {
    let t: [Double] = [1, 2, 3, 4]
    let e = [true, false, true, true]

    @Test func kaplanMeier() {
        #expect(throws: SurvivalError.lengthMismatch(argument: "event", count: 3, reference: "time", expected: 4)) {
            try KaplanMeier(time: t, event: [true, false, true])
        }
        #expect(throws: SurvivalError.notFinite(argument: "time", index: 2, value: .infinity)) {
            try KaplanMeier(time: [1, 2, .infinity, 4], event: e)
        }
        #expect(throws: SurvivalError.negativeTime(argument: "time", index: 1, value: -2)) {
            try KaplanMeier(time: [1, -2, 3, 4], event: e)
        }
        #expect(throws: SurvivalError.invalidWeight(index: 3, value: 0)) {
            try KaplanMeier(time: t, event: e, weights: [1, 1, 1, 0])
        }
        #expect(throws: SurvivalError.lengthMismatch(argument: "weights", count: 2, reference: "time", expected: 4)) {
            try KaplanMeier(time: t, event: e, weights: [1, 1])
        }
        #expect(throws: SurvivalError.invalidParameter(name: "confidenceLevel", value: 1.5,
                                                      requirement: "strictly between 0 and 1")) {
            try KaplanMeier(time: t, event: e, confidenceLevel: 1.5)
        }
        #expect(throws: SurvivalError.lengthMismatch(argument: "group", count: 1, reference: "time", expected: 4)) {
            try KaplanMeier.byGroup(time: t, event: e, group: ["a"])
        }
        #expect(throws: SurvivalError.notFinite(argument: "time", index: 0, value: .nan)) {
            try KaplanMeier.reverse(time: [.nan], event: [true])
        }
    }

    @Test func emptyKaplanMeierIsAnEmptyCurve() throws {
        let fit = try KaplanMeier(time: [], event: [])
        #expect(fit.time.isEmpty && fit.observations == 0 && fit.median.estimate == nil)
    }

    @Test func logRank() {
        #expect(throws: SurvivalError.noObservations) { try LogRankTest(time: [], event: [], group: []) }
        #expect(throws: SurvivalError.lengthMismatch(argument: "group", count: 3, reference: "time", expected: 4)) {
            try LogRankTest(time: t, event: e, group: [0, 1, 0])
        }
        #expect(throws: SurvivalError.indexOutOfRange(argument: "group", index: 3, value: 2, count: 2)) {
            try LogRankTest(time: t, event: e, group: [0, 1, 0, 2], groupCount: 2)
        }
        #expect(throws: SurvivalError.indexOutOfRange(argument: "group", index: 1, value: -1, count: 2)) {
            try LogRankTest(time: t, event: e, group: [0, -1, 0, 1])
        }
        #expect(throws: SurvivalError.lengthMismatch(argument: "strata", count: 1, reference: "time", expected: 4)) {
            try LogRankTest(time: t, event: e, group: [0, 1, 0, 1], strata: [0])
        }
        #expect(throws: SurvivalError.invalidParameter(name: "rho", value: -1, requirement: "a finite number ≥ 0")) {
            try LogRankTest(time: t, event: e, group: [0, 1, 0, 1], rho: -1)
        }
        #expect(throws: SurvivalError.negativeTime(argument: "time", index: 0, value: -1)) {
            try LogRankTest(time: [-1, 2, 3, 4], event: e, group: [0, 1, 0, 1])
        }
        #expect(throws: SurvivalError.invalidParameter(name: "groupCount", value: 5001,
                                                      requirement: "at most 5000 (the variance matrix is k × k)")) {
            try LogRankTest(time: t, event: e, group: [0, 1, 0, 1], groupCount: 5001)
        }
    }

    @Test func cumulativeIncidence() {
        #expect(throws: SurvivalError.noObservations) { try CumulativeIncidence(time: [], cause: []) }
        #expect(throws: SurvivalError.lengthMismatch(argument: "cause", count: 2, reference: "time", expected: 4)) {
            try CumulativeIncidence(time: t, cause: [0, 1])
        }
        #expect(throws: SurvivalError.lengthMismatch(argument: "group", count: 2, reference: "time", expected: 4)) {
            try CumulativeIncidence(time: t, cause: [0, 1, 2, 1], group: [0, 1])
        }
        #expect(throws: SurvivalError.lengthMismatch(argument: "strata", count: 2, reference: "time", expected: 4)) {
            try CumulativeIncidence(time: t, cause: [0, 1, 2, 1], group: [0, 1, 0, 1], strata: [0, 1])
        }
        #expect(throws: SurvivalError.notFinite(argument: "time", index: 3, value: -.infinity)) {
            try CumulativeIncidence(time: [1, 2, 3, -.infinity], cause: [0, 1, 2, 1])
        }
        #expect(throws: SurvivalError.invalidParameter(name: "rho", value: .nan, requirement: "a finite number ≥ 0")) {
            try CumulativeIncidence(time: t, cause: [0, 1, 2, 1], rho: .nan)
        }
        let many = (0..<101).map(Double.init)
        #expect(throws: SurvivalError.tooManyValues(argument: "cause", count: 101, limit: 100)) {
            try CumulativeIncidence(time: many, cause: (1...101).map { $0 })
        }
    }

    @Test func concordance() {
        #expect(throws: SurvivalError.lengthMismatch(argument: "score", count: 3, reference: "time", expected: 4)) {
            try Concordance(time: t, event: e, score: [1, 2, 3])
        }
        #expect(throws: SurvivalError.notFinite(argument: "score", index: 1, value: .nan)) {
            try Concordance(time: t, event: e, score: [1, .nan, 3, 4])
        }
        #expect(throws: SurvivalError.invalidWeight(index: 0, value: -1)) {
            try Concordance(time: t, event: e, score: [1, 2, 3, 4], weights: [-1, 1, 1, 1])
        }
        #expect(throws: SurvivalError.lengthMismatch(argument: "entry", count: 1, reference: "time", expected: 4)) {
            try Concordance(time: t, event: e, score: [1, 2, 3, 4], entry: [0])
        }
        #expect(
            throws: SurvivalError.invalidParameter(name: "entry[2]", value: 3, requirement: "before the exit time 3.0")
        ) {
            try Concordance(time: t, event: e, score: [1, 2, 3, 4], entry: [0, 0, 3, 0])
        }
    }

    @Test func coxPrediction() throws {
        let model = try CoxModel(time: [1, 2, 3, 4, 5, 6], event: [true, true, false, true, true, false],
                                 covariates: [[0, 1, 0, 1, 1, 0]])
        #expect(throws: SurvivalError.lengthMismatch(argument: "covariates", count: 2,
                                                    reference: "the model's coefficients", expected: 1)) {
            try CoxPrediction(model: model, covariates: [1, 2])
        }
        #expect(throws: SurvivalError.notFinite(argument: "covariates", index: 0, value: .infinity)) {
            try model.predictedSurvival([[0], [.infinity]])
        }
    }

    @Test func matrix() {
        #expect(throws: SurvivalError.lengthMismatch(argument: "rows[1]", count: 1, reference: "rows", expected: 2)) {
            try Matrix(rows: [[1, 2], [3]])
        }
    }

    @Test func messagesNameTheArgumentAndValue() {
        #expect(SurvivalError.lengthMismatch(argument: "event", count: 3, reference: "time", expected: 4).description
                == "event has 3 values but time has 4")
        #expect(SurvivalError.invalidWeight(index: 2, value: -0.5).description
                == "weights[2] is -0.5; weights must be positive and finite")
        #expect(SurvivalError.indexOutOfRange(argument: "group", index: 3, value: 7, count: 2).description
                == "group[3] is 7, outside 0..<2")
    }
}
