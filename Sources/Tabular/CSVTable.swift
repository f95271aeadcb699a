import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A CSV file: a header of column names and rows of text cells, with typed access to its columns.
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
/// - A file whose name ends in `.gz` (or that starts with the gzip magic bytes) is decompressed
///   while it is read.
///
/// **Missing values.** A cell is missing when, ignoring surrounding spaces and tabs, it is empty or
/// exactly `NA` (quoted or not). Nothing else is missing: `na`, `NaN`, `N/A`, `.` and `-` are values
/// (so in a numeric column they are errors, not silently missing).
///
/// **Rows.** Data rows are addressed by a 0-based *row index* (`0..<rowCount`). Messages use the
/// spreadsheet *row number*: the header is row 1, the first data row is row 2 (see ``TabularError``).
///
/// **How it reads.** Opening a table checks the whole file's structure (encoding, quotes, field
/// counts) but converts no cell: a file is memory-mapped (no size limit), split into record-aligned
/// segments (quoted line breaks are handled: a segment boundary guessed inside a quoted field is
/// detected and that segment rescanned), and the segments are scanned on all cores. The table keeps
/// one resume point per 64 rows, not an index of cells. A column is converted when it is asked for,
/// again in parallel, reading only as far into each row as that column; pages already read are handed
/// back to the kernel, so resident memory is about the columns taken, not the file.
/// Reads that take longer than two seconds show a progress line on stderr when stderr is a terminal
/// (see ``ProgressReporting``).
public struct CSVTable: Sendable {
    /// The name used in messages: the file's last path component, or the name given for a string.
    public let sourceName: String
    /// The header, in file order.
    public let columnNames: [String]
    /// Number of data rows (records after the header, blank lines not counted).
    public let rowCount: Int

    let store: TableStore
    let columnIndexByName: [String: Int]

    /// Number of columns.
    public var columnCount: Int { columnNames.count }

    /// Whether a progress line may be shown on stderr for long reads.
    public enum ProgressReporting: Sendable {
        /// Shown when stderr is a terminal and the read has taken over two seconds, unless the
        /// environment variable `POF_PROGRESS` is `0` (`POF_PROGRESS=1` shows it on any stderr).
        case automatic
        /// Never shown.
        case never
    }

