import Foundation
import Oncology
import Tabular

// MARK: - Inputs

/// The cohort's CSV files on disk (see `docs/input-format.md`).
///
/// ```swift
/// let files = CohortFiles(directory: URL(fileURLWithPath: "study"))   // study/patients.csv, study/failures.csv, …
/// let reading = CohortReader.read(files)
/// ```
public struct CohortFiles: Sendable, Hashable {
    /// One row per patient (required).
    public var patients: URL
    /// One row per failure event (required; may have no data rows).
    public var failures: URL
    /// Lesion measurements for mRECIST (optional).
    public var lesions: URL?
    /// Laboratory values for CTCAE grading (optional).
    public var labs: URL?
    /// Toxicity grades as assessed (optional).
    public var toxicities: URL?

    /// The five files by URL; the optional tables may be left out.
    ///
    /// - Complexity: O(1).
    public init(patients: URL, failures: URL, lesions: URL? = nil, labs: URL? = nil, toxicities: URL? = nil) {
        self.patients = patients
        self.failures = failures
        self.lesions = lesions
        self.labs = labs
        self.toxicities = toxicities
    }

    /// The standard file names in a directory: `patients.csv` and `failures.csv` (always, so that a missing one is
    /// reported), and `lesions.csv`, `labs.csv`, `toxicities.csv` when they exist.
    ///
    /// - Complexity: O(1) (three file-existence checks).
    public init(directory: URL) {
        func optional(_ name: String) -> URL? {
            let url = directory.appendingPathComponent(name)
            return FileManager.default.fileExists(atPath: url.path) ? url : nil
        }
        self.init(patients: directory.appendingPathComponent(CohortFileRole.patients.defaultName),
                  failures: directory.appendingPathComponent(CohortFileRole.failures.defaultName),
                  lesions: optional(CohortFileRole.lesions.defaultName),
                  labs: optional(CohortFileRole.labs.defaultName),
                  toxicities: optional(CohortFileRole.toxicities.defaultName))
    }
}

/// A path that cannot be used for input or output, with the reason in words (never a raw Foundation error).
///
/// ```swift
/// InputPath.problem(reading: URL(fileURLWithPath: "/tmp"))?.description
/// // "cannot read /tmp: it is a directory, not a file"
/// ```
public struct FileAccessError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path concerned.
    public var path: String
    /// What is wrong, e.g. `it is a directory, not a file`.
    public var reason: String
    /// `read` or `write`, for the message.
    public var action: String

    /// An error for `path`; see the properties for what each argument holds.
    ///
    /// - Complexity: O(1).
    public init(path: String, reason: String, action: String) {
        self.path = path
        self.reason = reason
        self.action = action
    }

    /// `cannot read /tmp: it is a directory, not a file`.
    public var description: String { "cannot \(action) \(path): \(reason)" }

    /// Words for a Foundation file error (no `NSCocoaErrorDomain Code=512`).
    static func words(for error: Error) -> String {
        if let e = error as? CocoaError {
            switch e.code {
            case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or directory"
            case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
            case .fileWriteOutOfSpace: return "the disk is full"
            case .fileWriteVolumeReadOnly: return "the volume is read-only"
            case .fileWriteFileExists: return "a file of that name already exists"
            case .fileReadCorruptFile, .fileReadUnknown: return "the file could not be read"
            case .fileReadTooLarge: return "the file is too large"
            default: break
            }
            if let underlying = e.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
               let message = strerror(Int32(underlying.code)) {
                return String(cString: message).lowercased()
            }
            return "the file system refused (\(e.code.rawValue))"
        }
        if let e = error as? POSIXError { return String(cString: strerror(e.code.rawValue)).lowercased() }
        return "\(error)"
    }
}

/// Checks and reads an input path, so that a missing file, a directory, a FIFO or an unreadable file gives a
/// plain message.
///
/// ```swift
/// switch InputPath.readFile(URL(fileURLWithPath: "patients.csv")) {
/// case .success(let bytes): …
/// case .failure(let error): print(error)   // cannot read patients.csv: no such file
/// }
/// ```
public enum InputPath {
    /// Largest cohort file read (4 GiB): a cohort file is read into memory, and a real cohort is far smaller.
    public static let maximumBytes = 4 << 30

