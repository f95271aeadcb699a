import Foundation
import Oncology
import Tabular

// MARK: - Vocabularies

/// A set of accepted spellings for a categorical column.
struct CategoryVocabulary<T>: Sendable {
    /// What the column holds, for messages ("sex", "failure site").
    let what: String
    /// The accepted spellings, listed in the message when a value is not recognised.
    let accepted: String
    let parse: @Sendable (String) -> T?
}

/// Spellings, numbers and dates as the cohort files write them.
enum CohortVocabulary {
    /// Lower case without spaces, tabs, hyphens and underscores.
    static func key(_ s: String) -> String {
        String(s.lowercased().filter { !$0.isWhitespace && $0 != "-" && $0 != "_" })
    }

    static let sex = CategoryVocabulary<Sex>(what: "sex", accepted: "M, F, male, female (any case)") {
        switch key($0) {
        case "m", "male": return .male
        case "f", "female": return .female
        default: return nil
        }
    }

    static let viral = CategoryVocabulary<ViralEtiology>(
        what: "viral aetiology", accepted: "B, C, B+C, NBNC (also HBV, HCV, HBV+HCV, non-B non-C; any case)") {
        switch key($0) {
        case "b", "hbv": return .hbv
        case "c", "hcv": return .hcv
        case "b+c", "bc", "hbv+hcv", "hbvhcv", "c+b", "hcv+hbv": return .both
        case "nbnc", "nonbnonc", "nonbc": return .neither
        default: return nil
        }
    }

    static let childPugh = CategoryVocabulary<ChildPughClass>(
        what: "Child-Pugh class", accepted: "A, B, C (also Child-Pugh A, CP B, or with the score, A5 … C15)") {
        ChildPughClass(parsing: $0)
    }

    static let ascites = CategoryVocabulary<Ascites>(
        what: "ascites grade", accepted: "none, mild, moderate, severe (also absent, slight, tense, 0–3)") {
        Ascites(parsing: $0)
    }

    static let encephalopathy = CategoryVocabulary<HepaticEncephalopathy>(
        what: "encephalopathy grade",
        accepted: "none, grade1-2, grade3-4 (also 0–4, grade 1 … grade 4, mild, severe)") {
        HepaticEncephalopathy(parsing: $0)
    }

    static let tStage = CategoryVocabulary<MUICCTCategory>(what: "T stage", accepted: "T1, T2, T3, T4 (also 1–4)") {
        MUICCTCategory(parsing: $0)
    }

    /// N1 → true.
    static let nStage = CategoryVocabulary<Bool>(what: "N stage", accepted: "N0, N1 (also 0, 1)") {
        binaryStage($0, "n")
    }

    /// M1 → true.
    static let mStage = CategoryVocabulary<Bool>(what: "M stage", accepted: "M0, M1 (also 0, 1)") {
        binaryStage($0, "m")
    }

    private static func binaryStage(_ text: String, _ prefix: Character) -> Bool? {
        var k = key(text)
        if k.first == prefix { k.removeFirst() }
        switch k {
        case "0": return false
        case "1": return true
        default: return nil
        }
    }

    static let yesNo = CategoryVocabulary<Bool>(what: "yes/no value",
                                                accepted: "yes, no, y, n, true, false, 1, 0 (any case)") {
        switch key($0) {
        case "yes", "y", "true", "1": return true
        case "no", "n", "false", "0": return false
        default: return nil
        }
    }

    /// Failure sites in the plan's vocabulary (`failure_types`).
    static func site(_ vocabulary: FailureVocabulary) -> CategoryVocabulary<FailureSite> {
        CategoryVocabulary<FailureSite>(
            what: "failure site",
            accepted: vocabulary.accepted
                + (vocabulary == .paper ? "" : " (the plan's failure_types: \(vocabulary.rawValue))")) {
            vocabulary.site(parsing: $0)
        }
    }

    static let registration = CategoryVocabulary<ImageRegistration>(
        what: "image registration", accepted: "rigid, deformable (also RIR, DIR)") { ImageRegistration(parsing: $0) }

    static let lesionKind = CategoryVocabulary<LesionKind>(what: "lesion kind", accepted: "target, non-target, new") {
        switch key($0) {
        case "target": return .target
        case "nontarget": return .nonTarget
        case "new": return .new
        default: return nil
        }
    }

