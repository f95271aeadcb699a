import Foundation
import PatternsOfFailure
import StudyReport

/// One browser's work: the files it uploaded (in its own temporary directory), and the analysed study.
///
/// ```swift
/// let s = try await store.create()
/// try await s.put(kind: .patients, bytes: data)
/// ```
public actor StudySession {
    /// The uploadable inputs and their file names in the session directory.
    public enum Input: String, CaseIterable, Sendable {
        /// The five cohort files and the plan.
        case patients, failures, lesions, labs, toxicities, plan
        /// The name the file is stored (and reported) under.
        public var fileName: String { self == .plan ? "plan.yaml" : "\(rawValue).csv" }
    }

    /// A study that validated and was analysed.
    public struct Study: Sendable {
        /// The study's results (written as the report's `results.json`).
        public var results: StudyResults
        /// The endpoints stage the explorer reads (``StudyData``).
        public var data: StudyData
        /// The validated cohort.
        public var cohort: Cohort
        /// The plan the study was run under.
        public var plan: StudyPlan
        /// Whether the cohort is the built-in synthetic demo.
        public var synthetic: Bool
        /// Directory holding the written report.
        public var output: URL
        /// Files written, relative to `output`.
        public var files: [String]
        /// Explorer groupings built on this study's derived data (shared by concurrent requests).
        public let groupings = GroupingCache()
    }

    /// Explorer groupings of one study by variable and cut-points, built once and then shared; safe to use
    /// from any number of concurrent requests.
    ///
    /// ```swift
    /// if let f = study.groupings.value(key) { return f }
    /// study.groupings.store(key, try study.data.grouping(by: definition))
    /// ```
    public final class GroupingCache: @unchecked Sendable {
        private let lock = NSLock()
        private var columns: [String: StudyData.FactorColumn] = [:]
        /// Most groupings kept; when full, the cache starts again empty.
        public static let capacity = 1000

        /// The grouping stored under `key`, if any.
        ///
        /// - Complexity: O(1) on average.
        public func value(_ key: String) -> StudyData.FactorColumn? {
            lock.lock(); defer { lock.unlock() }
            return columns[key]
        }

        /// Stores a grouping under `key`.
        ///
        /// - Complexity: O(1) on average (O(capacity) when the cache is emptied).
        public func store(_ key: String, _ column: StudyData.FactorColumn) {
            lock.lock(); defer { lock.unlock() }
            if columns.count >= Self.capacity { columns.removeAll(keepingCapacity: true) }
            columns[key] = column
        }
    }

    /// The session's identifier: random, unguessable (in the page's URLs).
    public nonisolated let id: String
    /// The session's temporary directory (uploads under `input/`, the report under `output/`).
    public nonisolated let directory: URL
    private(set) var lastUsed: Date
    private(set) var uploaded: Set<Input> = []
    private(set) var demo = false
    private(set) var study: Study? { didSet { explorerAnswers = [:] } }
    /// Explorer answers (JSON) by query, for this study: the same question is answered once.
    private var explorerAnswers: [String: String] = [:]

    init(id: String, directory: URL, now: Date) {
        self.id = id; self.directory = directory; self.lastUsed = now
    }

    var inputDirectory: URL { directory.appendingPathComponent("input") }

    func touch(_ now: Date = Date()) { lastUsed = now }

    /// Stores one uploaded file (replacing an earlier one of the same kind); forgets the analysed study.
    func put(_ input: Input, bytes: Data) throws {
        try FileManager.default.createDirectory(at: inputDirectory, withIntermediateDirectories: true)
        let gz = bytes.count >= 2 && bytes[bytes.startIndex] == 0x1f && bytes[bytes.startIndex + 1] == 0x8b
        for old in [input.fileName, input.fileName + ".gz"] {
            try? FileManager.default.removeItem(at: inputDirectory.appendingPathComponent(old))
        }
        try bytes.write(to: inputDirectory.appendingPathComponent(input.fileName + (gz && input != .plan ? ".gz" : "")))
        uploaded.insert(input)
        demo = false
        study = nil
    }

    /// Removes every upload and the analysed study.
    func clear() {
        try? FileManager.default.removeItem(at: inputDirectory)
        try? FileManager.default.removeItem(at: directory.appendingPathComponent("output"))
        uploaded = []; demo = false; study = nil
    }

    func useDemo() { clear(); demo = true }

    func url(_ input: Input) -> URL? {
        guard uploaded.contains(input) else { return nil }
        for name in [input.fileName, input.fileName + ".gz"] {
            let u = inputDirectory.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: u.path) { return u }
        }
        return nil
    }

    var uploadedNames: [String] { Input.allCases.filter(uploaded.contains).map(\.fileName) }
    var isDemo: Bool { demo }
    var currentStudy: Study? { study }
    func setStudy(_ s: Study) { study = s }

    /// A remembered explorer answer.
    func explorerAnswer(_ key: String) -> String? { explorerAnswers[key] }

    /// Remembers an explorer answer (at most 200 per session; the oldest are forgotten all at once).
    func remember(_ key: String, _ answer: String) {
        if explorerAnswers.count >= 200 { explorerAnswers = [:] }
        explorerAnswers[key] = answer
    }
}