    /// Why `url` cannot be read as an input file, or `nil` when it is a readable regular file of at most
    /// ``maximumBytes``. Symbolic links are followed.
    ///
    /// - Parameter url: a file URL.
    /// - Returns: the problem, or `nil`.
    /// - Complexity: O(1) file-system calls.
    public static func problem(reading url: URL) -> FileAccessError? {
        let fm = FileManager.default
        let path = url.path
        func fail(_ reason: String) -> FileAccessError { FileAccessError(path: path, reason: reason, action: "read") }
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return fail("no such file")
        }
        if isDirectory.boolValue { return fail("it is a directory, not a file") }
        let resolved = url.resolvingSymlinksInPath().path
        if let attributes = try? fm.attributesOfItem(atPath: resolved) {
            if let type = attributes[.type] as? FileAttributeType, type != .typeRegular {
                return fail("it is not a regular file (a pipe, device or socket)")
            }
            if let size = (attributes[.size] as? NSNumber)?.int64Value, size > Int64(maximumBytes) {
                return fail("the file has \(size) bytes; files over 4 GiB are not supported")
            }
        }
        if !fm.isReadableFile(atPath: resolved) { return fail("permission denied") }
        return nil
    }

    /// The bytes of `url`, after ``problem(reading:)``.
    ///
    /// - Parameter url: a file URL.
    /// - Returns: the bytes, or the problem in words.
    /// - Complexity: O(file size).
    public static func readFile(_ url: URL) -> Result<[UInt8], FileAccessError> {
        if let problem = problem(reading: url) { return .failure(problem) }
        do {
            return .success([UInt8](try Data(contentsOf: url)))
        } catch {
            return .failure(FileAccessError(path: url.path, reason: FileAccessError.words(for: error), action: "read"))
        }
    }
}

/// Prepares an output directory: creates it (with its parents) and its subdirectories, and explains in words
/// when that is not possible (the path or a parent is a file, an output file's name is taken by a directory,
/// permission denied).
///
/// ```swift
/// try OutputDirectory.prepare(URL(fileURLWithPath: "report"), subdirectories: ["tables", "figures"],
///                             files: ["report.html", "results.json"])
/// // throws FileAccessError: "cannot write report: it is a file, not a directory"
/// ```
public enum OutputDirectory {
    /// Creates `url` and `subdirectories` inside it when missing.
    ///
    /// - Parameters:
    ///   - url: the output directory.
    ///   - subdirectories: relative paths of directories to create inside it.
    ///   - files: relative paths of files that will be written; each must not be an existing directory.
    /// - Throws: ``FileAccessError`` naming the path and the reason.
    /// - Complexity: O(subdirectories + files) file-system calls.
    public static func prepare(_ url: URL, subdirectories: [String] = [], files: [String] = []) throws {
        try prepareDirectory(url)
        for sub in subdirectories { try prepareDirectory(url.appendingPathComponent(sub)) }
        let fm = FileManager.default
        for file in files {
            var isDirectory: ObjCBool = false
            let path = url.appendingPathComponent(file).path
            if fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw FileAccessError(path: path, reason: "a directory of that name is in the way of the output file",
                                      action: "write")
            }
        }
        if !fm.isWritableFile(atPath: url.path) {
            throw FileAccessError(path: url.path, reason: "permission denied", action: "write")
        }
    }

    private static func prepareDirectory(_ url: URL) throws {
        let fm = FileManager.default
        let path = url.path
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return }
            throw FileAccessError(path: path, reason: "it is a file, not a directory", action: "write")
        }
        // The nearest existing ancestor must be a directory.
        var ancestor = url.deletingLastPathComponent()
        while !fm.fileExists(atPath: ancestor.path, isDirectory: &isDirectory), ancestor.pathComponents.count > 1 {
            ancestor = ancestor.deletingLastPathComponent()
        }
        if fm.fileExists(atPath: ancestor.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw FileAccessError(path: path, reason: "\(ancestor.path) is a file, not a directory", action: "write")
        }
        do {
            try fm.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw FileAccessError(path: path, reason: FileAccessError.words(for: error), action: "write")
        }
    }
}

