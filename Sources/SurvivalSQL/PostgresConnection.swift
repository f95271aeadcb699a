#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libpq, PostgreSQL's C client library, loaded when first needed with `dlopen`.
///
/// Loading at run time keeps the package's build free of any C dependency: `pof` builds and runs where
/// libpq is not installed, and only the database options then stop with a message saying how to get it.
/// The few functions used are resolved by name; their signatures are libpq's stable public API (libpq 9.x
/// to 17). libpq itself reads `PGPASSWORD`, `~/.pgpass`, `PGSSLMODE` and the other `PG*` variables.
final class LibPQ: @unchecked Sendable {
    typealias Conn = OpaquePointer
    typealias Result = OpaquePointer

    let connectdb: @convention(c) (UnsafePointer<CChar>) -> Conn?
    let status: @convention(c) (Conn?) -> Int32
    let errorMessage: @convention(c) (Conn?) -> UnsafePointer<CChar>?
    let finish: @convention(c) (Conn?) -> Void
    let execParams: @convention(c) (Conn?, UnsafePointer<CChar>, Int32, UnsafePointer<UInt32>?,
                                    UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?,
                                    UnsafePointer<Int32>?, Int32) -> Result?
    let resultStatus: @convention(c) (Result?) -> Int32
    let resultErrorField: @convention(c) (Result?, Int32) -> UnsafePointer<CChar>?
    let resultErrorMessage: @convention(c) (Result?) -> UnsafePointer<CChar>?
    let ntuples: @convention(c) (Result?) -> Int32
    let nfields: @convention(c) (Result?) -> Int32
    let fname: @convention(c) (Result?, Int32) -> UnsafePointer<CChar>?
    let ftype: @convention(c) (Result?, Int32) -> UInt32
    let getvalue: @convention(c) (Result?, Int32, Int32) -> UnsafePointer<CChar>?
    let getisnull: @convention(c) (Result?, Int32, Int32) -> Int32
    let clear: @convention(c) (Result?) -> Void
    let needsPassword: @convention(c) (Conn?) -> Int32

    /// The library names tried, in order.
    static let candidates = ["libpq.so.5", "libpq.so", "libpq.5.dylib", "libpq.dylib",
                             "/opt/homebrew/opt/libpq/lib/libpq.5.dylib", "/usr/local/opt/libpq/lib/libpq.5.dylib"]

    private static let loaded: Swift.Result<LibPQ, DatabaseError> = {
        var reasons: [String] = []
        for name in candidates {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
                if let e = dlerror() { reasons.append(String(cString: e)) }
                continue
            }
            do {
                return .success(try LibPQ(handle: handle))
            } catch let e as DatabaseError {
                return .failure(e)
            } catch {
                return .failure(.clientLibrary(String(describing: error)))
            }
        }
        return .failure(.clientLibrary("""
            PostgreSQL's client library libpq (libpq.so.5) was not found; install it (Debian/Ubuntu: \
            apt-get install libpq5; macOS: brew install libpq) and try again. \
            (\(reasons.first ?? "dlopen failed"))
            """))
    }()

    /// The shared library, loaded once.
    /// - Throws: ``DatabaseError/clientLibrary(_:)`` when libpq cannot be loaded.
    static func shared() throws -> LibPQ { try loaded.get() }

    private init(handle: UnsafeMutableRawPointer) throws {
        func symbol<T>(_ name: String, _ type: T.Type) throws -> T {
            guard let p = dlsym(handle, name) else {
                throw DatabaseError.clientLibrary("libpq has no function \(name) (too old a libpq?)")
            }
            return unsafeBitCast(p, to: type)
        }
        connectdb = try symbol("PQconnectdb", (@convention(c) (UnsafePointer<CChar>) -> Conn?).self)
        status = try symbol("PQstatus", (@convention(c) (Conn?) -> Int32).self)
        errorMessage = try symbol("PQerrorMessage", (@convention(c) (Conn?) -> UnsafePointer<CChar>?).self)
        finish = try symbol("PQfinish", (@convention(c) (Conn?) -> Void).self)
        execParams = try symbol(
            "PQexecParams",
            (@convention(c) (Conn?, UnsafePointer<CChar>, Int32, UnsafePointer<UInt32>?,
                             UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?,
                             UnsafePointer<Int32>?, Int32) -> Result?).self)
        resultStatus = try symbol("PQresultStatus", (@convention(c) (Result?) -> Int32).self)
        resultErrorField = try symbol(
            "PQresultErrorField", (@convention(c) (Result?, Int32) -> UnsafePointer<CChar>?).self)
        resultErrorMessage = try symbol(
            "PQresultErrorMessage", (@convention(c) (Result?) -> UnsafePointer<CChar>?).self)
        ntuples = try symbol("PQntuples", (@convention(c) (Result?) -> Int32).self)
        nfields = try symbol("PQnfields", (@convention(c) (Result?) -> Int32).self)
        fname = try symbol("PQfname", (@convention(c) (Result?, Int32) -> UnsafePointer<CChar>?).self)
        ftype = try symbol("PQftype", (@convention(c) (Result?, Int32) -> UInt32).self)
        getvalue = try symbol("PQgetvalue", (@convention(c) (Result?, Int32, Int32) -> UnsafePointer<CChar>?).self)
        getisnull = try symbol("PQgetisnull", (@convention(c) (Result?, Int32, Int32) -> Int32).self)
        clear = try symbol("PQclear", (@convention(c) (Result?) -> Void).self)
        needsPassword = try symbol("PQconnectionNeedsPassword", (@convention(c) (Conn?) -> Int32).self)
    }
}

