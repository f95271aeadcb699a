import Testing
import Oncology
@testable import PatternsOfFailure

@Suite struct RiskAssessmentTests {
    static func demoAnalysis() throws -> StudyAnalysis {
        let reading = CohortReader.read(try DemoCohort.sources())
        var a = StudyAnalysis(cohort: reading.cohort!, plan: StudyPlan())
        a.synthetic = true
        return a
    }

    @Test func factorsAndDirections() throws {
        let a = try Self.demoAnalysis()
        let high = a.assess(BaselineProfile(age: 45, stage: .iii, portalVeinThrombosis: true, priorTreatments: ["TACE"],
                                            afp: 350, pivka: 120))
        #expect(high.factors.map(\.present) == [false, true, true, true, true, true, true])   // age ≥ 50 is "present"
        #expect(high.suggestions.contains { $0.contains("intensified local treatment") })
        #expect(high.suggestions.contains { $0.contains("systemic therapy") })
        #expect(high.evidence.contains("not a treatment order") && high.evidence.contains("SYNTHETIC"))
        // 4 endpoints × 2 rate times, each a probability with ordered limits
        #expect(high.predictions.count == 8)
        for p in high.predictions { #expect(p.lower95 <= p.probability && p.probability <= p.upper95 && p.upper95 <= 1) }
        let low = a.assess(BaselineProfile(age: 60, stage: .ii, portalVeinThrombosis: false, priorTreatments: [],
                                           afp: 20, pivka: 30))
        #expect(low.suggestions.count == 1 && low.suggestions[0].contains("None of the paper's risk factors"))
        let missing = a.assess(BaselineProfile(age: 60, stage: .ii, portalVeinThrombosis: false, priorTreatments: [],
                                               afp: nil, pivka: 30))
        #expect(missing.predictions.isEmpty && missing.caveats.contains { $0.contains("Pre-CCRT AFP") })
    }
}
