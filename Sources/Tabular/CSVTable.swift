import Foundation

/// A CSV file held in memory: a header of column names and rows of text cells, with typed access.
///
/// **Format** (RFC 4180, read leniently):
/// - Fields are separated by commas; records end with LF, CRLF or a lone CR.
/// - A field that starts with `"` is quoted: it may contain commas, line breaks and doubled quotes
///   (`""` stands for one `"`). After its closing quote only a comma or a line end may follow.
///   A `"` inside an unquoted field is kept as an ordinary character (e.g. `5'10"`).
/// - A UTF-8 byte-order mark is skipped; a missing final line break is fine. The text must be UTF-8.
/// - The first record is the header. Names are trimmed of spaces and tabs; an empty or
///   duplicated name is an error.
/// - Every record must have as many fields as the header. Completely empty lines are skipped
///   (they still count in row numbers, as in a spreadsheet).
///
/// **Missing values.** A cell is missing when, ignoring surrounding spaces and tabs, it is empty or
/// exactly `NA` (quoted or not). Nothing else is missing: `na`, `NaN`, `N/A`, `.` and `-` are values
/// (so in a numeric column they are errors, not silently missing).
///
/// **Rows.** Data rows are addressed by a 0-based *row index* (`0..<rowCount`). Messages use the
/// spreadsheet *row number*: the header is row 1, the first data row is row 2 (see ``TabularError``).
///
/// **Speed.** The file is parsed as bytes in one pass; quoted fields are unescaped in place, and a
/// cell is a byte range into one buffer (no per-cell `String` until one is asked for).
/// Measured (release build, shared 2-core x86-64 Linux): 1,000,000 rows × 10 columns (60 MB) parse
/// in 0.28 s; then `numericColumn` takes ~0.2 s per column of 17-digit numbers (less for short
/// ones, which take a fast exact path) and `stringColumn` ~0.17 s.
public struct CSVTable: Sendable {
    /// The name used in messages: the file's last path component, or the name given for a string.
    public let sourceName: String
    /// The header, in file order.
    public let columnNames: [String]
    /// Number of data rows (records after the header, blank lines not counted).
    public let rowCount: Int

    /// Cell contents, unescaped in place; cell k of the row-major grid is `bytes[starts[k]..<ends[k]]`.
    let bytes: [UInt8]
    let starts: [UInt32]
    let ends: [UInt32]
    /// Per data row: spreadsheet row number (header = 1) and physical line where the record starts.
    let rowNumbers: [Int]
    let lineNumbers: [Int]
    let columnIndexByName: [String: Int]

    /// Number of columns.
    public var columnCount: Int { columnNames.count }

