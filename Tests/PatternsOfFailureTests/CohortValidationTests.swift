import Foundation
import Oncology
import Testing
@testable import PatternsOfFailure

/// One bad input per rule: each asserts severity, file, row, column, value and the gist of the message.
@Suite struct PatientValueRuleTests {
    /// A single changed cell in the base patient (row 2) gives exactly one issue in that cell.
    @Test(arguments: [
        // (column, value, severity, message)
        ("age", "130", "error", "age must be 0–120"),
        ("age", "-1", "error", "age must be 0–120"),
        ("age", "sixty", "error", "not a number"),
        ("sex", "X", "error", "accepted: M, F, male, female"),
        ("viral", "D", "error", "accepted: B, C, B+C, NBNC"),
        ("child_pugh", "D", "error", "accepted: A, B, C"),
        ("ascites", "lots", "error", "accepted: none, mild, moderate, severe"),
        ("encephalopathy", "grade 5", "error", "accepted: none, grade1-2, grade3-4"),
        ("t_stage", "T5", "error", "accepted: T1, T2, T3, T4"),
        ("n_stage", "N2", "error", "accepted: N0, N1"),
        ("m_stage", "Mx", "error", "accepted: M0, M1"),
        ("vascular_invasion", "maybe", "error", "accepted: yes, no, y, n, true, false, 1, 0"),
        ("pvt", "unclear", "error", "accepted: yes, no"),
        ("response_3m", "great", "error", "accepted: CR, PR, SD, PD, NE"),
        ("vital_status", "zombie", "error", "accepted: alive, dead, unknown"),
        ("icg_r15", "120", "error", "ICG R15 must be 0–100"),
        ("icg_r15", "-3", "error", "ICG R15 must be 0–100"),
        ("bilirubin", "-0.5", "error", "must be ≥ 0"),
        ("albumin", "35", "warning", "check the unit"),
        ("tumor_number", "0", "error", "number of tumours must be ≥ 1"),
        ("tumor_number", "1.5", "error", "not a whole number"),
        ("tumor_size_cm", "0", "error", "tumour size must be > 0"),
        ("afp", "-1", "error", "must be ≥ 0"),
        ("afp", "2500000", "warning", "check the unit"),
        ("pivka", "1500000", "warning", "check the unit"),
        ("pivka", "-2", "error", "must be ≥ 0"),
        ("afp", "12,5", "error", "not a number (use a decimal point"),
        ("afp", "1,234", "error", "not a number (use a decimal point"),
        ("afp", "250 IU/mL", "error", "not a number (give the number alone, without a unit)"),
        ("afp", ">1000", "error", "not a number (a limit"),
        ("afp", "nan", "error", "not a number"),
        ("total_dose_gy", "0", "error", "total dose must be > 0 and ≤ 100 Gy"),
        ("total_dose_gy", "120", "error", "total dose must be > 0 and ≤ 100 Gy"),
        ("total_dose_gy", "95", "warning", "total dose above 90 Gy"),
        ("fractions", "0", "error", "number of fractions must be > 0"),
        ("fractions", "25.5", "error", "not a whole number"),
        ("fractions", "1", "warning", "dose per fraction 45 Gy (45 Gy in 1 fraction) is outside 1–25 Gy"),
        ("fractions", "60", "warning", "dose per fraction 0.75 Gy (45 Gy in 60 fractions) is outside 1–25 Gy"),
        ("height_cm", "1.68", "warning", "check the unit (cm expected)"),
        ("weight_kg", "0", "error", "must be > 0"),
    ])
    func valueRule(column: String, value: String, severity: String, message: String) {
        let reading = CohortFixture.read(patient: [column: value])
        expectCohortIssue(
            onlyCohortIssue(reading), ValidationIssue.Severity(rawValue: severity)!, "patients.csv", row: 2,
            column: column, value: value, message: message)
        #expect((reading.cohort == nil) == (severity == "error"))
    }

    @Test(arguments: ["age", "sex", "pvt", "total_dose_gy", "fractions", "rt_start", "rt_end", "last_followup",
                      "vital_status"])
    func requiredValueMissing(column: String) {
        var changes = [column: ""]
        if column == "vital_status" { changes["death_date"] = "" }
        let reading = CohortFixture.read(patient: changes)
        expectCohortIssue(onlyCohortIssue(reading), .error, "patients.csv", row: 2, column: column, value: nil,
                    message: "a value is required")
    }