    /// Reads a CSV file (or a gzip-compressed CSV file).
    ///
    /// ```swift
    /// let table = try CSVTable(contentsOf: URL(fileURLWithPath: "lung.csv"))
    /// ```
    ///
    /// - Parameters:
    ///   - url: A file URL. Messages name the file by its last path component.
    ///   - progress: Whether a progress line may appear on stderr for a long read.
    /// - Throws: ``TabularError`` — unreadable file, invalid UTF-8, no header, bad header names,
    ///   unbalanced quotes, a record whose field count differs from the header's, or a corrupt gzip stream.
    /// - Complexity: O(file size) time on all cores; memory O(file size / 64 rows) besides the map.
    public init(contentsOf url: URL, progress: ProgressReporting = .automatic) throws {
        let name = url.lastPathComponent
        let bytes = try readSource(url, name: name, progress: progress)
        try self.init(tableBytes: bytes, sourceName: name, progress: progress)
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
    ///
    /// - Complexity: O(`string.utf8.count`).
    public init(string: String, sourceName: String = "<text>") throws {
        var s = string
        let bytes = s.withUTF8 { TableBytes(copying: $0) }
        try self.init(tableBytes: bytes, sourceName: sourceName, progress: .never)
    }

    /// Parses CSV bytes (UTF-8).
    ///
    /// - Parameters:
    ///   - bytes: The whole file's bytes.
    ///   - sourceName: Name used in messages.
    ///
    /// - Complexity: O(`bytes.count`) (large inputs are scanned in parallel segments).
    public init(bytes: [UInt8], sourceName: String) throws {
        let copy = bytes.withUnsafeBufferPointer { TableBytes(copying: $0) }
        try self.init(tableBytes: copy, sourceName: sourceName, progress: .never)
    }

    /// Reads a file split into segments of about `segmentBytes`.
    init(contentsOf url: URL, segmentBytes: Int) throws {
        let bytes = try readSource(url, name: url.lastPathComponent, progress: .never)
        try self.init(
            tableBytes: bytes, sourceName: url.lastPathComponent, progress: .never, segmentBytes: segmentBytes)
    }

    /// Parses bytes split into segments of about `segmentBytes` (tests use tiny segments to put
    /// segment boundaries everywhere).
    init(bytes: [UInt8], sourceName: String, segmentBytes: Int) throws {
        let copy = bytes.withUnsafeBufferPointer { TableBytes(copying: $0) }
        try self.init(tableBytes: copy, sourceName: sourceName, progress: .never, segmentBytes: segmentBytes)
    }

    init(tableBytes: TableBytes, sourceName: String, progress: ProgressReporting, segmentBytes: Int = 8 << 20) throws {
        let layout = try TableLayout.scan(
            tableBytes, sourceName: sourceName, progress: progress, segmentBytes: segmentBytes)
        var index: [String: Int] = [:]
        for (c, name) in layout.names.enumerated() { index[name] = c }
        self.sourceName = sourceName
        self.columnNames = layout.names
        self.columnIndexByName = index
        self.rowCount = layout.rowCount
        self.store = TableStore(bytes: tableBytes, segments: layout.segments, width: layout.names.count,
                                rowCount: layout.rowCount, progress: progress, sourceName: sourceName)
    }

    // MARK: Rows and cells

    /// The spreadsheet row number of a data row: header = 1, first data row = 2 (blank lines count).
    ///
    /// - Complexity: O(1) for consecutive rows; at most 64 rows are rescanned otherwise.
    public func rowNumber(ofRow index: Int) -> Int {
        precondition(index >= 0 && index < rowCount, "row \(index) out of range 0..<\(rowCount)")
        return store.locate(index).record
    }

    /// The 1-based physical line of the file where a data row starts.
    ///
    /// - Complexity: as ``rowNumber(ofRow:)``.
    public func lineNumber(ofRow index: Int) -> Int {
        precondition(index >= 0 && index < rowCount, "row \(index) out of range 0..<\(rowCount)")
        return store.locate(index).line
    }

    /// The 0-based position of a column in the header.
    ///
    /// - Throws: ``TabularError/unknownColumn(file:column:available:)`` listing the columns.
    ///
    /// - Complexity: O(number of columns).
    public func columnIndex(_ name: String) throws -> Int {
        guard let c = columnIndexByName[name] else {
            throw TabularError.unknownColumn(file: sourceName, column: name, available: columnNames)
        }
        return c
    }

    /// The raw text of one cell (unescaped, not trimmed; missing cells give "" or "NA").
    ///
    /// - Complexity: O(row length) for consecutive access; see ``rowNumber(ofRow:)``.
    public func cell(row: Int, column: Int) -> String {
        precondition(row >= 0 && row < rowCount && column >= 0 && column < columnCount, "cell out of range")
        return store.withCell(row: row, column: column) { p, s, e, escaped in fieldText(p, s, e, escaped: escaped) }
    }

    /// Whether a cell is missing (empty or `NA` after trimming spaces and tabs).
    ///
    /// - Complexity: O(1).
    public func isMissing(row: Int, column: Int) -> Bool {
        precondition(row >= 0 && row < rowCount && column >= 0 && column < columnCount, "cell out of range")
        return store.withCell(row: row, column: column) { p, s, e, escaped in
            if escaped { return false }
            let (a, b) = trimmed(p, s, e)
            return isMissingTrimmed(p, a, b)
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
        var out = [String?](repeating: nil, count: rowCount)
        out.withUnsafeMutableBufferPointer { buffer in
            let target = UncheckedBox(buffer.baseAddress)
            _ = store.scan(columns: [c]) { _ in StringSink(out: target.value) }
        }
        return out
    }

    /// A column as numbers; missing cells are `nil`.
    ///
    /// A number is a decimal in the C locale (see ``DecimalNumber``): `63`, `-1.5`, `.5`, `2.`,
    /// `1e-3`, `+4E2`; surrounding spaces and tabs are ignored. `inf`, `nan`, hex, digit-group
    /// separators and decimal commas are not numbers; neither are values that overflow a double.
    /// Conversion is correctly rounded (as R's `read.csv` and `strtod`).
    ///
    /// ```swift
    /// try table.numericColumn("age")   // [63.0, nil, 71.5]
    /// ```
    ///
    /// - Throws: ``TabularError/notANumber(file:row:line:column:value:)`` for the first offending
    ///   cell, or ``TabularError/unknownColumn(file:column:available:)``.
    /// - Complexity: O(rowCount).
    public func numericColumn(_ name: String) throws -> [Double?] {
        let scan = try numbers(name)
        if let bad = scan.nonNumbers.first { throw notANumber(bad, column: name) }
        return scan.values.map { $0.isNaN ? nil : $0 }
    }

    /// A column's numbers with missing cells as NaN, and the cells that are not numbers, in one pass.
    ///
    /// Compact and fast: 8 bytes a row, no optionals. A non-number neither stops the scan nor
    /// throws; its value is NaN and it is listed (the first ``NumberScan/listedLimit`` in row order)
    /// and counted. A cell reads as NaN only when it is missing or not a number: the number grammar
    /// has no NaN.
    ///
    /// ```swift
    /// let s = try table.numbers("age")
    /// s.values              // [63, .nan, 71.5]
    /// s.nonNumberCount      // 0
    /// ```
    ///
    /// - Throws: ``TabularError/unknownColumn(file:column:available:)``.
    /// - Complexity: O(rowCount), on all cores.
    public func numbers(_ name: String) throws -> NumberScan {
        let c = try columnIndex(name)
        var values = [Double](repeating: .nan, count: rowCount)
        let sinks = values.withUnsafeMutableBufferPointer { buffer in
            let target = UncheckedBox(buffer.baseAddress)
            return store.scan(columns: [c]) { _ in NumberSink(out: target.value) }
        }
        var listed: [Int] = []
        var count = 0, missing = 0
        for s in sinks {
            count += s.badCount
            missing += s.missing
            for r in s.badRows where listed.count < NumberScan.listedLimit { listed.append(r) }
        }
        let cells = listed.map { r in
            InvalidCell(
                row: r, rowNumber: rowNumber(ofRow: r), line: lineNumber(ofRow: r), value: cell(row: r, column: c))
        }
        return NumberScan(values: values, missingCount: missing, nonNumbers: cells, nonNumberCount: count)
    }

    /// Whether every non-missing cell of a column is a number (see ``numericColumn(_:)``).
    /// A column whose cells are all missing counts as numeric.
    ///
    /// - Throws: ``TabularError/unknownColumn(file:column:available:)``.
    /// - Complexity: O(rowCount).
    public func isNumeric(column name: String) throws -> Bool {
        try numbers(name).nonNumberCount == 0
    }

    /// An event-indicator column: `1`, `TRUE`, `True`, `true`, `T` → `true`; `0`, `FALSE`, `False`,
    /// `false`, `F` → `false`; another spelling of the number 1 or 0 (`1.0`, `0.00`) likewise;
    /// missing → `nil` (surrounding spaces and tabs ignored).
    ///
    /// - Throws: ``TabularError/notAnEventIndicator(file:row:line:column:value:)`` for the first
    ///   other value (e.g. `2`, `yes`, `0.5`), or ``TabularError/unknownColumn(file:column:available:)``.
    /// - Complexity: O(rowCount).
    public func eventColumn(_ name: String) throws -> [Bool?] {
        try events(name).map { $0 < 0 ? nil : $0 == 1 }
    }

    /// An event-indicator column as `1` (event), `0` (no event) and `-1` (missing): one byte a row.
    ///
    /// - Throws: as ``eventColumn(_:)``.
    /// - Complexity: O(rowCount), on all cores.
    public func events(_ name: String) throws -> [Int8] {
        let c = try columnIndex(name)
        var values = [Int8](repeating: -1, count: rowCount)
        let sinks = values.withUnsafeMutableBufferPointer { buffer in
            let target = UncheckedBox(buffer.baseAddress)
            return store.scan(columns: [c]) { _ in EventSink(out: target.value) }
        }
        if let r = sinks.compactMap(\.firstBad).min() {
            throw TabularError.notAnEventIndicator(file: sourceName, row: rowNumber(ofRow: r),
                                                   line: lineNumber(ofRow: r),
                                                   column: name, value: cell(row: r, column: c))
        }
        return values
    }

    /// A column as a factor: one code per row into its distinct cell texts.
    ///
    /// Levels are the exact cell texts (unquoted, spaces kept) in order of first appearance; a
    /// missing cell has code -1.
    ///
    /// ```swift
    /// let f = try table.factor("sex")
    /// f.levels    // ["M", "F"]
    /// f.codes     // [0, 1, 1, -1, 0]
    /// ```
    ///
    /// - Throws: ``TabularError/unknownColumn(file:column:available:)``.
    /// - Complexity: O(rowCount) expected time, on all cores; 4 bytes a row.
    public func factor(_ name: String) throws -> FactorColumn {
        let c = try columnIndex(name)
        var codes = [Int32](repeating: -1, count: rowCount)
        var segmentsRows: [Range<Int>] = []
        let sinks = codes.withUnsafeMutableBufferPointer { buffer in
            let target = UncheckedBox(buffer.baseAddress)
            return store.scan(columns: [c]) { seg in
                FactorSink(out: target.value, rows: seg.firstRow..<(seg.firstRow + seg.rowCount))
            }
        }
        segmentsRows = sinks.map(\.rows)
        // Merge the segments' level lists, in segment order (so first appearance order holds).
        var levels: [String] = []
        var global: [String: Int32] = [:]
        var remaps: [[Int32]] = []
        for s in sinks {
            var remap: [Int32] = []
            for text in s.levels {
                if let g = global[text] { remap.append(g) } else {
                    let g = Int32(levels.count)
                    levels.append(text)
                    global[text] = g
                    remap.append(g)
                }
            }
            remaps.append(remap)
        }
        codes.withUnsafeMutableBufferPointer { buffer in
            let target = UncheckedBox(buffer.baseAddress!)
            let remapsBox = UncheckedBox(remaps)
            parallelFor(segmentsRows.count) { k in
                let remap = remapsBox.value[k]
                let identity = remap.enumerated().allSatisfy { Int32($0.offset) == $0.element }
                if identity { return }
                for r in segmentsRows[k] where target.value[r] >= 0 {
                    target.value[r] = remap[Int(target.value[r])]
                }
            }
        }
        return FactorColumn(codes: codes, levels: levels)
    }

    // MARK: Helpers

    func notANumber(_ bad: InvalidCell, column: String) -> TabularError {
        TabularError.notANumber(file: sourceName, row: bad.rowNumber, line: bad.line, column: column, value: bad.value)
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

/// A cell that should hold a number but does not.
public struct InvalidCell: Sendable, Equatable {
    /// 0-based row index.
    public let row: Int
    /// Spreadsheet row number (header = 1).
    public let rowNumber: Int
    /// Physical line where the row starts.
    public let line: Int
    /// The cell's text.
    public let value: String
}

/// A numeric column read in one pass: see ``CSVTable/numbers(_:)``.
public struct NumberScan: Sendable {
    /// How many non-numbers are listed in ``nonNumbers`` at most.
    public static let listedLimit = 10
    /// One value per row; NaN where the cell is missing or not a number.
    public var values: [Double]
    /// Missing cells (empty or `NA`).
    public var missingCount: Int
    /// The first non-number cells in row order (at most ``listedLimit``).
    public var nonNumbers: [InvalidCell]
    /// All non-number cells.
    public var nonNumberCount: Int
    /// Cells holding a number.
    public var numberCount: Int { values.count - missingCount - nonNumberCount }
}

/// A column coded as a factor: see ``CSVTable/factor(_:)``.
public struct FactorColumn: Sendable, Equatable {
    /// Per row, an index into ``levels``; -1 for a missing cell.
    public var codes: [Int32]
    /// Distinct cell texts in order of first appearance.
    public var levels: [String]
}

// MARK: - Opening a file

/// The bytes of a file: memory-mapped when it is a regular file, decompressed when it is gzip.
func readSource(_ url: URL, name: String, progress: CSVTable.ProgressReporting) throws -> TableBytes {
    let path = url.path
    let fd = open(path, O_RDONLY)
    if fd < 0 { throw TabularError.unreadableFile(file: name, reason: errnoReason(errno)) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw TabularError.unreadableFile(file: name, reason: errnoReason(errno)) }
    if (info.st_mode & S_IFMT) == S_IFDIR { throw TabularError.unreadableFile(file: name, reason: "it is a directory") }
    let size = Int(info.st_size)
    let regular = (info.st_mode & S_IFMT) == S_IFREG
    var magic: [UInt8] = [0, 0]
    let got = regular ? pread(fd, &magic, 2, 0) : 0
    let gzip = (got == 2 && magic == [0x1F, 0x8B]) || (!regular && path.hasSuffix(".gz"))
    if gzip {
        return try GzipReader.decompress(fd: fd, compressedSize: regular ? size : nil, name: name, progress: progress)
    }
    if regular, size > 0, let mapped = TableBytes(mapping: fd, size: size) { return mapped }
    // Not mappable (a pipe, an empty file): read it all.
    var data: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            throw TabularError.unreadableFile(file: name, reason: errnoReason(errno))
        }
        if n == 0 { break }
        data.append(contentsOf: buffer[0..<n])
    }
    return data.withUnsafeBufferPointer { TableBytes(copying: $0) }
}

func errnoReason(_ code: Int32) -> String {
    switch code {
    case ENOENT: return "no such file"
    case EACCES, EPERM: return "permission denied"
    case EISDIR: return "it is a directory"
    default: return String(cString: strerror(code))
    }
}

// MARK: - Layout

/// The result of the structural scan: header names and record-aligned segments.
struct TableLayout {
    var names: [String]
    var segments: [Segment]
    var rowCount: Int

    static func scan(_ bytes: TableBytes, sourceName: String, progress: CSVTable.ProgressReporting,
                     segmentBytes: Int) throws -> TableLayout {
        let p = bytes.base
        let n = bytes.count
        var i = 0
        if n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { i = 3 }

        func utf8Failure() -> TabularError? {
            guard let bad = firstInvalidUTF8(p, 0, n, n) else { return nil }
            return TabularError.invalidUTF8(
                file: sourceName, line: 1 + lineBreaks(p, n, from: 0, to: bad), byte: p[bad])
        }

        // Header: the first non-blank record.
        var records = 0, lines = 0
        var shape = RecordShape()
        var headerStart = -1
        while i < n {
            scanRecord(p, n, i, &shape)
            if let problem = shape.problem {
                if let u = utf8Failure() { throw u }
                throw structureError(problem, line: 1 + lines + shape.problemLines, width: 0, sourceName: sourceName)
            }
            records += 1
            lines += shape.lines
            if !shape.blank { headerStart = i; i = shape.next; break }
            i = shape.next
        }
        if headerStart < 0 {
            if let u = utf8Failure() { throw u }
            throw TabularError.noHeader(file: sourceName)
        }
        let width = shape.fields
        let dataStart = i

        // Split the data into pieces of ~8 MiB at offsets that do not cut a UTF-8 sequence; guess
        // each piece's first record start as just after the first line break at or after its split.
        let dataBytes = n - dataStart
        let pieces = max(1, min(1 << 20, dataBytes / max(1, segmentBytes)))
        var splits = [dataStart]
        for k in 1..<max(pieces, 1) {
            var s = dataStart + Int((Double(dataBytes) * Double(k) / Double(pieces)).rounded(.down))
            while s < n && p[s] & 0xC0 == 0x80 { s += 1 }
            if s > splits.last! { splits.append(s) }
        }
        splits.append(n)
        let m = splits.count - 1
        var guesses = [Int](repeating: n, count: m)
        guesses[0] = dataStart
        for k in 1..<max(m, 1) {
            var j = splits[k] - 1
            while j < n && p[j] != lf && p[j] != cr { j += 1 }
            if j < n { guesses[k] = (p[j] == cr && j + 1 < n && p[j + 1] == lf) ? j + 2 : j + 1 }
        }

        let meter = ProgressMeter(name: sourceName, total: n, verb: "checking", mode: progress)
        var segments = [Segment](repeating: Segment(start: 0, end: 0), count: m)
        var invalid = [Int?](repeating: nil, count: m)
        segments.withUnsafeMutableBufferPointer { segBuffer in
            invalid.withUnsafeMutableBufferPointer { badBuffer in
                let segOut = UncheckedBox(segBuffer.baseAddress!)
                let badOut = UncheckedBox(badBuffer.baseAddress!)
                parallelFor(m) { k in
                    let uStart = k == 0 ? 0 : splits[k]
                    let uEnd = splits[k + 1]
                    var validated = uStart
                    var released = splits[k]
                    var bad: Int? = nil
                    let seg = scanSegment(p, n, start: guesses[k], limit: splits[k + 1], width: width) { at in
                        let to = min(uEnd, at + (8 << 20))
                        if bad == nil, to > validated { bad = firstInvalidUTF8(p, validated, to, n) }
                        validated = max(validated, to)
                        bytes.release(released..<at)
                        meter.advance(by: at - released)
                        released = at
                    }
                    if bad == nil, uEnd > validated { bad = firstInvalidUTF8(p, validated, uEnd, n) }
                    bytes.release(released..<min(seg.end, uEnd))
                    meter.advance(by: max(0, uEnd - released))
                    segOut.value[k] = seg
                    badOut.value[k] = bad
                }
            }
        }
        meter.finish()
        if let bad = invalid.compactMap({ $0 }).min() {
            throw TabularError.invalidUTF8(file: sourceName, line: 1 + lineBreaks(p, n, from: 0, to: bad), byte: p[bad])
        }

        // Stitch: a segment is right when it starts where the previous one ended; otherwise (its
        // guess fell inside a quoted field) it is scanned again from the right place.
        var expected = dataStart
        var rowsSoFar = 0
        var recordsSoFar = records      // records before the data (blank lines and the header)
        var linesSoFar = lines
        var kept: [Segment] = []
        for k in 0..<m {
            var seg = segments[k]
            if seg.start != expected {
                let limit = splits[k + 1]
                seg = expected >= limit ? Segment(start: expected, end: expected)
                    : scanSegment(p, n, start: expected, limit: limit, width: width)
            }
            if let problem = seg.problem {
                throw structureError(
                    problem.kind, line: linesSoFar + 1 + problem.line, width: width, sourceName: sourceName)
            }
            seg.firstRow = rowsSoFar
            seg.firstRecord = recordsSoFar + 1
            seg.firstLine = linesSoFar + 1
            rowsSoFar += seg.rowCount
            recordsSoFar += seg.recordCount
            linesSoFar += seg.lineCount
            expected = seg.end
            if seg.rowCount > 0 { kept.append(seg) }
        }

        // Header names: trimmed, non-empty, unique.
        var header = HeaderSink(width: width)
        let headerSegment = Segment(start: headerStart, end: dataStart)
        Array(0..<width).withUnsafeBufferPointer { scanCells(p, n, headerSegment, columns: $0, sink: &header) }
        var names: [String] = []
        var index: [String: Int] = [:]
        for (c, name) in header.names.enumerated() {
            if name.isEmpty { throw TabularError.emptyColumnName(file: sourceName, column: c + 1) }
            if index[name] != nil {
                let positions = names.indices.filter { names[$0] == name }.map { $0 + 1 } + [c + 1]
                throw TabularError.duplicateColumnName(file: sourceName, name: name, positions: positions)
            }
            index[name] = c
            names.append(name)
        }
        return TableLayout(names: names, segments: kept, rowCount: rowsSoFar)
    }

    static func structureError(_ problem: StructureProblem, line: Int, width: Int, sourceName: String) -> TabularError {
        switch problem {
        case .unterminatedQuote: return .unterminatedQuote(file: sourceName, line: line)
        case .textAfterClosingQuote: return .textAfterClosingQuote(file: sourceName, line: line)
        case .fieldCount(let found): return .fieldCount(file: sourceName, line: line, expected: width, found: found)
        }
    }
}

// MARK: - Store

/// The bytes and segments of a table, with a cursor that makes row-by-row access cheap.
final class TableStore: @unchecked Sendable {
    let bytes: TableBytes
    let segments: [Segment]
    let width: Int
    let rowCount: Int
    let progress: CSVTable.ProgressReporting
    let sourceName: String
    private let lock = NSLock()
    // The cursor: one row, where it starts, its record and line numbers, and its fields (parsed on demand).
    private var cursorRow = -1
    private var cursorOffset = 0, cursorRecord = 0, cursorLine = 0
    private var cursorFields: [(start: Int, end: Int, escaped: Bool)] = []
    private var cursorFieldsRow = -1

    init(bytes: TableBytes, segments: [Segment], width: Int, rowCount: Int, progress: CSVTable.ProgressReporting,
         sourceName: String) {
        self.bytes = bytes
        self.segments = segments
        self.width = width
        self.rowCount = rowCount
        self.progress = progress
        self.sourceName = sourceName
    }

    /// Start offset, spreadsheet row number and physical line of data row `r`.
    func locate(_ r: Int) -> (offset: Int, record: Int, line: Int) {
        lock.lock()
        defer { lock.unlock() }
        return locateLocked(r)
    }

    private func locateLocked(_ r: Int) -> (offset: Int, record: Int, line: Int) {
        if r == cursorRow { return (cursorOffset, cursorRecord, cursorLine) }
        let p = bytes.base, n = bytes.count
        var row: Int, offset: Int, record: Int, line: Int
        // Resume from the cursor when it is a little behind, else from the nearest checkpoint.
        var lo = 0, hi = segments.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if segments[mid].firstRow <= r { lo = mid } else { hi = mid - 1 }
        }
        let seg = segments[lo]
        let j = (r - seg.firstRow) / checkpointInterval
        let cp = seg.checkpoints[j]
        row = seg.firstRow + j * checkpointInterval
        offset = cp.offset
        record = seg.firstRecord + cp.record
        line = seg.firstLine + cp.line
        if cursorRow >= row && cursorRow < r {
            row = cursorRow
            offset = cursorOffset
            record = cursorRecord
            line = cursorLine
        }
        var shape = RecordShape()
        while row < r || p[offset] == lf || p[offset] == cr {
            scanRecord(p, n, offset, &shape)
            if !shape.blank { row += 1 }
            record += 1
            line += shape.lines
            offset = shape.next
        }
        cursorRow = r
        cursorOffset = offset
        cursorRecord = record
        cursorLine = line
        return (offset, record, line)
    }

    /// Calls `body` with the bytes of one cell.
    func withCell<T>(row: Int, column: Int, _ body: (UnsafePointer<UInt8>, Int, Int, Bool) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        let at = locateLocked(row)
        if cursorFieldsRow != row {
            var sink = FieldRangeSink(width: width)
            let seg = Segment(start: at.offset, end: at.offset + 1, firstRow: 0)
            Array(0..<width).withUnsafeBufferPointer {
                scanCells(bytes.base, bytes.count, seg, columns: $0, sink: &sink)
            }
            cursorFields = sink.fields
            cursorFieldsRow = row
        }
        let f = cursorFields[column]
        return body(bytes.base, f.start, f.end, f.escaped)
    }

    /// Scans the chosen columns of every row, one sink per segment (made by `makeSink`), on all cores.
    /// Returns the sinks in segment order.
    func scan<Sink: CellSink>(columns: [Int], makeSink: (Segment) -> Sink) -> [Sink] {
        let order = columns.indices.sorted { columns[$0] < columns[$1] }
        precondition(order == Array(columns.indices), "columns must be ascending")
        var sinks = segments.map(makeSink)
        let p = bytes.base, n = bytes.count
        let total = segments.last.map { $0.end - segments[0].start } ?? 0
        let meter = ProgressMeter(name: sourceName, total: total, verb: "reading", mode: progress)
        sinks.withUnsafeMutableBufferPointer { buffer in
            let out = UncheckedBox(buffer.baseAddress!)
            let segs = UncheckedBox(segments)
            let bytes = self.bytes
            columns.withUnsafeBufferPointer { cols in
                let colsBox = UncheckedBox(cols)
                parallelFor(segs.value.count) { k in
                    let seg = segs.value[k]
                    scanCells(p, n, seg, columns: colsBox.value, sink: &out.value[k])
                    bytes.release(seg.start..<seg.end)
                    meter.advance(by: seg.end - seg.start)
                }
            }
        }
        meter.finish()
        return sinks
    }
}

// MARK: - Sinks

struct HeaderSink: CellSink {
    var names: [String]
    init(width: Int) { names = .init(repeating: "", count: width) }
    mutating func take(row: Int, slot: Int, _ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, escaped: Bool) {
        let (a, b) = escaped ? (s, e) : trimmed(p, s, e)
        var text = fieldText(p, a, b, escaped: escaped)
        if escaped { text = text.trimmingCharacters(in: CharacterSet(charactersIn: " \t")) }
        names[slot] = text
    }
}

struct FieldRangeSink: CellSink {
    var fields: [(start: Int, end: Int, escaped: Bool)] = []
    init(width: Int) { fields.reserveCapacity(width) }
    mutating func take(row: Int, slot: Int, _ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, escaped: Bool) {
        fields.append((s, e, escaped))
    }
}

struct StringSink: CellSink {
    let out: UnsafeMutablePointer<String?>?
    mutating func take(row: Int, slot: Int, _ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, escaped: Bool) {
        if !escaped {
            let (a, b) = trimmed(p, s, e)
            if isMissingTrimmed(p, a, b) { return }
        }
        out![row] = fieldText(p, s, e, escaped: escaped)
    }
}

struct NumberSink: CellSink {
    let out: UnsafeMutablePointer<Double>?
    var badRows: [Int] = []
    var badCount = 0
    var missing = 0
    @inline(__always)
    mutating func take(row: Int, slot: Int, _ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, escaped: Bool) {
        if escaped { bad(row); return }
        let (a, b) = trimmed(p, s, e)
        if isMissingTrimmed(p, a, b) { missing += 1; return }
        if let v = parseDouble(UnsafeBufferPointer(start: p, count: b), a, b) { out![row] = v } else { bad(row) }
    }
    mutating func bad(_ row: Int) {
        badCount += 1
        if badRows.count < NumberScan.listedLimit { badRows.append(row) }
    }
}

struct EventSink: CellSink {
    let out: UnsafeMutablePointer<Int8>?
    var firstBad: Int? = nil
    @inline(__always)
    mutating func take(row: Int, slot: Int, _ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, escaped: Bool) {
        if escaped { if firstBad == nil { firstBad = row }; return }
        let (a, b) = trimmed(p, s, e)
        if isMissingTrimmed(p, a, b) { return }
        if let v = parseEvent(p, a, b) { out![row] = v ? 1 : 0 } else if firstBad == nil { firstBad = row }
    }
}

/// Codes cells by their exact bytes with an open-addressing hash table over the cells' byte spans.
struct FactorSink: CellSink {
    let out: UnsafeMutablePointer<Int32>?
    let rows: Range<Int>
    var levels: [String] = []
    private var spans: [(start: Int, end: Int)] = []       // bytes of each level (unescaped levels: -1)
    private var slots = [Int32](repeating: -1, count: 64)   // level index per hash slot
    private var escapedLevels: [String: Int32] = [:]
    private var lastStart = -1, lastEnd = -1, lastCode: Int32 = -1