/// All sessions of one server: created on request, each in its own temporary directory, deleted after
/// `idleTimeout` without a request and when the server stops.
///
/// ```swift
/// let store = try SessionStore(idleTimeout: 3600)
/// let s = await store.create()
/// await store.removeAll()      // on exit
/// ```
public actor SessionStore {
    /// Parent of every session directory (itself a fresh temporary directory).
    public nonisolated let root: URL
    /// Seconds without a request after which a session and its files are deleted.
    public nonisolated let idleTimeout: TimeInterval
    private var sessions: [String: StudySession] = [:]

    /// Creates the store and its temporary directory (mode 0700).
    ///
    /// - Parameters:
    ///   - idleTimeout: Seconds of inactivity before a session is deleted.
    ///   - parent: Where to create the store's directory (default: the system temporary directory).
    /// - Throws: The file system's error when the directory cannot be created.
    ///
    /// - Complexity: O(1).
    public init(idleTimeout: TimeInterval, parent: URL = FileManager.default.temporaryDirectory) throws {
        self.idleTimeout = idleTimeout
        root = parent.appendingPathComponent("pof-serve-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

    /// A new, empty session.
    ///
    /// - Complexity: O(1) (one directory is created).
    public func create(now: Date = Date()) throws -> StudySession {
        let id = UUID().uuidString.lowercased()
        let dir = root.appendingPathComponent(id)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let s = StudySession(id: id, directory: dir, now: now)
        sessions[id] = s
        return s
    }

    /// The session with this id (marking it used), or a 404 error.
    ///
    /// - Complexity: O(1) on average.
    public func session(_ id: String, now: Date = Date()) async throws -> StudySession {
        guard let s = sessions[id] else {
            throw ServerError(ServerError.notFound,
                              "no such session; it may have been closed after being idle — "
                                  + "reload the page to start again")
        }
        await s.touch(now)
        return s
    }

    /// Number of live sessions.
    public var count: Int { sessions.count }

    /// Deletes one session and its files.
    ///
    /// - Complexity: O(size of the session's directory) (its files are deleted).
    public func remove(_ id: String) {
        guard let s = sessions.removeValue(forKey: id) else { return }
        try? FileManager.default.removeItem(at: s.directory)
    }

    /// Deletes every session idle for longer than ``idleTimeout``.
    ///
    /// - Returns: How many were deleted.
    ///
    /// - Complexity: O(number of sessions) plus the idle sessions' files.
    @discardableResult
    public func removeIdle(now: Date = Date()) async -> Int {
        var gone = 0
        for (id, s) in sessions where now.timeIntervalSince(await s.lastUsed) > idleTimeout {
            remove(id); gone += 1
        }
        return gone
    }

    /// Deletes every session and the store's directory (on exit).
    ///
    /// - Complexity: O(number of sessions plus their files).
    public func removeAll() {
        sessions.removeAll()
        try? FileManager.default.removeItem(at: root)
    }
}