    @Test func acceptedSpellings() throws {
        let reading = CohortFixture.read(patients: CohortFixture.patients([
            ["sex": "male", "viral": "HBV+HCV", "child_pugh": "Child-Pugh A", "ascites": "absent",
             "encephalopathy": "0", "t_stage": "3", "n_stage": "1", "m_stage": "m0", "pvt": "TRUE",
             "vascular_invasion": "Y", "response_3m": "partial response", "vital_status": "Deceased"],
            ["sex": "f", "viral": "nbnc", "pvt": "0", "vital_status": "Alive", "death_date": "",
             "response_3m": "ne"],
        ]))
        #expect(reading.issues.isEmpty, "\(reading.issues.map(\.description))")
        let p = try #require(reading.cohort?.patients)
        #expect(p[0].sex == .male && p[0].viral == .both && p[0].nodePositive == true && p[0].metastasis == false)
        #expect(p[0].portalVeinThrombosis && p[0].tCategory == .t3 && p[0].vitalStatus == .dead)
        #expect(p[1].sex == .female && p[1].viral == .neither && !p[1].portalVeinThrombosis)
        #expect(p[1].response3Months == .notEvaluable && p[1].vitalStatus == .alive)
    }
}

@Suite struct PatientDateRuleTests {
    @Test func rtEndBeforeRTStart() {
        let reading = CohortFixture.read(patient: ["rt_end": "2004-02-20"])
        expectCohortIssue(
            onlyCohortIssue(reading), .error, "patients.csv", row: 2, column: "rt_end", value: "2004-02-20",
            message: "rt_end is before rt_start (2004-03-01)")
    }

    @Test func lastFollowUpBeforeRTEnd() {
        let reading = CohortFixture.read(patient: ["last_followup": "2004-04-01", "vital_status": "alive",
                                                   "death_date": ""])
        expectCohortIssue(
            onlyCohortIssue(reading), .error, "patients.csv", row: 2, column: "last_followup", value: "2004-04-01",
            message: "last_followup is before rt_end (2004-04-05)")
    }

    @Test func deadWithoutDeathDate() {
        let reading = CohortFixture.read(patient: ["death_date": ""])
        expectCohortIssue(onlyCohortIssue(reading), .error, "patients.csv", row: 2, column: "death_date", value: nil,
                    message: "vital_status is dead, so death_date is required")
    }

    @Test func deathDateWithoutDeath() {
        let reading = CohortFixture.read(patient: ["vital_status": "alive"])
        expectCohortIssue(
            onlyCohortIssue(reading), .error, "patients.csv", row: 2, column: "death_date", value: "2005-06-30",
            message: "death_date is given but vital_status is alive")
    }

    @Test func deadPatientsWithoutADeathDateColumn() {
        let columns = CohortFixture.patientColumns.filter { $0 != "death_date" }
        let reading = CohortFixture.read(patients: CohortFixture.patients([[:]], columns: columns))
        expectCohortIssue(onlyCohortIssue(reading), .error, "patients.csv", row: 2, column: "death_date", value: nil,
                    message: "death_date is required")
    }

    @Test func deathAfterLastFollowUp() {
        let reading = CohortFixture.read(patient: ["death_date": "2005-07-01"])
        expectCohortIssue(
            onlyCohortIssue(reading), .error, "patients.csv", row: 2, column: "death_date", value: "2005-07-01",
            message: "death_date is after last_followup (2005-06-30)")
    }

    @Test func deathBeforeRTStart() {
        let reading = CohortFixture.read(patient: ["death_date": "2004-01-01", "last_followup": "2004-01-01",
                                                   "rt_end": "2004-03-01"])
        #expect(reading.errors.contains { $0.column == "death_date" && $0.message.contains("before rt_start") })
    }

    @Test func lastFollowUpOfTheDeadDiffersFromDeathDate() {
        let reading = CohortFixture.read(patient: ["last_followup": "2005-12-31"])
        expectCohortIssue(
            onlyCohortIssue(reading), .warning, "patients.csv", row: 2, column: "last_followup", value: "2005-12-31",
            message: "last_followup differs from death_date (2005-06-30)")
        #expect(reading.cohort != nil)
    }

    @Test func duplicatePatientID() {
        let reading = CohortFixture.read(patients: CohortFixture.patients([[:], [:], ["id": "P01"]]))
        expectCohortIssue(onlyCohortIssue(reading), .error, "patients.csv", row: 4, column: "id", value: "P01",
                    message: "duplicate patient id; first in row 2")
    }
}

@Suite struct ChildPughAndStageRuleTests {
    @Test func childPughNeitherRecordedNorComputable() {
        let reading = CohortFixture.read(patient: ["child_pugh": "", "inr": "", "ascites": ""])
        expectCohortIssue(onlyCohortIssue(reading), .warning, "patients.csv", row: 2, column: "child_pugh", value: nil,
                    message: "Child-Pugh class neither recorded nor computable; missing inr, ascites")
        #expect(reading.cohort?.patients.first?.childPughComponents == nil)
    }

