import Foundation
import Oncology
import Tabular

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
        // Fast path: exactly `YYYY-MM-DD` in ASCII digits (how every cohort file and report writes dates).
        if text.utf8.count == 10, let fast = text.utf8.withContiguousStorageIfAvailable({ Day.isoDigits($0) }),
           let (y, m, d) = fast {
            self.init(year: y, month: m, day: d)
            return
        }
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

    /// Year, month and day of `YYYY-MM-DD` written in ASCII digits; nil for any other 10 bytes.
    private static func isoDigits(_ b: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int)? {
        guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var v = 0
            for i in range {
                let digit = Int(b[i]) &- 0x30
                guard digit >= 0 && digit <= 9 else { return nil }
                v = v * 10 + digit
            }
            return v
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        return (y, m, d)
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
        func pad(_ v: Int, _ w: Int) -> String { NumberFormat.integer(v, minimumDigits: w) }
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
    /// Cause of death as recorded (`cause_of_death`), for a patient who died; `nil` when not recorded.
    public var causeOfDeath: CauseOfDeath?
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
                causeOfDeath: CauseOfDeath? = nil,
                additional: [String: String] = [:], source: SourceRow = SourceRow(file: "patients.csv", row: 0)) {
        self.id = id; self.age = age; self.sex = sex; self.viral = viral
        self.childPughRecorded = childPughRecorded; self.childPughComponents = childPughComponents
        self.bilirubinMgPerDL = bilirubinMgPerDL; self.albuminGPerDL = albuminGPerDL; self.icgR15 = icgR15
        self.tCategory = tCategory; self.nodePositive = nodePositive; self.metastasis = metastasis; self.tumor = tumor
        self.portalVeinThrombosis = portalVeinThrombosis; self.afp = afp; self.pivka = pivka
        self.priorTreatments = priorTreatments; self.rtTechnique = rtTechnique; self.totalDoseGy = totalDoseGy
        self.fractions = fractions; self.rtStart = rtStart; self.rtEnd = rtEnd; self.response3Months = response3Months
        self.lastFollowUp = lastFollowUp; self.vitalStatus = vitalStatus; self.deathDate = deathDate
        self.heightCm = heightCm; self.weightKg = weightKg; self.causeOfDeath = causeOfDeath
        self.additional = additional; self.source = source
    }
}

/// Cause of death, normalised to a small vocabulary; a spelling outside it is kept as given.
///
/// Encoded (JSON, CSV) as its ``description``: `hepatic failure`, `tumour progression`, `treatment-related`,
/// `other`, `unknown`, or the text as given.
///
/// ```swift
/// CauseOfDeath(parsing: "Liver failure")      // .hepaticFailure
/// CauseOfDeath(parsing: "PD")                 // .tumourProgression
/// CauseOfDeath(parsing: "car accident")       // .unrecognised("car accident")
/// CauseOfDeath.hepaticFailure.description     // "hepatic failure"
/// ```
public enum CauseOfDeath: Sendable, Hashable, Codable, CustomStringConvertible {
    case hepaticFailure, tumourProgression, treatmentRelated, other, unknown
    /// A spelling outside the vocabulary, kept as given (the reader warns about it).
    case unrecognised(String)

    /// The five categories of the vocabulary, in report order.
    public static let vocabulary: [CauseOfDeath] = [.hepaticFailure, .tumourProgression, .treatmentRelated, .other, .unknown]