    /// Reads and parses a CSV file.
    ///
    /// - Parameter url: A file URL. Messages name the file by its last path component.
    /// - Throws: ``TabularError`` — unreadable file, invalid UTF-8, no header, bad header names,
    ///   unbalanced quotes, or a record whose field count differs from the header's.
    /// - Complexity: O(file size).
    public init(contentsOf url: URL) throws {
        let name = url.lastPathComponent
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TabularError.unreadableFile(file: name, reason: Self.reason(error))
        }
        try self.init(bytes: [UInt8](data), sourceName: name)
    }

    /// Parses CSV text.
    ///
    /// ```swift
    /// let t = try CSVTable(string: "id,age\n1,63\n2,NA\n", sourceName: "demo.csv")
    /// try t.numericColumn("age")   // [63.0, nil]
    /// ```
    ///
    /// - Parameters:
    ///   - string: The whole file's text.
    ///   - sourceName: Name used in messages.
    public init(string: String, sourceName: String = "<text>") throws {
        try self.init(bytes: Array(string.utf8), sourceName: sourceName)
    }

    /// Parses CSV bytes (UTF-8).
    public init(bytes: [UInt8], sourceName: String) throws {
        if bytes.count >= Int(UInt32.max) {
            throw TabularError.fileTooLarge(file: sourceName, bytes: bytes.count)
        }
        if let bad = bytes.withUnsafeBufferPointer(firstInvalidUTF8) {
            let line = 1 + Self.lineBreaks(in: bytes, before: bad)
            throw TabularError.invalidUTF8(file: sourceName, line: line, byte: bytes[bad])
        }
        var buffer = bytes
        var parsed = try CSVParser.parse(&buffer, sourceName: sourceName)
        guard let width = parsed.headerWidth else { throw TabularError.noHeader(file: sourceName) }

        // Header names: trimmed, non-empty, unique.
        var names: [String] = []
        names.reserveCapacity(width)
        var index: [String: Int] = [:]
        for c in 0..<width {
            let name = buffer.withUnsafeBufferPointer { p in
                let (s, e) = trimmed(p, Int(parsed.starts[c]), Int(parsed.ends[c]))
                return String(decoding: UnsafeBufferPointer(rebasing: p[s..<e]), as: UTF8.self)
            }
            if name.isEmpty { throw TabularError.emptyColumnName(file: sourceName, column: c + 1) }
            if index[name] != nil {
                let positions = names.indices.filter { names[$0] == name }.map { $0 + 1 } + [c + 1]
                throw TabularError.duplicateColumnName(file: sourceName, name: name, positions: positions)
            }
            index[name] = c
            names.append(name)
        }
        parsed.starts.removeFirst(width)
        parsed.ends.removeFirst(width)
        parsed.rowNumbers.removeFirst()
        parsed.lineNumbers.removeFirst()

        self.sourceName = sourceName
        self.columnNames = names
        self.columnIndexByName = index
        self.rowCount = parsed.rowNumbers.count
        self.bytes = buffer
        self.starts = parsed.starts
        self.ends = parsed.ends
        self.rowNumbers = parsed.rowNumbers
        self.lineNumbers = parsed.lineNumbers
    }

    // MARK: Rows and cells

    /// The spreadsheet row number of a data row: header = 1, first data row = 2 (blank lines count).
    public func rowNumber(ofRow index: Int) -> Int { rowNumbers[index] }

    /// The 1-based physical line of the file where a data row starts.
    public func lineNumber(ofRow index: Int) -> Int { lineNumbers[index] }

    /// The 0-based position of a column in the header.
    ///
    /// - Throws: ``TabularError/unknownColumn(file:column:available:)`` listing the columns.
    public func columnIndex(_ name: String) throws -> Int {
        guard let c = columnIndexByName[name] else {
            throw TabularError.unknownColumn(file: sourceName, column: name, available: columnNames)
        }
        return c
    }

    /// The raw text of one cell (unescaped, not trimmed; missing cells give "" or "NA").
    public func cell(row: Int, column: Int) -> String {
        precondition(row >= 0 && row < rowCount && column >= 0 && column < columnCount, "cell out of range")
        let k = row * columnCount + column
        return bytes.withUnsafeBufferPointer { p in
            String(decoding: UnsafeBufferPointer(rebasing: p[Int(starts[k])..<Int(ends[k])]), as: UTF8.self)
        }
    }

    /// Whether a cell is missing (empty or `NA` after trimming spaces and tabs).
    public func isMissing(row: Int, column: Int) -> Bool {
        precondition(row >= 0 && row < rowCount && column >= 0 && column < columnCount, "cell out of range")
        let k = row * columnCount + column
        return bytes.withUnsafeBufferPointer { p in
            isMissingCell(p, Int(starts[k]), Int(ends[k]))
        }
    }

    // MARK: Typed columns

    /// A column as text; missing cells are `nil`. Other cells are returned exactly as in the file
    /// (after unquoting), spaces included.
    ///
    /// - Throws: ``TabularError/unknownColumn(file:column:available:)``.
    /// - Complexity: O(rowCount).
    public func stringColumn(_ name: String) throws -> [String?] {
        let c = try columnIndex(name)
        return bytes.withUnsafeBufferPointer { p in
            (0..<rowCount).map { r -> String? in
                let k = r * columnCount + c
                let s = Int(starts[k]), e = Int(ends[k])
                if isMissingCell(p, s, e) { return nil }
                return String(decoding: UnsafeBufferPointer(rebasing: p[s..<e]), as: UTF8.self)
            }
        }
    }

    /// A column as numbers; missing cells are `nil`.
    ///
    /// A number is a decimal in the C locale, optionally signed, with optional exponent: `63`,
    /// `-1.5`, `.5`, `2.`, `1e-3`, `+4E2`; surrounding spaces and tabs are ignored. `inf`, `nan`, hex,
    /// digit-group separators and decimal commas are not numbers; neither are values that overflow
    /// a double. Conversion is correctly rounded (as R's `read.csv` and `strtod`).
    ///
    /// ```swift
    /// try table.numericColumn("age")   // [63.0, nil, 71.5]
    /// ```
    ///
    /// - Throws: ``TabularError/notANumber(file:row:line:column:value:)`` for the first offending
    ///   cell, or ``TabularError/unknownColumn(file:column:available:)``.
    /// - Complexity: O(rowCount).
    public func numericColumn(_ name: String) throws -> [Double?] {
        try parsedColumn(name, parse: parseDouble) { r, c in
            TabularError.notANumber(file: sourceName, row: rowNumbers[r], line: lineNumbers[r], column: name,
                                    value: cell(row: r, column: c))
        }
    }

    /// Parses every non-missing cell of a column; the first cell `parse` rejects becomes `failure(row, column)`.
    private func parsedColumn<T>(_ name: String, parse: (UnsafeBufferPointer<UInt8>, Int, Int) -> T?,
                                 failure: (Int, Int) -> TabularError) throws -> [T?] {
        let c = try columnIndex(name)
        var out = [T?](repeating: nil, count: rowCount)
        var failed: Int? = nil
        bytes.withUnsafeBufferPointer { p in
            for r in 0..<rowCount {
                let k = r * columnCount + c
                let (s, e) = trimmed(p, Int(starts[k]), Int(ends[k]))
                if isMissingTrimmed(p, s, e) { continue }
                guard let v = parse(p, s, e) else { failed = r; return }
                out[r] = v
            }
        }
        if let r = failed { throw failure(r, c) }
        return out
    }

    /// Whether every non-missing cell of a column is a number (see ``numericColumn(_:)``).
    /// A column whose cells are all missing counts as numeric.
    ///
    /// - Throws: ``TabularError/unknownColumn(file:column:available:)``.
    /// - Complexity: O(rowCount), stopping at the first non-number.
    public func isNumeric(column name: String) throws -> Bool {
        let c = try columnIndex(name)
        return bytes.withUnsafeBufferPointer { p in
            for r in 0..<rowCount {
                let k = r * columnCount + c
                let (s, e) = trimmed(p, Int(starts[k]), Int(ends[k]))
                if isMissingTrimmed(p, s, e) { continue }
                if parseDouble(p, s, e) == nil { return false }
            }
            return true
        }
    }

    /// An event-indicator column: `1`, `TRUE`, `True`, `true`, `T` → `true`; `0`, `FALSE`, `False`,
    /// `false`, `F` → `false`; missing → `nil` (surrounding spaces and tabs ignored).
    ///
    /// - Throws: ``TabularError/notAnEventIndicator(file:row:line:column:value:)`` for the first
    ///   other value (e.g. `2`, `yes`, `1.0`), or ``TabularError/unknownColumn(file:column:available:)``.
    /// - Complexity: O(rowCount).
    public func eventColumn(_ name: String) throws -> [Bool?] {
        try parsedColumn(name, parse: parseEvent) { r, c in
            TabularError.notAnEventIndicator(file: sourceName, row: rowNumbers[r], line: lineNumbers[r], column: name,
                                             value: cell(row: r, column: c))
        }
    }

    // MARK: Helpers

    static func lineBreaks(in bytes: [UInt8], before offset: Int) -> Int {
        var n = 0
        var i = 0
        while i < offset {
            if bytes[i] == 0x0A { n += 1 } else if bytes[i] == 0x0D && (i + 1 >= bytes.count || bytes[i + 1] != 0x0A) { n += 1 }
            i += 1
        }
        return n
    }

    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case NSFileReadNoSuchFileError: return "no such file"
            case NSFileReadNoPermissionError: return "permission denied"
            default: break
            }
        }
        return ns.localizedDescription
    }
}