    @Test func childPughComputedOnlyIsFine() throws {
        let reading = CohortFixture.read(patient: ["child_pugh": ""])
        #expect(reading.issues.isEmpty)
        let p = try #require(reading.cohort?.patients.first)
        #expect(p.childPughRecorded == nil && p.childPughComponents != nil)
    }

    @Test func childPughRecordedOnlyIsFine() throws {
        let reading = CohortFixture.read(patient: ["inr": "", "bilirubin": "", "albumin": ""])
        #expect(reading.issues.isEmpty)
        #expect(try #require(reading.cohort?.patients.first).childPughRecorded == .a)
    }

    @Test func recordedClassDiffersFromComputed() throws {
        let reading = CohortFixture.read(patient: ["child_pugh": "B"])
        expectCohortIssue(onlyCohortIssue(reading), .warning, "patients.csv", row: 2, column: "child_pugh", value: "B",
                    message: "recorded Child-Pugh class B differs from the class computed from bilirubin, albumin, "
                        + "inr, ascites and encephalopathy (A, score 5)")
        // Both are kept as read.
        let p = try #require(reading.cohort?.patients.first)
        #expect(p.childPughRecorded == .b)
        #expect(p.childPughComponents?.bilirubinMgPerDL == 0.8)
    }

    @Test func noDerivedWarningWhenAComponentIsInError() {
        let reading = CohortFixture.read(patient: ["child_pugh": "", "inr": "high"])
        expectCohortIssue(onlyCohortIssue(reading), .error, "patients.csv", row: 2, column: "inr", value: "high",
                    message: "not a number")
    }

    @Test func stageNeitherGivenNorDerivable() {
        let reading = CohortFixture.read(patient: ["t_stage": "", "tumor_size_cm": ""])
        expectCohortIssue(onlyCohortIssue(reading), .warning, "patients.csv", row: 2, column: "t_stage", value: nil,
                    message: "T stage neither given nor derivable; missing tumor_size_cm")
    }

    @Test func stageDerivableIsFine() {
        #expect(CohortFixture.read(patient: ["t_stage": ""]).issues.isEmpty)
        #expect(CohortFixture.read(patient: ["tumor_number": "", "tumor_size_cm": "", "vascular_invasion": ""])
            .issues.isEmpty)
    }

    @Test func givenTDiffersFromDerived() {
        let reading = CohortFixture.read(patient: ["t_stage": "T1"])
        expectCohortIssue(onlyCohortIssue(reading), .warning, "patients.csv", row: 2, column: "t_stage", value: "T1",
                    message: "t_stage T1 differs from the T derived from tumor_number, tumor_size_cm and "
                        + "vascular_invasion (T3)")
    }
}

@Suite struct HeaderRuleTests {
    @Test func missingRequiredColumn() {
        let columns = CohortFixture.patientColumns.filter { $0 != "age" }
        let reading = CohortFixture.read(patients: CohortFixture.patients([[:]], columns: columns))
        let issue = onlyCohortIssue(reading)
        expectCohortIssue(issue, .error, "patients.csv", row: 1, column: "age", value: nil,
                    message: "required column is missing; the columns are \"id\", \"sex\", \"viral\"")
        #expect(issue?.message.contains("\"weight_kg\"") == true)
        #expect(reading.cohort == nil)
    }

    @Test func missingRequiredColumnInFailures() {
        let reading = CohortFixture.read(failures: "id,when,site\nP01,2004-09-15,I\n")
        #expect(reading.issues.count == 2)
        expectCohortIssue(reading.issues.first, .warning, "failures.csv", row: 1, column: "when", value: nil,
                    message: "unknown column, ignored")
        expectCohortIssue(reading.issues.last, .error, "failures.csv", row: 1, column: "date", value: nil,
                    message: "required column is missing; the columns are \"id\", \"when\", \"site\"")
    }

    @Test func columnNameInTheWrongCase() {
        let columns = CohortFixture.patientColumns.map { $0 == "age" ? "Age" : $0 }
        var text = CohortFixture.patients([[:]]).split(separator: "\n").map(String.init)
        text[0] = columns.joined(separator: ",")
        let reading = CohortFixture.read(patients: text.joined(separator: "\n"))
        #expect(reading.issues.count == 2)
        expectCohortIssue(reading.issues.first, .warning, "patients.csv", row: 1, column: "Age", value: nil,
                    message: "did you mean \"age\"?")
        expectCohortIssue(reading.issues.last, .error, "patients.csv", row: 1, column: "age", value: nil,
                    message: "(\"Age\" differs in case; column names are lower case)")
    }