    static let labTest = CategoryVocabulary<CTCAELabTerm>(
        what: "laboratory test",
        accepted: "neutrophils, platelets, hemoglobin, ast, alt, bilirubin, wbc, albumin (also ANC, PLT, Hb, Hgb, "
            + "SGOT, SGPT, TBil, or the CTCAE term)") {
        CTCAELabTerm(parsing: $0)
    }

    static let response = CategoryVocabulary<ResponseCategory>(
        what: "response category",
        accepted: "CR, PR, SD, PD, NE (also complete response, partial response, stable disease, progressive disease, "
            + "not evaluable)") {
        ResponseCategory(parsing: $0)
    }

    static let vitalStatus = CategoryVocabulary<VitalStatus>(
        what: "vital status", accepted: "alive, dead, unknown (also living, deceased, died, lost; any case)") {
        switch key($0) {
        case "alive", "living": return .alive
        case "dead", "deceased", "died": return .dead
        case "unknown", "lost", "losttofollowup": return .unknown
        default: return nil
        }
    }

    /// The spellings of "no prior treatment" (compared after `key`, so any case, spaces, hyphens and
    /// underscores ignored); a cell of dashes only (`-`, `--`, `–`, `—`) and the number zero also mean none.
    static let noPriorTreatment: Set<String> = [
        "none", "no", "n", "nil", "false", "nothing", "notreatment", "nopriortreatment", "noprior", "naive",
        "treatmentnaive", "primary", "denovo",
    ]

    /// Spellings that say neither which treatments nor clearly "none": an error.
    static let ambiguousPriorTreatment: Set<String> = [
        "yes", "y", "true", "unknown", "unk", "uk", "?", "??", "n/a", "nk", "notknown", "notapplicable", "na", "nd",
        "notdone", "missing", "any", "some", "x",
    ]

    /// The accepted forms, for messages.
    static let priorTreatmentUsage = "give the treatments separated by \";\" (e.g. TACE;RFA), "
        + "or none (also no, 0, -, naive) for no prior treatment"

    struct PriorTreatmentProblem: Error { let message: String }

    /// A `prior_treatment` cell: the treatments (empty = none) and the names listed more than once, or the
    /// reason the cell is ambiguous.
    ///
    /// Rules: the cell is split at `;`; empty items are ignored. A single item that is a spelling of none
    /// (`noPriorTreatment`, dashes only, or a number equal to 0) means no prior treatment. An item that is
    /// ambiguous (`yes`, `1`, `unknown`, `?`, …) or any other number is an error, and so is "none" listed together
    /// with treatments. Names listed twice (any case) are kept once.
    static func priorTreatments(_ text: String) -> Result<([String], [String]), PriorTreatmentProblem> {
        func isDashes(_ s: String) -> Bool { !s.isEmpty && s.allSatisfy { "-–—‐‑−".contains($0) } }
        func meansNone(_ s: String) -> Bool {
            noPriorTreatment.contains(key(s)) || isDashes(s) || DecimalNumber.parse(s) == 0
        }
        let items = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if items.isEmpty { return .success(([], [])) }
        if items.count == 1, meansNone(items[0]) { return .success(([], [])) }
        var kept: [String] = []
        var seen: Set<String> = []
        var duplicates: [String] = []
        for item in items {
            if meansNone(item) {
                return .failure(.init(message: "\"\(ValidationIssue.abbreviated(item))\" (none) is listed "
                                      + "together with treatments; \(priorTreatmentUsage)"))
            }
            if ambiguousPriorTreatment.contains(item.lowercased()) || ambiguousPriorTreatment.contains(key(item)) {
                return .failure(.init(message: "ambiguous prior treatment \"\(ValidationIssue.abbreviated(item))\"; "
                                      + priorTreatmentUsage))
            }
            if DecimalNumber.parse(item) != nil {
                return .failure(.init(message: "a number is not a treatment "
                                      + "(\"\(ValidationIssue.abbreviated(item))\"); " + priorTreatmentUsage))
            }
            if seen.insert(item.lowercased()).inserted { kept.append(item) } else { duplicates.append(item) }
        }
        return .success((kept, duplicates))
    }

    /// The causes of death, for messages.
    static let causesOfDeath = "hepatic failure, tumour progression, treatment-related, other, unknown"

    /// `3D-CRT` and `IMRT` in any spelling are normalised; anything else is kept as given.
    static func rtTechnique(_ text: String) -> String {
        switch key(text) {
        case "3dcrt", "3dconformal": return "3D-CRT"
        case "imrt": return "IMRT"
        default: return text
        }
    }

