import Foundation
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

    /// The level of a plan factor for one patient (via the endpoints stage).
    static func level(_ factor: String, _ p: Patient, plan: StudyPlan = StudyPlan()) throws -> Int? {
        try StudyData(cohort: Cohort(patients: [p], failures: []), plan: plan).factor(factor)!.level[0]
    }

    @Test func riskFactorBoundariesAreInclusiveAsPublished() throws {
        #expect(try Self.level("afp", Self.patient(afp: 200)) == 1)        // AFP exactly 200 is elevated
        #expect(try Self.level("afp", Self.patient(afp: 199.9)) == 0)
        #expect(try Self.level("afp", Self.patient(afp: nil)) == nil)
        #expect(try Self.level("pivka", Self.patient(pivka: 60)) == 1)
        #expect(try Self.level("age", Self.patient(age: 50)) == 1)          // 50 is not "< 50"
        #expect(try Self.level("age", Self.patient(age: 49)) == 0)
        #expect(try Self.level("markers", Self.patient(afp: 200, pivka: 60)) == 1)
        #expect(try Self.level("markers", Self.patient(afp: 200, pivka: 59)) == 0)
        #expect(try Self.level("markers", Self.patient(afp: 200, pivka: nil)) == nil)
        #expect(try Self.level("markers", Self.patient(afp: 10, pivka: nil)) == nil)   // unknown is never "absent"
        #expect(try Self.level("history", Self.patient(prior: ["TACE"])) == 1)
        #expect(try Self.level("history", Self.patient(prior: [])) == 0)
        #expect(try Self.level("stage", Self.patient(t: .t2)) == 0)        // T2N0M0 = stage II
        #expect(try Self.level("stage", Self.patient(t: .t3)) == 1)        // III
        #expect(try Self.level("stage", Self.patient(t: .t4)) == 1)        // IVA
        #expect(try Self.level("stage", Self.patient(t: nil)) == nil)
        let custom = try StudyPlan(yaml: "afp_cutoff: 400\n")
        #expect(try Self.level("afp", Self.patient(afp: 200), plan: custom) == 0)
        #expect(custom.resolve(custom.factor(named: "afp")!).levels == ["< 400", "≥ 400"])
    }

    @Test func userFactorsFromThePlan() throws {
        let plan = try StudyPlan(yaml: """
            preset: none
            factors:
              - {name: bed60, label: BED10, unit: Gy, variable: bed, cut_points: [60]}
              - {name: dose3, variable: total_dose_gy, cut_points: [40, 50]}
              - name: stage_grp
                variable: muicc_stage
                groups: {early: [I, II], late: [III, IVA, IVB]}
                reference: late
              - {name: own, variable: my_score, cut_points: [2.5]}
            """)
        var p = Self.patient()                    // 45 Gy in 25 fractions: d = 1.8, BED10 = 45 × 1.18 = 53.1
        p.additional["my_score"] = "2.5"
        let data = try StudyData(cohort: Cohort(patients: [p], failures: []), plan: plan)
        #expect(data.factor("bed60")!.level[0] == 0)
        #expect(data.factor("dose3")!.level[0] == 1)                       // 40 ≤ 45 < 50
        #expect(data.factor("dose3")!.factor.levels == ["< 40", "40 to < 50", "≥ 50"])
        #expect(data.factor("stage_grp")!.level[0] == 1 && data.factor("stage_grp")!.factor.reference == 1)
        #expect(data.factor("own")!.level[0] == 1)
        p.additional["my_score"] = "high"
        #expect(throws: StudyPlan.PlanError.self) {
            try StudyData(cohort: Cohort(patients: [p], failures: []), plan: plan)
        }
    }

    @Test func stagingAndDose() {
        #expect(Derive.stage(Self.patient(t: .t2, n1: false)) == .ii)
        #expect(Derive.stage(Self.patient(t: .t3, n1: true)) == .iva)    // any T N1 M0 = IVA
        #expect(Derive.tnm(Self.patient(t: .t4, n1: true)) == "T4N1M0")
        var p = Self.patient(t: nil)
        // solitary, no invasion: 2 of 3 → T2
        p.tumor = TumorFindings(number: 1, largestDiameterCm: 10, vascularInvasion: false)
        #expect(Derive.tCategory(p) == .t2)
        p.tumor = TumorFindings(number: 1, largestDiameterCm: 10, vascularInvasion: true)  // solitary only: 1 of 3 → T3
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
        p.childPughComponents = ChildPughComponents(
            bilirubinMgPerDL: 1.5, albuminGPerDL: 3.0, inr: 1.2, ascites: .none, encephalopathy: .none)
        #expect(Derive.childPugh(p) == .a)
        p.childPughComponents?.albuminGPerDL = 2.5   // → 3 points: 7 → B
        #expect(Derive.childPugh(p) == .b)
    }

    /// The 7 exclusive first-failure patterns, and the landmark boundary.
    @Test func failurePatterns() {
        let origin = Self.rtEnd
        let landmark = StudyPlan().landmarkDays    // 3 × 30.4375 = 91.3125 days
        let cases: [([FailureSite], String)] = [
            ([.infield], "I"), ([.intrahepaticOutfield], "O"), ([.extrahepatic], "E"),
            ([.infield, .intrahepaticOutfield], "I+O"), ([.infield, .extrahepatic], "I+E"),
            ([.intrahepaticOutfield, .extrahepatic], "O+E"),
            ([.infield, .intrahepaticOutfield, .extrahepatic], "I+O+E"),
        ]
        for (sites, label) in cases {
            let h = FailureHistory(
                failures: sites.map { Self.failure("2005-03-01", $0, "lung") }, origin: origin, landmarkDays: landmark)
            #expect(h.firstPattern.label == label)
            #expect(h.landmarkPattern.label == label)
        }
        // a failure on day 91 after RT end is within the 3-month window; day 92 is not
        let onDay91 = FailureHistory(
            failures: [Self.failure((origin + 91).iso, .infield)], origin: origin, landmarkDays: landmark)
        #expect(onDay91.landmarkPattern == .infield)
        let onDay92 = FailureHistory(
            failures: [Self.failure((origin + 92).iso, .infield)], origin: origin, landmarkDays: landmark)
        #expect(onDay92.landmarkPattern.isEmpty)
        #expect(onDay92.everPattern == .infield)
        // first failure vs later failures
        let h = FailureHistory(
            failures: [
                Self.failure("2005-03-01", .intrahepaticOutfield), Self.failure("2005-09-01", .extrahepatic, "Lung"),
                Self.failure("2005-10-01", .extrahepatic, "bone"),
            ], origin: origin, landmarkDays: landmark)
        #expect(h.firstPattern.label == "O")
        #expect(h.everPattern.label == "O+E")
        #expect(h.extrahepaticOrgans == ["lung", "bone"])
        #expect(h.firstDateBySite[.extrahepatic]?.iso == "2005-09-01")
    }

    @Test func endpointsFollowThePlan() throws {
        let plan = StudyPlan()
        func e(_ name: String, _ plan: StudyPlan) -> EndpointDefinition { plan.endpoint(named: name)! }
        // died 2005-08-05 (182 days after RT end), infield failure on 2005-04-05 (60 days), outfield never
        let p = Self.patient(status: .dead, last: "2005-08-05", death: "2005-08-05")
        let h = FailureHistory(
            failures: [Self.failure("2005-04-05", .infield)], origin: Self.rtEnd, landmarkDays: plan.landmarkDays)
        let os = e("os", plan).observation(for: p, history: h, plan: plan)
        #expect(os.event && abs(os.time - 182 / 30.4375) < 1e-12)
        let inf = e("pfs_infield", plan).observation(for: p, history: h, plan: plan)
        #expect(inf.event && abs(inf.time - 60 / 30.4375) < 1e-12)
        let out = e("pfs_intrahepatic_outfield", plan).observation(for: p, history: h, plan: plan)
        #expect(!out.event && abs(out.time - 182 / 30.4375) < 1e-12 && out.reason == .death && out.status == .competing)
        let deathIsEvent = try StudyPlan(yaml: "death: event\n")
        #expect(e("pfs_intrahepatic_outfield", deathIsEvent).observation(for: p, history: h, plan: deathIsEvent).event)
        let firstFailure = try StudyPlan(yaml: "other_failures: censor\n")
        let censored = e("pfs_intrahepatic_outfield", firstFailure).observation(for: p, history: h, plan: firstFailure)
        #expect(!censored.event && abs(censored.time - 60 / 30.4375) < 1e-12 && censored.reason == .otherFailure)
        var fromStart = plan
        fromStart.origin = .rtStart
        #expect(abs(e("os", fromStart).observation(for: p, history: h, plan: fromStart).time - 214 / 30.4375) < 1e-12)
        // unknown status: censored at last follow-up
        let u = Self.patient(status: .unknown, last: "2005-06-06")
        #expect(!e("os", plan).observation(for: u, history: h, plan: plan).event)
        // a custom endpoint: infield or extrahepatic failure, death an event
        let custom = try StudyPlan(
            yaml: "endpoints:\n  - {name: ie, events: [infield, extrahepatic, death]}\nanalyses: []\n")
        let x = e("ie", custom).observation(for: p, history: h, plan: custom)
        #expect(x.event && abs(x.time - 60 / 30.4375) < 1e-12 && x.reason == .failure(.infield))
    }

    @Test func toxicityWindowAndWorstGrade() {
        let plan = StudyPlan()   // CTCAE v3.0, window to RT end + 3 months
        let p = Self.patient()
        func lab(_ date: String, _ v: Double) -> LabValue {
            LabValue(
                patientID: "P1", date: Day(iso: date)!, term: .plateletCountDecreased, value: v, lln: 150_000,
                uln: 400_000)
        }
        // 40,000/mm3 is grade 3 (<50,000–25,000); 20,000 is grade 4 but after the window (RT end + 91 days)
        let grades = ToxicityGrading.worstGrades(
            patient: p,
            labs: [
                lab("2004-12-20", 20_000), lab("2005-02-01", 40_000),
                lab("2005-06-30", 20_000),
            ], recorded: [], plan: plan)
        #expect(grades.grades["Platelet count decreased"] == 3)
        let recorded = ToxicityGrading.worstGrades(
            patient: p, labs: [],
            recorded: [
                ToxicityRecord(patientID: "P1", date: Day(iso: "2005-03-01")!, term: "GI mucositis/ulcer", grade: 3)
            ], plan: plan)
        #expect(recorded.grades["GI mucositis/ulcer"] == 3)
    }

    @Test func mRECISTFromLesions() {
        func l(_ date: String, _ lesion: String, _ kind: LesionKind, _ mm: Double) -> LesionMeasurement {
            LesionMeasurement(patientID: "P1", date: Day(iso: date)!, lesion: lesion, kind: kind, viableMM: mm)
        }
        // baseline 60 + 40 = 100 mm; at 3 months 70 mm (−30% exactly → PR); later 85 mm (+21% over the nadir 70 → PD)
        let r = ResponseDerivation.responses(
            lesions: [
                l("2004-12-20", "a", .target, 60), l("2004-12-20", "b", .target, 40),
                l("2005-05-04", "a", .target, 40), l("2005-05-04", "b", .target, 30),
                l("2005-08-04", "a", .target, 50), l("2005-08-04", "b", .target, 35),
            ],
            rtStart: Self.rtStart, criteria: .mRECIST)
        #expect(r.map(\.response) == [.partialResponse, .progressiveDisease])
        #expect(ResponseAssessment.bestOverallResponse(r.map(\.response)) == .partialResponse)
        let cr = ResponseDerivation.responses(
            lesions: [l("2004-12-20", "a", .target, 60), l("2005-05-04", "a", .target, 0)],
            rtStart: Self.rtStart, criteria: .mRECIST)
        #expect(cr.map(\.response) == [.completeResponse])
        let new = ResponseDerivation.responses(
            lesions: [
                l("2004-12-20", "a", .target, 60), l("2005-05-04", "a", .target, 30),
                l("2005-05-04", "x", .new, 12),
            ], rtStart: Self.rtStart, criteria: .mRECIST)
        #expect(new.map(\.response) == [.progressiveDisease])
    }

    @Test func planYAML() throws {
        let plan = try StudyPlan(yaml: "origin: rt_start\nlandmark_months: 6\nafp_cutoff: 400\nctcae_version: v5\n")
        #expect(plan.origin == .rtStart && plan.landmarkMonths == 6 && plan.ctcaeVersion == .v5)
        #expect(plan.factor(named: "afp")!.rule == .cutPoints([400]))
        #expect(plan.factor(named: "pivka")!.rule == .cutPoints([60]))   // untouched keys keep the paper's defaults
        #expect(plan.isPaperPreset)
        #expect(throws: StudyPlan.PlanError.self) { try StudyPlan(yaml: "landmark_month: 6\n") }
        #expect(throws: StudyPlan.PlanError.self) { try StudyPlan(yaml: "origin: rt_middle\n") }
        #expect(throws: StudyPlan.PlanError.self) { try StudyPlan(yaml: "alpha_beta: -3\n") }
        let roundTrip = try StudyPlan(yaml: StudyPlan().yaml)
        #expect(roundTrip == StudyPlan())
        // plain decimals
        #expect(StudyPlan().yaml.range(of: "[0-9][eE][-+]?[0-9]", options: .regularExpression) == nil)
        #expect(StudyPlan().yaml.contains("alpha: 0.05"))
        #expect(StudyPlan().yaml.contains("landmark_months: 3\n"))
    }

    /// Every value through one number grammar, limits on size and alias expansion, no duplicate keys.
    @Test func hostilePlans() throws {
        func message(_ yaml: String) -> String {
            do { _ = try StudyPlan(yaml: yaml); return "" } catch { return "\(error)" }
        }
        #expect(message("landmark_months: .inf\n").contains("not a finite decimal number"))
        #expect(message("landmark_months: 1e300\n").contains("out of range"))
        #expect(message("toxicity_window_months: .nan\n").contains("not a finite decimal number"))
        #expect(message("rate_times: [12, .inf]\n").contains("rate_times[2]"))
        #expect(message("afp_cutoff: .nan\n").contains("afp_cutoff"))
        #expect(message("alpha: 0.05\nalpha: 0.01\n").contains("key given twice"))
        #expect(message("alpha: 0.05\nalpha: 0.01\n").contains("line 2"))
        let bomb = """
            a: &a ["x","x","x","x","x","x","x","x","x","x"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
            e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
            f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
            g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
            """
        #expect(message(bomb).contains("unknown key") || message(bomb).contains("expands to more than"))
        #expect(
            message("factors:\n  - {name: x, variable: age, cut_points: [.nan]}\n").contains("not a finite decimal"))
        #expect(message("factors:\n  - {name: x, variable: age, cut_points: [60, 50]}\n").contains("increasing"))
        #expect(message("factors:\n  - {name: x, variable: sex, cut_points: [1]}\n").contains("not numeric"))
        #expect(
            message("analyses:\n  - {endpoint: os, univariate: [nope]}\n").contains("factor \"nope\" is not defined"))
        #expect(message("analyses:\n  - {endpoint: nope}\n").contains("endpoint \"nope\" is not defined"))
        #expect(message(String(repeating: "# padding\n", count: 30_000)).contains("at most"))
        #expect(message("factors: [age, age]\n").contains("defined twice"))
        #expect(message("factors: [weight]\n").contains("not one of the paper's factors"))
    }

    /// Grade 5 is counted as grade 5 (not lost), and records outside the window are counted, not dropped.
    @Test func toxicityGradeFiveAndOutsideTheWindow() throws {
        // RT 2005-01-03 to 2005-02-04; window to RT end + ⌊3 × 30.4375⌋ = 91 days = 2005-05-06
        let p = Self.patient(status: .dead, last: "2005-04-01", death: "2005-04-01")
        let tox = [ToxicityRecord(patientID: "P1", date: Day(iso: "2005-03-01")!, term: "Hepatic failure", grade: 5),
                   ToxicityRecord(patientID: "P1", date: Day(iso: "2005-05-07")!, term: "Nausea", grade: 3),
                   ToxicityRecord(patientID: "P1", date: Day(iso: "2004-12-01")!, term: "Fatigue", grade: 3)]
        let cohort = Cohort(patients: [p], failures: [], toxicities: tox)
        let results = try StudyAnalysis(cohort: cohort, plan: StudyPlan()).run()
        let row = try #require(results.toxicity.rows.first { $0.term == "Hepatic failure" })
        #expect(row.grade5 == 1 && row.grade3 == 0 && row.grade4 == 0)
        #expect(!results.toxicity.rows.contains { $0.term == "Nausea" || $0.term == "Fatigue" })
        #expect(results.toxicity.outsideWindow == 2)
        #expect(results.exclusions.contains { $0.analysis == "Toxicity" && $0.n == 2 })
    }

    /// Causes of death are tabulated for all deaths and for deaths within the early window.
    @Test func causesOfDeath() throws {
        var early = Self.patient("P1", status: .dead, last: "2005-03-01", death: "2005-03-01")   // day 25 after RT end
        early.causeOfDeath = .hepaticFailure
        var late = Self.patient("P2", status: .dead, last: "2006-01-01", death: "2006-01-01")
        late.causeOfDeath = .tumourProgression
        let unrecorded = Self.patient("P3", status: .dead, last: "2005-04-01", death: "2005-04-01")   // day 56
        let alive = Self.patient("P4")
        let results = try StudyAnalysis(
            cohort: Cohort(patients: [early, late, unrecorded, alive], failures: []), plan: StudyPlan()
        ).run()
        let c = try #require(results.causesOfDeath)
        #expect(c.all.map(\.category) == ["hepatic failure", "tumour progression", "not recorded"])
        #expect(c.all.map(\.n) == [1, 1, 1] && c.all.allSatisfy { $0.denominator == 3 })
        #expect(
            c.early.map(\.category) == ["hepatic failure", "not recorded"] && c.early.allSatisfy { $0.denominator == 2 }
        )
        let none = try StudyAnalysis(cohort: Cohort(patients: [unrecorded, alive], failures: []), plan: StudyPlan())
            .run()
        #expect(none.causesOfDeath == nil)
    }
}