/// A query result: column names, PostgreSQL type OIDs, and the cells as text (`nil` for SQL NULL).
public struct QueryResult: Sendable {
    /// Column names, in result order.
    public var columns: [String]
    /// PostgreSQL type OIDs of the columns (0 where unknown, e.g. from a CSV file).
    public var types: [UInt32]
    /// The cells, row by row, as text; `nil` for SQL NULL.
    public var rows: [[String?]]

    /// A result; `types` defaults to 0 (unknown) for every column.
    ///
    /// - Complexity: O(number of columns).
    public init(columns: [String], types: [UInt32]? = nil, rows: [[String?]]) {
        self.columns = columns
        self.types = types ?? columns.map { _ in 0 }
        self.rows = rows
    }

    /// Index of a column by name.
    /// - Throws: ``DatabaseError/resultShape(_:)`` when absent.
    ///
    /// - Complexity: O(number of columns).
    public func column(_ name: String) throws -> Int {
        guard let i = columns.firstIndex(of: name) else {
            throw DatabaseError.resultShape(
                "the result has no column \"\(name)\" (columns: \(columns.joined(separator: ", ")))")
        }
        return i
    }
}

/// A connection to one PostgreSQL server through libpq.
///
/// ```swift
/// let db = try PostgresConnection(url: "postgresql://analyst@127.0.0.1:5432/registry")
/// let r = try db.query("SELECT count(*) FROM cohort")
/// r.rows[0][0]   // "228"
/// ```
///
/// The password is never taken from the URL: libpq reads it from `PGPASSWORD` or `~/.pgpass`, so it appears
/// neither on a command line nor in a message.
public final class PostgresConnection: @unchecked Sendable {
    private let pq: LibPQ
    private var conn: LibPQ.Conn?
    /// The URL without credentials, for messages.
    public let displayName: String

    /// Connects.
    ///
    /// - Parameter url: `postgresql://user@host:port/database[?options]` (or a libpq key=value string).
    /// - Throws: ``DatabaseError`` when libpq is missing, the URL holds a password, or the connection or
    ///   authentication fails.
    ///
    /// - Complexity: One network round trip (the connection's start-up), after loading libpq once.
    public init(url: String) throws {
        try PostgresConnection.rejectPassword(in: url)
        pq = try LibPQ.shared()
        displayName = PostgresConnection.describe(url)
        conn = url.withCString { pq.connectdb($0) }
        guard let conn, pq.status(conn) == 0 else {
            let message = conn.flatMap { pq.errorMessage($0) }.map { String(cString: $0) } ?? "out of memory"
            let needsPassword = conn.map { pq.needsPassword($0) != 0 } ?? false
            pq.finish(conn)
            self.conn = nil
            let reason = message.trimmingCharacters(in: .whitespacesAndNewlines)
            if needsPassword || reason.contains("password authentication failed")
                || reason.contains("no password supplied")
            {
                throw DatabaseError.authentication(
                    "\(displayName): \(reason) (give the password in PGPASSWORD or ~/.pgpass)")
            }
            throw DatabaseError.connection("\(displayName): \(reason)")
        }
    }