    @Test func unknownColumnIsAWarningAndAnExclusion() throws {
        let columns = CohortFixture.patientColumns + ["comment"]
        var base = CohortFixture.patients([[:], [:], [:]], columns: columns).split(separator: "\n").map(String.init)
        base[1] += "seen twice"
        base[3] += "NA"
        let reading = CohortFixture.read(patients: base.joined(separator: "\n"))
        expectCohortIssue(onlyCohortIssue(reading), .warning, "patients.csv", row: 1, column: "comment", value: nil,
                    message: "unknown column, ignored")
        #expect(reading.cohort != nil)
        #expect(reading.exclusions == [InputExclusion(file: "patients.csv", column: "comment", rows: [2],
                                                 reason: "unknown column")])
        #expect(
            reading.exclusions[0].description == "patients.csv, column \"comment\": 1 value not used (unknown column)")
    }

    @Test func optionalColumnsMayBeLeftOut() throws {
        let columns = CohortFileRole.patients.requiredColumns + ["death_date", "child_pugh", "t_stage"]
        let reading = CohortFixture.read(patients: CohortFixture.patients([[:]], columns: columns))
        #expect(reading.issues.isEmpty, "\(reading.issues.map(\.description))")
        #expect(reading.cohort?.patients.first?.afp == nil)
    }
}

@Suite struct FailureRuleTests {
    static func read(_ rows: String, patient: [String: String] = [:]) -> CohortReading {
        CohortFixture.read(patients: CohortFixture.patients([patient]), failures: CohortFixture.failuresHeader + rows)
    }

    @Test func unknownPatient() {
        expectCohortIssue(
            onlyCohortIssue(Self.read("P99,2004-09-15,I,\n")), .error, "failures.csv", row: 2, column: "id",
            value: "P99", message: "no patient with this id in patients.csv")
    }

    @Test func unknownSite() {
        expectCohortIssue(onlyCohortIssue(Self.read("P01,2004-09-15,marginal,\n")), .error, "failures.csv", row: 2,
                    column: "site", value: "marginal",
                    message: "not a known failure site; accepted: infield, intrahepatic-outfield, extrahepatic")
    }

    @Test func failureBeforeRTEnd() {
        expectCohortIssue(onlyCohortIssue(Self.read("P01,2004-04-01,infield,\n")), .error, "failures.csv", row: 2,
                    column: "date", value: "2004-04-01",
                    message: "failure date is before rt_end (2004-04-05, patients.csv row 2)")
    }

    @Test func failureAfterLastFollowUp() {
        let reading = Self.read("P01,2005-08-01,infield,\n", patient: ["vital_status": "alive", "death_date": ""])
        expectCohortIssue(onlyCohortIssue(reading), .error, "failures.csv", row: 2, column: "date", value: "2005-08-01",
                    message: "failure date is after last_followup (2005-06-30, patients.csv row 2)")
    }

    @Test func failureAfterDeath() {
        // Last follow-up after death is itself a warning; the failure between the two is an error.
        let reading = Self.read("P01,2005-08-01,infield,\n", patient: ["last_followup": "2005-12-31"])
        #expect(reading.issues.count == 2)
        expectCohortIssue(reading.issues.first, .warning, "patients.csv", row: 2, column: "last_followup",
                    value: "2005-12-31", message: "differs from death_date")
        expectCohortIssue(reading.issues.last, .error, "failures.csv", row: 2, column: "date", value: "2005-08-01",
                    message: "failure date is after death (death_date 2005-06-30, patients.csv row 2)")
    }

    @Test func failureOnTheBoundaryDatesIsFine() {
        #expect(Self.read("P01,2004-04-05,I,\nP01,2005-06-30,E,bone\n").issues.isEmpty)
    }

    @Test func duplicateFailure() {
        let reading = Self.read("P01,2004-09-15,infield,\nP01,2004-09-15,E,lung\nP01,2004-09-15,I,\n")
        expectCohortIssue(onlyCohortIssue(reading), .error, "failures.csv", row: 4, column: "id", value: "P01",
                    message: "duplicate failure: same id, date, site and organ as row 2")
    }

    @Test func sameDaySameSiteDifferentOrganIsNotADuplicate() {
        #expect(Self.read("P01,2004-09-15,E,lung\nP01,2004-09-15,E,bone\n").issues.isEmpty)
    }

    @Test func extrahepaticWithoutOrgan() {
        let reading = Self.read("P01,2004-09-15,extrahepatic,\n")
        expectCohortIssue(onlyCohortIssue(reading), .warning, "failures.csv", row: 2, column: "organ", value: nil,
                    message: "extrahepatic failure without organ")
        #expect(reading.cohort?.failures.first?.organ == nil)
    }

