import Foundation
import Testing
import Oncology
@testable import PatternsOfFailure

/// The plan's `failure_types` vocabulary: failures.csv read in it, endpoints and pattern labels named in it,
/// the counts unchanged (the same 8-patient cohort written in two vocabularies).
@Suite struct FailureVocabularyStudyTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/cohort-small")

    static func sources(failures: String) throws -> CohortSources {
        CohortSources(patients: try String(contentsOf: dir.appendingPathComponent("patients.csv"), encoding: .utf8),
                      failures: failures)
    }

    static func paperFailures() throws -> String {
        try String(contentsOf: dir.appendingPathComponent("failures.csv"), encoding: .utf8)
    }

    /// The fixture's failures written as local / regional / distant.
    static func localRegionalDistant() throws -> String {
        try paperFailures().replacingOccurrences(of: ",intrahepatic-outfield,", with: ",regional,")
            .replacingOccurrences(of: ",infield,", with: ",local,").replacingOccurrences(
                of: ",extrahepatic,", with: ",distant,")
    }

    @Test func sameCohortInAnotherVocabularyGivesTheSameCounts() throws {
        let paper = try #require(CohortReader.read(try Self.sources(failures: try Self.paperFailures())).cohort)
        let plan = try StudyPlan(yaml: "failure_types: local_regional_distant\n")
        #expect(plan.failureVocabulary == .localRegionalDistant)
        #expect(plan.preset == "paper-modified")
        #expect(plan.endpoints.map(\.name) == ["os", "pfs_local", "pfs_regional", "pfs_distant", "pfs_any"])
        #expect(plan.analyses.map(\.endpoint) == ["pfs_local", "pfs_regional", "pfs_distant", "os"])
        let reading = CohortReader.read(
            try Self.sources(failures: try Self.localRegionalDistant()), failureTypes: .localRegionalDistant)
        let cohort = try #require(reading.cohort)
        #expect(cohort.failures.map(\.site) == paper.failures.map(\.site))

        let a = try StudyAnalysis(cohort: paper, plan: StudyPlan()).run()
        let b = try StudyAnalysis(cohort: cohort, plan: plan).run()
        #expect(b.patterns.overall.sites.map(\.site) == ["local", "regional", "distant"])
        #expect(b.patterns.overall.sites.map(\.n) == a.patterns.overall.sites.map(\.n))
        #expect(b.patterns.landmark.sites.map(\.n) == a.patterns.landmark.sites.map(\.n))
        #expect(b.patterns.overall.exclusive.map(\.category) == ["L", "R", "D", "L+R", "L+D", "R+D", "L+R+D"])
        #expect(b.patterns.overall.exclusive.map(\.n) == a.patterns.overall.exclusive.map(\.n))
        #expect(b.patterns.firstFailure.map(\.n) == a.patterns.firstFailure.map(\.n))
        let local = try #require(b.survival.first { $0.endpoint == "pfs_local" })
        let infield = try #require(a.survival.first { $0.endpoint == "pfs_infield" })
        #expect(local.label == "PFS, local failure")
        #expect(local.events == infield.events && local.median.isNaN == infield.median.isNaN)
        #expect(local.censoring.contains { $0.category == "event: local failure" })
    }

    @Test func aSiteOutsideTheVocabularyIsAnErrorNamingFileRowColumnValue() throws {
        // The paper's words under local/regional/distant.
        let reading = CohortReader.read(
            try Self.sources(failures: try Self.paperFailures()), failureTypes: .localRegionalDistant)
        #expect(reading.cohort == nil)
        let e = try #require(reading.errors.first { $0.column == "site" })
        #expect(e.file == "failures.csv" && e.row == 2 && e.value == "infield")
        #expect(e.message.contains("local, regional, distant") && e.message.contains("local_regional_distant"))
        // And the other way round.
        let back = CohortReader.read(try Self.sources(failures: try Self.localRegionalDistant()))
        let e2 = try #require(back.errors.first { $0.column == "site" })
        #expect(
            e2.row == 2 && e2.value == "local" && e2.message.contains("infield, intrahepatic-outfield, extrahepatic"))
    }

    @Test func planEventsAreCheckedAgainstTheVocabulary() throws {
        #expect(throws: StudyPlan.PlanError.self) {
            try StudyPlan(
                yaml: "failure_types: local_regional_distant\nendpoints:\n  - {name: lc, events: [infield]}\n")
        }
        #expect(throws: StudyPlan.PlanError.self) { try StudyPlan(yaml: "failure_types: liver\n") }
        let plan = try StudyPlan(yaml: """
            preset: none
            failure_types: in_field_marginal_out_of_field
            endpoints:
              - {name: os, events: [death]}
              - {name: lc, label: Local control, events: [in-field, marginal]}
            """)
        #expect(plan.endpoints[1].failureTypes == [.infield, .intrahepaticOutfield])
        // The written plan reads back the same.
        let again = try StudyPlan(yaml: plan.yaml)
        #expect(again.failureVocabulary == .fieldRelation && again.endpoints == plan.endpoints)
    }
}