    /// A decimal number in the C locale (`63`, `-1.5`, `.5`, `1e-3`); nil for anything else, including `inf`, `nan`,
    /// hex, decimal commas, digit groups and values that overflow.
    static func decimal(_ text: String) -> Double? { DecimalNumber.parse(text) }

    /// The message for a cell that should be a number, with a hint at the likely cause.
    static func notANumberMessage(_ text: String) -> String {
        if let first = text.first, "<>≤≥".contains(first) {
            return "not a number (a limit such as \">1000\" is not a value; give the number)"
        }
        if text.contains(",") { return "not a number (use a decimal point, and no thousands separator)" }
        var body = Substring(text.lowercased())
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        if ["inf", "infinity", "nan", "∞"].contains(body) || body.hasPrefix("nan(") {
            return "not a number (infinite and NaN values are not accepted; give a finite number)"
        }
        if body.hasPrefix("0x") { return "not a number (hexadecimal is not accepted; give a decimal number)" }
        let digits = body.filter(\.isNumber).count
        if digits > 0, body.allSatisfy({ $0.isNumber || "ol.e".contains($0) }),
           body.contains(where: { "ol".contains($0) }) {
            return "not a number (a letter O or l among the digits? give the number in digits)"
        }
        if digits == 0, body.contains(where: \.isLetter) { return "not a number (write it in digits)" }
        if text.contains(where: { $0.isLetter || $0 == "/" || $0 == "%" }) {
            return "not a number (give the number alone, without a unit)"
        }
        return "not a number"
    }

    /// Why `text` is not a date (`Day(iso:)` returned nil).
    static func dateProblem(_ text: String) -> String {
        let usage = "use YYYY-MM-DD (also YYYY/MM/DD or YYYYMMDD)"
        let parts = text.split(whereSeparator: { "-/.".contains($0) }).map(String.init)
        let numeric = parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
        if text.contains("T") || text.contains(":") || text.contains(" ") {
            return "a date with a time part (or other text); give the date only, \(usage)"
        }
        if numeric, parts.count == 3, parts[0].count <= 2, parts[2].count == 4 || parts[2].count == 2 {
            return "day and month order is ambiguous; \(usage)"
        }
        var ymd: (Int, Int, Int)? = nil
        if numeric, parts.count == 3, parts[0].count == 4,
           let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) {
            ymd = (y, m, d)
        } else if numeric, parts.count == 1, parts[0].count == 8 {
            let s = Array(parts[0])
            ymd = (Int(String(s[0..<4]))!, Int(String(s[4..<6]))!, Int(String(s[6..<8]))!)
        }
        if let (y, m, d) = ymd {
            if !(1800...2200).contains(y) { return "year \(y) is out of range (1800–2200)" }
            if !(1...12).contains(m) { return "no such date: month \(m) does not exist" }
            let days = Day.daysInMonth(y, m)
            if d < 1 || d > days {
                let month = NumberFormat.integer(y, minimumDigits: 4) + "-" + NumberFormat.integer(m, minimumDigits: 2)
                return "no such date: \(month) has \(days) days"
            }
        }
        return "not a date; \(usage)"
    }

    /// `"id", "age", "sex"`.
    /// At most 40 names, each cut to 60 characters (a header may hold anything).
    static func list(_ names: [String]) -> String {
        if names.isEmpty { return "(none)" }
        let shown = names.prefix(40).map { "\"\(ValidationIssue.abbreviated($0))\"" }.joined(separator: ", ")
        return names.count > 40 ? shown + ", … (\(names.count) in all)" : shown
    }

    /// `2004-03-17` for a date read from the file.
    static func show(_ d: Day) -> String { d.iso }
}

// MARK: - Drafts: one row, typed, values optional until validated