    /// The category of `text` (any case; spaces, hyphens and underscores ignored), or `.unrecognised(text)`.
    ///
    /// Accepted spellings: hepatic failure (liver failure, hepatic, liver, liver decompensation, hepatic
    /// decompensation); tumour progression (tumor progression, progression, progressive disease, PD, disease
    /// progression, cancer, cancer death, HCC); treatment-related (treatment related, treatment, toxicity,
    /// treatment toxicity, RILD); other (other cause, other causes, non-cancer); unknown (unk, not known, ?).
    ///
    /// - Parameter text: the cell as written, already trimmed and non-empty.
    /// - Complexity: O(`text.count`).
    public init(parsing text: String) {
        let k = String(text.lowercased().filter { !$0.isWhitespace && $0 != "-" && $0 != "_" })
        switch k {
        case "hepaticfailure", "liverfailure", "hepatic", "liver", "liverdecompensation", "hepaticdecompensation":
            self = .hepaticFailure
        case "tumourprogression", "tumorprogression", "progression", "progressivedisease", "pd", "diseaseprogression",
             "cancer", "cancerdeath", "hcc":
            self = .tumourProgression
        case "treatmentrelated", "treatment", "toxicity", "treatmenttoxicity", "rild":
            self = .treatmentRelated
        case "other", "othercause", "othercauses", "noncancer":
            self = .other
        case "unknown", "unk", "notknown", "?":
            self = .unknown
        default:
            self = .unrecognised(text)
        }
    }

    /// `hepatic failure`, `tumour progression`, `treatment-related`, `other`, `unknown`, or the text as given.
    public var description: String {
        switch self {
        case .hepaticFailure: return "hepatic failure"
        case .tumourProgression: return "tumour progression"
        case .treatmentRelated: return "treatment-related"
        case .other: return "other"
        case .unknown: return "unknown"
        case .unrecognised(let text): return text
        }
    }

    /// Whether the spelling was outside the vocabulary.
    public var isRecognised: Bool {
        if case .unrecognised = self { return false }
        return true
    }