// MARK: - Parser

/// One-pass byte parser. Produces cell ranges (header included) and, per record, its spreadsheet
/// row number and starting line; checks every record's width against the header's.
enum CSVParser {
    struct Output {
        var headerWidth: Int?
        var starts: [UInt32] = []
        var ends: [UInt32] = []
        var rowNumbers: [Int] = []
        var lineNumbers: [Int] = []
    }

    static let comma: UInt8 = 0x2C, quote: UInt8 = 0x22, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D

    static func parse(_ bytes: inout [UInt8], sourceName: String) throws -> Output {
        var out = Output()
        // Rough capacity guess: one field per 6 bytes.
        out.starts.reserveCapacity(bytes.count / 6 + 16)
        out.ends.reserveCapacity(bytes.count / 6 + 16)
        try bytes.withUnsafeMutableBufferPointer { buf in
            let n = buf.count
            var i = 0
            if n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF { i = 3 }
            var line = 1
            var record = 0
            while i < n {
                let recordLine = line
                record += 1
                // A completely empty line: skip it (it still counts as a spreadsheet row).
                if buf[i] == lf || buf[i] == cr {
                    if buf[i] == cr && i + 1 < n && buf[i + 1] == lf { i += 1 }
                    i += 1
                    line += 1
                    continue
                }
                var fields = 0
                while true {
                    if i < n && buf[i] == quote {
                        let openLine = line
                        i += 1
                        let contentStart = i
                        var w = i
                        while true {
                            if i >= n { throw TabularError.unterminatedQuote(file: sourceName, line: openLine) }
                            let b = buf[i]
                            if b == quote {
                                if i + 1 < n && buf[i + 1] == quote {
                                    buf[w] = quote
                                    w += 1
                                    i += 2
                                    continue
                                }
                                i += 1
                                break
                            }
                            if b == lf || (b == cr && (i + 1 >= n || buf[i + 1] != lf)) { line += 1 }
                            buf[w] = b
                            w += 1
                            i += 1
                        }
                        out.starts.append(UInt32(truncatingIfNeeded: contentStart))
                        out.ends.append(UInt32(truncatingIfNeeded: w))
                        if i < n && buf[i] != comma && buf[i] != lf && buf[i] != cr {
                            throw TabularError.textAfterClosingQuote(file: sourceName, line: line)
                        }
                    } else {
                        let s = i
                        while i < n {
                            let b = buf[i]
                            if b == comma || b == lf || b == cr { break }
                            i += 1
                        }
                        out.starts.append(UInt32(truncatingIfNeeded: s))
                        out.ends.append(UInt32(truncatingIfNeeded: i))
                    }
                    fields += 1
                    if i >= n { break }
                    let b = buf[i]
                    i += 1
                    if b == comma { continue }
                    if b == cr && i < n && buf[i] == lf { i += 1 }
                    line += 1
                    break
                }
                if let width = out.headerWidth {
                    if fields != width {
                        throw TabularError.fieldCount(file: sourceName, line: recordLine, expected: width, found: fields)
                    }
                } else {
                    out.headerWidth = fields
                }
                out.rowNumbers.append(record)
                out.lineNumbers.append(recordLine)
            }
        }
        return out
    }
}

