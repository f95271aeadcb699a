import Testing
@testable import Survival

/// Data that hold no comparison give "not possible" with a reason, never a p-value of 1. The R
/// behaviour quoted for each case was checked with survival 3.x and cmprsk 2.2 (see
/// scripts/fixtures/degenerate-tests.R).
@Suite struct DegenerateTestTests {
    let t: [Double] = [1, 2, 3, 4, 5, 6]
    let e = [true, false, true, true, false, true]
    let g = [0, 0, 0, 1, 1, 1]

    @Test func logRankWithOneGroup() throws {
        // R: survdiff stops, "There is only 1 group"
        let test = try LogRankTest(time: t, event: e, group: [0, 0, 0, 0, 0, 0])
        #expect(test.notPossible == .fewerThanTwoGroups)
        #expect(test.test.statistic.isNaN && test.test.pValue.isNaN && test.test.degreesOfFreedom == 0)
        // an empty declared group does not count
        let declared = try LogRankTest(time: t, event: e, group: [1, 1, 1, 1, 1, 1], groupCount: 3)
        #expect(declared.notPossible == .fewerThanTwoGroups)
    }

    @Test func logRankWithoutEvents() throws {
        // R: Chisq= 0 on -1 degrees of freedom, p= NA
        let test = try LogRankTest(time: t, event: [Bool](repeating: false, count: 6), group: g)
        #expect(test.notPossible == .noEvents)
        #expect(test.test.pValue.isNaN)
        #expect(test.observed == [0, 0] && test.expected == [0, 0] && test.count == [3, 3])
    }

    @Test func logRankWithGroupsNestedInStrata() throws {
        // R: solve(): "system is exactly singular"
        let test = try LogRankTest(time: t, event: e, group: g, strata: [7, 7, 7, 9, 9, 9])
        #expect(test.notPossible == .groupsNestedInStrata)
        #expect(test.test.pValue.isNaN)
    }

    @Test func logRankWithEveryoneDyingAtOneTime() throws {
        // R: "system is exactly singular" (n − d = 0 at the only event time)
        let test = try LogRankTest(
            time: [Double](repeating: 1, count: 6), event: [Bool](repeating: true, count: 6), group: g)
        #expect(test.notPossible == .singularVariance)
        #expect(test.test.pValue.isNaN)
    }

    @Test func logRankWithEventsInOneGroupStillTests() throws {
        // R: Chisq = 3.571429 on 1 df, p = 0.05878172 (closed form: O−E = 1.25, V = 0.4375)
        let test = try LogRankTest(time: t, event: [true, false, true, false, false, false], group: g)
        #expect(test.notPossible == nil)
        #expect(abs(test.test.statistic - 1.25 * 1.25 / 0.4375) < 1e-12)
        #expect(abs(test.test.pValue - 0.05878172135133) < 1e-10)
        #expect(test.test.degreesOfFreedom == 1)
    }

    @Test func grayTestWithGroupsNestedInStrata() throws {
        // cmprsk: stat −1, pv 1 for both causes
        let fit = try CumulativeIncidence(time: t, cause: [1, 0, 2, 1, 0, 1], group: g, strata: [1, 1, 1, 2, 2, 2])
        #expect(fit.tests.count == 2)
        for test in fit.tests {
            #expect(test.notPossible == .groupsNestedInStrata)
            #expect(test.test.statistic.isNaN && test.test.pValue.isNaN)
        }
    }

    @Test func grayTestWithSingularVariance() throws {
        // cmprsk: cause 1 stat −1, pv 1 (cause 1 fails only after group 0 has left); cause 2 stat 3, p 0.0833
        let fit = try CumulativeIncidence(time: t, cause: [0, 0, 2, 1, 0, 1], group: g)
        #expect(fit.test(cause: 1)?.notPossible == .singularVariance)
        #expect(fit.test(cause: 1)?.test.pValue.isNaN == true)
        let two = try #require(fit.test(cause: 2))
        #expect(two.notPossible == nil)
        #expect(abs(two.test.statistic - 3) < 1e-10)
        #expect(abs(two.test.pValue - 0.08326451666355) < 1e-10)
    }

    @Test func grayTestWithOneGroupIsAbsent() throws {
        // cmprsk: no $Tests with one group
        let fit = try CumulativeIncidence(time: t, cause: [1, 0, 2, 1, 0, 1], group: [3, 3, 3, 3, 3, 3])
        #expect(fit.tests.isEmpty)
    }

    @Test func grayTestWithTooManyGroups() throws {
        // 51 groups: curves are estimated, Gray's test is not (its cost is cubic in the groups)
        let n = 102
        let fit = try CumulativeIncidence(time: (0..<n).map { Double($0 % 7 + 1) }, cause: (0..<n).map { $0 % 3 },
                                          group: (0..<n).map { $0 % 51 })
        #expect(fit.groups.count == 51 && !fit.curves.isEmpty)
        #expect(fit.tests.map(\.notPossible) == [.tooManyGroups, .tooManyGroups])
    }

    @Test func cumulativeIncidenceWithoutFailures() throws {
        // cmprsk stops ("NAs in foreign function call"); here: no causes, no curves, no tests
        let fit = try CumulativeIncidence(time: t, cause: [0, 0, 0, 0, 0, 0], group: g)
        #expect(fit.causes.isEmpty && fit.curves.isEmpty && fit.tests.isEmpty)
    }
}
