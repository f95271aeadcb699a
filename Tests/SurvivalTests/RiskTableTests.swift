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
        let fits = try Fixture.kaplanMeierCurves(c).curves
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
        let fit = try KaplanMeier(
            time: [0, 1, 1, 2, 3, 3, 5, 8], event: [true, true, false, true, false, true, true, false])
        let rt = fit.riskTable(at: [0, 3, 10])
        #expect(rt.rows.map(\.atRisk) == [8, 4, 0])
        #expect(rt.rows.map(\.events) == [1, 3, 1])
        #expect(rt.rows.map(\.censored) == [0, 2, 1])
        #expect(throws: SurvivalError.self) { try RiskTable(fit, at: [1, .nan]) }
    }
}