    @Test func failureDateNotADate() {
        expectCohortIssue(
            onlyCohortIssue(Self.read("P01,15/09/2004,I,\n")), .error, "failures.csv", row: 2, column: "date",
            value: "15/09/2004", message: "day and month order is ambiguous")
    }

    @Test func failuresFileWithoutDataRows() throws {
        let reading = Self.read("")
        #expect(reading.issues.isEmpty)
        #expect(try #require(reading.cohort).failures.isEmpty)
    }
}

@Suite struct OptionalFileRuleTests {
    static let lesionHeader = "id,date,lesion,kind,viable_mm,progression\n"
    static let labHeader = "id,date,test,value,lln,uln\n"
    static let toxicityHeader = "id,date,term,grade\n"

    @Test func lesionForUnknownPatient() {
        let reading = CohortFixture.read(lesions: Self.lesionHeader + "P99,2004-02-20,L1,target,30,\n")
        expectCohortIssue(onlyCohortIssue(reading), .error, "lesions.csv", row: 2, column: "id", value: "P99",
                    message: "no patient with this id")
    }

    @Test func labForUnknownPatient() {
        let reading = CohortFixture.read(labs: Self.labHeader + "P99,2004-02-20,ALT,30,,40\n")
        expectCohortIssue(onlyCohortIssue(reading), .error, "labs.csv", row: 2, column: "id", value: "P99",
                    message: "no patient with this id")
    }

    @Test func toxicityForUnknownPatient() {
        let reading = CohortFixture.read(toxicities: Self.toxicityHeader + "P99,2004-03-20,Fatigue,1\n")
        expectCohortIssue(onlyCohortIssue(reading), .error, "toxicities.csv", row: 2, column: "id", value: "P99",
                    message: "no patient with this id")
    }

    @Test func unknownLesionKind() {
        let reading = CohortFixture.read(lesions: Self.lesionHeader + "P01,2004-02-20,L1,index,30,\n")
        expectCohortIssue(onlyCohortIssue(reading), .error, "lesions.csv", row: 2, column: "kind", value: "index",
                    message: "accepted: target, non-target, new")
    }

    @Test func negativeViableDiameter() {
        let reading = CohortFixture.read(lesions: Self.lesionHeader + "P01,2004-02-20,L1,target,-4,\n")
        expectCohortIssue(onlyCohortIssue(reading), .error, "lesions.csv", row: 2, column: "viable_mm", value: "-4",
                    message: "must be ≥ 0")
    }

    @Test func duplicateLesionMeasurement() {
        let reading = CohortFixture.read(lesions: Self.lesionHeader
            + "P01,2004-02-20,L1,target,30,\nP01,2004-02-20,L2,target,12,\nP01,2004-02-20,L1,target,31,\n")
        expectCohortIssue(onlyCohortIssue(reading), .error, "lesions.csv", row: 4, column: "lesion", value: "L1",
                    message: "duplicate measurement: same id, date and lesion as row 2")
    }

    @Test func lesionAfterLastFollowUp() {
        let reading = CohortFixture.read(lesions: Self.lesionHeader + "P01,2005-09-01,L1,target,30,\n")
        expectCohortIssue(
            onlyCohortIssue(reading), .warning, "lesions.csv", row: 2, column: "date", value: "2005-09-01",
            message: "imaging date is after last_followup (2005-06-30, patients.csv row 2)")
    }

    @Test func unknownLabTest() {
        let reading = CohortFixture.read(labs: Self.labHeader + "P01,2004-02-20,glucose,90,70,110\n")
        expectCohortIssue(onlyCohortIssue(reading), .error, "labs.csv", row: 2, column: "test", value: "glucose",
                    message: "accepted: neutrophils, platelets, hemoglobin, ast, alt, bilirubin, wbc, albumin")
    }

    @Test func labNeedingULNWithoutOne() {
        let reading = CohortFixture.read(labs: Self.labHeader + "P01,2004-02-20,bilirubin,1.1,0.2,\n")
        expectCohortIssue(onlyCohortIssue(reading), .error, "labs.csv", row: 2, column: "uln", value: nil,
                    message: "uln is needed to grade bilirubin")
    }

    @Test func lowerLimitAboveUpper() {
        let reading = CohortFixture.read(labs: Self.labHeader + "P01,2004-02-20,ALT,30,50,40\n")
        expectCohortIssue(onlyCohortIssue(reading), .error, "labs.csv", row: 2, column: "lln", value: "50",
                    message: "lln is above uln (40)")
    }

    @Test func negativeLabValue() {
        let reading = CohortFixture.read(labs: Self.labHeader + "P01,2004-02-20,platelets,-5,150000,\n")
        expectCohortIssue(onlyCohortIssue(reading), .error, "labs.csv", row: 2, column: "value", value: "-5",
                    message: "must be ≥ 0")
    }