struct PatientDraft {
    let r: CohortRowReader
    var additional: [String: String] = [:]
    var id: String?
    var age: Double?
    var sex: Sex?
    var viral: ViralEtiology?
    var childPugh: ChildPughClass?
    var bilirubin: Double?
    var albumin: Double?
    var inr: Double?
    var ascites: Ascites?
    var encephalopathy: HepaticEncephalopathy?
    var icgR15: Double?
    var tStage: MUICCTCategory?
    var nodePositive: Bool?
    var metastasis: Bool?
    var tumorNumber: Int?
    var tumorSize: Double?
    var vascularInvasion: Bool?
    var pvt: Bool?
    var afp: Double?
    var pivka: Double?
    var priorTreatments: [String] = []
    var rtTechnique: String?
    var totalDose: Double?
    var fractions: Int?
    var rtStart: Day?
    var rtEnd: Day?
    var response: ResponseCategory?
    var lastFollowUp: Day?
    var vitalStatus: VitalStatus?
    var deathDate: Day?
    var heightCm: Double?
    var weightKg: Double?
    var causeOfDeath: CauseOfDeath?

    init(r: CohortRowReader) { self.r = r }

    var components: ChildPughComponents? {
        guard let bilirubin, let albumin, let inr, let ascites, let encephalopathy else { return nil }
        return ChildPughComponents(bilirubinMgPerDL: bilirubin, albuminGPerDL: albumin, inr: inr, ascites: ascites,
                                   encephalopathy: encephalopathy)
    }

    var tumor: TumorFindings? {
        guard let tumorNumber, let tumorSize, let vascularInvasion else { return nil }
        return TumorFindings(number: tumorNumber, largestDiameterCm: tumorSize, vascularInvasion: vascularInvasion)
    }

    /// Where this patient's row is, for messages about other files: `patients.csv row 3`.
    var place: String { "\(r.file) row \(r.row)" }

    func build() -> Patient? {
        guard let id, let age, let sex, let pvt, let totalDose, let fractions, let rtStart, let rtEnd, let lastFollowUp,
              let vitalStatus else { return nil }
        return Patient(id: id, age: age, sex: sex, viral: viral, childPughRecorded: childPugh,
                       childPughComponents: components, bilirubinMgPerDL: bilirubin, albuminGPerDL: albumin,
                       icgR15: icgR15, tCategory: tStage, nodePositive: nodePositive, metastasis: metastasis,
                       tumor: tumor, portalVeinThrombosis: pvt, afp: afp, pivka: pivka,
                       priorTreatments: priorTreatments,
                       rtTechnique: rtTechnique, totalDoseGy: totalDose, fractions: fractions, rtStart: rtStart,
                       rtEnd: rtEnd, response3Months: response, lastFollowUp: lastFollowUp, vitalStatus: vitalStatus,
                       deathDate: deathDate, heightCm: heightCm, weightKg: weightKg,
                       causeOfDeath: causeOfDeath, additional: additional, source: SourceRow(file: r.file, row: r.row))
    }
}

struct FailureDraft {
    let r: CohortRowReader
    var id: String?
    var date: Day?
    var site: FailureSite?
    var organ: String?
    var dosimetry: FailureDosimetry?
    init(r: CohortRowReader) { self.r = r }

    func build() -> FailureEvent? {
        guard let id, let date, let site else { return nil }
        return FailureEvent(patientID: id, date: date, site: site, organ: organ,
                            source: SourceRow(file: r.file, row: r.row), dosimetry: dosimetry)
    }
}

struct LesionDraft {
    let r: CohortRowReader
    var id: String?
    var date: Day?
    var lesion: String?
    var kind: LesionKind?
    var viableMM: Double?
    var progression: Bool?
    init(r: CohortRowReader) { self.r = r }

    func build() -> LesionMeasurement? {
        guard let id, let date, let lesion, let kind else { return nil }
        return LesionMeasurement(patientID: id, date: date, lesion: lesion, kind: kind, viableMM: viableMM,
                                 progression: progression ?? false, source: SourceRow(file: r.file, row: r.row))
    }
}

struct LabDraft {
    let r: CohortRowReader
    var id: String?
    var date: Day?
    var term: CTCAELabTerm?
    var value: Double?
    var lln: Double?
    var uln: Double?
    init(r: CohortRowReader) { self.r = r }

    func build() -> LabValue? {
        guard let id, let date, let term, let value else { return nil }
        return LabValue(patientID: id, date: date, term: term, value: value, lln: lln, uln: uln,
                        source: SourceRow(file: r.file, row: r.row))
    }
}

struct ToxicityDraft {
    let r: CohortRowReader
    var id: String?
    var date: Day?
    var term: String?
    var grade: Int?
    init(r: CohortRowReader) { self.r = r }

    func build() -> ToxicityRecord? {
        guard let id, let date, let term, let grade else { return nil }
        return ToxicityRecord(
            patientID: id, date: date, term: term, grade: grade, source: SourceRow(file: r.file, row: r.row))
    }
}