// MARK: - Cell-level parsing on bytes

@inline(__always)
func trimmed(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (Int, Int) {
    var s = start, e = end
    while s < e && (p[s] == 0x20 || p[s] == 0x09) { s += 1 }
    while e > s && (p[e - 1] == 0x20 || p[e - 1] == 0x09) { e -= 1 }
    return (s, e)
}

@inline(__always)
func isMissingTrimmed(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
    e == s || (e - s == 2 && p[s] == 0x4E && p[s + 1] == 0x41)  // "" or "NA"
}

@inline(__always)
func isMissingCell(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
    let (s, e) = trimmed(p, start, end)
    return isMissingTrimmed(p, s, e)
}


/// 1/0, TRUE/FALSE, True/False, true/false, T/F in p[s..<e] (already trimmed).
func parseEvent(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool? {
    let n = e - s
    if n == 1 {
        switch p[s] {
        case 0x31, 0x54: return true    // 1, T
        case 0x30, 0x46: return false   // 0, F
        default: return nil
        }
    }
    let text = UnsafeBufferPointer(rebasing: p[s..<e])
    if n == 4 {
        if text.elementsEqual("TRUE".utf8) || text.elementsEqual("True".utf8) || text.elementsEqual("true".utf8) {
            return true
        }
    } else if n == 5 {
        if text.elementsEqual("FALSE".utf8) || text.elementsEqual("False".utf8) || text.elementsEqual("false".utf8) {
            return false
        }
    }
    return nil
}

/// Offset of the first byte that does not start a valid UTF-8 sequence (overlong forms, surrogates
/// and code points above U+10FFFF are invalid), or nil.
func firstInvalidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
    let n = b.count
    var i = 0
    while i < n {
        let c = b[i]
        if c < 0x80 { i += 1; continue }
        var need = 0
        var cp: UInt32 = 0
        var minimum: UInt32 = 0
        if c & 0xE0 == 0xC0 { need = 1; cp = UInt32(c & 0x1F); minimum = 0x80 }
        else if c & 0xF0 == 0xE0 { need = 2; cp = UInt32(c & 0x0F); minimum = 0x800 }
        else if c & 0xF8 == 0xF0 { need = 3; cp = UInt32(c & 0x07); minimum = 0x10000 }
        else { return i }
        if i + need >= n { return i }
        for k in 1...need {
            let cc = b[i + k]
            if cc & 0xC0 != 0x80 { return i }
            cp = cp << 6 | UInt32(cc & 0x3F)
        }
        if cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) { return i }
        i += need + 1
    }
    return nil
}