/// One input file held in memory: the name used in messages and its bytes.
public struct CohortSource: Sendable, Hashable {
    /// The name used in messages and provenance (`patients.csv`, or an uploaded file's name).
    public var name: String
    /// The file's bytes, as read (UTF-8 expected; the reader reports anything else).
    public var bytes: [UInt8]
    /// A file held in memory.
    ///
    /// - Complexity: O(1) (the bytes are not copied).
    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
    /// The UTF-8 bytes of `text`.
    ///
    /// - Complexity: O(`text.utf8.count`).
    public init(name: String, text: String) {
        self.init(name: name, bytes: Array(text.utf8))
    }
}

/// The cohort's files held in memory (tests, the built-in demo cohort).
///
/// ```swift
/// let reading = CohortReader.read(CohortSources(patients: patientsCSV, failures: "id,date,site,organ\n"))
/// ```
public struct CohortSources: Sendable, Hashable {
    /// patients.csv (required).
    public var patients: CohortSource
    /// failures.csv (required; may have a header only).
    public var failures: CohortSource
    /// lesions.csv; `nil` when not given.
    public var lesions: CohortSource?
    /// labs.csv; `nil` when not given.
    public var labs: CohortSource?
    /// toxicities.csv; `nil` when not given.
    public var toxicities: CohortSource?

    /// The files as sources; the optional tables may be left out.
    ///
    /// - Complexity: O(1).
    public init(patients: CohortSource, failures: CohortSource, lesions: CohortSource? = nil, labs: CohortSource? = nil,
                toxicities: CohortSource? = nil) {
        self.patients = patients
        self.failures = failures
        self.lesions = lesions
        self.labs = labs
        self.toxicities = toxicities
    }

    /// CSV texts, named `patients.csv`, `failures.csv`, `lesions.csv`, `labs.csv`, `toxicities.csv`.
    ///
    /// - Complexity: O(total length of the texts).
    public init(patients: String, failures: String, lesions: String? = nil, labs: String? = nil,
                toxicities: String? = nil) {
        func source(_ role: CohortFileRole, _ text: String?) -> CohortSource? {
            text.map { CohortSource(name: role.defaultName, text: $0) }
        }
        self.init(patients: source(.patients, patients)!, failures: source(.failures, failures)!,
                  lesions: source(.lesions, lesions), labs: source(.labs, labs),
                  toxicities: source(.toxicities, toxicities))
    }
}

/// The five kinds of cohort file and their columns.
public enum CohortFileRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// patients.csv, failures.csv, lesions.csv, labs.csv, toxicities.csv (the raw value is the name without
    /// `.csv`).
    case patients, failures, lesions, labs, toxicities

    /// `patients.csv`, …
    public var defaultName: String { rawValue + ".csv" }

    /// Columns that must be in the header.
    public var requiredColumns: [String] {
        switch self {
        case .patients:
            return ["id", "age", "sex", "pvt", "total_dose_gy", "fractions", "rt_start", "rt_end", "last_followup",
                    "vital_status"]
        case .failures: return ["id", "date", "site"]
        case .lesions: return ["id", "date", "lesion", "kind", "viable_mm"]
        case .labs: return ["id", "date", "test", "value"]
        case .toxicities: return ["id", "date", "term", "grade"]
        }
    }

    /// Columns that may be in the header.
    public var optionalColumns: [String] {
        switch self {
        case .patients:
            return ["viral", "child_pugh", "bilirubin", "albumin", "inr", "ascites", "encephalopathy", "icg_r15",
                    "t_stage", "n_stage", "m_stage", "tumor_number", "tumor_size_cm", "vascular_invasion", "afp",
                    "pivka", "prior_treatment", "rt_technique", "response_3m", "death_date", "height_cm", "weight_kg", "cause_of_death"]
        case .failures: return ["organ"] + FailureColumns.dosimetry
        case .lesions: return ["progression"]
        case .labs: return ["lln", "uln"]
        case .toxicities: return []
        }
    }

    /// All known columns.
    public var knownColumns: [String] { requiredColumns + optionalColumns }
}

