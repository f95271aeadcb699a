import Foundation
import Oncology

/// A calendar date without time of day, stored as days since 1970-01-01 (proleptic Gregorian).
///
/// ```swift
/// let d = Day(iso: "2004-03-17")!
/// d.iso              // "2004-03-17"
/// (d + 30).iso       // "2004-04-16"
/// ```
public struct Day: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public var serial: Int

    public init(serial: Int) { self.serial = serial }

    /// A date from year, month and day; `nil` if the date does not exist.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Day.daysInMonth(year, month), (1800...2200).contains(year) else { return nil }
        // days from civil (Howard Hinnant's algorithm, written out)
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        serial = era * 146097 + doe - 719468
    }

    /// Parses `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYYMMDD`; anything else is `nil`.
    public init?(iso text: String) {
        let s = text.trimmingSpacesAndTabs
        let parts: [Substring]
        if s.count == 8, s.allSatisfy(\.isASCII), s.allSatisfy(\.isNumber) {
            let a = s.startIndex
            parts = [s[a..<s.index(a, offsetBy: 4)], s[s.index(a, offsetBy: 4)..<s.index(a, offsetBy: 6)],
                     s[s.index(a, offsetBy: 6)...]]
        } else {
            let sep: Character = s.contains("-") ? "-" : "/"
            parts = s.split(separator: sep, omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count), (1...2).contains(parts[2].count)
            else { return nil }
        }
        guard parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// (year, month, day).
    public var components: (year: Int, month: Int, day: Int) {
        let z = serial + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// `YYYY-MM-DD`.
    public var iso: String {
        let c = components
        func pad(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
    }

    public var description: String { iso }

    public static func < (a: Day, b: Day) -> Bool { a.serial < b.serial }
    public static func + (a: Day, days: Int) -> Day { Day(serial: a.serial + days) }
    public static func - (a: Day, b: Day) -> Int { a.serial - b.serial }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let d = Day(iso: s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date: \(s)"))
        }
        self = d
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(iso)
    }
}

/// Where a record came from, for messages and the audit trail: file name and spreadsheet row (header = 1).
public struct SourceRow: Sendable, Hashable, Codable {
    public var file: String
    public var row: Int
    public init(file: String, row: Int) {
        self.file = file
        self.row = row
    }
}

public enum Sex: String, Sendable, Hashable, Codable, CaseIterable {
    case male = "M", female = "F"
}

public enum ViralEtiology: String, Sendable, Hashable, Codable, CaseIterable {
    case hbv = "B", hcv = "C", both = "B+C", neither = "NBNC"
}

public enum VitalStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case alive, dead, unknown
}

/// The components of the Child-Pugh score as recorded.
public struct ChildPughComponents: Sendable, Hashable, Codable {
    public var bilirubinMgPerDL: Double
    public var albuminGPerDL: Double
    public var inr: Double
    public var ascites: Ascites
    public var encephalopathy: HepaticEncephalopathy
    public init(bilirubinMgPerDL: Double, albuminGPerDL: Double, inr: Double, ascites: Ascites,
                encephalopathy: HepaticEncephalopathy) {
        self.bilirubinMgPerDL = bilirubinMgPerDL
        self.albuminGPerDL = albuminGPerDL
        self.inr = inr
        self.ascites = ascites
        self.encephalopathy = encephalopathy
    }
}

/// The tumour findings from which the modified UICC T category can be derived.
public struct TumorFindings: Sendable, Hashable, Codable {
    public var number: Int
    public var largestDiameterCm: Double
    public var vascularInvasion: Bool
    public init(number: Int, largestDiameterCm: Double, vascularInvasion: Bool) {
        self.number = number
        self.largestDiameterCm = largestDiameterCm
        self.vascularInvasion = vascularInvasion
    }
}

