import Foundation
import Oncology
import Tabular
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
        if let bytes = readRegularFile(url.path) { return .success(bytes) }
        do {
            return .success([UInt8](try Data(contentsOf: url)))
        } catch {
            return .failure(FileAccessError(path: url.path, reason: FileAccessError.words(for: error), action: "read"))
        }
    }
}

extension InputPath {
    /// The bytes of a regular file read straight into one array (not through `Data`, which holds a second
    /// copy); nil when that is not possible (the caller then reads through Foundation, for its error words).
    static func readRegularFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size >= 0 else { return nil }
        let size = Int(info.st_size)
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, count in
            var done = 0
            while done <= size {
                let n = read(fd, buffer.baseAddress! + done, size + 1 - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failed = true
                    break
                }
                if n == 0 { break }
                done += n
            }
            count = min(done, size + 1)
        }
        // An error, or a file that grew while it was read: let Foundation read it.
        guard !failed, bytes.count <= size else { return nil }
        return bytes
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
                    "pivka", "prior_treatment", "rt_technique", "response_3m", "death_date", "height_cm", "weight_kg",
                    "cause_of_death"]
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
        // Every path is checked first, so that the unreadable ones are reported together and in role order;
        // a file's bytes are read only when its turn comes (one file in memory at a time).
        var unreadable: [ValidationIssue] = []
        func problem(_ url: URL, _ reason: String) -> ValidationIssue {
            ValidationIssue(.error, file: url.lastPathComponent, row: 0, column: nil, value: nil,
                            message: "cannot read \(url.path): \(reason)")
        }
        func input(_ role: CohortFileRole, _ url: URL?) -> CohortInput? {
            guard let url else { return nil }
            if let p = InputPath.problem(reading: url) {
                unreadable.append(problem(url, p.reason))
                return nil
            }
            return CohortInput(role: role, name: url.lastPathComponent) {
                switch InputPath.readFile(url) {
                case .success(let bytes): return .bytes(bytes)
                case .failure(let p): return .unreadable(problem(url, p.reason))
                }
            }
        }
        let given = [input(.patients, files.patients), input(.failures, files.failures), input(.lesions, files.lesions),
                     input(.labs, files.labs), input(.toxicities, files.toxicities)].compactMap { $0 }
        let reading = read(given, extraIssues: unreadable, failureTypes: failureTypes)
        returnFreedMemory()
        return reading
    }

    /// Hands the heap pages freed by the reading (the files' bytes, the coded columns) back to the system:
    /// glibc keeps them otherwise, and the analysis that follows would add to them.
    static func returnFreedMemory() {
        #if canImport(Glibc)
        typealias Trim = @convention(c) (Int) -> Int32   // glibc's malloc_trim (malloc.h is not in the Glibc module)
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {   // RTLD_DEFAULT
            _ = unsafeBitCast(symbol, to: Trim.self)(0)
        }
        #endif
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
        let given: [(CohortFileRole, CohortSource?)] = [
            (.patients, sources.patients), (.failures, sources.failures), (.lesions, sources.lesions),
            (.labs, sources.labs), (.toxicities, sources.toxicities),
        ]
        return read(given.compactMap { role, source in
            source.map { s in CohortInput(role: role, name: s.name) { .bytes(s.bytes) } }
        }, extraIssues: [], failureTypes: failureTypes)
    }

    /// A file to read: its role, the name used in messages, and how to get its bytes.
    private struct CohortInput {
        enum Loaded {
            case bytes([UInt8])
            case unreadable(ValidationIssue)
        }
        var role: CohortFileRole
        var name: String
        var bytes: () -> Loaded
    }

    private static func read(_ given: [CohortInput], extraIssues: [ValidationIssue],
                             failureTypes: FailureVocabulary) -> CohortReading {
        let log = CohortIssueLog()
        var hashed: [(role: CohortFileRole, name: String, sha256: Background<String>, rows: Int)] = []
        var exclusions: [InputExclusion] = []
        var tables: [CohortFileRole: CohortTable] = [:]
        for issue in extraIssues { log.add(issue) }
        for input in given {
            let bytes: [UInt8]
            switch input.bytes() {
            case .bytes(let b): bytes = b
            case .unreadable(let issue):
                log.add(issue)
                continue
            }
            log.fileOrder.append(input.name)
            let sha256 = Background { SHA256.hexDigest(bytes) }   // on another core while the file is parsed
            let table: CSVTable?
            do {
                table = try CSVTable(bytes: bytes, sourceName: input.name)
            } catch let error as TabularError {
                table = nil
                log.add(.error, file: input.name, row: 0, column: nil, value: nil,
                        message: stripFilePrefix(error.description, input.name))
            } catch {
                table = nil
                log.add(.error, file: input.name, row: 0, column: nil, value: nil, message: "\(error)")
            }
            hashed.append((input.role, input.name, sha256, table?.rowCount ?? 0))
            if let table {
                log.columnOrder[input.name] = Dictionary(
                    uniqueKeysWithValues: table.columnNames.enumerated().map { ($1, $0) })
                exclusions += CohortValidation.checkHeader(table, role: input.role, log: log)
                // The other files' rows are checked on their own threads, each into its own log (merged below).
                tables[input.role] = CohortTable(table: table, log: input.role == .patients ? log : CohortIssueLog())
            }
        }

        // Patients: rows → drafts (each value checked on its own), then the rules across fields and rows.
        let patients = tables[.patients].map(readPatients) ?? []
        if let table = tables[.patients], table.rowCount == 0 {
            log.add(.error, file: table.file, row: 0, column: nil, value: nil,
                    message: "no patients: the file has a header but no data rows")
        }
        let byID = CohortValidation.checkPatients(patients)
        let known = tables[.patients].flatMap {
            $0.columns.contains("id") ? PatientIndex(drafts: patients, byID: byID) : nil
        }

        // The other files: each row is typed, checked against its patient and built in one pass; a file's
        // table is let go when its pass ends.
        // labs.csv, by far the largest, is read on another thread while the others are read on this one.
        let sites = CohortVocabulary.site(failureTypes)
        let eventLogs = [CohortFileRole.failures, .lesions, .labs, .toxicities].compactMap { tables[$0]?.log }
        let labsWork = tables.removeValue(forKey: .labs).map { t in Background { readLabs(t, patients: known) } }
        let failures = tables.removeValue(forKey: .failures).map {
            readFailures($0, sites: sites, patients: known, failureTypes: failureTypes)
        }
        let lesions = tables.removeValue(forKey: .lesions).map { readLesions($0, patients: known) }
        let toxicities = tables.removeValue(forKey: .toxicities).map { readToxicities($0, patients: known) }
        let labs = try? labsWork?.value()   // cannot fail: `value()` only waits
        // Each file's issues joined in file order, each in the order found (as one pass over the files).
        for fileLog in eventLogs { log.append(fileLog) }

        let inputs = hashed.map { f in
            // The hash cannot fail: `value()` only waits for it.
            InputFile(role: f.role.rawValue, name: f.name, sha256: (try? f.sha256.value()) ?? "", rows: f.rows)
        }
        let issues = log.sorted()
        var cohort: Cohort? = nil
        if !issues.contains(where: { $0.severity == .error }) {
            // With no error every required value is present, so every row builds.
            let built = Cohort(patients: patients.compactMap { $0.build() }, failures: failures?.records ?? [],
                               lesions: lesions?.records ?? [], labs: labs?.records ?? [],
                               toxicities: toxicities?.records ?? [], inputs: inputs)
            if built.patients.count == patients.count, failures?.allBuilt ?? true, lesions?.allBuilt ?? true,
               labs?.allBuilt ?? true, toxicities?.allBuilt ?? true {
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

    // MARK: Typing rows

    /// The records built from a file's rows, and whether every row built (it does when no row has an error).
    struct BuiltRecords<Record> {
        var records: [Record] = []
        var allBuilt = true

        init(capacity: Int) { records.reserveCapacity(capacity) }

        mutating func append(_ record: Record?) {
            if let record { records.append(record) } else { allBuilt = false }
        }
    }

    static func readPatients(_ t: CohortTable) -> [PatientDraft] {
        typealias V = CohortVocabulary
        let id = t.column("id"), age = NumberColumn(t.column("age")), sex = CategoryColumn(t.column("sex"), V.sex)
        let viral = CategoryColumn(t.column("viral"), V.viral)
        let childPugh = CategoryColumn(t.column("child_pugh"), V.childPugh)
        let bilirubin = NumberColumn(t.column("bilirubin")), albumin = NumberColumn(t.column("albumin"))
        let inr = NumberColumn(t.column("inr"))
        let ascites = CategoryColumn(t.column("ascites"), V.ascites)
        let encephalopathy = CategoryColumn(t.column("encephalopathy"), V.encephalopathy)
        let icgR15 = NumberColumn(t.column("icg_r15"))
        let tStage = CategoryColumn(t.column("t_stage"), V.tStage)
        let nStage = CategoryColumn(t.column("n_stage"), V.nStage)
        let mStage = CategoryColumn(t.column("m_stage"), V.mStage)
        let tumorNumber = NumberColumn(t.column("tumor_number")), tumorSize = NumberColumn(t.column("tumor_size_cm"))
        let vascularInvasion = CategoryColumn(t.column("vascular_invasion"), V.yesNo)
        let pvt = CategoryColumn(t.column("pvt"), V.yesNo)
        let afp = NumberColumn(t.column("afp")), pivka = NumberColumn(t.column("pivka"))
        let priorTreatments = PriorTreatmentColumn(t.column("prior_treatment"))
        let rtTechnique = t.column("rt_technique")
        let rtTechniques = rtTechnique.texts.map(CohortVocabulary.rtTechnique)
        let known = CohortFileRole.patients.knownColumns
        let additional = t.columnNames.indices.filter { !known.contains(t.columnNames[$0]) }
        let totalDose = NumberColumn(t.column("total_dose_gy")), fractions = NumberColumn(t.column("fractions"))
        let rtStart = DateColumn(t.column("rt_start")), rtEnd = DateColumn(t.column("rt_end"))
        let response = CategoryColumn(t.column("response_3m"), V.response)
        let lastFollowUp = DateColumn(t.column("last_followup"))
        let vitalStatus = CategoryColumn(t.column("vital_status"), V.vitalStatus)
        let deathDate = DateColumn(t.column("death_date"))
        let heightCm = NumberColumn(t.column("height_cm")), weightKg = NumberColumn(t.column("weight_kg"))
        let causeOfDeath = t.column("cause_of_death")
        let causes = causeOfDeath.texts.map(CauseOfDeath.init(parsing:))

        var drafts: [PatientDraft] = []
        drafts.reserveCapacity(t.rowCount)
        for i in 0..<t.rowCount {
            let r = t.row(i)
            var d = PatientDraft(r: r)
            d.id = r.text(id, required: true)
            d.age = r.number(age, required: true)
            d.sex = r.category(sex, required: true)
            d.viral = r.category(viral)
            d.childPugh = r.category(childPugh)
            d.bilirubin = r.number(bilirubin)
            d.albumin = r.number(albumin)
            d.inr = r.number(inr)
            d.ascites = r.category(ascites)
            d.encephalopathy = r.category(encephalopathy)
            d.icgR15 = r.number(icgR15)
            d.tStage = r.category(tStage)
            d.nodePositive = r.category(nStage)
            d.metastasis = r.category(mStage)
            d.tumorNumber = r.integer(tumorNumber)
            d.tumorSize = r.number(tumorSize)
            d.vascularInvasion = r.category(vascularInvasion)
            d.pvt = r.category(pvt, required: true)
            d.afp = r.number(afp)
            d.pivka = r.number(pivka)
            d.priorTreatments = r.priorTreatments(priorTreatments)
            d.rtTechnique = r.level(rtTechnique).map { rtTechniques[$0] }
            if !additional.isEmpty { d.additional = t.cells(row: i, columns: additional) }
            d.totalDose = r.number(totalDose, required: true)
            d.fractions = r.integer(fractions, required: true)
            d.rtStart = r.date(rtStart, required: true)
            d.rtEnd = r.date(rtEnd, required: true)
            d.response = r.category(response)
            d.lastFollowUp = r.date(lastFollowUp, required: true)
            d.vitalStatus = r.category(vitalStatus, required: true)
            d.deathDate = r.date(deathDate)
            d.heightCm = r.number(heightCm)
            d.weightKg = r.number(weightKg)
            if let k = r.level(causeOfDeath) {
                let cause = causes[k]
                if !cause.isRecognised {
                    r.warning("cause_of_death", "not a known cause of death; kept as given (known: \(V.causesOfDeath))")
                }
                d.causeOfDeath = cause
            }
            drafts.append(d)
        }
        return drafts
    }

    static func readFailures(_ t: CohortTable, sites: CategoryVocabulary<FailureSite>, patients: PatientIndex?,
                             failureTypes: FailureVocabulary) -> BuiltRecords<FailureEvent> {
        typealias V = CohortVocabulary
        let id = t.column("id"), date = DateColumn(t.column("date")), site = CategoryColumn(t.column("site"), sites)
        let organ = t.column("organ")
        let percentInIsodose = NumberColumn(t.column("rgtv_in_isodose_pct"))
        let centroidInTarget = CategoryColumn(t.column("centroid_in_target"), V.yesNo)
        let centroidInElectiveTarget = CategoryColumn(t.column("centroid_in_elective_target"), V.yesNo)
        let centroidDose = NumberColumn(t.column("centroid_dose_gy")), d95 = NumberColumn(t.column("rgtv_d95_gy"))
        let prescription = NumberColumn(t.column("prescription_gy"))
        let elective = NumberColumn(t.column("elective_dose_gy"))
        let registration = CategoryColumn(t.column("registration"), V.registration)
        let owners = patients?.owners(of: id)
        t.releaseTable()
        let positive = Double.leastNonzeroMagnitude...Double.greatestFiniteMagnitude
        var check = CohortValidation.FailureChecks(failureTypes: failureTypes)
        var out = BuiltRecords<FailureEvent>(capacity: t.rowCount)
        for i in 0..<t.rowCount {
            let r = t.row(i)
            var d = FailureDraft(r: r)
            d.id = r.text(id, required: true)
            d.date = r.date(date, required: true)
            d.site = r.category(site, required: true)
            d.organ = r.text(organ)
            var dose = FailureDosimetry()
            dose.percentInIsodose = r.number(percentInIsodose, in: 0...100, "a percentage between 0 and 100")
            dose.centroidInTarget = r.category(centroidInTarget)
            dose.centroidInElectiveTarget = r.category(centroidInElectiveTarget)
            dose.centroidDoseGy = r.number(centroidDose, in: 0...Double.greatestFiniteMagnitude, "a dose ≥ 0 Gy")
            dose.d95Gy = r.number(d95, in: 0...Double.greatestFiniteMagnitude, "a dose ≥ 0 Gy")
            dose.prescriptionGy = r.number(prescription, in: positive, "a dose > 0 Gy")
            dose.electiveDoseGy = r.number(elective, in: positive, "a dose > 0 Gy")
            dose.registration = r.category(registration)
            d.dosimetry = dose.isEmpty ? nil : dose
            check.check(d, patient: patients?.patient(of: r, owners, id: id))
            out.append(d.build())
        }
        return out
    }

    static func readLesions(_ t: CohortTable, patients: PatientIndex?) -> BuiltRecords<LesionMeasurement> {
        let id = t.column("id"), date = DateColumn(t.column("date")), lesion = t.column("lesion")
        let kind = CategoryColumn(t.column("kind"), CohortVocabulary.lesionKind)
        let viable = NumberColumn(t.column("viable_mm"))
        let progression = CategoryColumn(t.column("progression"), CohortVocabulary.yesNo)
        let owners = patients?.owners(of: id)
        t.releaseTable()
        var check = CohortValidation.LesionChecks()
        var out = BuiltRecords<LesionMeasurement>(capacity: t.rowCount)
        for i in 0..<t.rowCount {
            let r = t.row(i)
            var d = LesionDraft(r: r)
            d.id = r.text(id, required: true)
            d.date = r.date(date, required: true)
            d.lesion = r.text(lesion, required: true)
            d.kind = r.category(kind, required: true)
            d.viableMM = r.number(viable)
            d.progression = r.category(progression)
            check.check(d, patient: patients?.patient(of: r, owners, id: id))
            out.append(d.build())
        }
        return out
    }

    static func readLabs(_ t: CohortTable, patients: PatientIndex?) -> BuiltRecords<LabValue> {
        let id = t.column("id"), date = DateColumn(t.column("date"))
        let test = CategoryColumn(t.column("test"), CohortVocabulary.labTest)
        let value = NumberColumn(t.column("value"))
        let lln = NumberColumn(t.column("lln")), uln = NumberColumn(t.column("uln"))
        let owners = patients?.owners(of: id)
        t.releaseTable()
        var out = BuiltRecords<LabValue>(capacity: t.rowCount)
        for i in 0..<t.rowCount {
            let r = t.row(i)
            var d = LabDraft(r: r)
            d.id = r.text(id, required: true)
            d.date = r.date(date, required: true)
            d.term = r.category(test, required: true)
            d.value = r.number(value, required: true)
            d.lln = r.number(lln)
            d.uln = r.number(uln)
            CohortValidation.checkLab(d, patient: patients?.patient(of: r, owners, id: id))
            out.append(d.build())
        }
        return out
    }

    static func readToxicities(_ t: CohortTable, patients: PatientIndex?) -> BuiltRecords<ToxicityRecord> {
        let id = t.column("id"), date = DateColumn(t.column("date")), term = t.column("term")
        let grade = NumberColumn(t.column("grade"))
        let owners = patients?.owners(of: id)
        t.releaseTable()
        var out = BuiltRecords<ToxicityRecord>(capacity: t.rowCount)
        for i in 0..<t.rowCount {
            let r = t.row(i)
            var d = ToxicityDraft(r: r)
            d.id = r.text(id, required: true)
            d.date = r.date(date, required: true)
            d.term = r.text(term, required: true)
            d.grade = r.integer(grade, required: true)
            CohortValidation.checkToxicity(d, patient: patients?.patient(of: r, owners, id: id))
            out.append(d.build())
        }
        return out
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

    /// Adds the issues of another log, in its order, after the issues already here.
    func append(_ other: CohortIssueLog) {
        for e in other.entries { add(e.issue) }
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
        return entries.map { (key($0), $0.issue) }.sorted { $0.0 < $1.0 }.map(\.1)
    }
}

// MARK: - Columns of one file

/// One cohort file being read: its columns, each coded by distinct cell text (so that a value written a
/// million times is read once), its rows' spreadsheet numbers, and the columns of each row that have an
/// error (so that derived checks stay quiet about them).
final class CohortTable {
    let file: String
    let log: CohortIssueLog
    let rowCount: Int
    /// The header, in file order.
    let columnNames: [String]
    /// Columns present in the header.
    let columns: Set<String>
    /// The table, until every column needed is coded.
    private var table: CSVTable?
    /// Spreadsheet row of data row 0, when no blank line lies between data rows (row = first + index).
    private let firstRow: Int?
    private let rowNumbers: [Int]
    private var coded: [String: CohortColumn] = [:]
    private var errorColumns: [Int: Set<String>] = [:]

    init(table: CSVTable, log: CohortIssueLog) {
        self.table = table
        self.log = log
        file = table.sourceName
        rowCount = table.rowCount
        columnNames = table.columnNames
        columns = Set(table.columnNames)
        if rowCount == 0 {
            firstRow = 2
            rowNumbers = []
        } else {
            let first = table.rowNumber(ofRow: 0)
            if table.rowNumber(ofRow: rowCount - 1) == first + rowCount - 1 {
                firstRow = first
                rowNumbers = []
            } else {
                firstRow = nil
                rowNumbers = (0..<rowCount).map(table.rowNumber(ofRow:))
            }
        }
    }

    /// Spreadsheet row (header = 1) of data row `index`.
    func rowNumber(_ index: Int) -> Int { firstRow.map { $0 + index } ?? rowNumbers[index] }

    /// Data row `index`.
    func row(_ index: Int) -> CohortRowReader { CohortRowReader(table: self, index: index, row: rowNumber(index)) }

    /// A column coded by distinct cell text (an absent column has no cells).
    func column(_ name: String) -> CohortColumn {
        if let c = coded[name] { return c }
        let c: CohortColumn
        if columns.contains(name), let table, let factor = try? table.factor(name) {
            c = CohortColumn(name: name, codes: factor.codes, texts: factor.levels.map(\.trimmingSpacesAndTabs))
        } else {
            precondition(!columns.contains(name), "column \(name) of \(file) asked for after its table was let go")
            c = CohortColumn(name: name, codes: [], texts: [])
        }
        coded[name] = c
        return c
    }

    /// The trimmed texts of a row's non-missing cells in `columns` (positions in the header), by column name:
    /// read row by row, so that a file with thousands of such columns is read in one pass.
    func cells(row index: Int, columns positions: [Int]) -> [String: String] {
        guard let table else { return [:] }
        var cells: [String: String] = [:]
        for c in positions where !table.isMissing(row: index, column: c) {
            cells[columnNames[c]] = table.cell(row: index, column: c).trimmingSpacesAndTabs
        }
        return cells
    }

    /// Lets the table go: every column needed has been coded.
    func releaseTable() { table = nil }

    /// The trimmed text of a non-missing cell, for messages.
    func raw(_ column: String, _ index: Int) -> String? {
        guard columns.contains(column) else { return nil }
        if coded[column] == nil, table == nil { return nil }
        return self.column(column).text(index)
    }

    func markError(_ index: Int, _ column: String) { errorColumns[index, default: []].insert(column) }

    func hasError(_ index: Int, _ column: String) -> Bool {
        !errorColumns.isEmpty && errorColumns[index]?.contains(column) == true
    }
}

/// A column coded by distinct cell text: `codes[row]` indexes `texts` (trimmed of spaces and tabs), -1 for a
/// missing cell; an absent column has no codes.
final class CohortColumn {
    let name: String
    let codes: [Int32]
    let texts: [String]
    var present: Bool { !codes.isEmpty }

    init(name: String, codes: [Int32], texts: [String]) {
        self.name = name
        self.codes = codes
        self.texts = texts
    }

    /// The level of a row's cell, or nil when it is missing.
    @inline(__always)
    func level(_ row: Int) -> Int? {
        guard row < codes.count else { return nil }
        let k = codes[row]
        return k < 0 ? nil : Int(k)
    }

    func text(_ row: Int) -> String? { level(row).map { texts[$0] } }
}

/// A column read as numbers, each distinct text once.
struct NumberColumn {
    let column: CohortColumn
    let values: [Double?]
    init(_ column: CohortColumn) {
        self.column = column
        values = column.texts.map(CohortVocabulary.decimal)
    }
}

/// A column read as dates, each distinct text once.
struct DateColumn {
    let column: CohortColumn
    let days: [Day?]
    init(_ column: CohortColumn) {
        self.column = column
        days = column.texts.map { Day(iso: $0) }
    }
}

/// A column read in a vocabulary, each distinct text once.
struct CategoryColumn<T> {
    let column: CohortColumn
    let vocabulary: CategoryVocabulary<T>
    let values: [T?]
    init(_ column: CohortColumn, _ vocabulary: CategoryVocabulary<T>) {
        self.column = column
        self.vocabulary = vocabulary
        values = column.texts.map(vocabulary.parse)
    }
}

/// The `prior_treatment` column, each distinct text read once.
struct PriorTreatmentColumn {
    let column: CohortColumn
    let values: [Result<([String], [String]), CohortVocabulary.PriorTreatmentProblem>]
    init(_ column: CohortColumn) {
        self.column = column
        values = column.texts.map(CohortVocabulary.priorTreatments)
    }
}

/// The patients other files refer to: the first row of each id, with what the checks of other files need.
struct PatientIndex {
    struct Facts {
        var rtStart: Day?
        var rtEnd: Day?
        var lastFollowUp: Day?
        var deathDate: Day?
        var row: Int
    }
    let file: String
    private let byID: [String: Int]
    private let facts: [Facts]

    init(drafts: [PatientDraft], byID drafted: [String: PatientDraft]) {
        file = drafts.first?.r.file ?? CohortFileRole.patients.defaultName
        var byID: [String: Int] = [:]
        var facts: [Facts] = []
        byID.reserveCapacity(drafted.count)
        facts.reserveCapacity(drafted.count)
        for (id, p) in drafted {
            byID[id] = facts.count
            facts.append(Facts(rtStart: p.rtStart, rtEnd: p.rtEnd, lastFollowUp: p.lastFollowUp, deathDate: p.deathDate,
                               row: p.r.row))
        }
        self.byID = byID
        self.facts = facts
    }

    /// Per distinct id of a column: the patient's position, or -1 when no patient has the id.
    func owners(of column: CohortColumn) -> [Int32] { column.texts.map { byID[$0].map(Int32.init) ?? -1 } }

    /// The patient of a row of another file; an unknown id is an error.
    func patient(of r: CohortRowReader, _ owners: [Int32]?, id: CohortColumn) -> PatientReference? {
        guard let owners, let k = r.level(id) else { return nil }
        let p = owners[k]
        if p >= 0 { return PatientReference(facts: facts[Int(p)], file: file) }
        r.error("id", "no patient with this id in patients.csv")
        return nil
    }
}

/// What the checks of a failure, lesion, lab or toxicity row need of its patient.
struct PatientReference {
    let facts: PatientIndex.Facts
    let file: String
    var rtStart: Day? { facts.rtStart }
    var rtEnd: Day? { facts.rtEnd }
    var lastFollowUp: Day? { facts.lastFollowUp }
    var deathDate: Day? { facts.deathDate }
    /// Where the patient's row is, for messages: `patients.csv row 3`.
    var place: String { "\(file) row \(facts.row)" }
}

// MARK: - Typed access to one row

/// One data row: typed cell access that records an error for each value that cannot be read.
struct CohortRowReader {
    let table: CohortTable
    let index: Int
    /// Spreadsheet row (header = 1).
    let row: Int

    var file: String { table.file }
    var log: CohortIssueLog { table.log }

    /// The trimmed text of a non-missing cell.
    func raw(_ column: String) -> String? { table.raw(column, index) }

    func hasError(_ columns: String...) -> Bool { columns.contains { table.hasError(index, $0) } }

    func error(_ column: String?, _ message: String, value: String? = nil) {
        if let column { table.markError(index, column) }
        log.add(.error, file: file, row: row, column: column, value: value ?? column.flatMap(raw), message: message)
    }

    func warning(_ column: String?, _ message: String, value: String? = nil) {
        log.add(.warning, file: file, row: row, column: column, value: value ?? column.flatMap(raw), message: message)
    }

    /// The level of this row's cell in `column`; nil when missing.
    @inline(__always)
    func level(_ column: CohortColumn) -> Int? { column.level(index) }

    /// The level of a cell; a missing required value is an error (unless the whole column is missing, which the
    /// header check reports once).
    @inline(__always)
    private func present(_ column: CohortColumn, required: Bool) -> Int? {
        if let k = column.level(index) { return k }
        if required, column.present { error(column.name, "a value is required") }
        return nil
    }

    /// The cell text.
    func text(_ column: CohortColumn, required: Bool = false) -> String? {
        present(column, required: required).map { column.texts[$0] }
    }

    func number(_ column: NumberColumn, required: Bool = false) -> Double? {
        guard let k = present(column.column, required: required) else { return nil }
        guard let v = column.values[k] else {
            error(column.column.name, CohortVocabulary.notANumberMessage(column.column.texts[k]))
            return nil
        }
        return v
    }

    /// A number that must lie in `range`; outside it is an error naming the column and value.
    func number(_ column: NumberColumn, in range: ClosedRange<Double>, _ expected: String) -> Double? {
        guard let v = number(column) else { return nil }
        guard range.contains(v) else {
            error(column.column.name, "out of range: expected \(expected)")
            return nil
        }
        return v
    }

    func integer(_ column: NumberColumn, required: Bool = false) -> Int? {
        guard let v = number(column, required: required) else { return nil }
        guard let n = DecimalNumber.exactInteger(v), abs(n) < 1_000_000_000 else {
            error(
                column.column.name,
                v == v.rounded() ? "whole number out of range (at most 999,999,999)" : "not a whole number")
            return nil
        }
        return n
    }

    /// A list of treatments separated by `;`, or one of the spellings of "none" (→ empty); see
    /// `CohortVocabulary.priorTreatments`. Ambiguous cells (`yes`, `1`, `unknown`, a number) are errors.
    func priorTreatments(_ column: PriorTreatmentColumn) -> [String] {
        guard let k = level(column.column) else { return [] }
        switch column.values[k] {
        case .success(let (items, duplicates)):
            for d in duplicates {
                warning(
                    column.column.name, "\"\(ValidationIssue.abbreviated(d))\" is listed more than once; counted once")
            }
            return items
        case .failure(let problem):
            error(column.column.name, problem.message)
            return []
        }
    }

    func date(_ column: DateColumn, required: Bool = false) -> Day? {
        guard let k = present(column.column, required: required) else { return nil }
        guard let d = column.days[k] else {
            error(column.column.name, CohortVocabulary.dateProblem(column.column.texts[k]))
            return nil
        }
        return d
    }

    func category<T>(_ column: CategoryColumn<T>, required: Bool = false) -> T? {
        guard let k = present(column.column, required: required) else { return nil }
        guard let v = column.values[k] else {
            error(column.column.name, "not a known \(column.vocabulary.what); accepted: \(column.vocabulary.accepted)")
            return nil
        }
        return v
    }
}