// MARK: - Result

/// Input that was read but not used, with the reason. Nothing is dropped without one of these (or an error).
public struct InputExclusion: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file name as given to the reader.
    public var file: String
    /// The column concerned, when a whole column was ignored.
    public var column: String?
    /// Spreadsheet rows (header = 1) whose content was not used.
    public var rows: [Int]
    /// Why the input was not used, in words (`unknown column`).
    public var reason: String
    /// Number of rows (or, for a column, of non-missing cells) not used.
    public var count: Int { rows.count }

    /// An exclusion; see the properties for what each argument holds.
    ///
    /// - Complexity: O(1).
    public init(file: String, column: String?, rows: [Int], reason: String) {
        self.file = file
        self.column = column
        self.rows = rows
        self.reason = reason
    }

    /// `patients.csv, column "comment": 3 values not used (unknown column)`.
    public var description: String {
        var s = file
        if let column { s += ", column \"\(column)\"" }
        return s + ": \(count) value\(count == 1 ? "" : "s") not used (\(reason))"
    }
}

/// The outcome of reading a cohort: the typed cohort when there is no error, and everything found on the way.
public struct CohortReading: Sendable, Codable {
    /// The cohort; `nil` when any issue is an error.
    public var cohort: Cohort?
    /// All errors and warnings, in file order (patients, failures, lesions, labs, toxicities), then row, then column.
    public var issues: [ValidationIssue]
    /// What was read but not used, with the reason.
    public var exclusions: [InputExclusion]
    /// Every file read, with its SHA-256 and number of data rows.
    public var inputs: [InputFile]

    /// A reading; see the properties for what each argument holds.
    ///
    /// - Complexity: O(1).
    public init(cohort: Cohort?, issues: [ValidationIssue], exclusions: [InputExclusion], inputs: [InputFile]) {
        self.cohort = cohort
        self.issues = issues
        self.exclusions = exclusions
        self.inputs = inputs
    }

    /// The issues of severity `.error`, in ``issues`` order (the cohort is `nil` when there is any).
    ///
    /// - Complexity: O(*n*) in the number of issues.
    public var errors: [ValidationIssue] { issues.filter { $0.severity == .error } }
    /// The issues of severity `.warning`, in ``issues`` order.
    ///
    /// - Complexity: O(*n*) in the number of issues.
    public var warnings: [ValidationIssue] { issues.filter { $0.severity == .warning } }
    /// Whether any issue is an error (then ``cohort`` is `nil`).
    ///
    /// - Complexity: O(*n*) in the number of issues.
    public var hasErrors: Bool { issues.contains { $0.severity == .error } }
}

// MARK: - Reader

/// Reads, types and validates the cohort files.
///
/// Every problem is collected (not only the first): each issue names the file, the spreadsheet row (header = 1),
/// the column and the offending value. Errors make `cohort` nil; warnings are kept for the report.
/// The rules are listed in `CohortValidation` and in `docs/input-format.md`.
///
/// ```swift
/// let reading = CohortReader.read(CohortFiles(directory: dir))
/// for issue in reading.issues { print(issue) }   // patients.csv, row 7, column "death_date" ("2005-13-01"): …
/// guard let cohort = reading.cohort else { exit(1) }
/// ```
public enum CohortReader {
    /// Reads the files from disk. A file that cannot be read is an error (file-level, row 0): missing, a
    /// directory, not a regular file (a FIFO or device, which could block or never end), or unreadable.
    ///
    /// - Parameters:
    ///   - files: The cohort's files.
    ///   - failureTypes: The vocabulary failures.csv `site` is read in (the plan's `failure_types`).
    /// - Returns: The cohort when there is no error, and every issue found.
    ///
    /// - Complexity: O(total bytes of the files + rows × columns): every cell is parsed and checked once.
    public static func read(_ files: CohortFiles, failureTypes: FailureVocabulary = .paper) -> CohortReading {
        var unreadable: [ValidationIssue] = []
        func load(_ url: URL?) -> CohortSource? {
            guard let url else { return nil }
            switch InputPath.readFile(url) {
            case .success(let bytes):
                return CohortSource(name: url.lastPathComponent, bytes: bytes)
            case .failure(let problem):
                unreadable.append(ValidationIssue(.error, file: url.lastPathComponent, row: 0, column: nil, value: nil,
                                                  message: "cannot read \(url.path): \(problem.reason)"))
                return nil
            }
        }
        let given: [(CohortFileRole, CohortSource?)] = [
            (.patients, load(files.patients)), (.failures, load(files.failures)), (.lesions, load(files.lesions)),
            (.labs, load(files.labs)), (.toxicities, load(files.toxicities)),
        ]
        return read(given, extraIssues: unreadable, failureTypes: failureTypes)
    }

