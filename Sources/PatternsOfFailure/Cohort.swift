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

    /// The day `serial` days after 1970-01-01 (before it when negative).
    ///
    /// - Complexity: O(1).
    public init(serial: Int) { self.serial = serial }

    /// A date from year, month and day; `nil` if the date does not exist.
    ///
    /// - Complexity: O(1).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Day.daysInMonth(year, month), (1800...2200).contains(year)
        else { return nil }
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
    ///
    /// - Complexity: O(`text.count`).
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
            guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count),
                (1...2).contains(parts[2].count)
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

    /// The date as `YYYY-MM-DD` (``iso``).
    public var description: String { iso }

    /// Whether `a` is an earlier day than `b`.
    ///
    /// - Complexity: O(1).
    public static func < (a: Day, b: Day) -> Bool { a.serial < b.serial }
    /// The day `days` days after `a` (before it when `days` is negative).
    ///
    /// - Complexity: O(1).
    public static func + (a: Day, days: Int) -> Day { Day(serial: a.serial + days) }
    /// The number of days from `b` to `a` (negative when `a` is earlier).
    ///
    /// - Complexity: O(1).
    public static func - (a: Day, b: Day) -> Int { a.serial - b.serial }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Reads a day from its `YYYY-MM-DD` text (the other spellings ``init(iso:)`` accepts are accepted too).
    ///
    /// - Throws: `DecodingError.dataCorrupted` naming the text when it is not a date.
    /// - Complexity: O(length of the text).
    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let d = Day(iso: s) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a date: \(s)"))
        }
        self = d
    }

    /// Writes the day as its `YYYY-MM-DD` text.
    ///
    /// - Complexity: O(1).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(iso)
    }
}

/// Where a record came from, for messages and the audit trail: file name and spreadsheet row (header = 1).
public struct SourceRow: Sendable, Hashable, Codable {
    /// The file name as given to the reader (`patients.csv`, or the name of an uploaded file).
    public var file: String
    /// Spreadsheet row of the record: the header is row 1, so the first data row is row 2; 0 for a record not
    /// read from a file.
    public var row: Int
    /// A location in an input file.
    ///
    /// - Complexity: O(1).
    public init(file: String, row: Int) {
        self.file = file
        self.row = row
    }
}

/// Sex as recorded in `sex` (`M`/`F`; `male`/`female` are read too).
public enum Sex: String, Sendable, Hashable, Codable, CaseIterable {
    /// Male (`M`) or female (`F`); the raw value is the spelling written to CSV and JSON.
    case male = "M", female = "F"
}

/// Viral aetiology of the liver disease (`viral`).
public enum ViralEtiology: String, Sendable, Hashable, Codable, CaseIterable {
    /// Hepatitis B (`B`), hepatitis C (`C`), both (`B+C`), or neither (`NBNC`, non-B non-C).
    case hbv = "B", hcv = "C", both = "B+C", neither = "NBNC"
}

/// Status at last follow-up (`vital_status`).
public enum VitalStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Alive, dead (then `death_date` is required), or unknown (lost to follow-up without known status).
    case alive, dead, unknown
}

/// The components of the Child-Pugh score as recorded.
public struct ChildPughComponents: Sendable, Hashable, Codable {
    /// Total bilirubin, mg/dL.
    public var bilirubinMgPerDL: Double
    /// Serum albumin, g/dL.
    public var albuminGPerDL: Double
    /// Prothrombin time as INR (a ratio, no unit).
    public var inr: Double
    /// Ascites grade (none, mild, moderate/severe).
    public var ascites: Ascites
    /// Hepatic encephalopathy grade (none, grade 1–2, grade 3–4).
    public var encephalopathy: HepaticEncephalopathy
    /// The five components, in the units above.
    ///
    /// - Complexity: O(1).
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
    /// Number of tumours (≥ 1).
    public var number: Int
    /// Largest tumour diameter, cm (> 0).
    public var largestDiameterCm: Double
    /// Vascular or bile-duct invasion.
    public var vascularInvasion: Bool
    /// The three findings, in the units above.
    ///
    /// - Complexity: O(1).
    public init(number: Int, largestDiameterCm: Double, vascularInvasion: Bool) {
        self.number = number
        self.largestDiameterCm = largestDiameterCm
        self.vascularInvasion = vascularInvasion
    }
}

