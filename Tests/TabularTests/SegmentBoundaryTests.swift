import Foundation
import Testing
@testable import Tabular

/// An independent, deliberately simple reading of the same grammar (one record at a time, no
/// segments), used as the reference the parallel reader must match.
struct ReferenceCSV {
    var header: [String] = []
    var rows: [[String]] = []
    var rowNumbers: [Int] = []
    var lineNumbers: [Int] = []

    init(_ input: [UInt8]) {
        var b = input
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { b.removeFirst(3) }
        var i = 0, line = 1, record = 0
        var first = true
        while i < b.count {
            let startLine = line
            record += 1
            if b[i] == 0x0A || b[i] == 0x0D {
                if b[i] == 0x0D && i + 1 < b.count && b[i + 1] == 0x0A { i += 1 }
                i += 1
                line += 1
                continue
            }
            var fields: [String] = []
            while true {
                var text: [UInt8] = []
                if i < b.count && b[i] == 0x22 {
                    i += 1
                    while true {
                        if b[i] == 0x22 {
                            if i + 1 < b.count && b[i + 1] == 0x22 { text.append(0x22); i += 2; continue }
                            i += 1
                            break
                        }
                        if b[i] == 0x0A || (b[i] == 0x0D && (i + 1 >= b.count || b[i + 1] != 0x0A)) { line += 1 }
                        text.append(b[i])
                        i += 1
                    }
                } else {
                    while i < b.count && b[i] != 0x2C && b[i] != 0x0A && b[i] != 0x0D { text.append(b[i]); i += 1 }
                }
                fields.append(String(decoding: text, as: UTF8.self))
                if i >= b.count { break }
                let c = b[i]
                i += 1
                if c == 0x2C { continue }
                if c == 0x0D && i < b.count && b[i] == 0x0A { i += 1 }
                line += 1
                break
            }
            if first {
                header = fields.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t")) }
                first = false
            } else {
                rows.append(fields)
                rowNumbers.append(record)
                lineNumbers.append(startLine)
            }
        }
    }
}

/// Random CSV text exercising every boundary case: quoted commas and line breaks (LF, CRLF, CR),
/// doubled quotes, stray quotes, blank lines, mixed line ends, BOM, no final line break.
func randomCSV(rows: Int, seed: UInt64) -> [UInt8] {
    var rng = SplitMix(state: seed)
    var out: [UInt8] = []
    if rng.below(4) == 0 { out += [0xEF, 0xBB, 0xBF] }
    let ends: [[UInt8]] = [[0x0A], [0x0D, 0x0A], [0x0D]]
    func cell() -> String {
        switch rng.below(17) {
        case 0: return ""
        case 1: return "NA"
        case 2: return " NA "
        case 3: return "\"a, b\""
        case 4: return "\"two\nlines\""
        case 5: return "\"crlf\r\ninside\""
        case 6: return "\"cr\rinside\""
        case 7: return "\"say \"\"hi\"\"\""
        case 8: return "5'10\""
        case 9: return "\"\(rng.below(1000))\""
        case 10: return " \(rng.below(100)).\(rng.below(100)) "
        case 11: return "\"\n\n\""
        // Longer than a word (the reader looks at eight bytes at a time), and quotes that do not open a field.
        case 12: return "a cell longer than eight bytes \(rng.below(1000))"
        case 13: return "mid\"quote and more text"
        case 14: return "\(rng.below(1_000_000_000)).\(rng.below(1_000_000_000))"
        default: return String(Double(rng.below(1_000_000)) / 1000)
        }
    }
    out += Array("id,x,note".utf8)
    var end = ends[Int(rng.below(3))]
    out += end
    for r in 0..<rows {
        // A blank line may follow only a LF or CRLF end (after a lone CR, LF would join it as CRLF).
        if rng.below(10) == 0 && end != [0x0D] { out += end }
        out += Array("\(r),\(cell()),\(cell())".utf8)
        end = ends[Int(rng.below(3))]
        if r < rows - 1 || rng.below(2) == 0 { out += end }
    }
    return out
}

struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: UInt64) -> UInt64 { next() % n }
}

@Suite("Segment boundaries (parallel reading)")
struct SegmentBoundaryTests {
    static let segmentSizes = [1, 2, 3, 5, 8, 13, 21, 64, 1 << 30]