    /// Reads in-memory files.
    ///
    /// - Parameters:
    ///   - sources: The cohort's files as bytes.
    ///   - failureTypes: The vocabulary failures.csv `site` is read in (the plan's `failure_types`).
    /// - Returns: The cohort when there is no error, and every issue found.
    ///
    /// - Complexity: O(total bytes of the files + rows × columns): every cell is parsed and checked once.
    public static func read(_ sources: CohortSources, failureTypes: FailureVocabulary = .paper) -> CohortReading {
        read([(.patients, sources.patients), (.failures, sources.failures), (.lesions, sources.lesions),
              (.labs, sources.labs), (.toxicities, sources.toxicities)], extraIssues: [], failureTypes: failureTypes)
    }

    private static func read(_ given: [(CohortFileRole, CohortSource?)], extraIssues: [ValidationIssue],
                             failureTypes: FailureVocabulary) -> CohortReading {
        let log = CohortIssueLog()
        var inputs: [InputFile] = []
        var exclusions: [InputExclusion] = []
        var tables: [CohortFileRole: CSVTable] = [:]
        for issue in extraIssues { log.add(issue) }
        for (role, source) in given {
            guard let source else { continue }
            log.fileOrder.append(source.name)
            let table: CSVTable?
            do {
                table = try CSVTable(bytes: source.bytes, sourceName: source.name)
            } catch let error as TabularError {
                table = nil
                log.add(.error, file: source.name, row: 0, column: nil, value: nil,
                        message: stripFilePrefix(error.description, source.name))
            } catch {
                table = nil
                log.add(.error, file: source.name, row: 0, column: nil, value: nil, message: "\(error)")
            }
            inputs.append(InputFile(role: role.rawValue, name: source.name, sha256: SHA256.hexDigest(source.bytes),
                                    rows: table?.rowCount ?? 0))
            if let table {
                log.columnOrder[source.name] = Dictionary(uniqueKeysWithValues: table.columnNames.enumerated().map { ($1, $0) })
                exclusions += CohortValidation.checkHeader(table, role: role, log: log)
                tables[role] = table
            }
        }

        // Rows → drafts (typed, each value checked on its own).
        func rows(_ role: CohortFileRole) -> [CohortRowReader] {
            guard let table = tables[role] else { return [] }
            return (0..<table.rowCount).map { CohortRowReader(table: table, index: $0, log: log) }
        }
        let patients = rows(.patients).map(readPatient)
        if let table = tables[.patients], table.rowCount == 0 {
            log.add(.error, file: table.sourceName, row: 0, column: nil, value: nil,
                    message: "no patients: the file has a header but no data rows")
        }
        let siteVocabulary = CohortVocabulary.site(failureTypes)
        let failures = rows(.failures).map { readFailure($0, sites: siteVocabulary) }
        let lesions = rows(.lesions).map(readLesion)
        let labs = rows(.labs).map(readLab)
        let toxicities = rows(.toxicities).map(readToxicity)

        // Rules across fields and records.
        let byID = CohortValidation.checkPatients(patients)
        let known: [String: PatientDraft]? = tables[.patients].flatMap { $0.columnNames.contains("id") ? byID : nil }
        CohortValidation.checkFailures(failures, patients: known, failureTypes: failureTypes)
        CohortValidation.checkLesions(lesions, patients: known)
        CohortValidation.checkLabs(labs, patients: known)
        CohortValidation.checkToxicities(toxicities, patients: known)

        let issues = log.sorted()
        var cohort: Cohort? = nil
        if !issues.contains(where: { $0.severity == .error }) {
            // With no error every required value is present, so every draft builds.
            let built = Cohort(patients: patients.compactMap { $0.build() }, failures: failures.compactMap { $0.build() },
                               lesions: lesions.compactMap { $0.build() }, labs: labs.compactMap { $0.build() },
                               toxicities: toxicities.compactMap { $0.build() }, inputs: inputs)
            if built.patients.count == patients.count, built.failures.count == failures.count,
               built.lesions.count == lesions.count, built.labs.count == labs.count,
               built.toxicities.count == toxicities.count {
                cohort = built
            } else {
                var withBug = issues
                withBug.append(ValidationIssue(.error, file: "", row: 0, column: nil, value: nil,
                                               message: "internal error: a record without an issue could not be built"))
                return CohortReading(cohort: nil, issues: withBug, exclusions: exclusions, inputs: inputs)
            }
        }
        return CohortReading(cohort: cohort, issues: issues, exclusions: exclusions, inputs: inputs)
    }