/// One patient's baseline record (a row of patients.csv), typed and validated.
public struct Patient: Sendable, Hashable, Codable {
    public var id: String
    public var age: Double
    public var sex: Sex
    public var viral: ViralEtiology?
    /// Child-Pugh class as recorded (`child_pugh`), if given.
    public var childPughRecorded: ChildPughClass?
    public var childPughComponents: ChildPughComponents?
    /// Bilirubin (mg/dL) and albumin (g/dL) when given, also without the other Child-Pugh components.
    public var bilirubinMgPerDL: Double?
    public var albuminGPerDL: Double?
    public var icgR15: Double?
    public var tCategory: MUICCTCategory?
    public var nodePositive: Bool?
    public var metastasis: Bool?
    public var tumor: TumorFindings?
    public var portalVeinThrombosis: Bool
    public var afp: Double?
    public var pivka: Double?
    /// Treatments before CCRT; empty = primary treatment group.
    public var priorTreatments: [String]
    public var rtTechnique: String?
    public var totalDoseGy: Double
    public var fractions: Int
    public var rtStart: Day
    public var rtEnd: Day
    public var response3Months: ResponseCategory?
    public var lastFollowUp: Day
    public var vitalStatus: VitalStatus
    public var deathDate: Day?
    public var heightCm: Double?
    public var weightKg: Double?
    /// Cells of non-standard patients.csv columns (trimmed text), for factors the plan defines on them.
    public var additional: [String: String]
    public var source: SourceRow

    public init(id: String, age: Double, sex: Sex, viral: ViralEtiology? = nil, childPughRecorded: ChildPughClass? = nil,
                childPughComponents: ChildPughComponents? = nil, bilirubinMgPerDL: Double? = nil,
                albuminGPerDL: Double? = nil, icgR15: Double? = nil, tCategory: MUICCTCategory? = nil,
                nodePositive: Bool? = nil, metastasis: Bool? = nil, tumor: TumorFindings? = nil,
                portalVeinThrombosis: Bool, afp: Double? = nil, pivka: Double? = nil, priorTreatments: [String] = [],
                rtTechnique: String? = nil, totalDoseGy: Double, fractions: Int, rtStart: Day, rtEnd: Day,
                response3Months: ResponseCategory? = nil, lastFollowUp: Day, vitalStatus: VitalStatus,
                deathDate: Day? = nil, heightCm: Double? = nil, weightKg: Double? = nil,
                additional: [String: String] = [:], source: SourceRow = SourceRow(file: "patients.csv", row: 0)) {
        self.id = id; self.age = age; self.sex = sex; self.viral = viral
        self.childPughRecorded = childPughRecorded; self.childPughComponents = childPughComponents
        self.bilirubinMgPerDL = bilirubinMgPerDL; self.albuminGPerDL = albuminGPerDL; self.icgR15 = icgR15
        self.tCategory = tCategory; self.nodePositive = nodePositive; self.metastasis = metastasis; self.tumor = tumor
        self.portalVeinThrombosis = portalVeinThrombosis; self.afp = afp; self.pivka = pivka
        self.priorTreatments = priorTreatments; self.rtTechnique = rtTechnique; self.totalDoseGy = totalDoseGy
        self.fractions = fractions; self.rtStart = rtStart; self.rtEnd = rtEnd; self.response3Months = response3Months
        self.lastFollowUp = lastFollowUp; self.vitalStatus = vitalStatus; self.deathDate = deathDate
        self.heightCm = heightCm; self.weightKg = weightKg; self.additional = additional; self.source = source
    }
}

/// One failure event (a row of failures.csv).
public struct FailureEvent: Sendable, Hashable, Codable {
    public var patientID: String
    public var date: Day
    public var site: FailureSite
    public var organ: String?
    public var source: SourceRow
    public init(patientID: String, date: Day, site: FailureSite, organ: String? = nil,
                source: SourceRow = SourceRow(file: "failures.csv", row: 0)) {
        self.patientID = patientID; self.date = date; self.site = site; self.organ = organ; self.source = source
    }
}

/// Kind of a lesion in a response assessment.
public enum LesionKind: String, Sendable, Hashable, Codable, CaseIterable {
    case target, nonTarget = "non-target", new
}