    @Test("random files read identically whatever the segment size, matching a simple reference reader")
    func randomFiles() throws {
        for seed in 1...120 as ClosedRange<UInt64> {
            let bytes = randomCSV(rows: Int(seed % 7) * 9 + 3, seed: seed)
            let ref = ReferenceCSV(bytes)
            for size in Self.segmentSizes {
                let t = try CSVTable(bytes: bytes, sourceName: "r.csv", segmentBytes: size)
                let context = "seed \(seed), segments of \(size) bytes"
                #expect(t.columnNames == ref.header, "\(context)")
                #expect(t.rowCount == ref.rows.count, "\(context)")
                guard t.rowCount == ref.rows.count else { continue }
                for r in 0..<t.rowCount {
                    #expect(t.rowNumber(ofRow: r) == ref.rowNumbers[r], "\(context), row \(r)")
                    #expect(t.lineNumber(ofRow: r) == ref.lineNumbers[r], "\(context), row \(r)")
                    for c in 0..<3 {
                        #expect(t.cell(row: r, column: c) == ref.rows[r][c], "\(context), cell \(r),\(c)")
                    }
                }
                // Column scans (parallel) agree with cell-by-cell access, rows in reverse order too.
                for (c, name) in t.columnNames.enumerated() {
                    let strings = try t.stringColumn(name)
                    for r in (0..<t.rowCount).reversed() {
                        let text = ref.rows[r][c]
                        let trimmed = text.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
                        #expect(strings[r] == (trimmed.isEmpty || trimmed == "NA" ? nil : text), "\(context)")
                        #expect(t.isMissing(row: r, column: c) == (strings[r] == nil), "\(context)")
                    }
                    let numbers = try t.numbers(name)
                    for r in 0..<t.rowCount {
                        let expected = strings[r].flatMap { DecimalNumber.parse($0) }
                        let got = numbers.values[r]
                        #expect(expected.map { $0 == got } ?? got.isNaN, "\(context)")
                    }
                }
                let ids = try t.numericColumn("id")
                #expect(ids == (0..<t.rowCount).map { Double($0) }, "\(context)")
                let cc = try t.completeCases(["x", "note"])
                let expectedRows = (0..<t.rowCount).filter {
                    !t.isMissing(row: $0, column: 1) && !t.isMissing(row: $0, column: 2)
                }
                #expect(cc.rows == expectedRows, "\(context)")
            }
        }
    }

    @Test("a quoted line break exactly at a segment edge, CRLF split across an edge, BOM, no final break")
    func edges() throws {
        // Every split position of these small files is tried (segments of 1 byte put an edge everywhere).
        let cases = [
            "a,b\n1,\"x\ny\"\n2,3",
            "a,b\r\n1,\"x\r\ny\"\r\n2,3\r\n",
            "\u{FEFF}a,b\n\"\n\",1\n\n\n2,\"\r\"\n",
            "a,b\r1,2\r3,4",
            "a,b\n1,\"\"\"\n\"\"\"\n2,\",\n,\"\n",
        ]
        for text in cases {
            let bytes = Array(text.utf8)
            let ref = ReferenceCSV(bytes)
            for size in 1...bytes.count {
                let t = try CSVTable(bytes: bytes, sourceName: "e.csv", segmentBytes: size)
                #expect(t.rowCount == ref.rows.count, "\(text.debugDescription) / \(size)")
                for r in 0..<min(t.rowCount, ref.rows.count) {
                    #expect((0..<2).map { t.cell(row: r, column: $0) } == ref.rows[r])
                    #expect(t.lineNumber(ofRow: r) == ref.lineNumbers[r])
                    #expect(t.rowNumber(ofRow: r) == ref.rowNumbers[r])
                }
            }
        }
    }

    @Test("structural errors and their line numbers do not depend on the segment size")
    func errorsAcrossSegments() throws {
        var base = "id,x\n"
        for r in 0..<300 { base += r % 17 == 0 ? "\(r),\"multi\nline\"\n" : "\(r),\(r * 3)\n" }
        let broken: [(String, TabularError)] = [
            (base + "7,8,9\n", .fieldCount(file: "b.csv", line: 320, expected: 2, found: 3)),
            (base + "7,\"open\n8,9\n", .unterminatedQuote(file: "b.csv", line: 320)),
            (base + "7,\"x\"y\n", .textAfterClosingQuote(file: "b.csv", line: 320)),
            (base + "7\n" + base, .fieldCount(file: "b.csv", line: 320, expected: 2, found: 1)),
        ]
        for (text, expected) in broken {
            for size in [1, 7, 50, 333, 1 << 30] {
                let error = tabularError {
                    _ = try CSVTable(bytes: Array(text.utf8), sourceName: "b.csv", segmentBytes: size)
                }
                #expect(error == expected, "segments of \(size)")
            }
        }
        // Invalid UTF-8 late in the file wins over an earlier structural error, as before.
        let latin = Array((base + "1,2,3\n").utf8) + Array("9,".utf8) + [0xE9] + Array("\n".utf8)
        for size in [1, 64, 1 << 30] {
            let error = tabularError { _ = try CSVTable(bytes: latin, sourceName: "u.csv", segmentBytes: size) }
            #expect(error == .invalidUTF8(file: "u.csv", line: 321, byte: 0xE9))
        }
    }

    @Test("a value error far into the file names the right row and line")
    func valueErrorRowAndLine() throws {
        var text = "note,age\n"
        for r in 0..<5000 { text += r % 10 == 0 ? "\"a\nb\",\(r)\n" : (r % 7 == 0 ? "\n" : "") + "x,\(r)\n" }
        text += "x,abc\n"
        let ref = ReferenceCSV(Array(text.utf8))
        for size in [1, 100, 4096, 1 << 30] {
            let t = try CSVTable(bytes: Array(text.utf8), sourceName: "v.csv", segmentBytes: size)
            let error = tabularError { _ = try t.numericColumn("age") }
            #expect(error == .notANumber(file: "v.csv", row: ref.rowNumbers.last!, line: ref.lineNumbers.last!,
                                         column: "age", value: "abc"))
        }
    }
}