    public init(from decoder: Decoder) throws {
        self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// One failure event (a row of failures.csv).
public struct FailureEvent: Sendable, Hashable, Codable {
    public var patientID: String
    public var date: Day
    public var site: FailureSite
    public var organ: String?
    public var source: SourceRow
    /// The planning system's dose summaries for this failure (optional failures.csv columns); `nil` when
    /// none is recorded.
    public var dosimetry: FailureDosimetry?
    public init(patientID: String, date: Day, site: FailureSite, organ: String? = nil,
                source: SourceRow = SourceRow(file: "failures.csv", row: 0), dosimetry: FailureDosimetry? = nil) {
        self.patientID = patientID; self.date = date; self.site = site; self.organ = organ; self.source = source
        self.dosimetry = dosimetry
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

/// Toxicity input that falls outside the grading window (RT start to the plan's window after RT end) and so
/// is not graded: counted, never dropped silently.
///
/// ```swift
/// let outside = cohort.toxicityInputOutsideWindow(windowMonths: plan.toxicityWindowMonths)
/// if outside.count > 0 { warnings.append(outside.summary) }
/// // "3 toxicity records outside the grading window, not graded (1 before RT start, 2 after the window: …)"
/// ```
public struct ToxicityWindowTally: Sendable, Hashable, Codable {
    /// toxicities.csv rows dated before RT start.
    public var recordedBeforeRTStart: [SourceRow]
    /// toxicities.csv rows dated after the end of the window.
    public var recordedAfterWindow: [SourceRow]
    /// Grade → number of toxicities.csv rows outside the window with that grade.
    public var recordedGrades: [Int: Int]
    /// labs.csv rows dated after the end of the window (values before RT start are the baseline and are used).
    public var labsAfterWindow: [SourceRow]

    public init(recordedBeforeRTStart: [SourceRow] = [], recordedAfterWindow: [SourceRow] = [],
                recordedGrades: [Int: Int] = [:], labsAfterWindow: [SourceRow] = []) {
        self.recordedBeforeRTStart = recordedBeforeRTStart
        self.recordedAfterWindow = recordedAfterWindow
        self.recordedGrades = recordedGrades
        self.labsAfterWindow = labsAfterWindow
    }

    /// Recorded toxicities outside the window.
    public var recordedCount: Int { recordedBeforeRTStart.count + recordedAfterWindow.count }
    /// Recorded toxicities and laboratory values outside the window.
    public var count: Int { recordedCount + labsAfterWindow.count }

    /// One sentence for the report's warnings; empty when nothing is outside the window.
    public var summary: String {
        var parts: [String] = []
        if recordedCount > 0 {
            let grades = recordedGrades.keys.sorted().map { "grade \($0): \(recordedGrades[$0]!)" }.joined(separator: ", ")
            parts.append("\(recordedCount) toxicity record\(recordedCount == 1 ? "" : "s") outside the grading window, not graded "
                         + "(\(recordedBeforeRTStart.count) before RT start, \(recordedAfterWindow.count) after the window; \(grades))")
        }
        if !labsAfterWindow.isEmpty {
            parts.append("\(labsAfterWindow.count) laboratory value\(labsAfterWindow.count == 1 ? "" : "s") after the grading "
                         + "window, not graded")
        }
        return parts.joined(separator: "; ")
    }
}

extension Cohort {
    /// The toxicity records and laboratory values outside the grading window, which the grading does not use.
    ///
    /// The window is the one `ToxicityGrading.worstGrades` uses: from RT start to RT end plus
    /// `⌊windowMonths × 30.4375⌋` days, both ends included. A non-finite or very large window has no end.
    ///
    /// - Parameter windowMonths: the plan's `toxicity_window_months`.
    /// - Returns: the rows outside the window, by kind.
    /// - Complexity: O(patients + toxicities + labs).
    public func toxicityInputOutsideWindow(windowMonths: Double) -> ToxicityWindowTally {
        let days = windowMonths * 30.4375
        let windowDays: Int? = days.isFinite && days >= 0 && days < 1e7 ? DecimalNumber.exactInteger(days.rounded(.down)) : nil
        var byID: [String: Patient] = [:]
        for p in patients where byID[p.id] == nil { byID[p.id] = p }
        var tally = ToxicityWindowTally()
        func windowEnd(_ p: Patient) -> Day? { windowDays.map { p.rtEnd + $0 } }
        for t in toxicities {
            guard let p = byID[t.patientID] else { continue }
            if t.date < p.rtStart {
                tally.recordedBeforeRTStart.append(t.source)
            } else if let end = windowEnd(p), t.date > end {
                tally.recordedAfterWindow.append(t.source)
            } else {
                continue
            }
            tally.recordedGrades[t.grade, default: 0] += 1
        }
        for l in labs {
            guard let p = byID[l.patientID], let end = windowEnd(p), l.date > end else { continue }
            tally.labsAfterWindow.append(l.source)
        }
        return tally
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

    /// An issue; `column`, `value` and `message` are shortened with ``abbreviated(_:limit:)`` so that a
    /// 10 MB cell is never echoed in full (values and column names to 60 characters, messages to 2,000).
    public init(_ severity: Severity, file: String, row: Int, column: String?, value: String?, message: String) {
        self.severity = severity
        self.file = file
        self.row = row
        self.column = column.map { ValidationIssue.abbreviated($0) }
        self.value = value.map { ValidationIssue.abbreviated($0) }
        self.message = ValidationIssue.abbreviated(message, limit: 2000)
    }

    /// `text` when it shows in at most `limit` characters; otherwise its first characters up to `limit`, `…`, and
    /// the size of the whole in bytes. Control characters (NUL, line breaks, escapes) are shown as `\u{…}` (and
    /// count as the characters shown) so that a message stays one readable line.
    ///
    /// ```swift
    /// ValidationIssue.abbreviated(String(repeating: "x", count: 10_000_000))
    /// // "xxxx…xxxx… (10000000 bytes)" — 60 x's
    /// ```
    ///
    /// - Complexity: O(`limit`) plus O(n) for the byte count of a long text.
    public static func abbreviated(_ text: String, limit: Int = 60) -> String {
        var shown = ""
        var count = 0
        var cut = false
        for ch in text.unicodeScalars {
            let piece = ch.properties.generalCategory == .control || ch.value == 0x2028 || ch.value == 0x2029
                ? "\\u{" + String(ch.value, radix: 16, uppercase: true) + "}" : String(ch)
            let width = piece.unicodeScalars.count
            if count + width > limit { cut = true; break }
            shown += piece
            count += width
        }
        return cut ? shown + "… (\(text.utf8.count) bytes)" : shown
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