/// One lesion measurement (a row of lesions.csv).
public struct LesionMeasurement: Sendable, Hashable, Codable {
    public var patientID: String
    public var date: Day
    public var lesion: String
    public var kind: LesionKind
    /// Longest viable diameter in mm (targets); 0 = resolved (non-targets).
    public var viableMM: Double?
    /// Unequivocal progression of a non-target lesion.
    public var progression: Bool
    public var source: SourceRow
    public init(patientID: String, date: Day, lesion: String, kind: LesionKind, viableMM: Double?, progression: Bool = false,
                source: SourceRow = SourceRow(file: "lesions.csv", row: 0)) {
        self.patientID = patientID; self.date = date; self.lesion = lesion; self.kind = kind
        self.viableMM = viableMM; self.progression = progression; self.source = source
    }
}

/// One laboratory value (a row of labs.csv).
public struct LabValue: Sendable, Hashable, Codable {
    public var patientID: String
    public var date: Day
    public var term: CTCAELabTerm
    public var value: Double
    public var lln: Double?
    public var uln: Double?
    public var source: SourceRow
    public init(patientID: String, date: Day, term: CTCAELabTerm, value: Double, lln: Double?, uln: Double?,
                source: SourceRow = SourceRow(file: "labs.csv", row: 0)) {
        self.patientID = patientID; self.date = date; self.term = term; self.value = value
        self.lln = lln; self.uln = uln; self.source = source
    }
}

/// One toxicity grade as assessed (a row of toxicities.csv).
public struct ToxicityRecord: Sendable, Hashable, Codable {
    public var patientID: String
    public var date: Day
    public var term: String
    public var grade: Int
    public var source: SourceRow
    public init(patientID: String, date: Day, term: String, grade: Int,
                source: SourceRow = SourceRow(file: "toxicities.csv", row: 0)) {
        self.patientID = patientID; self.date = date; self.term = term; self.grade = grade; self.source = source
    }
}

/// An input file's identity for provenance.
public struct InputFile: Sendable, Hashable, Codable {
    public var role: String
    public var name: String
    public var sha256: String
    public var rows: Int
    public init(role: String, name: String, sha256: String, rows: Int) {
        self.role = role; self.name = name; self.sha256 = sha256; self.rows = rows
    }
}

/// A whole cohort: the typed records of all input files.
public struct Cohort: Sendable, Codable {
    public var patients: [Patient]
    public var failures: [FailureEvent]
    public var lesions: [LesionMeasurement]
    public var labs: [LabValue]
    public var toxicities: [ToxicityRecord]
    public var inputs: [InputFile]
    public init(patients: [Patient], failures: [FailureEvent], lesions: [LesionMeasurement] = [],
                labs: [LabValue] = [], toxicities: [ToxicityRecord] = [], inputs: [InputFile] = []) {
        self.patients = patients; self.failures = failures; self.lesions = lesions; self.labs = labs
        self.toxicities = toxicities; self.inputs = inputs
    }
}

/// A problem found in the input, located by file, row and column.
public struct ValidationIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable { case error, warning }
    public var severity: Severity
    public var file: String
    /// Spreadsheet row (header = 1); 0 when the issue concerns the whole file.
    public var row: Int
    public var column: String?
    public var value: String?
    public var message: String

    public init(_ severity: Severity, file: String, row: Int, column: String?, value: String?, message: String) {
        self.severity = severity; self.file = file; self.row = row; self.column = column; self.value = value
        self.message = message
    }

    /// `patients.csv, row 7, column "death_date" ("2005-13-01"): not a date (YYYY-MM-DD)`.
    public var description: String {
        var s = file
        if row > 0 { s += ", row \(row)" }
        if let column { s += ", column \"\(column)\"" }
        if let value { s += " (\"\(value)\")" }
        return s + ": " + message
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs (a fast path for CSV cells; Foundation's
    /// `trimmingCharacters` is slow on Linux).
    var trimmingSpacesAndTabs: String {
        let u = utf8
        guard let first = u.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        let last = u.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })!
        if first == u.startIndex && last == u.index(before: u.endIndex) { return self }
        return String(self[first...last])
    }
}
