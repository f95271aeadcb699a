import Foundation
import Testing
import PatternsOfFailure
import Reporting
import StudyReport

/// The Methods section names every endpoint, factor and method the plan used, and nothing it did not use.
@Suite struct StudyMethodsTests {
    static func results(_ plan: StudyPlan) throws -> StudyResults {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/cohort-small")
        let reading = CohortReader.read(CohortFiles(patients: dir.appendingPathComponent("patients.csv"),
                                                    failures: dir.appendingPathComponent("failures.csv"),
                                                    labs: dir.appendingPathComponent("labs.csv"),
                                                    toxicities: dir.appendingPathComponent("toxicities.csv")))
        var analysis = StudyAnalysis(cohort: try #require(reading.cohort), plan: plan)
        analysis.generatedAt = "2026-01-01T00:00:00Z"
        return try analysis.run()
    }

    /// The Methods section's text (paragraphs and definitions) of the report for `plan`.
    static func methods(_ plan: StudyPlan) throws -> (text: String, definitions: [String]) {
        let section = StudyReportBuilder(results: try results(plan)).methodsSection()
        var text = "", terms: [String] = []
        for b in section.blocks {
            switch b {
            case .paragraph(let p): text += p + "\n"
            case .definitions(let d):
                terms += d.map(\.term)
                text += d.map { $0.term + ": " + $0.definition + "\n" }.joined()
            default: break
            }
        }
        return (text, terms)
    }

    @Test func paperPlanNamesEveryEndpointFactorAndMethod() throws {
        let plan = StudyPlan()
        let (text, terms) = try Self.methods(plan)
        for e in plan.endpoints { #expect(text.contains(e.label), "endpoint \(e.label)") }
        let used = Set(plan.analyses.flatMap { $0.univariate + $0.multivariable + $0.figures })
        for f in plan.factors where used.contains(f.name) {
            #expect(text.contains(f.labelWithUnit), "factor \(f.label)")
        }
        for m in [
            "Kaplan–Meier", "reverse Kaplan–Meier", "log-rank", "Cox proportional-hazards", "Efron", "Schoenfeld",
            "Aalen–Johansen", "Gray's test", "Fine–Gray", "mRECIST", "best response", "CTCAE", "version 3.0",
            "within 3 months after the end of RT", "infield failure", "intrahepatic-outfield failure",
            "extrahepatic failure",
        ] {
            #expect(text.contains(m), "\(m)")
        }
        #expect(!text.contains("Firth") && !text.contains("Heinze"))
        #expect(!text.lowercased().contains("landmark"))
        for t in ["Infield failure", "Best response", "HR", "CIF", "SHR", "CTCAE"] {
            #expect(terms.contains(t), "\(t)")
        }
    }

    @Test func nothingThePlanDidNotUse() throws {
        var plan = StudyPlan()
        plan.preset = nil
        plan.analyses = plan.analyses.map { a in
            var a = a
            a.multivariable = []
            a.competingRisksModels = false
            a.subgroups = []
            return a
        }
        let (text, terms) = try Self.methods(plan)
        #expect(!text.contains("Fine–Gray") && !text.contains("Fine & Gray"))
        #expect(!text.contains("Cox") && !text.contains("Efron") && !text.contains("Schoenfeld"))
        #expect(!terms.contains("HR") && !terms.contains("SHR"))
        #expect(text.contains("log-rank"))
    }

    @Test func firthPenaltyIsNamedWithItsReference() throws {
        var plan = StudyPlan()
        plan.coxPenalty = .firth
        let (text, _) = try Self.methods(plan)
        #expect(text.contains("Firth's penalised likelihood"))
        #expect(text.contains("Heinze G, Schemper M"))
    }
}