    @Test(arguments: [("platelets", "150", "cells/mm³ expected"), ("neutrophils", "2.5", "cells/mm³ expected"),
                      ("hemoglobin", "120", "g/dL expected"), ("albumin", "38", "g/dL expected")])
    func labUnitSanity(test: String, value: String, message: String) {
        let reading = CohortFixture.read(labs: Self.labHeader + "P01,2004-02-20,\(test),\(value),1,\n")
        expectCohortIssue(onlyCohortIssue(reading), .warning, "labs.csv", row: 2, column: "value", value: value,
                    message: "check the unit: " + message)
    }

    @Test func toxicityGradeOutOfRange() {
        let reading = CohortFixture.read(toxicities: Self.toxicityHeader + "P01,2004-03-20,Fatigue,6\n")
        expectCohortIssue(onlyCohortIssue(reading), .error, "toxicities.csv", row: 2, column: "grade", value: "6",
                    message: "grade must be 1–5")
    }

    @Test func toxicityWithoutTerm() {
        let reading = CohortFixture.read(toxicities: Self.toxicityHeader + "P01,2004-03-20,,2\n")
        expectCohortIssue(onlyCohortIssue(reading), .error, "toxicities.csv", row: 2, column: "term", value: nil,
                    message: "a value is required")
    }
}

@Suite struct SeveralProblemsTests {
    /// Every problem is reported, not just the first; the cohort is withheld.
    @Test func allProblemsOfAFileAreReported() {
        let patients = CohortFixture.patients([
            ["age": "130", "sex": "X", "rt_start": "03/01/2004"],
            ["afp": "12,5", "vital_status": "alive"],
            ["id": "P01", "fractions": "0", "child_pugh": "", "inr": ""],
        ])
        let failures = CohortFixture.failuresHeader + "P07,2004-09-15,I,\nP02,2004-01-01,E,\nP02,2004-13-01,I,\n"
        let reading = CohortFixture.read(patients: patients, failures: failures)
        #expect(reading.cohort == nil)
        let got = reading.issues.map { "\($0.severity.rawValue) \($0.file):\($0.row):\($0.column ?? "-")" }
        #expect(got == [
            "error patients.csv:2:age",
            "error patients.csv:2:sex",
            "error patients.csv:2:rt_start",
            "error patients.csv:3:afp",
            "error patients.csv:3:death_date",
            "error patients.csv:4:id",
            "warning patients.csv:4:child_pugh",
            "error patients.csv:4:fractions",
            "error failures.csv:2:id",
            "error failures.csv:3:date",
            "warning failures.csv:3:organ",
            "error failures.csv:4:date",
        ])
        #expect(reading.errors.count == 10)
        #expect(reading.warnings.count == 2)
        #expect(reading.issues.allSatisfy { !$0.message.isEmpty })
    }
}

/// Hostile and ambiguous input: every cell gives a clear issue or a defined value, never a trap or a guess.
@Suite struct InputRobustnessTests {
    static let toxicityHeader = "id,date,term,grade\n"
    static let labHeader = "id,date,test,value,lln,uln\n"

    @Test(arguments: ["none", "None", "NO", "no", "n", "0", "0.0", "-", "--", "—", " - ", "naive", "treatment-naive",
                      "No prior treatment", ";", "NA", ""])
    func priorTreatmentSpellingsOfNone(_ text: String) throws {
        let reading = CohortFixture.read(patient: ["prior_treatment": text])
        #expect(reading.issues.isEmpty, "\(reading.issues.map(\.description))")
        let cohort = try #require(reading.cohort)
        #expect(cohort.patients[0].priorTreatments == [])
    }

    @Test(arguments: ["yes", "Y", "1", "true", "unknown", "?", "n/a", "2", "TACE;1"])
    func ambiguousPriorTreatmentIsAnError(_ text: String) {
        let reading = CohortFixture.read(patient: ["prior_treatment": text])
        let issue = onlyCohortIssue(reading)
        #expect(issue?.severity == .error)
        #expect(issue?.column == "prior_treatment")
        #expect(issue?.value == text)
        #expect(issue?.message.contains("TACE;RFA") == true, "\(String(describing: issue))")
        #expect(reading.cohort == nil)
    }

    @Test func noneTogetherWithTreatmentsIsAnError() {
        let reading = CohortFixture.read(patient: ["prior_treatment": "none;TACE"])
        expectCohortIssue(onlyCohortIssue(reading), .error, "patients.csv", row: 2, column: "prior_treatment",
                          value: "none;TACE", message: "is listed together with treatments")
    }

