import Foundation
import Testing
import PatternsOfFailure
@testable import Reporting
@testable import StudyReport

/// Tables and figures carry the paper's numbers under the paper's plan (Table 1, 2, 3a, 3b, 4;
/// Figure 1, 2, 3a–d), the report's own additions are numbered as supplementary items after them, and
/// any other plan numbers everything 1…n; the text's cross-references follow the numbers.
@Suite struct NumberingTests {
    static func numbers(
        _ doc: ReportDocument
    ) -> (tables: [String: String], figures: [String: String], tableOrder: [String], figureOrder: [String]) {
        var tables: [String: String] = [:], figures: [String: String] = [:], tableOrder: [String] = [],
            figureOrder: [String] = []
        for (_, block, number) in doc.numberedBlocks {
            switch block {
            case .table(let t): tables[t.id ?? t.caption] = number; tableOrder.append(number ?? "")
            case .figure(let f): figures[f.fileName] = number; figureOrder.append(number ?? "")
            default: break
            }
        }
        return (tables, figures, tableOrder, figureOrder)
    }

    @Test func paperPlanUsesThePapersNumbers() throws {
        let doc = try #require(DemoReport.document)
        let n = Self.numbers(doc)
        #expect(n.tables["table1_characteristics"] == "1")
        #expect(n.tables["table2_response"] == "2")
        #expect(n.tables["table3a_univariate"] == "3a")
        #expect(n.tables["table3b_multivariate"] == "3b")
        #expect(n.tables["table4_toxicity"] == "4")
        #expect(n.figures["figure1_survival.svg"] == "1")
        #expect(n.figures["figure2_patterns.svg"] == "2")
        // The paper's Fig. 3a–d: infield by treatment history, outfield by markers, extrahepatic by age and by markers.
        #expect(n.figures["figure3_pfs_infield_history.svg"] == "3a")
        #expect(n.figures["figure3_pfs_intrahepatic_outfield_markers.svg"] == "3b")
        #expect(n.figures["figure3_pfs_extrahepatic_age.svg"] == "3c")
        #expect(n.figures["figure3_pfs_extrahepatic_markers.svg"] == "3d")
        // Everything else: S1, S2, … in order of appearance.
        let supplementaryTables = n.tableOrder.filter { $0.hasPrefix("S") }
        #expect(supplementaryTables == (1...supplementaryTables.count).map { "S\($0)" })
        let supplementaryFigures = n.figureOrder.filter { $0.hasPrefix("S") }
        #expect(supplementaryFigures == (1...supplementaryFigures.count).map { "S\($0)" })
        #expect(n.tableOrder.count == 5 + supplementaryTables.count)
        #expect(n.figureOrder.count == 6 + supplementaryFigures.count)
        // The paper's main items come in the paper's order.
        #expect(n.tableOrder.filter { !$0.hasPrefix("S") } == ["1", "2", "3a", "3b", "4"])
        #expect(n.figureOrder.filter { !$0.hasPrefix("S") } == ["1", "2", "3a", "3b", "3c", "3d"])

        let html = doc.html(), markdown = doc.markdown()
        #expect(html.contains("<strong>Table 3a.</strong>"))
        #expect(html.contains("<strong>Supplementary Table S1.</strong>"))
        #expect(html.contains("<strong>Supplementary Figure S1.</strong> Patient flow"))
        #expect(markdown.contains("**Figure 3d.**"))
        for text in [html, markdown] {
            #expect(!text.contains("{{"), "unresolved cross-reference")
            #expect(!text.contains("the paper's Table"))
        }
        // Cross-references name the numbers the items carry.
        #expect(markdown.contains("patient flow: Supplementary Figure S1; characteristics: Table 1"))
        #expect(markdown.contains("failed (Figure 2; Supplementary Table"))
    }

    @Test func otherPlansNumberOneToN() throws {
        let d = PatientFlowTests.smallDirectory
        let reading = CohortReader.read(CohortFiles(patients: d.appendingPathComponent("patients.csv"),
                                                    failures: d.appendingPathComponent("failures.csv"),
                                                    labs: d.appendingPathComponent("labs.csv"),
                                                    toxicities: d.appendingPathComponent("toxicities.csv")))
        var plan = StudyPlan()
        plan.preset = nil
        let results = try StudyAnalysis(cohort: try #require(reading.cohort), plan: plan).run()
        let doc = StudyReportBuilder(results: results).document()
        let n = Self.numbers(doc)
        #expect(n.tableOrder == (1...n.tableOrder.count).map(String.init))
        #expect(n.figureOrder == (1...n.figureOrder.count).map(String.init))
        let html = doc.html()
        #expect(!html.contains("Supplementary"))
        #expect(!html.contains("{{"))
        #expect(html.contains("patient flow: Figure 1; characteristics: Table 1"))
    }

    @Test func labelledItemsMakeTheOthersSupplementary() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"></svg>"
        var doc = ReportDocument(title: "t", sections: [.init(heading: "A", blocks: [
            .paragraph("See {{a}}, {{b}} and {{x.svg}}; {{unknown}} stays."),
            .table(.init(caption: "a", header: ["h"], rows: [["1"]])),
            .table(.init(caption: "b", header: ["h"], rows: [["1"]], label: "3a")),
            .figure(.init(caption: "x", svg: svg, fileName: "x.svg")),
        ])])
        if case .table(var t) = doc.sections[0].blocks[1] { t.id = "a"; doc.sections[0].blocks[1] = .table(t) }
        if case .table(var t) = doc.sections[0].blocks[2] { t.id = "b"; doc.sections[0].blocks[2] = .table(t) }
        let resolved = doc.resolvingCrossReferences()
        guard case .paragraph(let p) = resolved.sections[0].blocks[0] else { Issue.record("no paragraph"); return }
        // Table "a" is unlabelled beside a labelled one: supplementary. The figure: no labelled figure, so 1.
        #expect(p == "See Supplementary Table S1, Table 3a and Figure 1; {{unknown}} stays.")
        #expect(ReportDocument.tableName("S12") == "Supplementary Table S12")
        #expect(ReportDocument.tableName("S") == "Table S")
        #expect(ReportDocument.figureName("3b") == "Figure 3b")
    }
}
