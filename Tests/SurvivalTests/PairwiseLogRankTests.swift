import Testing
@testable import Survival

/// Pairwise log-rank tests and p-value adjustment against R (fixtures/r/pairwise_logrank.json,
/// scripts/fixtures/make-methods-fixtures.R: survdiff on each pair's rows, p.adjust over the family —
/// survminer's pairwise_survdiff written out in base R).
@Suite struct PairwiseLogRankTests {
    nonisolated(unsafe) static let cases = (try? Fixture.cases("pairwise_logrank.json")) ?? []
    static let tolerance = 1e-10

    @Test func fixturesPresent() { #expect(Self.cases.count >= 6) }

    @Test(arguments: cases.map { $0["name"] as! String })
    func matchesR(name: String) throws {
        let c = Self.cases.first { $0["name"] as! String == name }!
        let table = try Fixture.table(c["data"] as! String)
        let timeCol = c["time"] as! String, eventCol = c["event"] as! String, groupCol = c["group"] as! String
        let strataCol = c["strata"] as? String
        let rows = completeRows(table, [timeCol, eventCol, groupCol] + (strataCol.map { [$0] } ?? []))
        let labels = table[groupCol]!.strings(rows)
        let levels = Array(Set(labels)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let group = labels.map { levels.firstIndex(of: $0)! }
        let strata = strataCol.map { col -> [Int] in
            let s = table[col]!.strings(rows)
            let lv = Array(Set(s)).sorted()
            return s.map { lv.firstIndex(of: $0)! }
        }
        let comparisons: PairwiseLogRank.Comparisons = (c["reference"] as? String).map {
            .againstReference(levels.firstIndex(of: $0)!)
        } ?? .allPairs
        let refPairs = c["pairs"] as! [[String: Any]]
        let adjusted = c["adjusted"] as! [String: Any]
        for method in PValueAdjustment.allCases {
            let pw = try PairwiseLogRank(time: table[timeCol]!.doubles(rows), event: table[eventCol]!.bools(rows),
                                         group: group, groupCount: levels.count, strata: strata,
                                         rho: number(c["rho"])!, comparisons: comparisons, adjustment: method)
            #expect(pw.pairs.count == refPairs.count)
            let expected = adjusted[method.rawValue] as! [Any]
            for (k, (p, r)) in zip(pw.pairs, refPairs).enumerated() {
                #expect(levels[p.first] == r["group1"] as! String && levels[p.second] == r["group2"] as! String)
                let w = "\(name) \(levels[p.first])–\(levels[p.second]) \(method)"
                expectClose(p.test.statistic, r["chisq"], rel: Self.tolerance, "\(w) chisq")
                expectClose(p.test.pValue, r["p"], rel: Self.tolerance, "\(w) p")
                expectClose(p.adjustedPValue, expected[k], rel: Self.tolerance, "\(w) adjusted")
            }
        }
    }

    /// R's documented p.adjust example values, by hand: Holm's step-down is monotone and capped at 1.
    @Test func adjustmentClosedForms() {
        let p = [0.01, 0.04, 0.03, 0.5]
        #expect(PValueAdjustment.bonferroni.adjusted(p) == [0.04, 0.16, 0.12, 1])
        let holm = PValueAdjustment.holm.adjusted(p)
        for (a, b) in zip(holm, [0.04, 0.09, 0.09, 0.5]) { #expect(abs(a - b) < 1e-15) }
        let bh = PValueAdjustment.benjaminiHochberg.adjusted(p)
        for (a, b) in zip(bh, [0.04, 0.16 / 3, 0.16 / 3, 0.5]) { #expect(abs(a - b) < 1e-15) }
        let withNaN = PValueAdjustment.bonferroni.adjusted([0.01, .nan, 0.2])
        #expect(withNaN[0] == 0.02 && withNaN[1].isNaN && withNaN[2] == 0.4)
        #expect(PValueAdjustment.holm.adjusted([]) == [])
    }

    @Test func emptyGroupAndBadReference() throws {
        let pw = try PairwiseLogRank(time: [1, 2, 3, 4], event: [true, true, false, true], group: [0, 0, 2, 2],
                                     groupCount: 3, adjustment: .holm)
        #expect(pw.pairs.count == 3)
        #expect(pw.pairs[0].notPossible == .fewerThanTwoGroups && pw.pairs[0].test.pValue.isNaN)
        #expect(pw.pairs[1].notPossible == nil)
        // one possible test: its adjusted p equals its raw p
        #expect(pw.pairs[1].adjustedPValue == pw.pairs[1].test.pValue)
        #expect(throws: SurvivalError.self) {
            try PairwiseLogRank(time: [1, 2], event: [true, true], group: [0, 1], comparisons: .againstReference(5))
        }
        #expect(throws: SurvivalError.self) { try PairwiseLogRank(time: [1, -2], event: [true, true], group: [0, 1]) }
    }
}
