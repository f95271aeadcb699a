import TabularZlib
import Foundation
import Testing
@testable import Tabular

/// gzip-compresses `bytes` with zlib (level 6, one member).
func gzipped(_ bytes: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    #expect(deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                          Int32(MemoryLayout<z_stream>.size)) == Z_OK)
    defer { deflateEnd(&stream) }
    var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
    var input = bytes
    let produced = input.withUnsafeMutableBufferPointer { inBuf in
        out.withUnsafeMutableBufferPointer { outBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = UInt32(inBuf.count)
            stream.next_out = outBuf.baseAddress
            stream.avail_out = UInt32(outBuf.count)
            #expect(deflate(&stream, Z_FINISH) == Z_STREAM_END)
            return outBuf.count - Int(stream.avail_out)
        }
    }
    return Array(out[0..<produced])
}

@Suite("Reading files: memory map, gzip, errors")
struct FileReadingTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("tabular-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func write(_ bytes: [UInt8], _ name: String) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    @Test("a mapped file and its .csv.gz read the same as the bytes in memory")
    func gzipMatchesPlain() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let bytes = randomCSV(rows: 2000, seed: 7)
        let plain = try CSVTable(contentsOf: write(bytes, "r.csv"))
        let gz = try CSVTable(contentsOf: write(gzipped(bytes), "r.csv.gz"))
        let memory = try CSVTable(bytes: bytes, sourceName: "r.csv")
        #expect(gz.sourceName == "r.csv.gz")
        for t in [plain, gz] {
            #expect(t.rowCount == memory.rowCount)
            for name in memory.columnNames { #expect(try t.stringColumn(name) == memory.stringColumn(name)) }
            #expect((0..<t.rowCount).map(t.lineNumber(ofRow:)) == (0..<memory.rowCount).map(memory.lineNumber(ofRow:)))
        }
    }

    @Test("concatenated gzip members are one file; a gzip file without the .gz name is recognised")
    func multiMember() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let part1 = Array("a,b\n1,2\n".utf8), part2 = Array("3,4\n5,6".utf8)
        let t = try CSVTable(contentsOf: write(gzipped(part1) + gzipped(part2), "cat.csv"))
        #expect(try t.numericColumn("b") == [2, 4, 6])
        let empty = tabularError { _ = try CSVTable(contentsOf: write(gzipped([]), "empty.csv.gz")) }
        #expect(empty == .noHeader(file: "empty.csv.gz"))
    }

    @Test("a truncated or damaged gzip file is a clear error")
    func corruptGzip() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let gz = gzipped(Array(String(repeating: "a,b\n1,2\n", count: 1000).utf8))
        let truncated = tabularError { _ = try CSVTable(contentsOf: write(Array(gz.prefix(gz.count / 2)), "t.csv.gz")) }
        #expect(truncated?.description.hasPrefix("t.csv.gz: the compressed data is damaged") == true)
        var damaged = gz
        for k in 20..<40 { damaged[k] ^= 0x5A }
        let bad = tabularError { _ = try CSVTable(contentsOf: write(damaged, "d.csv.gz")) }
        guard case .corruptCompressedFile(let file, _) = bad else {
            Issue.record("expected corruptCompressedFile, got \(String(describing: bad))")
            return
        }
        #expect(file == "d.csv.gz")
    }

    @Test("a directory, a missing file, an empty file")
    func unreadable() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = tabularError { _ = try CSVTable(contentsOf: dir) }
        #expect(folder == .unreadableFile(file: dir.lastPathComponent, reason: "it is a directory"))
        let missing = tabularError { _ = try CSVTable(contentsOf: dir.appendingPathComponent("nope.csv")) }
        #expect(missing == .unreadableFile(file: "nope.csv", reason: "no such file"))
        let empty = tabularError { _ = try CSVTable(contentsOf: write([], "empty.csv")) }
        #expect(empty == .noHeader(file: "empty.csv"))
    }

    @Test("a file larger than one segment: CRLF, BOM, quoted breaks, no final line break, all cores")
    func manySegments() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        var text = "\u{FEFF}id,time,status,note\r\n"
        let rows = 200_000
        for r in 0..<rows {
            text += "\(r),\(Double(r % 9973) / 7),\(r % 2),"
            text += r % 1000 == 0 ? "\"a\r\nb, \"\"c\"\"\"" : "x"
            if r < rows - 1 { text += "\r\n" }
        }
        let url = try write(Array(text.utf8), "big.csv")
        let t = try CSVTable(contentsOf: url, segmentBytes: 1 << 18)
        #expect(t.store.segments.count > 8)
        #expect(t.store.bytes.isMapped)
        #expect(t.rowCount == rows)
        let time = try t.numbers("time")
        #expect(time.values == (0..<rows).map { DecimalNumber.parse(String(Double($0 % 9973) / 7))! })
        #expect(try t.events("status") == (0..<rows).map { Int8($0 % 2) })
        #expect(t.cell(row: 199_000, column: 3) == "a\r\nb, \"c\"")
        #expect(t.lineNumber(ofRow: rows - 1) == 1 + rows + rows / 1000)
        #expect(t.rowNumber(ofRow: rows - 1) == 1 + rows)
    }
}