    private static func stripFilePrefix(_ message: String, _ file: String) -> String {
        for prefix in [file + ", ", file + ": "] where message.hasPrefix(prefix) {
            return String(message.dropFirst(prefix.count))
        }
        return message
    }

    // MARK: Typing one row

    static func readPatient(_ r: CohortRowReader) -> PatientDraft {
        typealias V = CohortVocabulary
        var d = PatientDraft(r: r)
        d.id = r.text("id", required: true)
        d.age = r.number("age", required: true)
        d.sex = r.category("sex", V.sex, required: true)
        d.viral = r.category("viral", V.viral)
        d.childPugh = r.category("child_pugh", V.childPugh)
        d.bilirubin = r.number("bilirubin")
        d.albumin = r.number("albumin")
        d.inr = r.number("inr")
        d.ascites = r.category("ascites", V.ascites)
        d.encephalopathy = r.category("encephalopathy", V.encephalopathy)
        d.icgR15 = r.number("icg_r15")
        d.tStage = r.category("t_stage", V.tStage)
        d.nodePositive = r.category("n_stage", V.nStage)
        d.metastasis = r.category("m_stage", V.mStage)
        d.tumorNumber = r.integer("tumor_number")
        d.tumorSize = r.number("tumor_size_cm")
        d.vascularInvasion = r.category("vascular_invasion", V.yesNo)
        d.pvt = r.category("pvt", V.yesNo, required: true)
        d.afp = r.number("afp")
        d.pivka = r.number("pivka")
        d.priorTreatments = r.priorTreatments("prior_treatment")
        d.rtTechnique = r.text("rt_technique").map(CohortVocabulary.rtTechnique)
        d.additional = r.nonStandardCells(known: CohortFileRole.patients.knownColumns)
        d.totalDose = r.number("total_dose_gy", required: true)
        d.fractions = r.integer("fractions", required: true)
        d.rtStart = r.date("rt_start", required: true)
        d.rtEnd = r.date("rt_end", required: true)
        d.response = r.category("response_3m", V.response)
        d.lastFollowUp = r.date("last_followup", required: true)
        d.vitalStatus = r.category("vital_status", V.vitalStatus, required: true)
        d.deathDate = r.date("death_date")
        d.heightCm = r.number("height_cm")
        d.weightKg = r.number("weight_kg")
        if let text = r.text("cause_of_death") {
            let cause = CauseOfDeath(parsing: text)
            if !cause.isRecognised {
                r.warning("cause_of_death", "not a known cause of death; kept as given (known: \(V.causesOfDeath))")
            }
            d.causeOfDeath = cause
        }
        return d
    }