// MARK: - Rules

/// The validation rules of the cohort files. Each rule reports an issue naming the file, the spreadsheet row
/// (header = 1), the column and the offending value; errors stop the run, warnings go into the report.
///
/// | rule | severity |
/// |---|---|
/// | unreadable file (missing, directory, pipe, permission), malformed CSV (quotes, field counts, encoding) | error |
/// | patients.csv without data rows ("no patients") | error |
/// | whole number beyond 999,999,999; ambiguous prior_treatment (`yes`, `1`, `unknown`, `none;TACE`) | error |
/// | prior treatment listed twice; cause_of_death outside the vocabulary (kept as written) | warning |
/// | cause_of_death for a patient not dead | error |
/// | required column missing from the header (message lists the columns present) | error |
/// | unknown column (ignored; listed in `exclusions`) | warning |
/// | required value missing | error |
/// | not a number / whole number / date / known category (message lists the accepted spellings) | error |
/// | age outside 0–120; total dose ≤ 0 or > 100 Gy; fractions ≤ 0; icg_r15 outside 0–100 | error |
/// | negative marker, lab value or limit; tumour size ≤ 0; tumour number < 1 | error |
/// | height or weight ≤ 0; grade outside 1–5; viable_mm < 0 | error |
/// | total dose > 90 Gy; dose per fraction outside 1–25 Gy | warning |
/// | AFP > 1,000,000 IU/mL or PIVKA-II > 1,000,000 mAU/mL; albumin > 10 g/dL | warning ("check the unit") |
/// | lab unit implausible; height or weight implausible | warning ("check the unit") |
/// | rt_end before rt_start; last_followup before rt_end; death_date before rt_start or after last_followup | error |
/// | vital_status dead without death_date; death_date without vital_status dead | error |
/// | dead patient whose last_followup is later than death_date | warning |
/// | duplicate patient id | error |
/// | Child-Pugh neither recorded nor computable; recorded class differs from the computed one | warning |
/// | T stage neither given nor derivable; given T differs from the derived one | warning |
/// | failure, lesion, lab or toxicity row for a patient not in patients.csv | error |
/// | failure before rt_end, after last_followup or after death | error |
/// | duplicate failure (same id, date, site, organ); duplicate lesion measurement (same id, date, lesion) | error |
/// | extrahepatic failure without organ | warning |
/// | lab value needing a ULN without one (AST, ALT, bilirubin); lln > uln | error |
/// | lesion, lab or toxicity dated after last_followup | warning |
enum CohortValidation {
    // MARK: Header

    /// Missing required columns (errors) and unknown columns (warnings, and an exclusion each).
    static func checkHeader(_ table: CSVTable, role: CohortFileRole, log: CohortIssueLog) -> [InputExclusion] {
        let file = table.sourceName
        let present = table.columnNames
        let known = role.knownColumns
        if present.count == 1, !known.contains(present[0]) {
            for (separator, name) in [("\t", "tabs"), (";", "semicolons"), ("|", "vertical bars")]
            where present[0].contains(separator) {
                log.add(.error, file: file, row: 1, column: nil, value: present[0],
                        message: "the header is one column holding \(name): the file seems to be separated by \(name); "
                            + "cohort files are comma-separated (CSV)")
                return [InputExclusion(file: file, column: nil, rows: (0..<table.rowCount).map(table.rowNumber(ofRow:)),
                                       reason: "not comma-separated")]
            }
        }
        for column in role.requiredColumns where !present.contains(column) {
            var message = "required column is missing; the columns are \(CohortVocabulary.list(present))"
            if let near = present.first(where: { $0.lowercased() == column }) {
                message += " (\"\(near)\" differs in case; column names are lower case)"
            }
            log.add(.error, file: file, row: 1, column: column, value: nil, message: message)
        }
        let unknown = present.enumerated().filter { !known.contains($0.element) }
        for (_, column) in unknown {
            var message = "unknown column, ignored"
            if let near = known.first(where: { $0 == column.lowercased() }) {
                message += " (did you mean \"\(near)\"? column names are lower case)"
            }
            log.add(.warning, file: file, row: 1, column: column, value: nil, message: message)
        }
        // Row by row (each row is split once), not column by column: a file with thousands of unknown
        // columns stays linear in its size.
        var rowsOf = [[Int]](repeating: [], count: unknown.count)
        if !unknown.isEmpty {
            for r in 0..<table.rowCount {
                for (u, (c, _)) in unknown.enumerated() where !table.isMissing(row: r, column: c) {
                    rowsOf[u].append(table.rowNumber(ofRow: r))
                }
            }
        }
        return zip(unknown, rowsOf).map {
            InputExclusion(file: file, column: $0.0.element, rows: $0.1, reason: "unknown column")
        }
    }