@Suite("Columns: numbers, factors, mostly-numeric columns, limits, long values")
struct ColumnRuleTests {
    @Test("numbers(_:) lists the first non-numbers and counts them all")
    func numberScan() throws {
        var text = "x\n"
        for r in 0..<100 { text += r % 7 == 3 ? "bad\(r)\n" : (r == 50 ? "NA\n" : "\(r)\n") }
        let t = try CSVTable(string: text, sourceName: "n.csv")
        let s = try t.numbers("x")
        #expect(s.nonNumberCount == 14)
        #expect(s.nonNumbers.count == NumberScan.listedLimit)
        #expect(s.nonNumbers.first == InvalidCell(row: 3, rowNumber: 5, line: 5, value: "bad3"))
        #expect(s.missingCount == 1)
        #expect(s.numberCount == 85)
        #expect(s.values[0] == 0 && s.values[3].isNaN && s.values[50].isNaN)
    }

    @Test("factor codes by exact text, in order of first appearance")
    func factor() throws {
        let t = try CSVTable(string: "g\nb\na\n\nb\nNA\n\" a\"\n\"x\"\"y\"\nx\"y\n", sourceName: "f.csv")
        let f = try t.factor("g")
        #expect(f.levels == ["b", "a", " a", "x\"y"])
        #expect(f.codes == [0, 1, 0, -1, 2, 3, 3])
    }

    @Test("a covariate of numbers with typos is an error naming them, not a factor")
    func mostlyNumeric() throws {
        var text = "time,status,age\n"
        for r in 0..<60 {
            let age = r == 5 ? "6O" : r == 9 ? "nan" : r == 20 ? "-inf" : "\(40 + r)"
            text += "\(r + 1),\(r % 2),\(age)\n"
        }
        let t = try CSVTable(string: text, sourceName: "m.csv")
        let error = tabularError { _ = try ModelMatrix.build(table: t, covariates: ["age"], rows: Array(0..<60)) }
        #expect(error?.description == "m.csv, column \"age\": 3 cells are not a number in a column of numbers: row 7"
                + " \"6O\", row 11 \"nan\", row 22 \"-inf\". Correct them or leave them empty (missing)")
        // A column that is mostly text stays categorical.
        #expect(isMostlyNumeric(numbers: 5, nonNumbers: 5) == false)
        #expect(isMostlyNumeric(numbers: 90, nonNumbers: 10) == true)
        #expect(isMostlyNumeric(numbers: 0, nonNumbers: 10) == false)
    }

    @Test("a categorical covariate with too many levels is an error before any allocation")
    func tooManyLevels() throws {
        var text = "id,x\n"
        for r in 0..<3000 { text += "\(r),id\(r)\n" }
        let t = try CSVTable(string: text, sourceName: "l.csv")
        let error = tabularError { _ = try ModelMatrix.build(table: t, covariates: ["x"], rows: Array(0..<3000)) }
        #expect(error == .tooManyLevels(file: "l.csv", column: "x", levels: 3000, limit: 1000, rows: 3000))
        let half = tabularError { _ = try ModelMatrix.build(table: t, covariates: ["x"], rows: Array(0..<120)) }
        #expect(half == .tooManyLevels(file: "l.csv", column: "x", levels: 120, limit: 60, rows: 120))
        // A factor with few levels among many rows is fine.
        #expect(throws: Never.self) { try checkLevelCount(40, rows: 60, file: "f", column: "c", covariate: true) }
    }

    @Test("long cell texts are cut in messages, with their size")
    func longValues() throws {
        let long = String(repeating: "9x", count: 5_000_000)
        let t = try CSVTable(string: "age\n\(long)\n", sourceName: "big.csv")
        let error = tabularError { _ = try t.numericColumn("age") }
        let shown = String(repeating: "9x", count: 30)
        #expect(error?.description == "big.csv, row 2, column \"age\": \"\(shown)…\" (10000000 bytes) is not a number")
    }
}
