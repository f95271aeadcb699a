import Foundation
import Testing
import PatternsOfFailure
@testable import Reporting
@testable import StudyReport

/// The patient-flow diagram's numbers are the pipeline's counts: patients in the file, the study's
/// patients, each endpoint's patients and events, each exclusion the analysis counted, and the
/// multivariable model's complete cases — on the demo cohort and on Tests/Fixtures/cohort-small.
@Suite struct PatientFlowTests {
    static let smallDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/cohort-small")

    static func smallResults() throws -> StudyResults {
        let d = smallDirectory
        let reading = CohortReader.read(CohortFiles(patients: d.appendingPathComponent("patients.csv"),
                                                    failures: d.appendingPathComponent("failures.csv"),
                                                    labs: d.appendingPathComponent("labs.csv"),
                                                    toxicities: d.appendingPathComponent("toxicities.csv")))
        return try StudyAnalysis(cohort: try #require(reading.cohort), plan: StudyPlan()).run()
    }

    /// Data rows of a CSV file: non-empty lines after the header (the fixtures quote no line breaks).
    static func dataRows(_ bytes: [UInt8]) -> Int {
        String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).filter {
            !$0.allSatisfy(\.isWhitespace)
        }.count - 1
    }

    /// Every text element of an SVG, joined (so numbers can be looked up as drawn).
    static func drawnText(_ svg: String) throws -> String {
        try #require(parseXML(svg)).filter { $0.name == "text" }.map(\.text).joined(separator: " ")
            .replacingOccurrences(of: "\u{00A0}", with: " ")
    }

    static func check(_ results: StudyResults, patientsInFile: Int) throws {
        let flow = PatientFlow(results: results)
        #expect(flow.read == patientsInFile)
        #expect(flow.included == results.cohort.patients)
        #expect(flow.excludedAtValidation == patientsInFile - results.cohort.patients)
        #expect(flow.toxicityRecordsOutsideWindow == results.toxicity.outsideWindow)
        let toxicityExclusion = results.exclusions.first { $0.analysis == "Toxicity" }?.n ?? 0
        #expect(flow.toxicityRecordsOutsideWindow == toxicityExclusion)
        #expect(flow.endpoints.map(\.name) == results.survival.map(\.endpoint))
        for (e, s) in zip(flow.endpoints, results.survival) {
            #expect(e.analysed == s.n && e.events == s.events, "\(e.label)")
            // Each exclusion the analysis counted for this endpoint's factors is in the flow, with its count.
            for x in results.exclusions where x.reason == "factor not known" && x.analysis.hasPrefix(e.label + ", ") {
                let factor = String(x.analysis.dropFirst(e.label.count + 2))
                #expect(e.factorExclusions.contains { $0.analysis == factor && $0.n == x.n }, "\(x.analysis): \(x.n)")
            }
            let inFlow: Int = e.factorExclusions.map(\.n).reduce(0, +)
            let counted: [ExclusionCount] = results.exclusions.filter {
                $0.reason == "factor not known" && $0.analysis.hasPrefix(e.label + ", ")
            }
            let inPipeline: Int = counted.map(\.n).reduce(0, +)
            #expect(inFlow == inPipeline, "\(e.label)")
            if let m = results.multivariate.first(where: { $0.endpoint == e.name }) {
                #expect(e.cox?.n == m.n)
                #expect(e.cox?.events == m.events)
                #expect(e.cox?.estimable == m.terms.contains(where: \.estimable))
                let left = results.exclusions.first { $0.analysis == "\(e.label), multivariable Cox" }?.n ?? 0
                #expect(e.analysed - m.n == left, "\(e.label): Cox complete cases")
            } else {
                #expect(e.cox == nil)
            }
        }
        // The drawing shows those numbers.
        let text = try drawnText(flow.diagram().svg())
        #expect(text.contains("n = \(patientsInFile)"))
        for e in flow.endpoints {
            #expect(text.contains(e.label) || text.contains(String(e.label.prefix(12))), "\(e.label)")
            #expect(text.contains("n = \(e.analysed), \(e.events) events"), "\(e.label)")
            for x in e.factorExclusions { #expect(text.contains(": \(x.n)"), "\(x.analysis)") }
            if let c = e.cox { #expect(text.contains("Cox model: n = \(c.n), \(c.events) events"), "\(e.label)") }
        }
    }

    @Test func demoFlowMatchesThePipelineCounts() throws {
        let results = try #require(DemoReport.results)
        let patients = try DemoCohort.sources().patients
        try Self.check(results, patientsInFile: Self.dataRows(patients.bytes))
        // The demo cohort: 3 patients without PIVKA-II are left out of the Cox models.
        let flow = PatientFlow(results: results)
        #expect(flow.endpoints.contains { $0.cox.map { $0.n } == results.cohort.patients - 3 })
    }

    @Test func smallCohortFlowMatchesThePipelineCounts() throws {
        let bytes = try [UInt8](Data(contentsOf: Self.smallDirectory.appendingPathComponent("patients.csv")))
        try Self.check(try Self.smallResults(), patientsInFile: Self.dataRows(bytes))
    }

    @Test func flowIsInEveryOutput() throws {
        let doc = try #require(DemoReport.document)
        #expect(doc.figureFiles.contains { $0.fileName == "patient_flow.svg" })
        #expect(doc.markdown().contains("](figures/patient_flow.svg)"))
        #expect(doc.html().contains("Patient flow"))
        let dir = try #require(DemoReport.directory)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("figures/patient_flow.svg").path))
        // In the Word document: the figure (its description names the flow) and its caption.
        let word = try ExportTests.wordTables(dir.appendingPathComponent("report.docx"))
        #expect(word.xml.contains("name=\"patient_flow.svg\""))
        #expect(word.xml.contains("Supplementary Figure S1. "))
    }

    @Test func diagramWrapsManyBranchesIntoRows() throws {
        let boxes = (1...6).map { FlowDiagram.Box("Endpoint \($0)", ["n = \($0)"]) }
        let svg = FlowDiagram(title: "t", steps: [.init(.init("Read", ["n = 6"]))], branches: boxes).svg()
        let texts = try #require(parseXML(svg)).filter { $0.name == "text" }
        for i in 1...6 { #expect(texts.contains { $0.text == "Endpoint \(i)" }) }
        #expect(try PrintFigureTests.smallestTextPoints(svg) >= 7)
    }
}