    @Test func treatmentsAreSplitTrimmedAndDeduplicated() throws {
        let reading = CohortFixture.read(patient: ["prior_treatment": " TACE ; RFA;tace; "])
        expectCohortIssue(onlyCohortIssue(reading), .warning, "patients.csv", row: 2, column: "prior_treatment",
                          value: "TACE ; RFA;tace;", message: "listed more than once")
        #expect(try #require(reading.cohort).patients[0].priorTreatments == ["TACE", "RFA"])
    }

    @Test(arguments: [("Liver failure", CauseOfDeath.hepaticFailure), ("hepatic failure", .hepaticFailure),
                      ("PD", .tumourProgression), ("tumor progression", .tumourProgression),
                      ("Treatment related", .treatmentRelated), ("RILD", .treatmentRelated), ("other", .other),
                      ("UNKNOWN", .unknown)])
    func causeOfDeathVocabulary(text: String, cause: CauseOfDeath) throws {
        let columns = CohortFixture.patientColumns + ["cause_of_death"]
        let reading = CohortFixture.read(patients: CohortFixture.patients([["cause_of_death": text]], columns: columns))
        #expect(reading.issues.isEmpty, "\(reading.issues.map(\.description))")
        #expect(try #require(reading.cohort).patients[0].causeOfDeath == cause)
    }

    @Test func unknownCauseOfDeathIsKeptWithAWarning() throws {
        let columns = CohortFixture.patientColumns + ["cause_of_death"]
        let reading = CohortFixture.read(patients: CohortFixture.patients([["cause_of_death": "Car accident"]],
                                                                          columns: columns))
        expectCohortIssue(onlyCohortIssue(reading), .warning, "patients.csv", row: 2, column: "cause_of_death",
                          value: "Car accident", message: "not a known cause of death; kept as given")
        let cause = try #require(reading.cohort).patients[0].causeOfDeath
        #expect(cause == .unrecognised("Car accident"))
        #expect(cause?.description == "Car accident")
        // Encoded as its text, decoded back through the vocabulary.
        let json = try JSONEncoder().encode([CauseOfDeath.hepaticFailure, cause!])
        #expect(String(decoding: json, as: UTF8.self) == #"["hepatic failure","Car accident"]"#)
        #expect(try JSONDecoder().decode([CauseOfDeath].self, from: json) == [.hepaticFailure, cause!])
    }

    @Test func causeOfDeathForALivingPatientIsAnError() {
        let columns = CohortFixture.patientColumns + ["cause_of_death"]
        let reading = CohortFixture.read(patients: CohortFixture.patients(
            [["vital_status": "alive", "death_date": "", "cause_of_death": "hepatic failure"]], columns: columns))
        expectCohortIssue(onlyCohortIssue(reading), .error, "patients.csv", row: 2, column: "cause_of_death",
                          value: "hepatic failure", message: "vital_status is alive")
    }

    @Test func headerOnlyPatientsFileIsAnError() {
        let reading = CohortFixture.read(patients: CohortFixture.patients([]))
        expectCohortIssue(onlyCohortIssue(reading), .error, "patients.csv", row: 0, column: nil, value: nil,
                          message: "no patients")
        #expect(reading.cohort == nil)
    }

    @Test func hugeCellIsAbbreviatedInMessages() throws {
        let huge = String(repeating: "x", count: 10_000_000)
        let reading = CohortFixture.read(patient: ["sex": huge])
        let issue = try #require(onlyCohortIssue(reading))
        #expect(issue.value == String(repeating: "x", count: 60) + "… (10000000 bytes)")
        #expect(issue.description.utf8.count < 400)
    }

    @Test func controlCharactersAreShownEscaped() {
        #expect(ValidationIssue.abbreviated("a\u{0}b\nc") == "a\\u{0}b\\u{A}c")
        #expect(ValidationIssue.abbreviated("abc", limit: 2) == "ab… (3 bytes)")
    }

    @Test(arguments: [("fractions", "1e300", "whole number out of range"), ("fractions", "25.5", "not a whole number"),
                      ("tumor_number", "1e18", "whole number out of range"), ("age", "inf", "not a number"),
                      ("age", "nan", "not a number"), ("age", "1e308", "age must be 0–120"),
                      ("total_dose_gy", "-inf", "not a number"), ("afp", "1e999", "not a number")])
    func numbersAreFiniteAndInRange(column: String, value: String, message: String) {
        let reading = CohortFixture.read(patient: [column: value])
        let issue = reading.errors.first { $0.column == column }
        expectCohortIssue(issue, .error, "patients.csv", row: 2, column: column, value: value, message: message)
    }

