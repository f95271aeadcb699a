import Testing
@testable import Survival

/// Number at risk / events / censorings at chosen times against R's `summary(survfit, times =, extend = TRUE)`
/// (fixtures/r/risk_table.json, scripts/fixtures/make-methods-fixtures.R). Counts are exact.
@Suite struct RiskTableTests {
    nonisolated(unsafe) static let cases = (try? Fixture.cases("risk_table.json")) ?? []

    @Test func fixturesPresent() { #expect(Self.cases.count >= 4) }

    @Test(arguments: cases.map { $0["name"] as! String })
    func matchesR(name: String) throws {
        let c = Self.cases.first { $0["name"] as! String == name }!
        let table = try Fixture.table(c["data"] as! String)
        let timeCol = c["time"] as! String, eventCol = c["event"] as! String
        let groupCol = c["group"] as? String
        let rows = completeRows(table, [timeCol, eventCol] + (groupCol.map { [$0] } ?? []))
        let time = table[timeCol]!.doubles(rows), event = table[eventCol]!.bools(rows)
        var fits: [String: KaplanMeier] = [:]
        if let groupCol {
            for f in try KaplanMeier.byGroup(time: time, event: event, group: table[groupCol]!.strings(rows)) {
                fits[f.group] = f.fit
            }
        } else {
            fits["all"] = try KaplanMeier(time: time, event: event)
        }
        let at = (c["at"] as! [Any]).map { number($0)! }
        for s in c["strata"] as! [[String: Any]] {
            let g = s["group"] as! String
            let rt = try RiskTable(try #require(fits[g]), at: at)
            let times = (s["time"] as! [Any]).map { number($0)! }
            #expect(rt.rows.map(\.time) == times, "\(name)[\(g)] times")
            #expect(rt.rows.map(\.atRisk) == (s["n_risk"] as! [Any]).map { number($0)! }, "\(name)[\(g)] n.risk")
            #expect(rt.rows.map(\.events) == (s["n_event"] as! [Any]).map { number($0)! }, "\(name)[\(g)] n.event")
            #expect(rt.rows.map(\.censored) == (s["n_censor"] as! [Any]).map { number($0)! }, "\(name)[\(g)] n.censor")
            #expect(rt.rows.first?.intervalStart == -.infinity)
            #expect(zip(rt.rows.dropFirst(), rt.rows).allSatisfy { $0.intervalStart == $1.time })
        }
    }

    /// Every row is counted once: the events and censorings over the intervals add up to the rows up to
    /// the last requested time, and the number at risk at 0 is everyone.
    @Test func countsAddUp() throws {
        let fit = try KaplanMeier(time: [0, 1, 1, 2, 3, 3, 5, 8], event: [true, true, false, true, false, true, true, false])
        let rt = fit.riskTable(at: [0, 3, 10])
        #expect(rt.rows.map(\.atRisk) == [8, 4, 0])
        #expect(rt.rows.map(\.events) == [1, 3, 1])
        #expect(rt.rows.map(\.censored) == [0, 2, 1])
        #expect(throws: SurvivalError.self) { try RiskTable(fit, at: [1, .nan]) }
    }
}