    static func readFailure(_ r: CohortRowReader, sites: CategoryVocabulary<FailureSite>) -> FailureDraft {
        var d = FailureDraft(r: r)
        d.id = r.text("id", required: true)
        d.date = r.date("date", required: true)
        d.site = r.category("site", sites, required: true)
        d.organ = r.text("organ")
        var dose = FailureDosimetry()
        dose.percentInIsodose = r.number("rgtv_in_isodose_pct", in: 0...100, "a percentage between 0 and 100")
        dose.centroidInTarget = r.category("centroid_in_target", CohortVocabulary.yesNo)
        dose.centroidInElectiveTarget = r.category("centroid_in_elective_target", CohortVocabulary.yesNo)
        dose.centroidDoseGy = r.number("centroid_dose_gy", in: 0...Double.greatestFiniteMagnitude, "a dose ≥ 0 Gy")
        dose.d95Gy = r.number("rgtv_d95_gy", in: 0...Double.greatestFiniteMagnitude, "a dose ≥ 0 Gy")
        dose.prescriptionGy = r.number("prescription_gy", in: Double.leastNonzeroMagnitude...Double.greatestFiniteMagnitude, "a dose > 0 Gy")
        dose.electiveDoseGy = r.number("elective_dose_gy", in: Double.leastNonzeroMagnitude...Double.greatestFiniteMagnitude, "a dose > 0 Gy")
        dose.registration = r.category("registration", CohortVocabulary.registration)
        d.dosimetry = dose.isEmpty ? nil : dose
        return d
    }

    static func readLesion(_ r: CohortRowReader) -> LesionDraft {
        var d = LesionDraft(r: r)
        d.id = r.text("id", required: true)
        d.date = r.date("date", required: true)
        d.lesion = r.text("lesion", required: true)
        d.kind = r.category("kind", CohortVocabulary.lesionKind, required: true)
        d.viableMM = r.number("viable_mm")
        d.progression = r.category("progression", CohortVocabulary.yesNo)
        return d
    }

    static func readLab(_ r: CohortRowReader) -> LabDraft {
        var d = LabDraft(r: r)
        d.id = r.text("id", required: true)
        d.date = r.date("date", required: true)
        d.term = r.category("test", CohortVocabulary.labTest, required: true)
        d.value = r.number("value", required: true)
        d.lln = r.number("lln")
        d.uln = r.number("uln")
        return d
    }

    static func readToxicity(_ r: CohortRowReader) -> ToxicityDraft {
        var d = ToxicityDraft(r: r)
        d.id = r.text("id", required: true)
        d.date = r.date("date", required: true)
        d.term = r.text("term", required: true)
        d.grade = r.integer("grade", required: true)
        return d
    }
}

// MARK: - Issue collection

/// Collects issues; `sorted()` orders them by file, row, column position, then discovery.
final class CohortIssueLog {
    private struct Entry {
        var issue: ValidationIssue
        var sequence: Int
    }
    private var entries: [Entry] = []
    /// File names in reading order.
    var fileOrder: [String] = []
    /// Per file: column name → position in the header.
    var columnOrder: [String: [String: Int]] = [:]

    func add(_ issue: ValidationIssue) {
        entries.append(Entry(issue: issue, sequence: entries.count))
    }

    func add(_ severity: ValidationIssue.Severity, file: String, row: Int, column: String?, value: String?,
             message: String) {
        add(ValidationIssue(severity, file: file, row: row, column: column, value: value, message: message))
    }

    func sorted() -> [ValidationIssue] {
        func key(_ e: Entry) -> (Int, Int, Int, Int) {
            let file = fileOrder.firstIndex(of: e.issue.file) ?? -1
            let column = e.issue.column.flatMap { columnOrder[e.issue.file]?[$0] } ?? Int.max
            return (file, e.issue.row, column, e.sequence)
        }
        return entries.sorted { key($0) < key($1) }.map(\.issue)
    }
}

// MARK: - Typed access to one row

/// One data row: typed cell access that records an error for each value that cannot be read.
final class CohortRowReader {
    let file: String
    /// Spreadsheet row (header = 1).
    let row: Int
    let log: CohortIssueLog
    /// Columns present in the header.
    let columns: Set<String>
    /// Non-missing cells, trimmed of spaces and tabs.
    private let cells: [String: String]
    /// Columns of this row that have an error (so that derived checks stay quiet about them).
    private(set) var errorColumns: Set<String> = []

