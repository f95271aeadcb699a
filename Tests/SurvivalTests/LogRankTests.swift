import Testing
@testable import Survival

/// Log-rank / G-rho tests against R `survdiff` (fixtures/r/logrank.json).
@Suite struct LogRankTests {
    nonisolated(unsafe) static let cases = (try? Fixture.cases("logrank.json")) ?? []

    @Test(arguments: cases.map { $0["name"] as! String })
    func matchesR(name: String) throws {
        let c = Self.cases.first { $0["name"] as! String == name }!
        let table = try Fixture.table(c["data"] as! String)
        let timeCol = c["time"] as! String, eventCol = c["event"] as! String, groupCol = c["group"] as! String
        let strataCol = c["strata"] as? String
        let rows = completeRows(table, [timeCol, eventCol, groupCol] + (strataCol.map { [$0] } ?? []))
        #expect(rows.count == c["n_rows_used"] as! Int)
        let groupValues = table[groupCol]!.strings(rows)
        let levels = Array(Set(groupValues)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let numericLevels = table[groupCol]!.isNumeric
            ? levels.sorted { Double($0)! < Double($1)! } : levels
        let group = groupValues.map { numericLevels.firstIndex(of: $0)! }
        var strata: [Int]? = nil
        if let strataCol {
            let sv = table[strataCol]!.strings(rows)
            let sl = Array(Set(sv)).sorted()
            strata = sv.map { sl.firstIndex(of: $0)! }
        }
        let test = try LogRankTest(time: table[timeCol]!.doubles(rows), event: table[eventCol]!.bools(rows),
                               group: group, groupCount: numericLevels.count, strata: strata,
                               rho: number(c["rho"])!)
        expectClose(test.test.statistic, c["chisq"], "\(name) chisq")
        #expect(test.test.degreesOfFreedom == c["df"] as! Int)
        expectClose(test.test.pValue, c["p"], "\(name) p")
        for g in c["groups"] as! [[String: Any]] {
            let k = numericLevels.firstIndex(of: g["group"] as! String)!
            #expect(test.count[k] == g["n"] as! Int)
            expectClose(test.observed[k], g["observed"], "\(name) O[\(k)]")
            expectClose(test.expected[k], g["expected"], "\(name) E[\(k)]")
        }
        let v = c["variance"] as! [[Any]]
        for i in 0..<v.count {
            for j in 0..<v.count { expectClose(test.variance[i, j], v[i][j], "\(name) V[\(i),\(j)]") }
        }
    }
}