    // MARK: Patients

    /// Checks each patient row and the uniqueness of ids; returns the first row of each id.
    @discardableResult
    static func checkPatients(_ patients: [PatientDraft]) -> [String: PatientDraft] {
        var byID: [String: PatientDraft] = [:]
        for p in patients {
            checkValues(p)
            checkDates(p)
            checkChildPugh(p)
            checkStage(p)
            guard let id = p.id else { continue }
            if let first = byID[id] {
                p.r.error("id", "duplicate patient id; first in row \(first.r.row)")
            } else {
                byID[id] = p
            }
        }
        return byID
    }

    static func checkValues(_ p: PatientDraft) {
        let r = p.r
        if let v = p.age, !(0...120).contains(v) { r.error("age", "age must be 0–120 years") }
        for (column, value) in [("bilirubin", p.bilirubin), ("albumin", p.albumin), ("inr", p.inr)] {
            if let v = value, v < 0 { r.error(column, "must be ≥ 0") }
        }
        if let v = p.albumin, v > 10 {
            r.warning("albumin", "albumin above 10 g/dL: check the unit (g/dL expected; 35 g/L = 3.5 g/dL)")
        }
        if let v = p.icgR15, !(0...100).contains(v) { r.error("icg_r15", "ICG R15 must be 0–100 %") }
        if let v = p.tumorNumber, v < 1 { r.error("tumor_number", "the number of tumours must be ≥ 1") }
        if let v = p.tumorSize, v <= 0 { r.error("tumor_size_cm", "the tumour size must be > 0 cm") }
        if let v = p.afp {
            if v < 0 {
                r.error("afp", "must be ≥ 0")
            } else if v > 1_000_000 {
                r.warning("afp", "AFP above 1,000,000 IU/mL: check the unit (IU/mL expected)")
            }
        }
        if let v = p.pivka {
            if v < 0 {
                r.error("pivka", "must be ≥ 0")
            } else if v > 1_000_000 {
                r.warning("pivka", "PIVKA-II above 1,000,000 mAU/mL: check the unit (mAU/mL expected)")
            }
        }
        if let v = p.totalDose {
            if v <= 0 || v > 100 {
                r.error("total_dose_gy", "total dose must be > 0 and ≤ 100 Gy")
            } else if v > 90 {
                r.warning("total_dose_gy", "total dose above 90 Gy: check the value")
            }
        }
        if let n = p.fractions, n <= 0 { r.error("fractions", "the number of fractions must be > 0") }
        if let dose = p.totalDose, let n = p.fractions, dose > 0, dose <= 100, n > 0 {
            let perFraction = dose / Double(n)
            if perFraction < 1 || perFraction > 25 {
                r.warning("fractions", "dose per fraction \(format(perFraction)) Gy "
                          + "(\(format(dose)) Gy in \(n) fraction\(n == 1 ? "" : "s")) "
                          + "is outside 1–25 Gy: check total_dose_gy and fractions")
            }
        }
        if let v = p.heightCm {
            if v <= 0 {
                r.error("height_cm", "must be > 0")
            } else if !(100...250).contains(v) {
                r.warning("height_cm", "height outside 100–250 cm: check the unit (cm expected)")
            }
        }
        if let v = p.weightKg {
            if v <= 0 {
                r.error("weight_kg", "must be > 0")
            } else if !(20...300).contains(v) {
                r.warning("weight_kg", "weight outside 20–300 kg: check the unit (kg expected)")
            }
        }
    }

