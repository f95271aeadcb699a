import Testing
import Oncology
@testable import PatternsOfFailure

/// Hand-worked derivations: every expectation is computed by hand from the rule, not by running the code.
@Suite struct DerivationTests {
    static let rtStart = Day(iso: "2005-01-03")!
    static let rtEnd = Day(iso: "2005-02-04")!     // 32 days later

    static func patient(_ id: String = "P1", age: Double = 55, afp: Double? = 100, pivka: Double? = 30,
                        prior: [String] = [], status: VitalStatus = .alive, last: String = "2006-02-04",
                        death: String? = nil, t: MUICCTCategory? = .t3, n1: Bool? = false) -> Patient {
        Patient(id: id, age: age, sex: .male, tCategory: t, nodePositive: n1, metastasis: false,
                portalVeinThrombosis: true, afp: afp, pivka: pivka, priorTreatments: prior, totalDoseGy: 45,
                fractions: 25, rtStart: rtStart, rtEnd: rtEnd, lastFollowUp: Day(iso: last)!, vitalStatus: status,
                deathDate: death.flatMap { Day(iso: $0) })
    }

    static func failure(_ date: String, _ site: FailureSite, _ organ: String? = nil) -> FailureEvent {
        FailureEvent(patientID: "P1", date: Day(iso: date)!, site: site, organ: organ)
    }

    @Test func dayArithmetic() {
        #expect(Day(iso: "1970-01-01")!.serial == 0)
        #expect(Day(iso: "2000-03-01")! - Day(iso: "2000-02-28")! == 2)   // 2000 is a leap year
        #expect(Day(iso: "1900-03-01")! - Day(iso: "1900-02-28")! == 1)   // 1900 is not
        #expect(Day(iso: "2005-02-29") == nil)
        #expect(Day(iso: "20050301")?.iso == "2005-03-01")
        #expect(Day(iso: "2005/03/01")?.iso == "2005-03-01")
        #expect(Day(iso: "03/01/2005") == nil)
        #expect((Day(iso: "2004-12-31")! + 1).iso == "2005-01-01")
    }

    @Test func riskFactorBoundariesAreInclusiveAsPublished() {
        let plan = StudyPlan()
        let afp = RiskFactor(kind: .afp, plan: plan), pivka = RiskFactor(kind: .pivka, plan: plan)
        let age = RiskFactor(kind: .age, plan: plan), both = RiskFactor(kind: .markers, plan: plan)
        #expect(afp.isPresent(in: Self.patient(afp: 200), stage: nil) == true)       // AFP exactly 200 is elevated
        #expect(afp.isPresent(in: Self.patient(afp: 199.9), stage: nil) == false)
        #expect(afp.isPresent(in: Self.patient(afp: nil), stage: nil) == nil)
        #expect(pivka.isPresent(in: Self.patient(pivka: 60), stage: nil) == true)
        #expect(age.isPresent(in: Self.patient(age: 50), stage: nil) == true)        // 50 is not "< 50"
        #expect(age.isPresent(in: Self.patient(age: 49), stage: nil) == false)
        #expect(both.isPresent(in: Self.patient(afp: 200, pivka: 60), stage: nil) == true)
        #expect(both.isPresent(in: Self.patient(afp: 200, pivka: 59), stage: nil) == false)
        #expect(both.isPresent(in: Self.patient(afp: 200, pivka: nil), stage: nil) == nil)
        let history = RiskFactor(kind: .history, plan: plan)
        #expect(history.isPresent(in: Self.patient(prior: ["TACE"]), stage: nil) == true)
        #expect(history.isPresent(in: Self.patient(prior: []), stage: nil) == false)
        let stage = RiskFactor(kind: .stage, plan: plan)
        #expect(stage.isPresent(in: Self.patient(), stage: .ii) == false)
        #expect(stage.isPresent(in: Self.patient(), stage: .iii) == true)
        #expect(stage.isPresent(in: Self.patient(), stage: .iva) == true)
        var custom = StudyPlan()
        custom.afpCutoff = 400
        #expect(RiskFactor(kind: .afp, plan: custom).isPresent(in: Self.patient(afp: 200), stage: nil) == false)
        #expect(RiskFactor(kind: .afp, plan: custom).levels == ["< 400", "≥ 400"])
    }