    @Test func gradeFiveToxicityIsKept() throws {
        let reading = CohortFixture.read(toxicities: Self.toxicityHeader + "P01,2004-03-20,Hepatic failure,5\n")
        #expect(reading.issues.isEmpty, "\(reading.issues.map(\.description))")
        let cohort = try #require(reading.cohort)
        #expect(cohort.toxicities.map(\.grade) == [5])
    }

    @Test func toxicityInputOutsideTheWindowIsCounted() throws {
        // rt_start 2004-03-01, rt_end 2004-04-05; 3 months = ⌊91.3125⌋ = 91 days → window ends 2004-07-05.
        let toxicities = Self.toxicityHeader + """
            P01,2004-02-20,Fatigue,2
            P01,2004-03-20,Fatigue,3
            P01,2004-07-05,Nausea,3
            P01,2004-07-06,Hepatic failure,5
            P01,2004-12-01,Ascites,3

            """
        let labs = Self.labHeader + """
            P01,2004-02-20,platelets,150000,150000,450000
            P01,2004-07-05,platelets,90000,150000,450000
            P01,2004-07-06,platelets,40000,150000,450000

            """
        let reading = CohortFixture.read(labs: labs, toxicities: toxicities)
        let cohort = try #require(reading.cohort, "\(reading.issues.map(\.description))")
        let tally = cohort.toxicityInputOutsideWindow(windowMonths: 3)
        #expect(tally.recordedBeforeRTStart.map(\.row) == [2])
        #expect(tally.recordedAfterWindow.map(\.row) == [5, 6])
        #expect(tally.recordedGrades == [2: 1, 5: 1, 3: 1])
        #expect(tally.labsAfterWindow.map(\.row) == [4])
        #expect(tally.count == 4)
        #expect(
            tally.summary == "3 toxicity records outside the grading window, not graded (1 before RT start, "
                + """
                2 after the window; grade 2: 1, grade 3: 1, grade 5: 1); 1 laboratory value after the grading \
                window, not graded
                """)
        // A window without an end (non-finite or huge) keeps only the rows before RT start outside.
        for months in [Double.infinity, .nan, 1e300] {
            let open = cohort.toxicityInputOutsideWindow(windowMonths: months)
            #expect(
                open.recordedAfterWindow.isEmpty && open.labsAfterWindow.isEmpty
                    && open.recordedBeforeRTStart.count == 1)
        }
    }
}

/// Paths that are not readable files, and output directories that cannot be made: plain words, no Foundation codes.
@Suite struct FilePathTests {
    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pof-paths-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func inputPathThatIsADirectoryMissingOrAPipe() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("fifo.csv")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let files = CohortFiles(patients: dir, failures: dir.appendingPathComponent("missing.csv"), labs: fifo)
        let reading = CohortReader.read(files)
        let messages = reading.errors.map(\.description)
        #expect(messages == [
            "\(dir.lastPathComponent): cannot read \(dir.path): it is a directory, not a file",
            "missing.csv: cannot read \(dir.path)/missing.csv: no such file",
            "fifo.csv: cannot read \(fifo.path): it is not a regular file (a pipe, device or socket)",
        ], "\(messages)")
        #expect(!messages.joined().contains("NSCocoaErrorDomain"))
    }

    @Test func outputDirectoryThatIsAFile() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("report")
        try Data("x".utf8).write(to: file)
        #expect(throws: FileAccessError(path: file.path, reason: "it is a file, not a directory", action: "write")) {
            try OutputDirectory.prepare(file, subdirectories: ["tables"])
        }
        let below = file.appendingPathComponent("a/b")
        #expect(
            throws: FileAccessError(
                path: below.path, reason: "\(file.path) is a file, not a directory", action: "write")
        ) {
            try OutputDirectory.prepare(below)
        }
        let made = dir.appendingPathComponent("new/report")
        try OutputDirectory.prepare(made, subdirectories: ["tables", "figures"], files: ["report.html"])
        var isDirectory: ObjCBool = false
        #expect(
            FileManager.default.fileExists(
                atPath: made.appendingPathComponent("figures").path, isDirectory: &isDirectory)
                && isDirectory.boolValue)
        try FileManager.default.createDirectory(
            at: made.appendingPathComponent("report.html"), withIntermediateDirectories: true)
        #expect(throws: FileAccessError.self) {
            try OutputDirectory.prepare(made, files: ["report.html"])
        }
        let tablesFile = dir.appendingPathComponent("out2")
        try FileManager.default.createDirectory(at: tablesFile, withIntermediateDirectories: true)
        try Data().write(to: tablesFile.appendingPathComponent("tables"))
        #expect(throws: FileAccessError(path: tablesFile.appendingPathComponent("tables").path,
                                        reason: "it is a file, not a directory", action: "write")) {
            try OutputDirectory.prepare(tablesFile, subdirectories: ["tables"])
        }
    }
}
