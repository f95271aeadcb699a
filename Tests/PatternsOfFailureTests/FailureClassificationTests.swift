import Foundation
import Testing
import Oncology
@testable import PatternsOfFailure

/// End to end on Tests/Fixtures/cohort-dosimetry: 9 failures with dose summaries, classified by the plan's
/// rule (volume in isodose, assigning in-field / marginal / out-of-field) and counted under every rule.
/// Every expected count is worked out by hand from the fixture rows (boundaries: 95% and 20% are marginal,
/// D95 47.5 Gy of 50 Gy is high-dose; rows lacking an input are not classifiable).
@Suite struct FailureClassificationTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/cohort-dosimetry")

    static func setUp() throws -> (Cohort, StudyPlan) {
        let plan = try StudyPlan(yaml: try String(contentsOf: dir.appendingPathComponent("plan.yaml"), encoding: .utf8))
        let reading = CohortReader.read(CohortFiles(patients: dir.appendingPathComponent("patients.csv"),
                                                    failures: dir.appendingPathComponent("failures.csv")),
                                        failureTypes: plan.failureVocabulary)
        #expect(reading.errors.isEmpty, "\(reading.errors)")
        return (try #require(reading.cohort), plan)
    }

    func counts(_ c: FailureClassificationSummary, _ rule: DosimetricRule) throws -> ([Int], Int) {
        let r = try #require(c.rules.first { $0.rule == rule })
        return (r.categories.map(\.n), r.notClassifiable)
    }

    @Test func everyRuleCountsTheSameFailures() throws {
        let (cohort, plan) = try Self.setUp()
        #expect(cohort.failures.count == 9)
        #expect(cohort.failures[0].dosimetry?.registration == .deformable && cohort.failures[1].dosimetry == nil)
        let c = try #require(FailureClassificationSummary(failures: cohort.failures, plan: plan))
        #expect(c.primaryRule == .volumeInIsodose && c.rules.first?.rule == .volumeInIsodose)
        #expect(c.failures == 9 && c.withDosimetry == 8)
        // in-field, marginal, out-of-field; not classifiable
        #expect(try counts(c, .volumeInIsodose) == ([2, 3, 2], 2))
        #expect(try counts(c, .centroid) == ([3, 2, 3], 1))
        #expect(try counts(c, .mdacc) == ([2, 1, 1, 0, 1], 4))           // A, B, C, D, E
        #expect(try counts(c, .centroidD95) == ([2, 1, 4], 2))           // central high, peripheral high, out-of-field
        let mdacc = try #require(c.rules.first { $0.rule == .mdacc })
        #expect(
            mdacc.missingInputs.map(\.category) == [
                "centroid_in_target", "rgtv_d95_gy", "prescription_gy", "elective_dose_gy",
                "centroid_in_elective_target",
            ])
        #expect(mdacc.missingInputs.map(\.n) == [1, 2, 2, 1, 1])
        #expect(c.registration.map(\.n) == [2, 5, 1])                    // rigid, deformable, not recorded
        #expect(c.assigned == 7 && c.keptRecordedSite == 2)
        for r in c.rules { #expect(r.categories.map(\.n).reduce(0, +) + r.notClassifiable == 9) }
    }

    @Test func thePlansRuleDecidesTheFailureTypes() throws {
        let (cohort, plan) = try Self.setUp()
        let assigned = try StudyAnalysis(cohort: cohort, plan: plan).run()
        var recordedPlan = plan
        recordedPlan.classification?.assignFailureTypes = false
        let recorded = try StudyAnalysis(cohort: cohort, plan: recordedPlan).run()
        // P8's second failure is recorded out-of-field but has 60% inside the isodose: marginal by the rule.
        #expect(assigned.patterns.overall.sites.map(\.site) == ["in-field", "marginal", "out-of-field"])
        #expect(assigned.patterns.overall.sites.map(\.n) == [3, 3, 3])
        #expect(recorded.patterns.overall.sites.map(\.n) == [3, 2, 4])
        #expect(
            assigned.warnings.contains { $0.contains("2 of 9 failures could not be classified by volume_in_isodose") })
        #expect(
            assigned.survival.map(\.endpoint) == ["os", "pfs_in_field", "pfs_marginal", "pfs_out_of_field", "pfs_any"])
        let table = FailureClassificationSummary.failureTable(cohort.failures, plan: plan)
        #expect(
            table.header.suffix(5) == [
                "class_volume_in_isodose", "class_centroid", "class_mdacc", "class_centroid_d95", "failure_type_used",
            ])
        #expect(
            table.rows[8].suffix(5) == [
                "Marginal", "Marginal", "B (peripheral high-dose)", "In-field, peripheral high-dose", "marginal",
            ])
        #expect(
            table.rows[2].suffix(5) == [
                "Marginal", "Marginal", "not classifiable (missing: centroid_in_elective_target)", "Out-of-field",
                "marginal",
            ])
        #expect(table.rows[1][2] == "out-of-field" && table.rows[1].last == "out-of-field")
        #expect(
            table.rows[1][table.header.firstIndex(of: "class_volume_in_isodose")!]
                == "not classifiable (missing: rgtv_in_isodose_pct)")
    }

    @Test func thePaperPresetHasNoClassification() throws {
        let reading = CohortReader.read(try DemoCohort.sources())
        let results = try StudyAnalysis(cohort: try #require(reading.cohort), plan: StudyPlan()).run()
        #expect(results.failureClassification == nil)
    }

    @Test func doseColumnsAreRangeChecked() throws {
        let patients = try String(contentsOf: Self.dir.appendingPathComponent("patients.csv"), encoding: .utf8)
        let failures = """
            id,date,site,rgtv_in_isodose_pct,centroid_dose_gy,rgtv_d95_gy,prescription_gy,\
            registration,centroid_in_target
            P1,2005-04-01,infield,100.5,-1,inf,0,affine,maybe
            P1,2005-04-02,infield,1e400,5,5,50,rigid,yes
            """
        let reading = CohortReader.read(CohortSources(patients: patients, failures: failures))
        #expect(reading.cohort == nil)
        func error(_ row: Int, _ column: String) -> ValidationIssue? {
            reading.errors.first { $0.row == row && $0.column == column }
        }
        #expect(error(2, "rgtv_in_isodose_pct")?.message.contains("between 0 and 100") == true)
        #expect(
            error(2, "rgtv_in_isodose_pct")?.value == "100.5" && error(2, "rgtv_in_isodose_pct")?.file == "failures.csv"
        )
        #expect(error(2, "centroid_dose_gy")?.message.contains("≥ 0") == true)
        #expect(error(2, "rgtv_d95_gy")?.message.contains("not a number") == true)
        #expect(error(2, "prescription_gy")?.message.contains("> 0") == true)
        #expect(error(2, "registration")?.message.contains("rigid, deformable") == true)
        #expect(error(2, "centroid_in_target") != nil)
        #expect(error(3, "rgtv_in_isodose_pct") != nil)
    }

    @Test func planClassificationKeysAreStrict() throws {
        #expect(throws: StudyPlan.PlanError.self) { try StudyPlan(yaml: "classification:\n  rule: volume\n") }
        #expect(throws: StudyPlan.PlanError.self) {
            try StudyPlan(yaml: "classification:\n  rule: mdacc\n  threshold: 90\n")
        }
        #expect(throws: StudyPlan.PlanError.self) {
            try StudyPlan(yaml: "classification:\n  in_field_above_percent: 90\n")
        }
        #expect(throws: StudyPlan.PlanError.self) {   // assigning needs the in-field/marginal/out-of-field vocabulary
            try StudyPlan(yaml: "classification:\n  rule: volume_in_isodose\n  assign_failure_types: true\n")
        }
        #expect(throws: StudyPlan.PlanError.self) {   // and a three-way rule
            try StudyPlan(
                yaml: """
                    failure_types: in_field_marginal_out_of_field\nclassification:\n  rule: mdacc\n  \
                    assign_failure_types: true\n
                    """)
        }
        #expect(throws: StudyPlan.PlanError.self) {
            try StudyPlan(
                yaml: """
                    classification:\n  rule: volume_in_isodose\n  in_field_above_percent: 50\n  marginal_from_percent: \
                    60\n
                    """)
        }
        let plan = try StudyPlan(yaml: "classification:\n  rule: centroid_d95\n  high_dose_fraction: 0.9\n")
        #expect(plan.classification?.thresholds.highDoseFraction == 0.9)
        #expect(try StudyPlan(yaml: plan.yaml).classification == plan.classification)
    }
}