    static func checkDates(_ p: PatientDraft) {
        let r = p.r
        let show = CohortVocabulary.show
        if let start = p.rtStart, let end = p.rtEnd, end < start {
            r.error("rt_end", "rt_end is before rt_start (\(show(start)))")
        }
        if let last = p.lastFollowUp {
            if let end = p.rtEnd, last < end {
                r.error("last_followup", "last_followup is before rt_end (\(show(end)))")
            } else if p.rtEnd == nil, let start = p.rtStart, last < start {
                r.error("last_followup", "last_followup is before rt_start (\(show(start)))")
            }
        }
        guard let status = p.vitalStatus else { return }
        if status == .dead {
            if p.deathDate == nil, !r.hasError("death_date") {
                r.error("death_date", "vital_status is dead, so death_date is required", value: r.raw("death_date"))
            }
        } else if p.deathDate != nil {
            r.error("death_date", "death_date is given but vital_status is \(status.rawValue); "
                    + "a death date needs vital_status dead")
        }
        if status != .dead, p.causeOfDeath != nil {
            r.error("cause_of_death", "cause_of_death is given but vital_status is \(status.rawValue); "
                    + "a cause of death needs vital_status dead")
        }
        if let death = p.deathDate {
            if let start = p.rtStart, death < start {
                r.error("death_date", "death_date is before rt_start (\(show(start)))")
            }
            if let last = p.lastFollowUp {
                if death > last {
                    r.error("death_date", "death_date is after last_followup (\(show(last)))")
                } else if death < last, status == .dead {
                    r.warning("last_followup", "last_followup differs from death_date (\(show(death))); "
                              + "for a patient who died it is expected to be the date of death")
                }
            }
        }
    }

    static func checkChildPugh(_ p: PatientDraft) {
        let r = p.r
        let parts = ["bilirubin", "albumin", "inr", "ascites", "encephalopathy"]
        guard !parts.contains(where: { r.hasError($0) }), !r.hasError("child_pugh") else { return }
        if let components = p.components {
            guard let recorded = p.childPugh,
                  let computed = ChildPugh(bilirubinMgPerDL: components.bilirubinMgPerDL,
                                           albuminGPerDL: components.albuminGPerDL, inr: components.inr,
                                           ascites: components.ascites, encephalopathy: components.encephalopathy),
                  computed.class != recorded else { return }
            r.warning("child_pugh", "recorded Child-Pugh class \(recorded.rawValue) differs from the class computed "
                      + "from bilirubin, albumin, inr, ascites and encephalopathy (\(computed.class.rawValue), "
                      + "score \(computed.score))")
        } else if p.childPugh == nil {
            let values: [Any?] = [p.bilirubin, p.albumin, p.inr, p.ascites, p.encephalopathy]
            let missing = zip(parts, values).filter { $1 == nil }.map(\.0)
            r.warning("child_pugh", "Child-Pugh class neither recorded nor computable; missing "
                      + missing.joined(separator: ", "))
        }
    }

    static func checkStage(_ p: PatientDraft) {
        let r = p.r
        let parts = ["tumor_number", "tumor_size_cm", "vascular_invasion"]
        guard !parts.contains(where: { r.hasError($0) }), !r.hasError("t_stage") else { return }
        if let tumor = p.tumor {
            guard let given = p.tStage,
                  let derived = MUICCTCategory(tumorCount: tumor.number, largestDiameterCm: tumor.largestDiameterCm,
                                               vascularOrBileDuctInvasion: tumor.vascularInvasion),
                  derived != given else { return }
            r.warning("t_stage", "t_stage \(given) differs from the T derived from tumor_number, tumor_size_cm and "
                      + "vascular_invasion (\(derived))")
        } else if p.tStage == nil {
            let values: [Any?] = [p.tumorNumber, p.tumorSize, p.vascularInvasion]
            let missing = zip(parts, values).filter { $1 == nil }.map(\.0)
            r.warning("t_stage", "T stage neither given nor derivable; missing " + missing.joined(separator: ", "))
        }
    }

    // MARK: Event files

    /// The checks of failures.csv rows, row by row (the duplicate check remembers the rows seen).
    struct FailureChecks {
        struct Key: Hashable {
            var id: String
            var date: Day
            var site: FailureSite
            var organ: String
        }
        let failureTypes: FailureVocabulary
        private var seen: [Key: Int] = [:]

        init(failureTypes: FailureVocabulary = .paper) { self.failureTypes = failureTypes }