/// One patient's baseline record (a row of patients.csv), typed and validated.
public struct Patient: Sendable, Hashable, Codable {
    /// Patient identifier (`id`), unique in the cohort.
    public var id: String
    /// Age at the start of RT, years.
    public var age: Double
    /// Sex.
    public var sex: Sex
    /// Viral aetiology (`viral`); `nil` when not recorded.
    public var viral: ViralEtiology?
    /// Child-Pugh class as recorded (`child_pugh`), if given.
    public var childPughRecorded: ChildPughClass?
    /// The five Child-Pugh components when all five are recorded (the class is then computed from them
    /// unless ``childPughRecorded`` is given); `nil` otherwise.
    public var childPughComponents: ChildPughComponents?
    /// Bilirubin (mg/dL) and albumin (g/dL) when given, also without the other Child-Pugh components.
    public var bilirubinMgPerDL: Double?
    /// See ``bilirubinMgPerDL``.
    public var albuminGPerDL: Double?
    /// Indocyanine green retention at 15 minutes (`icg_r15`), percent (0–100); `nil` when not recorded.
    public var icgR15: Double?
    /// Modified UICC T category as recorded (`t_stage`); `nil` when not recorded (then derived from ``tumor``).
    public var tCategory: MUICCTCategory?
    /// Regional lymph-node metastasis (`n_stage` N1); `nil` when not recorded (taken as N0 with a warning).
    public var nodePositive: Bool?
    /// Distant metastasis (`m_stage` M1); `nil` when not recorded (taken as M0 with a warning).
    public var metastasis: Bool?
    /// Tumour number, size and invasion, when recorded (for the T category when `t_stage` is missing).
    public var tumor: TumorFindings?
    /// Portal vein thrombosis (`pvt`).
    public var portalVeinThrombosis: Bool
    /// Alpha-fetoprotein before CCRT (`afp`), IU/mL; `nil` when not recorded.
    public var afp: Double?
    /// PIVKA-II before CCRT (`pivka`), mAU/mL; `nil` when not recorded.
    public var pivka: Double?
    /// Treatments before CCRT; empty = primary treatment group.
    public var priorTreatments: [String]
    /// RT technique (`rt_technique`): `3D-CRT` or `IMRT` (normalised), other text as given; `nil` when not
    /// recorded.
    public var rtTechnique: String?
    /// Prescribed total dose, Gy.
    public var totalDoseGy: Double
    /// Number of fractions (> 0).
    public var fractions: Int
    /// First day of RT.
    public var rtStart: Day
    /// Last day of RT.
    public var rtEnd: Day
    /// Response at 3 months as assessed (`response_3m`); `nil` when not recorded (response is then computed
    /// from lesions.csv when given).
    public var response3Months: ResponseCategory?
    /// Date of last contact (or of death).
    public var lastFollowUp: Day
    /// Status at last follow-up.
    public var vitalStatus: VitalStatus
    /// Date of death; `nil` unless ``vitalStatus`` is `.dead`.
    public var deathDate: Day?
    /// Height, cm (for body-surface area); `nil` when not recorded.
    public var heightCm: Double?
    /// Weight, kg (for body-surface area); `nil` when not recorded.
    public var weightKg: Double?
    /// Cause of death as recorded (`cause_of_death`), for a patient who died; `nil` when not recorded.
    public var causeOfDeath: CauseOfDeath?
    /// Cells of non-standard patients.csv columns (trimmed text), for factors the plan defines on them.
    public var additional: [String: String]
    /// Where the patient's row was read.
    public var source: SourceRow

