import Foundation
import Oncology
import Testing
@testable import PatternsOfFailure

/// Small cohorts as CSV text, built from a valid base row with per-test changes.
enum CohortFixture {
    static let patientColumns = [
        "id", "age", "sex", "viral", "child_pugh", "bilirubin", "albumin", "inr", "ascites", "encephalopathy",
        "icg_r15",
        "t_stage", "n_stage", "m_stage", "tumor_number", "tumor_size_cm", "vascular_invasion", "pvt", "afp", "pivka",
        "prior_treatment", "rt_technique", "total_dose_gy", "fractions", "rt_start", "rt_end", "response_3m",
        "last_followup", "vital_status", "death_date", "height_cm", "weight_kg",
    ]

    /// A patient without any issue: Child-Pugh A recorded and computed (score 5), T3 given and derived.
    static let basePatient: [String: String] = [
        "id": "P01", "age": "63", "sex": "M", "viral": "B", "child_pugh": "A", "bilirubin": "0.8", "albumin": "4.0",
        "inr": "1.1", "ascites": "none", "encephalopathy": "none", "icg_r15": "12.5", "t_stage": "T3", "n_stage": "N0",
        "m_stage": "M0", "tumor_number": "1", "tumor_size_cm": "6.5", "vascular_invasion": "yes", "pvt": "yes",
        "afp": "250", "pivka": "80", "prior_treatment": "TACE;RFA", "rt_technique": "3D-CRT", "total_dose_gy": "45",
        "fractions": "25", "rt_start": "2004-03-01", "rt_end": "2004-04-05", "response_3m": "PR",
        "last_followup": "2005-06-30", "vital_status": "dead", "death_date": "2005-06-30", "height_cm": "168",
        "weight_kg": "62",
    ]

    static let failuresHeader = "id,date,site,organ\n"

