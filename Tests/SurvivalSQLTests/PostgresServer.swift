import Foundation
import SurvivalSQL
import Tabular
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A throw-away PostgreSQL cluster for the tests: `initdb` into a temporary directory, `pg_ctl start` on
/// 127.0.0.1 and a free port, stopped and removed when the test process ends. Run as the unprivileged user
/// `pofpg` when the tests run as root (PostgreSQL refuses root); `.ci/run` creates that user.
final class PostgresServer: @unchecked Sendable {
    let directory: String
    let port: Int
    let binDirectory: String
    private let runAs: String?

    var url: String { "postgresql://postgres@127.0.0.1:\(port)/postgres" }
    func url(database: String) -> String { "postgresql://postgres@127.0.0.1:\(port)/\(database)" }

    /// Why PostgreSQL cannot be had here, or nil.
    static let unavailableReason: String? = {
        guard findBinDirectory() != nil else {
            return "PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql"
        }
        if getuid() == 0 && userID("pofpg") == nil {
            return "running as root and no unprivileged user pofpg to run PostgreSQL (useradd -m pofpg)"
        }
        return PostgresConnection.clientLibraryProblem
    }()

    static var available: Bool {
        if let why = unavailableReason {
            FileHandle.standardError.write(Data("SKIPPED: PostgreSQL tests: \(why)\n".utf8))
            return false
        }
        return true
    }

    /// The servers started by this process (stopped at exit).
    nonisolated(unsafe) private static var started: [PostgresServer] = []
    private static let lock = NSLock()

    /// The shared server (started on first use).
    static let shared: PostgresServer? = {
        guard available else { return nil }
        do { return try PostgresServer() } catch {
            FileHandle.standardError.write(Data("SKIPPED: PostgreSQL could not be started: \(error)\n".utf8))
            return nil
        }
    }()

    static func findBinDirectory() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        for v in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(v)/bin/initdb") {
            return "\(root)/\(v)/bin"
        }
        return nil
    }

    static func userID(_ name: String) -> uid_t? { getpwnam(name).map { $0.pointee.pw_uid } }

    init(extraSettings: [String] = []) throws {
        guard let bin = PostgresServer.findBinDirectory() else { throw ServerError("no PostgreSQL binaries") }
        binDirectory = bin
        runAs = getuid() == 0 ? "pofpg" : nil
        var template = Array("/tmp/pof-pg-XXXXXX".utf8CString)
        guard let dir = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ServerError("mkdtemp failed")
        }
        directory = String(cString: dir)
        if let runAs, let uid = PostgresServer.userID(runAs) {
            guard chown(directory, uid, getpwnam(runAs).pointee.pw_gid) == 0 else { throw ServerError("chown failed") }
        }
        port = try PostgresServer.freePort()
        try execute("\(bin)/initdb", ["-D", "\(directory)/data", "-A", "trust", "-U", "postgres", "-E", "UTF8",
                                      "--no-sync", "--no-instructions"])
        var options = "-c listen_addresses=127.0.0.1 -p \(port) -k \(directory) -c fsync=off -c max_connections=40"
        for s in extraSettings { options += " -c \(s)" }
        try execute(
            "\(bin)/pg_ctl",
            ["-D", "\(directory)/data", "-o", options, "-l", "\(directory)/log", "-w", "-t", "60", "start"])
        PostgresServer.lock.lock()
        if PostgresServer.started.isEmpty { atexit { PostgresServer.stopAll() } }
        PostgresServer.started.append(self)
        PostgresServer.lock.unlock()
    }

    /// Stops and removes the cluster.
    func stop() {
        _ = try? execute("\(binDirectory)/pg_ctl", ["-D", "\(directory)/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func stopAll() {
        lock.lock()
        let all = started
        started = []
        lock.unlock()
        for s in all { s.stop() }
    }

    /// Runs a tool (as `pofpg` when root) with posix_spawn, output to a file (not a pipe: the server that
    /// pg_ctl starts inherits the descriptors), and waits for it.
    @discardableResult
    private func execute(_ tool: String, _ arguments: [String]) throws -> String {
        let argv = (runAs.map { ["/usr/sbin/runuser", "-u", $0, "--", tool] } ?? [tool]) + arguments
        let outPath = "\(directory)/\((tool as NSString).lastPathComponent).out"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cargs = argv.map { strdup($0) }
        cargs.append(nil)
        defer { for a in cargs { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, nil, cargs, environ)
        guard rc == 0 else { throw ServerError("cannot start \(argv[0]): error \(rc)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw ServerError("\((tool as NSString).lastPathComponent) failed: \(text)")
        }
        return text
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError("socket failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0
            }
        }
        guard ok else { throw ServerError("cannot bind a port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    struct ServerError: Error, CustomStringConvertible {
        var description: String
        init(_ s: String) { description = s }
    }
}

/// Loading the committed fixture CSVs into tables.
enum FixtureData {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/data")

    static func path(_ name: String) -> String { root.appendingPathComponent(name).path }

    static func table(_ name: String) throws -> CSVTable { try CSVTable(contentsOf: root.appendingPathComponent(name)) }

    /// CREATE TABLE + INSERT statements for a CSV: numeric columns as double precision, others as text,
    /// missing cells as NULL. `extra` adds a constant-per-row integer column computed from the row index.
    static func loadStatements(
        _ csv: CSVTable, as name: String, extra: (name: String, value: (Int) -> Int)? = nil
    ) throws -> [String] {
        let q = SQLDialect.postgres
        var defs: [String] = []
        var columns: [[String?]] = []
        var numeric: [Bool] = []
        for c in csv.columnNames {
            let isNum = try csv.isNumeric(column: c)
            numeric.append(isNum)
            defs.append("\(q.quote(c)) \(isNum ? "DOUBLE PRECISION" : "TEXT")")
            columns.append(try csv.stringColumn(c))
        }
        if let extra { defs.append("\(q.quote(extra.name)) INTEGER") }
        var out = ["DROP TABLE IF EXISTS \(q.quote(name)) CASCADE",
                   "CREATE TABLE \(q.quote(name)) (\(defs.joined(separator: ", ")))"]
        var values: [String] = []
        for r in 0..<csv.rowCount {
            var cells = columns.indices.map { j -> String in
                guard let v = columns[j][r]?.trimmingCharacters(in: .whitespaces) else { return "NULL" }
                return numeric[j]
                    ? "\(DecimalNumber.parse(v)!)" : "'" + v.replacingOccurrences(of: "'", with: "''") + "'"
            }
            if let extra { cells.append(String(extra.value(r))) }
            values.append("(" + cells.joined(separator: ", ") + ")")
        }
        out.append("INSERT INTO \(q.quote(name)) VALUES " + values.joined(separator: ",\n"))
        return out
    }

    static func load(_ file: String, as name: String, into db: PostgresConnection) throws {
        for s in try loadStatements(table(file), as: name) { _ = try db.query(s) }
    }
}