    init(out: UnsafeMutablePointer<Int32>?, rows: Range<Int>) {
        self.out = out
        self.rows = rows
    }

    mutating func take(row: Int, slot: Int, _ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, escaped: Bool) {
        if escaped {
            let text = fieldText(p, s, e, escaped: true)
            if let code = escapedLevels[text] { out![row] = code; return }
            // The same text may already be a level from an unescaped cell? Not possible: unescaped text
            // has no quote pair.
            let code = Int32(levels.count)
            levels.append(text)
            spans.append((-1, -1))
            escapedLevels[text] = code
            out![row] = code
            return
        }
        let (a, b) = trimmed(p, s, e)
        if isMissingTrimmed(p, a, b) { return }
        // Repeat of the previous cell's text (common in sorted or grouped files).
        if e - s == lastEnd - lastStart && memcmp(p + s, p + lastStart, e - s) == 0 {
            out![row] = lastCode
            return
        }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in s..<e { h = (h ^ UInt64(p[k])) &* 0x100_0000_01b3 }
        let mask = slots.count - 1
        var j = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        while true {
            let code = slots[j]
            if code < 0 { break }
            let span = spans[Int(code)]
            if span.start >= 0 && span.end - span.start == e - s && memcmp(p + span.start, p + s, e - s) == 0 {
                out![row] = code
                lastStart = s; lastEnd = e; lastCode = code
                return
            }
            j = (j + 1) & mask
        }
        let code = Int32(levels.count)
        levels.append(fieldText(p, s, e, escaped: false))
        spans.append((s, e))
        slots[j] = code
        out![row] = code
        lastStart = s; lastEnd = e; lastCode = code
        if levels.count * 2 > slots.count { rehash(p) }
    }