    static func cell(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// patients.csv: one row per change set, each the base row with those cells replaced; ids P01, P02, … unless given.
    static func patients(_ rows: [[String: String]] = [[:]], columns: [String] = patientColumns) -> String {
        var lines = [columns.joined(separator: ",")]
        for (i, changes) in rows.enumerated() {
            var row = basePatient
            row["id"] = "P" + (i < 9 ? "0" : "") + String(i + 1)
            row.merge(changes) { $1 }
            lines.append(columns.map { cell(row[$0] ?? "") }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func read(patients: String = patients(), failures: String = failuresHeader, lesions: String? = nil,
                     labs: String? = nil, toxicities: String? = nil) -> CohortReading {
        CohortReader.read(CohortSources(patients: patients, failures: failures, lesions: lesions, labs: labs,
                                        toxicities: toxicities))
    }

    static func read(patient changes: [String: String]) -> CohortReading {
        read(patients: patients([changes]))
    }
}

/// The one issue of a reading (fails the test if there is not exactly one).
func onlyCohortIssue(_ reading: CohortReading, sourceLocation: SourceLocation = #_sourceLocation) -> ValidationIssue? {
    #expect(reading.issues.count == 1, "issues: \(reading.issues.map(\.description))", sourceLocation: sourceLocation)
    return reading.issues.count == 1 ? reading.issues[0] : nil
}

/// Checks severity, file, row, column, value, and that the message contains `message`.
func expectCohortIssue(_ issue: ValidationIssue?, _ severity: ValidationIssue.Severity, _ file: String, row: Int,
                 column: String?, value: String?, message: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let issue else {
        Issue.record("no issue", sourceLocation: sourceLocation)
        return
    }
    #expect(issue.severity == severity, "\(issue)", sourceLocation: sourceLocation)
    #expect(issue.file == file, "\(issue)", sourceLocation: sourceLocation)
    #expect(issue.row == row, "\(issue)", sourceLocation: sourceLocation)
    #expect(issue.column == column, "\(issue)", sourceLocation: sourceLocation)
    #expect(issue.value == value, "\(issue)", sourceLocation: sourceLocation)
    #expect(issue.message.contains(message), "\(issue)", sourceLocation: sourceLocation)
}

@Suite struct CohortReaderTests {
    static let failures = """
        id,date,site,organ
        P01,2004-09-15,infield,liver
        P01,2004-09-15,E,lung
        P02,2007-01-01,outfield,

        """
    static let lesions = """
        id,date,lesion,kind,viable_mm,progression
        P01,2004-02-20,L1,target,65,
        P01,2004-07-01,L1,target,30,no
        P01,2004-07-01,N1,non-target,0,yes

        """
    static let labs = """
        id,date,test,value,lln,uln
        P01,2004-02-25,platelets,150000,150000,450000
        P01,2004-03-20,AST,85,,40

        """
    static let toxicities = """
        id,date,term,grade
        P01,2004-03-25,GI mucositis/ulcer,2

        """
    static let second: [String: String] = [
        "sex": "female", "viral": "C", "child_pugh": "", "bilirubin": "1.2", "albumin": "3.6", "inr": "1.0",
        "icg_r15": "NA", "t_stage": "", "n_stage": "", "m_stage": "", "tumor_number": "2", "tumor_size_cm": "3.0",
        "vascular_invasion": "no", "pvt": "N", "afp": "15.2", "pivka": "", "prior_treatment": "",
        "rt_technique": "imrt",
        "total_dose_gy": "50.4", "fractions": "28", "rt_start": "2006/01/10", "rt_end": "20060220", "response_3m": "SD",
        "last_followup": "2008-12-31", "vital_status": "alive", "death_date": "", "age": "48.5",
    ]

    static func validReading() -> CohortReading {
        CohortFixture.read(patients: CohortFixture.patients([[:], second]), failures: failures, lesions: lesions,
                           labs: labs, toxicities: toxicities)
    }

    @Test func validCohortParsesIntoTypedValues() throws {
        let reading = Self.validReading()
        #expect(reading.issues.isEmpty, "\(reading.issues.map(\.description))")
        #expect(reading.exclusions.isEmpty)
        let cohort = try #require(reading.cohort)
        #expect(cohort.patients.count == 2)

        let p1 = cohort.patients[0]
        #expect(p1.id == "P01")
        #expect(p1.age == 63)
        #expect(p1.sex == .male)
        #expect(p1.viral == .hbv)
        #expect(p1.childPughRecorded == .a)
        #expect(p1.childPughComponents == ChildPughComponents(bilirubinMgPerDL: 0.8, albuminGPerDL: 4.0, inr: 1.1,
                                                              ascites: .none, encephalopathy: .none))
        #expect(p1.bilirubinMgPerDL == 0.8)
        #expect(p1.albuminGPerDL == 4.0)
        #expect(p1.icgR15 == 12.5)
        #expect(p1.tCategory == .t3)
        #expect(p1.nodePositive == false)
        #expect(p1.metastasis == false)
        #expect(p1.tumor == TumorFindings(number: 1, largestDiameterCm: 6.5, vascularInvasion: true))
        #expect(p1.portalVeinThrombosis)
        #expect(p1.afp == 250)
        #expect(p1.pivka == 80)
        #expect(p1.priorTreatments == ["TACE", "RFA"])
        #expect(p1.rtTechnique == "3D-CRT")
        #expect(p1.totalDoseGy == 45)
        #expect(p1.fractions == 25)
        #expect(p1.rtStart == Day(year: 2004, month: 3, day: 1))
        #expect(p1.rtEnd == Day(year: 2004, month: 4, day: 5))
        #expect(p1.response3Months == .partialResponse)
        #expect(p1.lastFollowUp == Day(year: 2005, month: 6, day: 30))
        #expect(p1.vitalStatus == .dead)
        #expect(p1.deathDate == Day(year: 2005, month: 6, day: 30))
        #expect(p1.heightCm == 168)
        #expect(p1.weightKg == 62)
        #expect(p1.source == SourceRow(file: "patients.csv", row: 2))

        let p2 = cohort.patients[1]
        #expect(p2.age == 48.5)
        #expect(p2.sex == .female)
        #expect(p2.viral == .hcv)
        #expect(p2.childPughRecorded == nil)
        #expect(p2.childPughComponents?.albuminGPerDL == 3.6)
        #expect(p2.icgR15 == nil)
        #expect(p2.tCategory == nil)
        #expect(p2.nodePositive == nil)
        #expect(p2.tumor == TumorFindings(number: 2, largestDiameterCm: 3.0, vascularInvasion: false))
        #expect(p2.portalVeinThrombosis == false)
        #expect(p2.pivka == nil)
        #expect(p2.priorTreatments == [])
        #expect(p2.rtTechnique == "IMRT")
        #expect(p2.rtStart == Day(year: 2006, month: 1, day: 10))
        #expect(p2.rtEnd == Day(year: 2006, month: 2, day: 20))
        #expect(p2.vitalStatus == .alive)
        #expect(p2.deathDate == nil)
        #expect(p2.source.row == 3)

        #expect(cohort.failures == [
            FailureEvent(patientID: "P01", date: Day(iso: "2004-09-15")!, site: .infield, organ: "liver",
                         source: SourceRow(file: "failures.csv", row: 2)),
            FailureEvent(patientID: "P01", date: Day(iso: "2004-09-15")!, site: .extrahepatic, organ: "lung",
                         source: SourceRow(file: "failures.csv", row: 3)),
            FailureEvent(patientID: "P02", date: Day(iso: "2007-01-01")!, site: .intrahepaticOutfield, organ: nil,
                         source: SourceRow(file: "failures.csv", row: 4)),
        ])
        #expect(cohort.lesions.count == 3)
        #expect(cohort.lesions[0].kind == .target)
        #expect(cohort.lesions[0].viableMM == 65)
        #expect(cohort.lesions[0].progression == false)
        #expect(cohort.lesions[2].kind == .nonTarget)
        #expect(cohort.lesions[2].progression == true)
        #expect(cohort.labs.map(\.term) == [.plateletCountDecreased, .aspartateAminotransferaseIncreased])
        #expect(cohort.labs[1].value == 85)
        #expect(cohort.labs[1].lln == nil)
        #expect(cohort.labs[1].uln == 40)
        #expect(cohort.toxicities == [ToxicityRecord(patientID: "P01", date: Day(iso: "2004-03-25")!,
                                                     term: "GI mucositis/ulcer", grade: 2,
                                                     source: SourceRow(file: "toxicities.csv", row: 2))])
    }

    @Test func inputsCarrySHA256AndRowCounts() throws {
        let reading = Self.validReading()
        #expect(reading.inputs.map(\.role) == ["patients", "failures", "lesions", "labs", "toxicities"])
        #expect(
            reading.inputs.map(\.name) == ["patients.csv", "failures.csv", "lesions.csv", "labs.csv", "toxicities.csv"])
        #expect(reading.inputs.map(\.rows) == [2, 3, 3, 2, 1])
        #expect(reading.inputs[1].sha256 == SHA256.hexDigest(Array(Self.failures.utf8)))
        #expect(reading.inputs[0].sha256.count == 64)
        #expect(try #require(reading.cohort).inputs == reading.inputs)
    }

    @Test func optionalFilesMayBeAbsent() throws {
        let reading = CohortFixture.read()
        #expect(reading.issues.isEmpty)
        let cohort = try #require(reading.cohort)
        #expect(cohort.patients.count == 1)
        #expect(cohort.failures.isEmpty && cohort.lesions.isEmpty && cohort.labs.isEmpty && cohort.toxicities.isEmpty)
        #expect(reading.inputs.map(\.role) == ["patients", "failures"])
    }

    @Test func readsFilesFromADirectory() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pof-cohort-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let patients = CohortFixture.patients([[:], Self.second])
        try patients.write(to: dir.appendingPathComponent("patients.csv"), atomically: true, encoding: .utf8)
        try Self.failures.write(to: dir.appendingPathComponent("failures.csv"), atomically: true, encoding: .utf8)
        try Self.labs.write(to: dir.appendingPathComponent("labs.csv"), atomically: true, encoding: .utf8)

        let files = CohortFiles(directory: dir)
        #expect(files.lesions == nil && files.toxicities == nil)
        let reading = CohortReader.read(files)
        #expect(reading.issues.isEmpty, "\(reading.issues.map(\.description))")
        #expect(reading.cohort?.labs.count == 2)
        #expect(reading.inputs.map(\.role) == ["patients", "failures", "labs"])
        #expect(reading.inputs[0].sha256 == SHA256.hexDigest(Array(patients.utf8)))
    }

    @Test func unreadableFileIsAnError() {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pof-none-\(UUID().uuidString)")
        let reading = CohortReader.read(CohortFiles(patients: dir.appendingPathComponent("patients.csv"),
                                                    failures: dir.appendingPathComponent("failures.csv")))
        #expect(reading.cohort == nil)
        #expect(reading.errors.map(\.file) == ["patients.csv", "failures.csv"])
        expectCohortIssue(reading.issues.first, .error, "patients.csv", row: 0, column: nil, value: nil,
                    message: "patients.csv: no such file")
    }

    @Test func malformedCSVIsAFileLevelError() {
        let reading = CohortFixture.read(failures: "id,date,site,organ\nP01,2004-09-15,infield\n")
        expectCohortIssue(onlyCohortIssue(reading), .error, "failures.csv", row: 0, column: nil, value: nil,
                    message: "line 2: 3 fields, but the header has 4")
        #expect(reading.cohort == nil)
        #expect(reading.inputs.map(\.rows) == [1, 0])
    }

    @Test func issuesComeInFileThenRowThenColumnOrder() {
        let reading = CohortFixture.read(
            patients: CohortFixture.patients([["sex": "X"], ["age": "-1", "rt_end": "2004-01-01"]]),
            failures: "id,date,site,organ\nP09,2004-09-15,I,\nP01,2004-09-15,Q,\n",
            toxicities: "id,date,term,grade\nP01,2004-03-25,fatigue,9\n")
        let places = reading.issues.map { "\($0.file):\($0.row):\($0.column ?? "")" }
        #expect(places == [
            "patients.csv:2:sex", "patients.csv:3:age", "patients.csv:3:rt_end",
            "failures.csv:2:id", "failures.csv:3:site", "toxicities.csv:2:grade",
        ])
    }

    @Test func customFileNamesAppearInIssues() {
        let reading = CohortReader.read(CohortSources(
            patients: CohortSource(name: "cohort_2004.csv", text: CohortFixture.patients([["age": "abc"]])),
            failures: CohortSource(name: "events.csv", text: CohortFixture.failuresHeader)))
        expectCohortIssue(onlyCohortIssue(reading), .error, "cohort_2004.csv", row: 2, column: "age", value: "abc",
                    message: "not a number")
        #expect(reading.issues[0].description
            == "cohort_2004.csv, row 2, column \"age\" (\"abc\"): not a number (write it in digits)")
    }

    @Test func blankLinesCountInRowNumbers() {
        let text = CohortFixture.patients([[:]]) + "\n" + CohortFixture.patients([["id": "P02", "sex": "?"]])
            .split(separator: "\n")[1] + "\n"
        let reading = CohortFixture.read(patients: text)
        expectCohortIssue(
            onlyCohortIssue(reading), .error, "patients.csv", row: 4, column: "sex", value: "?", message: "sex")
    }

    @Test func missingAndNAAreBothMissing() throws {
        let reading = CohortFixture.read(patient: ["afp": "NA", "pivka": " "])
        let p = try #require(reading.cohort?.patients.first)
        #expect(p.afp == nil && p.pivka == nil)
    }

    @Test func priorTreatmentNoneIsThePrimaryGroup() throws {
        let reading = CohortFixture.read(patient: ["prior_treatment": "none"])
        #expect(try #require(reading.cohort?.patients.first).priorTreatments == [])
        let listed = CohortFixture.read(patient: ["prior_treatment": " TACE ; ; RFA "])
        #expect(try #require(listed.cohort?.patients.first).priorTreatments == ["TACE", "RFA"])
    }
}

