import Foundation
import Tabular

/// A CDISC Dataset-JSON file (version 1.1, also as NDJSON; and version 1.0's `clinicalData` /
/// `referenceData` layout): the columns and rows of one data set, read as cell texts.
///
/// ```swift
/// let d = try DatasetJSON(contentsOf: URL(fileURLWithPath: "adtte.json"))
/// d.name                    // "ADTTE"
/// d.columns.map(\.name)     // ["STUDYID", "USUBJID", "PARAMCD", "AVAL", "CNSR", …]
/// d.rows[0][3]              // "123.5" — a number's text exactly as written in the file
/// ```
///
/// Numbers keep the text they have in the file (the table reader then converts them with the project's
/// one number grammar, `DecimalNumber`), strings are unescaped, `null` is missing, booleans become
/// `TRUE`/`FALSE`. Version 1.0's leading `ITEMGROUPDATASEQ` item is kept as a column like any other.
public struct DatasetJSON: Sendable {
    /// One column's metadata.
    public struct Column: Sendable, Equatable {
        /// The column name (the variable).
        public var name: String
        /// The column label.
        public var label: String
        /// The declared data type (`string`, `integer`, `double`, `float`, `decimal`, `date`, …).
        public var dataType: String
    }

    /// The data set name (e.g. "ADTTE").
    public let name: String
    /// The columns in file order.
    public let columns: [Column]
    /// One array of cell texts per record; nil is missing.
    public let rows: [[String?]]

    /// Reads a Dataset-JSON or Dataset-NDJSON file.
    ///
    /// - Parameter url: A file URL; messages name its last path component.
    /// - Throws: `TabularError.unreadableFile(file:reason:)` for an unreadable file, invalid JSON (with
    ///   the byte offset), or JSON that is not a Dataset-JSON data set.
    /// - Complexity: O(file size).
    public init(contentsOf url: URL) throws {
        try self.init(bytes: try AnalysisInput.fileBytes(url), sourceName: url.lastPathComponent)
    }

    /// Parses the bytes of a Dataset-JSON (or NDJSON) file.
    ///
    /// - Throws: `TabularError.unreadableFile(file:reason:)` as ``init(contentsOf:)``.
    /// - Complexity: O(bytes.count).
    public init(bytes: [UInt8], sourceName: String) throws {
        func fail(_ reason: String) -> TabularError {
            .unreadableFile(file: sourceName, reason: "not a readable Dataset-JSON file: \(reason)")
        }
        var parser = JSONText(bytes: bytes)
        let first: JSONText.Value
        do { first = try parser.value() } catch let e as JSONText.Failure { throw fail(e.description) }
        guard case .object(let top) = first else { throw fail("the top level is not an object") }
        func string(_ v: JSONText.Value?) -> String? { if case .string(let s)? = v { return s }; return nil }
        func array(_ v: JSONText.Value?) -> [JSONText.Value]? { if case .array(let a)? = v { return a }; return nil }
        func object(_ v: JSONText.Value?) -> [(String, JSONText.Value)]? {
            if case .object(let o)? = v { return o }; return nil
        }
        func member(_ o: [(String, JSONText.Value)], _ key: String) -> JSONText.Value? { o.first { $0.0 == key }?.1 }
        func cells(_ v: JSONText.Value, _ width: Int, _ k: Int) throws -> [String?] {
            guard case .array(let a) = v else { throw fail("record \(k + 1) is not an array") }
            guard a.count == width else { throw fail("record \(k + 1) has \(a.count) values for \(width) columns") }
            return try a.map { cell in
                switch cell {
                case .null: return nil
                case .string(let s): return s
                case .number(let t): return t
                case .bool(let b): return b ? "TRUE" : "FALSE"
                default: throw fail("record \(k + 1) holds an object or array as a value")
                }
            }
        }
        var cols: [Column] = []
        var records: [JSONText.Value] = []
        var dataset = ""
        if let columns = array(member(top, "columns")) {
            // version 1.1 (JSON, or NDJSON: metadata line then one array per line)
            for (k, c) in columns.enumerated() {
                guard let o = object(c), let n = string(member(o, "name")) else {
                    throw fail("column \(k + 1) has no name")
                }
                cols.append(
                    Column(
                        name: n, label: string(member(o, "label")) ?? "",
                        dataType: string(member(o, "dataType")) ?? ""))
            }
            dataset = string(member(top, "name")) ?? ""
            if let rows = array(member(top, "rows")) {
                records = rows
            } else {
                while true {
                    parser.skipSpace()
                    if parser.atEnd { break }
                    do {
                        records.append(try parser.value())
                    } catch let e as JSONText.Failure {
                        throw fail(e.description)
                    }
                }
            }
        } else if let data = object(member(top, "clinicalData")) ?? object(member(top, "referenceData")),
                  let groups = object(member(data, "itemGroupData")),
                  let group = groups.first.flatMap({ object($0.1) }) {
            // version 1.0
            guard let items = array(member(group, "items")) else { throw fail("the item group has no items") }
            for (k, c) in items.enumerated() {
                guard let o = object(c), let n = string(member(o, "name")) else {
                    throw fail("item \(k + 1) has no name")
                }
                cols.append(
                    Column(name: n, label: string(member(o, "label")) ?? "", dataType: string(member(o, "type")) ?? ""))
            }
            dataset = string(member(group, "name")) ?? groups.first!.0
            records = array(member(group, "itemData")) ?? []
        } else {
            throw fail("no \"columns\" (version 1.1) or \"clinicalData\"/\"referenceData\" (version 1.0)")
        }
        guard !cols.isEmpty else { throw fail("no columns") }
        let width = cols.count
        self.name = dataset
        columns = cols
        rows = try records.enumerated().map { try cells($1, width, $0) }
    }
}