    init(table: CSVTable, index: Int, log: CohortIssueLog) {
        file = table.sourceName
        row = table.rowNumber(ofRow: index)
        self.log = log
        columns = Set(table.columnNames)
        var cells: [String: String] = [:]
        for (c, name) in table.columnNames.enumerated() where !table.isMissing(row: index, column: c) {
            cells[name] = table.cell(row: index, column: c).trimmingSpacesAndTabs
        }
        self.cells = cells
    }

    /// The trimmed text of a non-missing cell.
    func raw(_ column: String) -> String? { cells[column] }

    /// Non-missing cells of columns outside `known` (kept for factors the plan defines on them).
    func nonStandardCells(known: [String]) -> [String: String] { cells.filter { !known.contains($0.key) } }

    func hasError(_ columns: String...) -> Bool { columns.contains(where: errorColumns.contains) }

    func error(_ column: String?, _ message: String, value: String? = nil) {
        if let column { errorColumns.insert(column) }
        log.add(.error, file: file, row: row, column: column, value: value ?? column.flatMap(raw), message: message)
    }

    func warning(_ column: String?, _ message: String, value: String? = nil) {
        log.add(.warning, file: file, row: row, column: column, value: value ?? column.flatMap(raw), message: message)
    }

    /// The cell text; a missing required value is an error (unless the whole column is missing, which the header
    /// check reports once).
    func text(_ column: String, required: Bool = false) -> String? {
        if let s = cells[column] { return s }
        if required, columns.contains(column) { error(column, "a value is required") }
        return nil
    }

    func number(_ column: String, required: Bool = false) -> Double? {
        guard let s = text(column, required: required) else { return nil }
        guard let v = CohortVocabulary.decimal(s) else {
            error(column, CohortVocabulary.notANumberMessage(s))
            return nil
        }
        return v
    }

    /// A number that must lie in `range` (checked after reading it with `DecimalNumber`); outside it is an
    /// error naming the column and value.
    func number(_ column: String, in range: ClosedRange<Double>, _ expected: String) -> Double? {
        guard let v = number(column) else { return nil }
        guard range.contains(v) else {
            error(column, "out of range: expected \(expected)")
            return nil
        }
        return v
    }

    func integer(_ column: String, required: Bool = false) -> Int? {
        guard let s = text(column, required: required) else { return nil }
        guard let v = CohortVocabulary.decimal(s) else {
            error(column, CohortVocabulary.notANumberMessage(s))
            return nil
        }
        guard let n = DecimalNumber.exactInteger(v), abs(n) < 1_000_000_000 else {
            error(column, v == v.rounded() ? "whole number out of range (at most 999,999,999)" : "not a whole number")
            return nil
        }
        return n
    }

    /// A list of treatments separated by `;`, or one of the spellings of "none" (→ empty); see
    /// `CohortVocabulary.priorTreatments`. Ambiguous cells (`yes`, `1`, `unknown`, a number) are errors.
    func priorTreatments(_ column: String) -> [String] {
        guard let s = text(column) else { return [] }
        switch CohortVocabulary.priorTreatments(s) {
        case .success(let (items, duplicates)):
            for d in duplicates { warning(column, "\"\(ValidationIssue.abbreviated(d))\" is listed more than once; counted once") }
            return items
        case .failure(let problem):
            error(column, problem.message)
            return []
        }
    }

    func date(_ column: String, required: Bool = false) -> Day? {
        guard let s = text(column, required: required) else { return nil }
        guard let d = Day(iso: s) else {
            error(column, CohortVocabulary.dateProblem(s))
            return nil
        }
        return d
    }

    func category<T>(_ column: String, _ vocabulary: CategoryVocabulary<T>, required: Bool = false) -> T? {
        guard let s = text(column, required: required) else { return nil }
        guard let v = vocabulary.parse(s) else {
            error(column, "not a known \(vocabulary.what); accepted: \(vocabulary.accepted)")
            return nil
        }
        return v
    }
}