@Suite struct DayParsingTests {
    @Test func leapDays() {
        #expect(Day(iso: "2004-02-29")?.iso == "2004-02-29")
        #expect(Day(iso: "2000-02-29")?.iso == "2000-02-29")
        #expect(Day(iso: "1900-02-29") == nil)
        #expect(Day(iso: "2005-02-29") == nil)
        #expect(Day(iso: "2004-02-30") == nil)
        #expect(Day(iso: "2004-03-01")! - Day(iso: "2004-02-28")! == 2)
        #expect(Day(iso: "2005-03-01")! - Day(iso: "2005-02-28")! == 1)
    }

    @Test func acceptedForms() {
        let d = Day(year: 2004, month: 3, day: 17)
        #expect(Day(iso: "2004-03-17") == d)
        #expect(Day(iso: "20040317") == d)
        #expect(Day(iso: "2004/03/17") == d)
        #expect(Day(iso: " 2004-03-17 ") == d)
        #expect(Day(iso: "1970-01-01")?.serial == 0)
    }

    @Test func rejectedForms() {
        #expect(Day(iso: "03/17/2004") == nil)
        #expect(Day(iso: "17/03/2004") == nil)
        #expect(Day(iso: "17.03.2004") == nil)
        #expect(Day(iso: "2004-03-17T10:00") == nil)
        #expect(Day(iso: "2004-13-01") == nil)
        #expect(Day(iso: "2004031") == nil)
        #expect(Day(iso: "March 17, 2004") == nil)
    }