    deinit { pq.finish(conn) }

    /// Why libpq cannot be used on this machine, or `nil` when it loads.
    public static var clientLibraryProblem: String? {
        do { _ = try LibPQ.shared(); return nil } catch { return String(describing: error) }
    }

    /// Runs one statement, with optional text parameters ($1, $2, …), and returns its rows as text.
    ///
    /// - Parameters:
    ///   - sql: The statement.
    ///   - parameters: Values of $1, $2, … (`nil` for NULL).
    /// - Returns: The result (empty for a statement returning no rows).
    /// - Throws: ``DatabaseError/query(sqlState:message:)`` with the server's message.
    /// - Complexity: O(rows × columns) after the server's work.
    public func query(_ sql: String, parameters: [String?] = []) throws -> QueryResult {
        let res: LibPQ.Result? = sql.withCString { command in
            var storage = parameters.map { $0.map { strdup($0) } ?? nil }
            defer { for p in storage { free(p) } }
            return storage.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(
                    to: UnsafePointer<CChar>?.self, capacity: max(buffer.count, 1)
                ) { values in
                    pq.execParams(
                        conn, command, Int32(parameters.count), nil, parameters.isEmpty ? nil : values, nil, nil, 0)
                }
            }
        }
        defer { pq.clear(res) }
        let status = pq.resultStatus(res)
        guard res != nil, status == 1 || status == 2 else {   // PGRES_COMMAND_OK, PGRES_TUPLES_OK
            let state = pq.resultErrorField(res, 67).map { String(cString: $0) } ?? ""   // 'C': SQLSTATE
            let primary = pq.resultErrorField(res, 77).map { String(cString: $0) }       // 'M'
            let message = primary ?? (res.flatMap { pq.resultErrorMessage($0) } ?? pq.errorMessage(conn))
                .map { String(cString: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown error"
            throw DatabaseError.query(sqlState: state, message: message)
        }
        let nr = Int(pq.ntuples(res)), nc = Int(pq.nfields(res))
        var columns: [String] = [], types: [UInt32] = []
        for c in 0..<nc {
            columns.append(pq.fname(res, Int32(c)).map { String(cString: $0) } ?? "")
            types.append(pq.ftype(res, Int32(c)))
        }
        var rows: [[String?]] = []
        rows.reserveCapacity(nr)
        for r in 0..<nr {
            var row: [String?] = []
            row.reserveCapacity(nc)
            for c in 0..<nc {
                if pq.getisnull(res, Int32(r), Int32(c)) != 0 { row.append(nil); continue }
                row.append(pq.getvalue(res, Int32(r), Int32(c)).map { String(cString: $0) })
            }
            rows.append(row)
        }
        return QueryResult(columns: columns, types: types, rows: rows)
    }

    /// Refuses a URL that carries a password (`user:secret@host` or `password=`).
    static func rejectPassword(in url: String) throws {
        if let scheme = url.range(of: "://") {
            let rest = url[scheme.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") {
                throw DatabaseError.passwordInURL
            }
        }
        if url.lowercased().range(of: #"(^|[?&\s])password\s*="#, options: .regularExpression) != nil {
            throw DatabaseError.passwordInURL
        }
    }

    /// The URL reduced to host, port and database, for messages.
    static func describe(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return "database" }
        var rest = String(url[scheme.upperBound...])
        if let q = rest.firstIndex(of: "?") { rest = String(rest[..<q]) }
        if let at = rest.lastIndex(of: "@") { rest = String(rest[rest.index(after: at)...]) }
        return rest.isEmpty ? "database" : rest
    }
}

import Foundation
