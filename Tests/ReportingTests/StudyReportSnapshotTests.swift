import Foundation
import Testing
import PatternsOfFailure
import Reporting
import StudyReport

/// The study report of the 8-patient hand-made cohort (Tests/Fixtures/cohort-small), rendered and
/// compared with committed references: any change to a table, figure or the page is visible in review.
@Suite struct StudyReportSnapshotTests {
    static func document() throws -> ReportDocument {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/cohort-small")
        let reading = CohortReader.read(CohortFiles(patients: dir.appendingPathComponent("patients.csv"),
                                                    failures: dir.appendingPathComponent("failures.csv"),
                                                    labs: dir.appendingPathComponent("labs.csv"),
                                                    toxicities: dir.appendingPathComponent("toxicities.csv")))
        var analysis = StudyAnalysis(cohort: try #require(reading.cohort), plan: StudyPlan())
        analysis.generatedAt = "2026-01-01T00:00:00Z"
        return StudyReportBuilder(results: try analysis.run()).document()
    }

    @Test func htmlAndMarkdown() throws {
        let doc = try Self.document()
        Snapshot.check(doc.html(), named: "study-small.html")
        Snapshot.check(doc.markdown(), named: "study-small.md")
    }

    @Test func figures() throws {
        let doc = try Self.document()
        for name in ["figure1_survival.svg", "figure2_patterns.svg", "patient_flow.svg"] {
            let svg = try #require(doc.figureFiles.first { $0.fileName == name }?.svg)
            Snapshot.check(svg, named: "study-small-\(name)")
        }
    }

    /// No table or figure shows a hazard ratio or CI from a non-estimable fit (Cox and Fine–Gray).
    @Test func nonEstimableTermsAreNeverShownAsFindings() throws {
        let doc = try Self.document()
        let text = doc.html() + doc.markdown() + doc.figureFiles.map(\.svg).joined()
        #expect(text.range(of: "\\b(Inf|inf|NaN|nan)\\b", options: .regularExpression) == nil)
        #expect(text.range(of: "[0-9]e\\+[0-9]", options: .regularExpression) == nil)
        #expect(!text.contains("(0.000–") && !text.contains("0.000 (0.000"))
        #expect(text.contains("not estimable"))
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/cohort-small")
        let reading = CohortReader.read(CohortFiles(patients: dir.appendingPathComponent("patients.csv"),
                                                    failures: dir.appendingPathComponent("failures.csv")))
        let results = try StudyAnalysis(cohort: try #require(reading.cohort), plan: StudyPlan()).run()
        let terms =
            results.multivariate.flatMap(\.terms) + results.competingRisks.flatMap { $0.fineGray + $0.causeSpecificCox }
        #expect(terms.contains { !$0.estimable })
        #expect(!results.competingRisks.flatMap(\.fineGray).isEmpty)
        for t in terms {
            if t.estimable {
                #expect(
                    t.lower.isFinite && t.upper.isFinite && t.lower > 0 && t.upper / t.lower < 1e6 && t.upper > t.lower)
            } else {
                #expect(t.hr.isNaN && t.lower.isNaN && t.upper.isNaN && t.p.isNaN && t.notEstimable != nil)
            }
        }
    }
}