    @Test func stagingAndDose() {
        #expect(Derive.stage(Self.patient(t: .t2, n1: false)) == .ii)
        #expect(Derive.stage(Self.patient(t: .t3, n1: true)) == .iva)    // any T N1 M0 = IVA
        #expect(Derive.tnm(Self.patient(t: .t4, n1: true)) == "T4N1M0")
        var p = Self.patient(t: nil)
        p.tumor = TumorFindings(number: 1, largestDiameterCm: 10, vascularInvasion: false)   // solitary, no invasion: 2 of 3 → T2
        #expect(Derive.tCategory(p) == .t2)
        p.tumor = TumorFindings(number: 1, largestDiameterCm: 10, vascularInvasion: true)    // solitary only: 1 of 3 → T3
        #expect(Derive.tCategory(p) == .t3)
        // 45 Gy in 25 fractions: d = 1.8; BED10 = 45(1 + 0.18) = 53.1; EQD2 = 53.1/1.2 = 44.25
        #expect(abs(Derive.dosePerFraction(p) - 1.8) < 1e-12)
        #expect(abs(Derive.bed(p, alphaBeta: 10) - 53.1) < 1e-12)
        #expect(abs(Derive.eqd2(p, alphaBeta: 10) - 44.25) < 1e-12)
    }

    @Test func childPughRecordedOrComputed() {
        var p = Self.patient()
        p.childPughRecorded = .b
        #expect(Derive.childPugh(p) == .b)
        p.childPughRecorded = nil
        // bilirubin 1.5 (1) + albumin 3.0 (2) + INR 1.2 (1) + no ascites (1) + none (1) = 6 → A
        p.childPughComponents = ChildPughComponents(bilirubinMgPerDL: 1.5, albuminGPerDL: 3.0, inr: 1.2, ascites: .none, encephalopathy: .none)
        #expect(Derive.childPugh(p) == .a)
        p.childPughComponents?.albuminGPerDL = 2.5   // → 3 points: 7 → B
        #expect(Derive.childPugh(p) == .b)
    }

    /// The 7 exclusive first-failure patterns, and the landmark boundary.
    @Test func failurePatterns() {
        let origin = Self.rtEnd
        let landmark = StudyPlan().landmarkDays    // 3 × 30.4375 = 91.3125 days
        let cases: [([FailureSite], String)] = [([.infield], "I"), ([.intrahepaticOutfield], "O"), ([.extrahepatic], "E"),
                                                ([.infield, .intrahepaticOutfield], "I+O"), ([.infield, .extrahepatic], "I+E"),
                                                ([.intrahepaticOutfield, .extrahepatic], "O+E"),
                                                ([.infield, .intrahepaticOutfield, .extrahepatic], "I+O+E")]
        for (sites, label) in cases {
            let h = FailureHistory(failures: sites.map { Self.failure("2005-03-01", $0, "lung") }, origin: origin, landmarkDays: landmark)
            #expect(h.firstPattern.label == label)
            #expect(h.landmarkPattern.label == label)
        }
        // a failure on day 91 after RT end is within the 3-month window; day 92 is not
        let onDay91 = FailureHistory(failures: [Self.failure((origin + 91).iso, .infield)], origin: origin, landmarkDays: landmark)
        #expect(onDay91.landmarkPattern == .infield)
        let onDay92 = FailureHistory(failures: [Self.failure((origin + 92).iso, .infield)], origin: origin, landmarkDays: landmark)
        #expect(onDay92.landmarkPattern.isEmpty)
        #expect(onDay92.everPattern == .infield)
        // first failure vs later failures
        let h = FailureHistory(failures: [Self.failure("2005-03-01", .intrahepaticOutfield), Self.failure("2005-09-01", .extrahepatic, "Lung"),
                                          Self.failure("2005-10-01", .extrahepatic, "bone")], origin: origin, landmarkDays: landmark)
        #expect(h.firstPattern.label == "O")
        #expect(h.everPattern.label == "O+E")
        #expect(h.extrahepaticOrgans == ["lung", "bone"])
        #expect(h.firstDateBySite[.extrahepatic]?.iso == "2005-09-01")
    }

    @Test func endpointsFollowThePlan() {
        let plan = StudyPlan()
        // died 2005-08-05 (182 days after RT end), infield failure on 2005-04-05 (60 days), outfield never
        let p = Self.patient(status: .dead, last: "2005-08-05", death: "2005-08-05")
        let h = FailureHistory(failures: [Self.failure("2005-04-05", .infield)], origin: Self.rtEnd, landmarkDays: plan.landmarkDays)
        let os = Endpoint.overallSurvival.observation(for: p, history: h, plan: plan)
        #expect(os.event && abs(os.time - 182 / 30.4375) < 1e-12)
        let inf = Endpoint.infield.observation(for: p, history: h, plan: plan)
        #expect(inf.event && abs(inf.time - 60 / 30.4375) < 1e-12)
        let out = Endpoint.outfield.observation(for: p, history: h, plan: plan)
        #expect(!out.event && abs(out.time - 182 / 30.4375) < 1e-12 && out.reason == "death")
        var deathIsEvent = plan
        deathIsEvent.deathHandling = .event
        #expect(Endpoint.outfield.observation(for: p, history: h, plan: deathIsEvent).event)
        var firstFailure = plan
        firstFailure.otherFailures = .censor
        let censored = Endpoint.outfield.observation(for: p, history: h, plan: firstFailure)
        #expect(!censored.event && abs(censored.time - 60 / 30.4375) < 1e-12 && censored.reason == "other failure (censored)")
        var fromStart = plan
        fromStart.origin = .rtStart
        #expect(abs(Endpoint.overallSurvival.observation(for: p, history: h, plan: fromStart).time - 214 / 30.4375) < 1e-12)
        // unknown status: censored at last follow-up
        let u = Self.patient(status: .unknown, last: "2005-06-06")
        #expect(!Endpoint.overallSurvival.observation(for: u, history: h, plan: plan).event)
    }

