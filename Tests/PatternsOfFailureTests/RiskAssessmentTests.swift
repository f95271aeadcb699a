import Foundation
import Testing
import Oncology
@testable import PatternsOfFailure

/// `assess` speaks for the cohort it used: each rule of the assessment, one test.
@Suite struct RiskAssessmentTests {
    static func demoAnalysis() throws -> StudyAnalysis {
        let reading = CohortReader.read(try DemoCohort.sources())
        var a = StudyAnalysis(cohort: reading.cohort!, plan: StudyPlan())
        a.synthetic = true
        return a
    }

    static func profile(age: Double = 60, stage: String = "II", pvt: Bool = false, prior: Bool = false,
                        afp: Double? = 20, pivka: Double? = 30) -> BaselineProfile {
        var p = BaselineProfile()
        p.set("age", .number(age)); p.set("muicc_stage", .text(stage)); p.set("pvt", .yes(pvt))
        p.set("prior_treatment", .yes(prior))
        if let afp { p.set("afp", .number(afp)) } else { p.setUnknown("afp") }
        if let pivka { p.set("pivka", .number(pivka)) } else { p.setUnknown("pivka") }
        return p
    }

    @Test func levelsPredictionsAndEvidenceDescribeTheFittedCohort() throws {
        let a = try Self.demoAnalysis()
        let high = try a.assess(Self.profile(age: 45, stage: "III", pvt: true, prior: true, afp: 350, pivka: 120))
        #expect(
            high.factors.map(\.level) == [
                "< 50", "III–IV", "Yes", "Recurrence treatment group", "≥ 200", "≥ 60", "AFP ≥ 200 & PIVKA-II ≥ 60",
            ])
        // 4 endpoints × 2 rate times, each a probability with ordered, finite, non-degenerate limits
        #expect(high.predictions.count == 8)
        for p in high.predictions {
            #expect(p.lower95 < p.probability && p.probability < p.upper95 && p.upper95 <= 1 && p.lower95 > 0)
        }
        #expect(
            high.evidence.contains("not a treatment order") && high.evidence.contains("SYNTHETIC demo cohort")
                && high.evidence.contains("of 138 patients"))
        #expect(!high.evidence.contains("2001–2009") || high.evidence.contains("treated 2001"))
        // The paper's recommendation is quoted as the paper's, only under the paper's plan
        #expect(high.paperSuggestions.count == 2 && high.paperSuggestions.allSatisfy { $0.hasPrefix("The paper") })
        // Fewer than 10 events per term: said before any prediction (cautions come first in every rendering)
        #expect(high.cautions.contains { $0.contains("fewer than 10") })
    }

    @Test func findingsFollowTheFittedModel() throws {
        let a = try Self.demoAnalysis()
        let results = try a.run()
        let high = try a.assess(Self.profile(age: 45, stage: "III", pvt: true, prior: true, afp: 350, pivka: 120))
        // Every finding names a term that is significant in the fitted model at the patient's level
        let significant = results.multivariate.flatMap { m in
            m.terms.filter { $0.estimable && $0.p < 0.05 }.map { (m.endpoint, $0) }
        }
        for (endpoint, t) in significant
        where ["Recurrence treatment group", "≥ 200", "≥ 60", "III–IV", "Yes", "AFP ≥ 200 & PIVKA-II ≥ 60"].contains(
            t.level)
        {
            let label = StudyPlan().endpoint(named: endpoint)!.label
            #expect(high.findings.contains { $0.hasPrefix(label) && $0.contains(t.label) })
        }
        #expect(!high.findings.contains { $0.contains("not significant after adjustment") })
    }

    @Test func unknownIsNeverAbsent() throws {
        let a = try Self.demoAnalysis()
        let missing = try a.assess(Self.profile(afp: nil))
        #expect(missing.factors.first { $0.factor == "afp" }!.level == nil)
        #expect(missing.factors.first { $0.factor == "markers" }!.level == nil)   // not "< 200 …"
        #expect(missing.predictions.isEmpty)
        #expect(
            missing.refusals.count == 4 && missing.refusals.allSatisfy { $0.reason.contains("not known: Pre-CCRT AFP") }
        )
        // Not given at all (neither a value nor "unknown"): an error naming it
        var p = Self.profile()
        p.values["afp"] = nil
        #expect(throws: StudyAnalysis.ProfileError.self) { try a.assess(p) }
        do { _ = try a.assess(p) } catch { #expect("\(error)".contains("afp") && "\(error)".contains("unknown")) }
    }

    @Test func outsideTheCohortIsWarnedOrRefused() throws {
        let a = try Self.demoAnalysis()
        let old = try a.assess(Self.profile(age: 95))
        #expect(old.cautions.contains { $0.contains("age = 95 is outside the cohort's range") })
        let metastatic = try a.assess(Self.profile(stage: "IVB"))
        #expect(
            metastatic.predictions.isEmpty
                && metastatic.refusals.allSatisfy { $0.reason.contains("no patient of the cohort") })
    }

    @Test func noPredictionFromNonEstimableModels() throws {
        // The 8-patient hand-made cohort: its models have non-estimable terms and degenerate intervals.
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/cohort-small")
        let reading = CohortReader.read(CohortFiles(patients: dir.appendingPathComponent("patients.csv"),
                                                    failures: dir.appendingPathComponent("failures.csv")))
        let a = StudyAnalysis(cohort: try #require(reading.cohort), plan: StudyPlan())
        let r = try a.assess(Self.profile(age: 55, stage: "III", prior: true, afp: 300, pivka: 100))
        for p in r.predictions {
            #expect(
                p.lower95.isFinite && p.upper95.isFinite && p.upper95 - p.lower95 > 1e-12 && p.probability > 0
                    && p.probability < 1)
        }
        #expect(!r.refusals.isEmpty)
        #expect(
            r.refusals.contains {
                $0.reason.contains("not estimable") || $0.reason.contains("no usable confidence interval")
                    || $0.reason.contains("no model")
            })
    }
}

/// The evidence text names the years the cohort was treated, one year as "in 2005".
@Suite struct AssessEvidenceYearsTests {
    @Test func yearSpan() {
        #expect(StudyAnalysis.yearSpan([2005, 2005]) == "in 2005")
        #expect(StudyAnalysis.yearSpan([2009, 2001, 2004]) == "2001–2009")
        #expect(StudyAnalysis.yearSpan([]) == "in unknown years")
    }
}