    /// A patient; the arguments are the properties above (optional ones default to not recorded).
    ///
    /// - Complexity: O(1).
    public init(
        id: String, age: Double, sex: Sex, viral: ViralEtiology? = nil, childPughRecorded: ChildPughClass? = nil,
        childPughComponents: ChildPughComponents? = nil, bilirubinMgPerDL: Double? = nil,
        albuminGPerDL: Double? = nil, icgR15: Double? = nil, tCategory: MUICCTCategory? = nil,
        nodePositive: Bool? = nil, metastasis: Bool? = nil, tumor: TumorFindings? = nil,
        portalVeinThrombosis: Bool, afp: Double? = nil, pivka: Double? = nil, priorTreatments: [String] = [],
        rtTechnique: String? = nil, totalDoseGy: Double, fractions: Int, rtStart: Day, rtEnd: Day,
        response3Months: ResponseCategory? = nil, lastFollowUp: Day, vitalStatus: VitalStatus,
        deathDate: Day? = nil, heightCm: Double? = nil, weightKg: Double? = nil,
        causeOfDeath: CauseOfDeath? = nil,
        additional: [String: String] = [:], source: SourceRow = SourceRow(file: "patients.csv", row: 0)
    ) {
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
    /// The recognised causes: hepatic failure, tumour progression, treatment-related, other, unknown.
    case hepaticFailure, tumourProgression, treatmentRelated, other, unknown
    /// A spelling outside the vocabulary, kept as given (the reader warns about it).
    case unrecognised(String)

    /// The five categories of the vocabulary, in report order.
    public static let vocabulary: [CauseOfDeath] = [
        .hepaticFailure, .tumourProgression, .treatmentRelated, .other, .unknown,
    ]

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

    /// Reads a cause from its text, normalised as in cohort files (an unrecognised spelling is kept as given).
    ///
    /// - Complexity: O(length of the text).
    public init(from decoder: Decoder) throws {
        self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    /// Writes the cause as its text (``description``).
    ///
    /// - Complexity: O(1).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// One failure event (a row of failures.csv).
public struct FailureEvent: Sendable, Hashable, Codable {
    /// Patient identifier (`id`; a patient of patients.csv).
    public var patientID: String
    /// Date the failure was diagnosed.
    public var date: Day
    /// Failure type, in the plan's vocabulary.
    public var site: FailureSite
    /// Organ of an extrahepatic (distant) failure (`liver`, `lung`, `bone`, …); `nil` when not recorded.
    public var organ: String?
    /// Where the row was read.
    public var source: SourceRow
    /// The planning system's dose summaries for this failure (optional failures.csv columns); `nil` when
    /// none is recorded.
    public var dosimetry: FailureDosimetry?
    /// A failure event; the arguments are the properties above.
    ///
    /// - Complexity: O(1).
    public init(patientID: String, date: Day, site: FailureSite, organ: String? = nil,
                source: SourceRow = SourceRow(file: "failures.csv", row: 0), dosimetry: FailureDosimetry? = nil) {
        self.patientID = patientID; self.date = date; self.site = site; self.organ = organ; self.source = source
        self.dosimetry = dosimetry
    }
}

/// Kind of a lesion in a response assessment.
public enum LesionKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A target lesion (measured), a non-target lesion, or a new lesion.
    case target, nonTarget = "non-target", new
}

/// One lesion measurement (a row of lesions.csv).
public struct LesionMeasurement: Sendable, Hashable, Codable {
    /// Patient identifier (`id`).
    public var patientID: String
    /// Imaging date.
    public var date: Day
    /// Lesion label, stable across dates.
    public var lesion: String
    /// Target, non-target or new.
    public var kind: LesionKind
    /// Longest viable diameter in mm (targets); 0 = resolved (non-targets).
    public var viableMM: Double?
    /// Unequivocal progression of a non-target lesion.
    public var progression: Bool
    /// Where the row was read.
    public var source: SourceRow
    /// A lesion measurement; the arguments are the properties above.
    ///
    /// - Complexity: O(1).
    public init(
        patientID: String, date: Day, lesion: String, kind: LesionKind, viableMM: Double?, progression: Bool = false,
        source: SourceRow = SourceRow(file: "lesions.csv", row: 0)
    ) {
        self.patientID = patientID; self.date = date; self.lesion = lesion; self.kind = kind
        self.viableMM = viableMM; self.progression = progression; self.source = source
    }
}

/// One laboratory value (a row of labs.csv).
public struct LabValue: Sendable, Hashable, Codable {
    /// Patient identifier (`id`).
    public var patientID: String
    /// Sample date.
    public var date: Day
    /// The test (CTCAE term graded from it).
    public var term: CTCAELabTerm
    /// The value, in the test's unit: cells/mm³ for counts, g/dL for hemoglobin and albumin, U/L for AST and
    /// ALT, mg/dL for bilirubin.
    public var value: Double
    /// The laboratory's lower limit of normal, in the same unit; `nil` when not given.
    public var lln: Double?
    /// The laboratory's upper limit of normal, in the same unit; `nil` when not given.
    public var uln: Double?
    /// Where the row was read.
    public var source: SourceRow
    /// A laboratory value; the arguments are the properties above.
    ///
    /// - Complexity: O(1).
    public init(patientID: String, date: Day, term: CTCAELabTerm, value: Double, lln: Double?, uln: Double?,
                source: SourceRow = SourceRow(file: "labs.csv", row: 0)) {
        self.patientID = patientID; self.date = date; self.term = term; self.value = value
        self.lln = lln; self.uln = uln; self.source = source
    }
}

/// One toxicity grade as assessed (a row of toxicities.csv).
public struct ToxicityRecord: Sendable, Hashable, Codable {
    /// Patient identifier (`id`).
    public var patientID: String
    /// Onset date.
    public var date: Day
    /// CTCAE term as written (`GI mucositis/ulcer`).
    public var term: String
    /// CTCAE grade, 1–5 (5 = death).
    public var grade: Int
    /// Where the row was read.
    public var source: SourceRow
    /// A toxicity record; the arguments are the properties above.
    ///
    /// - Complexity: O(1).
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

    /// A tally; the arguments are the properties above (all empty by default).
    ///
    /// - Complexity: O(1).
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
            let grades = recordedGrades.keys.sorted().map { "grade \($0): \(recordedGrades[$0]!)" }.joined(
                separator: ", ")
            parts.append(
                """
                \(recordedCount) toxicity record\(recordedCount == 1 ? "" : "s") outside the grading window, not \
                graded 
                """
                    + """
                    (\(recordedBeforeRTStart.count) before RT start, \(recordedAfterWindow.count) after the \
                    window; \(grades))
                    """)
        }
        if !labsAfterWindow.isEmpty {
            parts.append(
                "\(labsAfterWindow.count) laboratory value\(labsAfterWindow.count == 1 ? "" : "s") after the grading "
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
        let windowDays: Int? =
            days.isFinite && days >= 0 && days < 1e7 ? DecimalNumber.exactInteger(days.rounded(.down)) : nil
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
    /// The file's role: `patients`, `failures`, `lesions`, `labs` or `toxicities`.
    public var role: String
    /// The file name as given.
    public var name: String
    /// SHA-256 of the file's bytes, lower-case hexadecimal (64 characters).
    public var sha256: String
    /// Number of data rows (header not counted).
    public var rows: Int
    /// A file's identity; the arguments are the properties above.
    ///
    /// - Complexity: O(1).
    public init(role: String, name: String, sha256: String, rows: Int) {
        self.role = role; self.name = name; self.sha256 = sha256; self.rows = rows
    }
}

/// A whole cohort: the typed records of all input files.
public struct Cohort: Sendable, Codable {
    /// The patients, in file order.
    public var patients: [Patient]
    /// The failure events, in file order.
    public var failures: [FailureEvent]
    /// The lesion measurements (empty without lesions.csv).
    public var lesions: [LesionMeasurement]
    /// The laboratory values (empty without labs.csv).
    public var labs: [LabValue]
    /// The toxicity records (empty without toxicities.csv).
    public var toxicities: [ToxicityRecord]
    /// The files read, with their SHA-256 and row counts (provenance).
    public var inputs: [InputFile]
    /// A cohort from its records (the optional tables default to empty).
    ///
    /// - Complexity: O(1).
    public init(patients: [Patient], failures: [FailureEvent], lesions: [LesionMeasurement] = [],
                labs: [LabValue] = [], toxicities: [ToxicityRecord] = [], inputs: [InputFile] = []) {
        self.patients = patients; self.failures = failures; self.lesions = lesions; self.labs = labs
        self.toxicities = toxicities; self.inputs = inputs
    }
}

/// A problem found in the input, located by file, row and column.
public struct ValidationIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// An error stops the run; a warning is reported and the run goes on.
    public enum Severity: String, Sendable, Hashable, Codable { case error, warning }
    /// Error or warning.
    public var severity: Severity
    /// The file name as given to the reader.
    public var file: String
    /// Spreadsheet row (header = 1); 0 when the issue concerns the whole file.
    public var row: Int
    /// The column the issue concerns; `nil` for a whole-row or whole-file issue.
    public var column: String?
    /// The cell as written (shortened to 60 characters); `nil` when the issue is not about one cell.
    public var value: String?
    /// What is wrong, in words (shortened to 2,000 characters).
    public var message: String

    /// An issue; `column`, `value` and `message` are shortened with ``abbreviated(_:limit:)`` so that a
    /// 10 MB cell is never echoed in full (values and column names to 60 characters, messages to 2,000).
    ///
    /// - Complexity: O(length of the texts).
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