    @Test func toxicityWindowAndWorstGrade() {
        let plan = StudyPlan()   // CTCAE v3.0, window to RT end + 3 months
        let p = Self.patient()
        func lab(_ date: String, _ v: Double) -> LabValue {
            LabValue(patientID: "P1", date: Day(iso: date)!, term: .plateletCountDecreased, value: v, lln: 150_000, uln: 400_000)
        }
        // 40,000/mm3 is grade 3 (<50,000–25,000); 20,000 is grade 4 but after the window (RT end + 91 days)
        let grades = ToxicityGrading.worstGrades(patient: p, labs: [lab("2004-12-20", 20_000), lab("2005-02-01", 40_000),
                                                                    lab("2005-06-30", 20_000)], recorded: [], plan: plan)
        #expect(grades.grades["Platelet count decreased"] == 3)
        let recorded = ToxicityGrading.worstGrades(patient: p, labs: [], recorded: [
            ToxicityRecord(patientID: "P1", date: Day(iso: "2005-03-01")!, term: "GI mucositis/ulcer", grade: 3)], plan: plan)
        #expect(recorded.grades["GI mucositis/ulcer"] == 3)
    }

    @Test func mRECISTFromLesions() {
        func l(_ date: String, _ lesion: String, _ kind: LesionKind, _ mm: Double) -> LesionMeasurement {
            LesionMeasurement(patientID: "P1", date: Day(iso: date)!, lesion: lesion, kind: kind, viableMM: mm)
        }
        // baseline 60 + 40 = 100 mm; at 3 months 70 mm (−30% exactly → PR); later 85 mm (+21% over the nadir 70 → PD)
        let r = ResponseDerivation.responses(lesions: [l("2004-12-20", "a", .target, 60), l("2004-12-20", "b", .target, 40),
                                                       l("2005-05-04", "a", .target, 40), l("2005-05-04", "b", .target, 30),
                                                       l("2005-08-04", "a", .target, 50), l("2005-08-04", "b", .target, 35)],
                                             rtStart: Self.rtStart, criteria: .mRECIST)
        #expect(r.map(\.response) == [.partialResponse, .progressiveDisease])
        #expect(ResponseAssessment.bestOverallResponse(r.map(\.response)) == .partialResponse)
        let cr = ResponseDerivation.responses(lesions: [l("2004-12-20", "a", .target, 60), l("2005-05-04", "a", .target, 0)],
                                              rtStart: Self.rtStart, criteria: .mRECIST)
        #expect(cr.map(\.response) == [.completeResponse])
        let new = ResponseDerivation.responses(lesions: [l("2004-12-20", "a", .target, 60), l("2005-05-04", "a", .target, 30),
                                                         l("2005-05-04", "x", .new, 12)], rtStart: Self.rtStart, criteria: .mRECIST)
        #expect(new.map(\.response) == [.progressiveDisease])
    }

    @Test func planYAML() throws {
        let plan = try StudyPlan(yaml: "origin: rt_start\nlandmark_months: 6\nafp_cutoff: 400\nctcae_version: v5\n")
        #expect(plan.origin == .rtStart && plan.landmarkMonths == 6 && plan.afpCutoff == 400 && plan.ctcaeVersion == .v5)
        #expect(plan.pivkaCutoff == 60)   // untouched keys keep the paper's defaults
        #expect(throws: StudyPlan.PlanError.self) { try StudyPlan(yaml: "landmark_month: 6\n") }
        #expect(throws: StudyPlan.PlanError.self) { try StudyPlan(yaml: "origin: rt_middle\n") }
        #expect(throws: StudyPlan.PlanError.self) { try StudyPlan(yaml: "alpha_beta: -3\n") }
        let roundTrip = try StudyPlan(yaml: StudyPlan().yaml)
        #expect(roundTrip == StudyPlan())
    }
}
