import Foundation
import Testing
import Survival
@testable import PatternsOfFailure

/// The risk calculator's predicted curves: each is the engine's ``CoxPrediction`` (tested against R's
/// `survfit(coxph(…), newdata)`) for the multivariable model fitted here independently of `assess`, equal
/// at the plan's rate times to the assessment's predictions, and absent wherever `assess` refuses.
@Suite struct PredictedCurvesTests {
    static func close(_ a: Double, _ b: Double) -> Bool {
        a == b || (a.isNaN && b.isNaN) || abs(a - b) <= 1e-12 * max(1, abs(b))
    }

    @Test func curvesAreTheModelsPredictionAndMatchTheRates() throws {
        let analysis = try RiskAssessmentTests.demoAnalysis()
        let profile = RiskAssessmentTests.profile(age: 45, stage: "III", pvt: true, prior: true, afp: 350, pivka: 120)
        let (assessment, curves) = try analysis.assessWithCurves(profile)
        // Identical to `assess` (what `pof assess` prints).
        let plain = try analysis.assess(profile)
        let json = JSONEncoder()
        json.outputFormatting = [.sortedKeys]
        #expect(try json.encode(assessment) == json.encode(plain))
        // One curve per endpoint with predictions, in the assessment's order.
        var predicted: [String] = []
        for p in assessment.predictions where !predicted.contains(p.endpoint) { predicted.append(p.endpoint) }
        #expect(curves.map(\.endpoint) == predicted && curves.count == 4)

        let data = try analysis.data()
        let plan = analysis.plan
        for c in curves {
            // The model, built here from the derived data: one indicator per non-reference level, patients
            // with every term known.
            let a = try #require(plan.analyses.first { $0.endpoint == c.endpoint && !$0.multivariable.isEmpty })
            let terms = a.multivariable.map { data.factor($0)! }
            let rows = data.records.indices.filter { i in terms.allSatisfy { $0.level[i] != nil } }
            var columns: [[Double]] = [], x: [Double] = []
            for t in terms {
                let mine = try #require(assessment.factors.first { $0.factor == t.factor.name }?.level)
                let patientLevel = try #require(t.factor.levels.firstIndex(of: mine))
                for level in t.factor.levels.indices where level != t.factor.reference {
                    columns.append(rows.map { t.level[$0] == level ? 1 : 0 })
                    x.append(patientLevel == level ? 1 : 0)
                }
            }
            let e = try #require(data.endpoint(c.endpoint))
            let model = try CoxModel(
                time: rows.map { e.observations[$0].time }, event: rows.map { e.observations[$0].event },
                covariates: columns)
            let reference = try CoxPrediction(model: model, covariates: x).curves[0]
            #expect(c.modelPatients == rows.count && c.modelEvents == model.events)
            // Everywhere the engine's curve has a value, the predicted curve has the same one.
            for (k, t) in reference.time.enumerated() {
                let v = c.survival(at: t)
                #expect(Self.close(v.survival, reference.survival[k]) && Self.close(v.lower95, reference.lower[k])
                        && Self.close(v.upper95, reference.upper[k]), "\(c.endpoint) at \(t)")
            }
            #expect(c.time.first == 0 && c.survival.first == 1 && c.time.last == reference.time.last)
            #expect(zip(c.survival, c.survival.dropFirst()).allSatisfy { $0 >= $1 }, "non-increasing")
            // At the plan's rate times: exactly the assessment's numbers.
            for p in assessment.predictions where p.endpoint == c.endpoint {
                let v = c.survival(at: p.time)
                #expect(
                    v.survival == p.probability && v.lower95 == p.lower95 && v.upper95 == p.upper95,
                    "\(c.endpoint) at \(p.time)")
            }
        }
    }

    @Test func noCurveWhereAssessRefuses() throws {
        let analysis = try RiskAssessmentTests.demoAnalysis()
        // A term not known: every model refuses, so no curve.
        let unknown = try analysis.assessWithCurves(RiskAssessmentTests.profile(afp: nil))
        #expect(
            unknown.assessment.predictions.isEmpty && unknown.curves.isEmpty && !unknown.assessment.refusals.isEmpty)
        // A value no cohort patient has.
        let metastatic = try analysis.assessWithCurves(RiskAssessmentTests.profile(stage: "IVB"))
        #expect(metastatic.curves.isEmpty)
        // Outside the cohort's range: curves with the caution the assessment states.
        let old = try analysis.assessWithCurves(RiskAssessmentTests.profile(age: 95))
        #expect(!old.curves.isEmpty && old.assessment.cautions.contains { $0.contains("outside the cohort's range") })

        // The 8-patient cohort: non-estimable terms and degenerate intervals give no prediction and no curve.
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/cohort-small")
        let reading = CohortReader.read(CohortFiles(patients: dir.appendingPathComponent("patients.csv"),
                                                    failures: dir.appendingPathComponent("failures.csv")))
        let small = StudyAnalysis(cohort: try #require(reading.cohort), plan: StudyPlan())
        let r = try small.assessWithCurves(
            RiskAssessmentTests.profile(age: 55, stage: "III", prior: true, afp: 300, pivka: 100))
        #expect(!r.assessment.refusals.isEmpty)
        #expect(Set(r.curves.map(\.endpoint)) == Set(r.assessment.predictions.map(\.endpoint)))
        #expect(Set(r.curves.map(\.endpoint)).isDisjoint(with: r.assessment.refusals.map(\.endpoint)))
    }
}