/// A small JSON reader that keeps numbers as their source text.
struct JSONText {
    indirect enum Value {
        case object([(String, Value)])
        case array([Value])
        case string(String)
        case number(String)
        case bool(Bool)
        case null
    }

    struct Failure: Error, CustomStringConvertible {
        var offset: Int
        var problem: String
        var description: String { "invalid JSON at byte \(offset): \(problem)" }
    }

    let bytes: [UInt8]
    var i = 0
    var depth = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
    }

    var atEnd: Bool { i >= bytes.count }

    mutating func skipSpace() {
        while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
    }

    mutating func value() throws -> Value {
        skipSpace()
        guard i < bytes.count else { throw Failure(offset: i, problem: "unexpected end") }
        switch bytes[i] {
        case 0x7B: // {
            depth += 1
            guard depth <= 64 else { throw Failure(offset: i, problem: "nested more than 64 levels") }
            defer { depth -= 1 }
            i += 1
            var members: [(String, Value)] = []
            skipSpace()
            if i < bytes.count && bytes[i] == 0x7D { i += 1; return .object(members) }
            while true {
                skipSpace()
                guard case .string(let key) = try value() else {
                    throw Failure(offset: i, problem: "an object key is not a string")
                }
                skipSpace()
                guard i < bytes.count, bytes[i] == 0x3A else { throw Failure(offset: i, problem: "':' expected") }
                i += 1
                members.append((key, try value()))
                skipSpace()
                guard i < bytes.count else { throw Failure(offset: i, problem: "unexpected end in an object") }
                if bytes[i] == 0x2C { i += 1; continue }
                if bytes[i] == 0x7D { i += 1; return .object(members) }
                throw Failure(offset: i, problem: "',' or '}' expected")
            }
        case 0x5B: // [
            depth += 1
            guard depth <= 64 else { throw Failure(offset: i, problem: "nested more than 64 levels") }
            defer { depth -= 1 }
            i += 1
            var items: [Value] = []
            skipSpace()
            if i < bytes.count && bytes[i] == 0x5D { i += 1; return .array(items) }
            while true {
                items.append(try value())
                skipSpace()
                guard i < bytes.count else { throw Failure(offset: i, problem: "unexpected end in an array") }
                if bytes[i] == 0x2C { i += 1; continue }
                if bytes[i] == 0x5D { i += 1; return .array(items) }
                throw Failure(offset: i, problem: "',' or ']' expected")
            }
        case 0x22:
            return .string(try string())
        case 0x74 where bytes[i...].starts(with: Array("true".utf8)): i += 4; return .bool(true)
        case 0x66 where bytes[i...].starts(with: Array("false".utf8)): i += 5; return .bool(false)
        case 0x6E where bytes[i...].starts(with: Array("null".utf8)): i += 4; return .null
        case 0x2D, 0x30...0x39:
            let start = i
            while i < bytes.count,
                [0x2B, 0x2D, 0x2E, 0x45, 0x65].contains(bytes[i]) || (0x30...0x39).contains(bytes[i])
            {
                i += 1
            }
            return .number(String(decoding: bytes[start..<i], as: UTF8.self))
        default:
            throw Failure(offset: i, problem: "unexpected character")
        }
    }

    mutating func string() throws -> String {
        i += 1
        var out: [UInt8] = []
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x22 { i += 1; return String(decoding: out, as: UTF8.self) }
            if b == 0x5C {
                guard i + 1 < bytes.count else { break }
                let e = bytes[i + 1]
                i += 2
                switch e {
                case 0x22, 0x5C, 0x2F: out.append(e)
                case 0x62: out.append(0x08)
                case 0x66: out.append(0x0C)
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                case 0x74: out.append(0x09)
                case 0x75:
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), i + 1 < bytes.count, bytes[i] == 0x5C, bytes[i + 1] == 0x75 {
                        i += 2
                        let low = try hex4()
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    out.append(contentsOf: String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8)
                default: throw Failure(offset: i - 1, problem: "unknown escape")
                }
                continue
            }
            out.append(b)
            i += 1
        }
        throw Failure(offset: i, problem: "unterminated string")
    }

    mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count,
              let v = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16) else {
            throw Failure(offset: i, problem: "bad \\u escape")
        }
        i += 4
        return v
    }
}