    /// The reader explains why a date was rejected.
    @Test(arguments: [
        ("2005-02-29", "no such date: 2005-02 has 28 days"),
        ("20050229", "no such date: 2005-02 has 28 days"),
        ("2004-13-01", "month 13 does not exist"),
        ("03/17/2004", "day and month order is ambiguous"),
        ("17.03.2004", "day and month order is ambiguous"),
        ("2004-03-17T10:00", "time part"),
        ("1700-01-01", "out of range"),
        ("soon", "not a date; use YYYY-MM-DD"),
    ])
    func readerMessage(text: String, message: String) {
        let reading = CohortFixture.read(patient: ["rt_start": text])
        expectCohortIssue(
            onlyCohortIssue(reading), .error, "patients.csv", row: 2, column: "rt_start", value: text, message: message)
    }

    @Test func leapDayInTheFileIsAccepted() throws {
        let reading = CohortFixture.read(patient: ["rt_start": "2004-02-29"])
        #expect(try #require(reading.cohort?.patients.first).rtStart.iso == "2004-02-29")
    }
}

/// The hostile-input corpus (Tests/Fixtures/hostile, made by scripts/fixtures/hostile-corpus.py): each file
/// replaces one file of the valid cohort in Tests/Fixtures/cohort-small, and is read from disk. Every one must give
/// the expected clear error, warning or counted exclusion, never a trap; no message echoes a huge cell.
@Suite struct CohortHostileInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var path: String
        var outcome: String
        var words: String
        var testDescription: String { path }
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let hostile = fixtures.appendingPathComponent("hostile")

    static let cases: [Case] = {
        guard let text = try? String(contentsOf: hostile.appendingPathComponent("expected.tsv"), encoding: .utf8) else {
            return []
        }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Case(path: f[0], outcome: f[1], words: f.count > 2 ? f[2] : "")
        }
    }()

    @Test func everyFileIsListedAndTheCorpusIsLarge() throws {
        var onDisk: [String] = []
        for role in CohortFileRole.allCases {
            let dir = Self.hostile.appendingPathComponent(role.rawValue)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] {
                onDisk.append(role.rawValue + "/" + name)
            }
        }
        #expect(Set(onDisk) == Set(Self.cases.map(\.path)))
        #expect(Self.cases.count >= 50)
    }

    @Test(arguments: cases)
    func hostileFile(_ c: Case) throws {
        let base = Self.fixtures.appendingPathComponent("cohort-small")
        let file = Self.hostile.appendingPathComponent(c.path)
        let role = try #require(CohortFileRole(rawValue: String(c.path.split(separator: "/")[0])))
        func url(_ r: CohortFileRole, _ name: String?) -> URL? {
            r == role ? file : name.map { base.appendingPathComponent($0) }
        }
        let files = CohortFiles(patients: url(.patients, "patients.csv")!, failures: url(.failures, "failures.csv")!,
                                lesions: url(.lesions, nil), labs: url(.labs, "labs.csv"),
                                toxicities: url(.toxicities, "toxicities.csv"))
        let reading = CohortReader.read(files)
        let shown = reading.issues.map(\.description)

        // Every issue is located and short, whatever the input.
        for issue in reading.issues {
            #expect(!issue.file.isEmpty, "\(issue)")
            #expect(issue.description.utf8.count <= 2_500, "\(issue.description.prefix(200))")
            #expect((issue.value?.count ?? 0) <= 100, "\(issue)")
            if issue.severity == .error, issue.column != nil { #expect(issue.row >= 1, "\(issue)") }
        }
        switch c.outcome {
        case "error":
            #expect(reading.cohort == nil)
            #expect(!reading.errors.isEmpty)
            #expect(c.words.isEmpty || reading.errors.contains { $0.description.contains(c.words) }, "\(shown)")
        case "warning":
            #expect(reading.errors.isEmpty, "\(shown)")
            #expect(reading.warnings.contains { $0.description.contains(c.words) }, "\(shown)")
        case "exclusion":
            #expect(reading.errors.isEmpty, "\(shown)")
            #expect(reading.exclusions.contains { $0.count > 0 && $0.description.contains(c.words) },
                    "\(reading.exclusions.map(\.description))")
        case "ok":
            #expect(reading.errors.isEmpty, "\(shown)")
        default:
            Issue.record("unknown outcome \(c.outcome)")
        }
        // Nothing read is dropped: with a cohort, every data row of every file is a record.
        if let cohort = reading.cohort {
            let rows = Dictionary(reading.inputs.map { ($0.role, $0.rows) }, uniquingKeysWith: +)
            #expect(cohort.patients.count == rows["patients"])
            #expect(cohort.failures.count == rows["failures"] ?? 0)
            #expect(cohort.labs.count == rows["labs"] ?? 0)
            #expect(cohort.lesions.count == rows["lesions"] ?? 0)
            #expect(cohort.toxicities.count == rows["toxicities"] ?? 0)
            #expect(!cohort.patients.isEmpty)
        }
    }
}