    private mutating func rehash(_ p: UnsafePointer<UInt8>) {
        slots = [Int32](repeating: -1, count: slots.count * 4)
        let mask = slots.count - 1
        for (code, span) in spans.enumerated() where span.start >= 0 {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for k in span.start..<span.end { h = (h ^ UInt64(p[k])) &* 0x100_0000_01b3 }
            var j = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
            while slots[j] >= 0 { j = (j + 1) & mask }
            slots[j] = Int32(code)
        }
    }
}

// MARK: - Progress

/// A progress line on stderr for long reads: shown after two seconds, when allowed (see
/// ``CSVTable/ProgressReporting``), at most four times a second, and cleared at the end.
final class ProgressMeter: @unchecked Sendable {
    private let name: String
    private let total: Int
    private let verb: String
    private let enabled: Bool
    private let lock = NSLock()
    private var done = 0
    private let start = DispatchTime.now().uptimeNanoseconds
    private var lastPrint: UInt64 = 0
    private var printed = false

    init(name: String, total: Int, verb: String, mode: CSVTable.ProgressReporting) {
        self.name = name
        self.total = total
        self.verb = verb
        switch mode {
        case .never: enabled = false
        case .automatic:
            let setting = ProcessInfo.processInfo.environment["POF_PROGRESS"]
            if setting == "0" { enabled = false } else if setting == "1" { enabled = true } else {
                enabled = isatty(2) != 0
            }
        }
    }

    func advance(by bytes: Int) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        done += bytes
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - start > 2_000_000_000, now - lastPrint > 250_000_000 else { return }
        lastPrint = now
        printed = true
        let percent = total > 0 ? min(100, done * 100 / total) : 100
        let line = "\r\(name): \(verb) \(done >> 20) of \(total >> 20) MiB (\(percent)%)\u{1B}[K"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        if printed { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
