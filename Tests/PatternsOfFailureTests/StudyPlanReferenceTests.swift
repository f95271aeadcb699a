import Foundation
import Testing
import Survival
@testable import PatternsOfFailure

/// A user-defined plan (docs/examples/plan-liver-dose.yaml: Child-Pugh B–C, tumour ≥ 10 cm, BED10 ≥ 60 Gy,
/// ALBI grade 2–3, treatment history; pre-specified panels) on the demo cohort, checked against R survival
/// (survdiff, coxph Efron) run on the same derived data (scripts/fixtures/make-study-plan-fixtures.R).
@Suite struct StudyPlanReferenceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func close(_ a: Double, _ b: Double, _ rel: Double = 1e-8) -> Bool {
        a == b || abs(a - b) <= rel * max(abs(a), abs(b))
    }

    static func setUp() throws -> (StudyData, StudyResults, [String: Any]) {
        let yaml = try String(
            contentsOf: root.appendingPathComponent("docs/examples/plan-liver-dose.yaml"), encoding: .utf8)
        let plan = try StudyPlan(yaml: yaml, source: "plan-liver-dose.yaml")
        let cohort = try #require(CohortReader.read(try DemoCohort.sources()).cohort)
        let analysis = StudyAnalysis(cohort: cohort, plan: plan)
        let json = try JSONSerialization.jsonObject(
            with: Data(contentsOf: root.appendingPathComponent("Tests/Fixtures/study-plan/r-reference.json")))
        return (try analysis.data(), try analysis.run(), try #require(json as? [String: Any]))
    }

    @Test func derivedDataIsWhatTheReferenceUsed() throws {
        let (data, _, _) = try Self.setUp()
        let committed = try String(
            contentsOf: Self.root.appendingPathComponent("Tests/Fixtures/study-plan/derived.csv"), encoding: .utf8)
        let lines = committed.split(separator: "\n").map(String.init)
        let table = data.derivedTable()
        #expect(lines[0] == table.header.joined(separator: ","))
        #expect(lines.count == table.rows.count + 1)
        for (line, row) in zip(lines.dropFirst(), table.rows) { #expect(line == row.joined(separator: ",")) }
    }

    @Test func logRankMatchesR() throws {
        let (_, results, r) = try Self.setUp()
        let reference = try #require(r["univariate"] as? [[String: Any]])
        #expect(reference.count == 15)
        for ref in reference {
            let e = ref["endpoint"] as! String, f = ref["factor"] as! String
            let u = try #require(results.univariate.first { $0.endpoint == e && $0.factor == f })
            #expect(u.notTested == nil)
            #expect(Self.close(u.chisq, ref["chisq"] as! Double), "\(e) \(f) chisq \(u.chisq)")
            #expect(Self.close(u.p, ref["p"] as! Double), "\(e) \(f) p \(u.p)")
            #expect(u.df == ref["df"] as! Int)
        }
    }

    @Test func coxMatchesR() throws {
        let (data, results, r) = try Self.setUp()
        let reference = try #require(r["multivariable"] as? [[String: Any]])
        #expect(reference.count == 3)
        for ref in reference {
            let e = ref["endpoint"] as! String
            let m = try #require(results.multivariate.first { $0.endpoint == e })
            #expect(m.n == ref["n"] as! Int && m.events == ref["events"] as! Int)
            let terms = ref["terms"] as! [[String: Any]]
            #expect(terms.count == m.terms.count)
            for t in terms {
                let f = t["factor"] as! String
                let level = data.factor(f)!.factor.levels[t["level"] as! Int]
                let h = try #require(m.terms.first { $0.factor == f && $0.level == level })
                #expect(h.estimable)
                for (mine, key) in [(h.coef, "coef"), (h.hr, "hr"), (h.lower, "lower"), (h.upper, "upper"), (h.p, "p")]
                {
                    #expect(Self.close(mine, t[key] as! Double), "\(e) \(f) \(key): \(mine) vs \(t[key]!)")
                }
            }
        }
    }

    @Test func panelsArePreSpecifiedNotChosenByP() throws {
        let (_, results, _) = try Self.setUp()
        let panels = results.factorFigures.map { "\($0.endpoint)/\($0.factor)" }
        #expect(
            panels == [
                "pfs_infield/bed60", "pfs_infield/tumor10", "pfs_extrahepatic/tumor10", "os/child_pugh_b", "os/albi23",
            ])
        #expect(results.subgroups.count == 1 && results.subgroups[0].subgroups.count == 2)
        #expect(results.provenance.plan.isPaperPreset == false)
    }

    /// `cox_penalty: firth` fits every multivariable model with Firth's penalty (FirthCoxModel, itself checked
    /// against an independent maximisation of the penalized likelihood in SurvivalTests), on the same design.
    @Test func firthPenaltyFromThePlan() throws {
        let yaml = try String(
            contentsOf: Self.root.appendingPathComponent("docs/examples/plan-liver-dose.yaml"), encoding: .utf8)
        let plan = try StudyPlan(yaml: yaml + "cox_penalty: firth\n")
        #expect(plan.coxPenalty == .firth && plan.yaml.contains("cox_penalty: firth"))
        let cohort = try #require(CohortReader.read(try DemoCohort.sources()).cohort)
        let analysis = StudyAnalysis(cohort: cohort, plan: plan)
        let data = try analysis.data(), results = try analysis.run()
        let m = try #require(results.multivariate.first { $0.endpoint == "pfs_infield" })
        #expect(m.penalty == "firth")
        let e = data.endpoint("pfs_infield")!
        let terms = ["tumor10", "bed60", "history"].map { data.factor($0)! }
        let rows = e.observations.indices.filter { i in terms.allSatisfy { $0.level[i] != nil } }
        let direct = try FirthCoxModel(
            time: rows.map { e.observations[$0].time }, event: rows.map { e.observations[$0].event },
            covariates: terms.map { t in rows.map { t.level[$0] == 1 ? 1.0 : 0.0 } })
        for (k, h) in m.terms.enumerated() {
            let x = try #require(direct.estimate(k))
            #expect(
                h.estimable && h.coef == x.coefficient && h.lower == x.lower && h.upper == x.upper && h.p == x.pValue)
        }
    }
}
