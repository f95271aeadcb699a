import Foundation
import Testing
import PatternsOfFailure
import Reporting
import StudyReport

/// The dosimetric classification in the report (Tests/Fixtures/cohort-dosimetry): the sensitivity table,
/// the Methods paragraph naming the rule and thresholds, the failure types in the plan's vocabulary, and
/// data/failures.csv with the class under each rule.
@Suite struct FailureClassificationReportTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/cohort-dosimetry")

    @Test func tableMethodsAndFailuresFile() throws {
        let plan = try StudyPlan(
            yaml: try String(contentsOf: Self.dir.appendingPathComponent("plan.yaml"), encoding: .utf8))
        let reading = CohortReader.read(CohortFiles(patients: Self.dir.appendingPathComponent("patients.csv"),
                                                    failures: Self.dir.appendingPathComponent("failures.csv")),
                                        failureTypes: plan.failureVocabulary)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pof-classification-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let summary = try StudyRun.run(reading: reading, plan: plan, output: out)
        let builder = StudyReportBuilder(results: summary.results)
        let table = try #require(builder.tables().first { $0.name == "failure_classification" }?.table)
        #expect(table.rows.first?.first == "Volume in isodose (the plan's rule)")
        #expect(table.rows.count == 3 + 1 + 3 + 1 + 5 + 1 + 3 + 1)
        #expect(table.rows[1] == ["", "Marginal", "3 (33.3)"])
        #expect(table.rows[3] == ["", "Not classifiable (missing: rgtv_in_isodose_pct 2)", "2 (22.2)"])
        #expect(table.footnotes.contains { $0.contains("rigid 2, deformable 5, not recorded 1") })
        let methods = try #require(builder.classificationMethods())
        #expect(
            methods.contains(
                "in-field above 95%, marginal from 20% to 95%, out-of-field below 20% (Ferreira et al. 2015)"))
        #expect(methods.contains("the centroid rule, the MDACC types A–E and the centroid + D95 rule"))
        let markdown = builder.document().markdown()
        #expect(markdown.contains("Failure classification by dose."))
        #expect(markdown.contains("I = in-field, M = marginal, O = out-of-field"))
        #expect(markdown.contains("| Marginal |"))
        #expect(summary.files.contains("data/failures.csv"))
        let csv = try String(contentsOf: out.appendingPathComponent("data/failures.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 10)
        #expect(
            csv.contains(
                """
                P8,2005-10-08,out-of-field,lung,60,no,no,48,49,50,,deformable,Marginal,Marginal,B (peripheral \
                high-dose),\"In-field, peripheral high-dose\",marginal
                """))
    }
}