        /// Checks one row; `p` is its patient (nil when unknown or patients.csv is unusable).
        mutating func check(_ f: FailureDraft, patient p: PatientReference?) {
            let show = CohortVocabulary.show
            let r = f.r
            if f.site == .extrahepatic, f.organ == nil, failureTypes.thirdTypeHasOrgan {
                r.warning(
                    "organ", "\(failureTypes.name(.extrahepatic)) failure without organ (e.g. lung, bone, lymph node)")
            }
            if let p, let date = f.date {
                if let end = p.rtEnd, date < end {
                    r.error("date", "failure date is before rt_end (\(show(end)), \(p.place))")
                } else if p.rtEnd == nil, let start = p.rtStart, date < start {
                    r.error("date", "failure date is before rt_start (\(show(start)), \(p.place))")
                }
                if let last = p.lastFollowUp, date > last {
                    r.error("date", "failure date is after last_followup (\(show(last)), \(p.place))")
                }
                if let death = p.deathDate, date > death {
                    r.error("date", "failure date is after death (death_date \(show(death)), \(p.place))")
                }
            }
            if let id = f.id, let date = f.date, let site = f.site {
                let key = Key(id: id, date: date, site: site, organ: (f.organ ?? "").lowercased())
                if let first = seen[key] {
                    r.error("id", "duplicate failure: same id, date, site and organ as row \(first)")
                } else {
                    seen[key] = r.row
                }
            }
        }
    }

    /// The checks of lesions.csv rows, row by row (the duplicate check remembers the rows seen).
    struct LesionChecks {
        struct Key: Hashable {
            var id: String
            var date: Day
            var lesion: String
        }
        private var seen: [Key: Int] = [:]

        /// Checks one row; `p` is its patient (nil when unknown or patients.csv is unusable).
        mutating func check(_ l: LesionDraft, patient p: PatientReference?) {
            let r = l.r
            if let v = l.viableMM, v < 0 { r.error("viable_mm", "must be ≥ 0") }
            afterFollowUp(r, l.date, p, what: "imaging date")
            if let id = l.id, let date = l.date, let lesion = l.lesion {
                let key = Key(id: id, date: date, lesion: lesion)
                if let first = seen[key] {
                    r.error("lesion", "duplicate measurement: same id, date and lesion as row \(first)")
                } else {
                    seen[key] = r.row
                }
            }
        }
    }

    /// Checks one labs.csv row; `p` is its patient (nil when unknown or patients.csv is unusable).
    static func checkLab(_ l: LabDraft, patient p: PatientReference?) {
        let r = l.r
        if let v = l.value, v < 0 { r.error("value", "must be ≥ 0") }
        if let v = l.lln, v < 0 { r.error("lln", "must be ≥ 0") }
        if let v = l.uln, v < 0 { r.error("uln", "must be ≥ 0") }
        if let lln = l.lln, let uln = l.uln, lln > uln {
            r.error("lln", "lln is above uln (\(format(uln)))")
        }
        if let term = l.term, term.isIncreasing, l.uln == nil, !r.hasError("uln") {
            r.error("uln", "uln is needed to grade \(r.raw("test") ?? term.rawValue)", value: r.raw("uln"))
        }
        if let term = l.term, let v = l.value, v > 0 {
            switch term {
            case .plateletCountDecreased where v < 1000,
                 .neutrophilCountDecreased where v < 50, .whiteBloodCellDecreased where v < 50:
                r.warning("value", "check the unit: cells/mm³ expected (×10⁹/L × 1000 = /mm³)")
            case .anemia where v > 25, .hypoalbuminemia where v > 10:
                r.warning("value", "check the unit: g/dL expected (g/L ÷ 10 = g/dL)")
            default: break
            }
        }
        afterFollowUp(r, l.date, p, what: "sample date")
    }

    /// Checks one toxicities.csv row; `p` is its patient (nil when unknown or patients.csv is unusable).
    static func checkToxicity(_ t: ToxicityDraft, patient p: PatientReference?) {
        let r = t.r
        if let g = t.grade, !(1...5).contains(g) { r.error("grade", "grade must be 1–5") }
        afterFollowUp(r, t.date, p, what: "onset date")
    }

    private static func afterFollowUp(_ r: CohortRowReader, _ date: Day?, _ p: PatientReference?, what: String) {
        if let date, let p, let last = p.lastFollowUp, date > last {
            r.warning("date", "\(what) is after last_followup (\(last.iso), \(p.place))")
        }
    }

    /// `2.5`, `45`, `1.8` — whole numbers in full, others to 4 significant digits, no trailing zeros.
    static func format(_ v: Double) -> String {
        if abs(v) < 1e15, let n = DecimalNumber.exactInteger(v) { return String(n) }
        return NumberFormat.significant(v, 4)
    }
}
