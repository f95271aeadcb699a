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
        return StudyReportBuilder(results: analysis.run()).document()
    }

    @Test func htmlAndMarkdown() throws {
        let doc = try Self.document()
        Snapshot.check(doc.html(), named: "study-small.html")
        Snapshot.check(doc.markdown(), named: "study-small.md")
    }

    @Test func figures() throws {
        let doc = try Self.document()
        for name in ["figure1_survival.svg", "figure2_patterns.svg"] {
            let svg = try #require(doc.figureFiles.first { $0.fileName == name }?.svg)
            Snapshot.check(svg, named: "study-small-\(name)")
        }
    }
}
