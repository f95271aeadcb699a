import Foundation
import Testing
@testable import Tabular

/// Runs `body`, expects a TabularError, and returns it (nil and a recorded issue otherwise).
func tabularError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> TabularError? {
    do {
        try body()
        Issue.record("expected a TabularError, got none", sourceLocation: sourceLocation)
    } catch let error as TabularError {
        return error
    } catch {
        Issue.record("expected a TabularError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

@Suite("CSV parsing")
struct CSVParsingTests {
    @Test("header and rows; trailing newline optional")
    func basic() throws {
        for text in ["a,b,c\n1,2,3\n4,5,6\n", "a,b,c\n1,2,3\n4,5,6"] {
            let t = try CSVTable(string: text, sourceName: "t.csv")
            #expect(t.columnNames == ["a", "b", "c"])
            #expect(t.columnCount == 3)
            #expect(t.rowCount == 2)
            #expect(t.cell(row: 1, column: 2) == "6")
            #expect(t.sourceName == "t.csv")
        }
    }

    @Test("quoted fields: commas, doubled quotes, embedded LF and CRLF, empty quoted field")
    func quoted() throws {
        let text = "id,note,x\r\n1,\"a, b\",2\r\n2,\"say \"\"hi\"\"\",3\r\n3,\"two\nlines\",4\r\n"
            + "4,\"crlf\r\ninside\",5\r\n5,\"\",6\r\n"
        let t = try CSVTable(string: text, sourceName: "q.csv")
        #expect(t.rowCount == 5)
        #expect(try t.stringColumn("note") == ["a, b", "say \"hi\"", "two\nlines", "crlf\r\ninside", nil])
        #expect(try t.numericColumn("x") == [2, 3, 4, 5, 6])
        // Row numbers count records (header = 1); lines count physical lines.
        #expect((0..<5).map(t.rowNumber(ofRow:)) == [2, 3, 4, 5, 6])
        #expect((0..<5).map(t.lineNumber(ofRow:)) == [2, 3, 4, 6, 8])
    }

    @Test("a quote inside an unquoted field is an ordinary character")
    func strayQuote() throws {
        let t = try CSVTable(string: "h,w\n5'10\",70\n", sourceName: "s.csv")
        #expect(t.cell(row: 0, column: 0) == "5'10\"")
    }

    @Test("UTF-8 byte-order mark is skipped; UTF-8 content is kept")
    func bom() throws {
        let t = try CSVTable(bytes: [0xEF, 0xBB, 0xBF] + Array("név,ö\nÁrpád,1\n".utf8), sourceName: "bom.csv")
        #expect(t.columnNames == ["név", "ö"])
        #expect(try t.stringColumn("név") == ["Árpád"])
    }

    @Test("CR-only line ends, mixed line ends, trailing comma giving an empty last field")
    func lineEnds() throws {
        let t = try CSVTable(string: "a,b\r1,2\r\n3,\n5,6", sourceName: "cr.csv")
        #expect(t.rowCount == 3)
        #expect(try t.numericColumn("b") == [2, nil, 6])
        #expect((0..<3).map(t.lineNumber(ofRow:)) == [2, 3, 4])
    }

    @Test("blank lines are skipped but count in row and line numbers")
    func blankLines() throws {
        let t = try CSVTable(string: "a,b\n1,2\n\n3,x\n\n\n", sourceName: "blank.csv")
        #expect(t.rowCount == 2)
        #expect(t.rowNumber(ofRow: 1) == 4)
        #expect(t.lineNumber(ofRow: 1) == 4)
        let error = tabularError { _ = try t.numericColumn("b") }
        #expect(error?.description == "blank.csv, row 4, column \"b\": \"x\" is not a number")
    }

    @Test("header names are trimmed; header only → zero rows")
    func headerOnly() throws {
        let t = try CSVTable(string: " id , age\t\n", sourceName: "h.csv")
        #expect(t.columnNames == ["id", "age"])
        #expect(t.rowCount == 0)
        #expect(try t.numericColumn("age") == [])
    }

    @Test("reads from a file URL and names the file in messages")
    func fromFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tabular-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("lung.csv")
        try Data("id,age\n1,63\n2,abc\n".utf8).write(to: url)
        let t = try CSVTable(contentsOf: url)
        #expect(t.sourceName == "lung.csv")
        let error = tabularError { _ = try t.numericColumn("age") }
        #expect(error?.description == "lung.csv, row 3, column \"age\": \"abc\" is not a number")

        let missing = tabularError { _ = try CSVTable(contentsOf: dir.appendingPathComponent("nope.csv")) }
        guard case .unreadableFile(let file, _) = missing else {
            Issue.record("expected unreadableFile, got \(String(describing: missing))")
            return
        }
        #expect(file == "nope.csv")
        #expect(missing!.description.hasPrefix("nope.csv: cannot read the file"))
    }

    // MARK: Structural errors

    @Test("too few and too many fields: file, physical line and counts")
    func fieldCount() {
        let few = tabularError { _ = try CSVTable(string: "a,b,c\n1,2,3\n4,5\n", sourceName: "few.csv") }
        #expect(few == .fieldCount(file: "few.csv", line: 3, expected: 3, found: 2))
        #expect(few?.description == "few.csv, line 3: 2 fields, but the header has 3")

        let many = tabularError {
            _ = try CSVTable(string: "a,b\n\"x\ny\",1\n1,2,3\n", sourceName: "many.csv")
        }
        // The quoted field spans lines 2–3, so the bad record starts on line 4.
        #expect(many == .fieldCount(file: "many.csv", line: 4, expected: 2, found: 3))
        #expect(many?.description == "many.csv, line 4: 3 fields, but the header has 2")

        let one = tabularError { _ = try CSVTable(string: "a,b\n1\n", sourceName: "one.csv") }
        #expect(one?.description == "one.csv, line 2: 1 field, but the header has 2")
    }

    @Test("unterminated quote names the line where it opened")
    func unterminatedQuote() {
        let error = tabularError { _ = try CSVTable(string: "a,b\n1,2\n3,\"open\n4,5\n", sourceName: "uq.csv") }
        #expect(error == .unterminatedQuote(file: "uq.csv", line: 3))
        #expect(error?.description == "uq.csv, line 3: a quoted field starts here but its closing quote is missing")
    }

    @Test("text after a closing quote")
    func textAfterQuote() {
        let error = tabularError { _ = try CSVTable(string: "a,b\n1,2\n\"x\"y,3\n", sourceName: "tq.csv") }
        #expect(error == .textAfterClosingQuote(file: "tq.csv", line: 3))
        #expect(error?.description.hasPrefix("tq.csv, line 3: text after a closing quote") == true)
    }

    @Test("empty and duplicate header names")
    func badHeader() {
        let empty = tabularError { _ = try CSVTable(string: "id,,age\n1,2,3\n", sourceName: "e.csv") }
        #expect(empty == .emptyColumnName(file: "e.csv", column: 2))
        #expect(empty?.description == "e.csv, line 1: column 2 of the header has an empty name")

        let blank = tabularError { _ = try CSVTable(string: "id,  \n1,2\n", sourceName: "b.csv") }
        #expect(blank == .emptyColumnName(file: "b.csv", column: 2))

        let dup = tabularError { _ = try CSVTable(string: "id,age,sex,age\n1,2,3,4\n", sourceName: "d.csv") }
        #expect(dup == .duplicateColumnName(file: "d.csv", name: "age", positions: [2, 4]))
        #expect(dup?.description == "d.csv, line 1: column name \"age\" appears more than once (columns 2, 4)")

        let trimmedDup = tabularError { _ = try CSVTable(string: "age, age\n1,2\n", sourceName: "t.csv") }
        #expect(trimmedDup == .duplicateColumnName(file: "t.csv", name: "age", positions: [1, 2]))
    }

    @Test("empty input has no header")
    func noHeader() {
        for text in ["", "\n\n", "\u{FEFF}"] {
            let error = tabularError { _ = try CSVTable(string: text, sourceName: "empty.csv") }
            #expect(error == .noHeader(file: "empty.csv"))
            #expect(error?.description.hasPrefix("empty.csv: the file is empty") == true)
        }
    }

    @Test("invalid UTF-8 (Latin-1 é) names the line and the byte")
    func invalidUTF8() {
        let bytes = Array("name,age\nRene,1\n".utf8) + [0x52, 0xE9, 0x6E, 0xE9] + Array(",2\n".utf8)
        let error = tabularError { _ = try CSVTable(bytes: bytes, sourceName: "latin1.csv") }
        #expect(error == .invalidUTF8(file: "latin1.csv", line: 3, byte: 0xE9))
        #expect(error?.description == "latin1.csv, line 3: not valid UTF-8 (byte 0xE9); save the file as UTF-8")
        // Overlong encodings, surrogates and truncated sequences are rejected too.
        for bad: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF8, 0x80, 0x80, 0x80, 0x80]] {
            #expect(firstInvalidUTF8Array(Array("a\n".utf8) + bad) == 2)
        }
        #expect(firstInvalidUTF8Array(Array("ő€𝄞".utf8)) == nil)
    }

    @Test("unknown column lists the available columns")
    func unknownColumn() throws {
        let t = try CSVTable(string: "id,age,sex\n1,2,M\n", sourceName: "u.csv")
        for access: (String) throws -> Void in [
            { _ = try t.numericColumn($0) }, { _ = try t.stringColumn($0) },
            { _ = try t.eventColumn($0) }, { _ = try t.isNumeric(column: $0) },
            { _ = try t.completeCases([$0]) }, { _ = try t.columnIndex($0) },
        ] {
            let error = tabularError { try access("agee") }
            #expect(error == .unknownColumn(file: "u.csv", column: "agee", available: ["id", "age", "sex"]))
            #expect(error?.description == "u.csv: no column \"agee\"; the columns are \"id\", \"age\", \"sex\"")
        }
    }
}

func firstInvalidUTF8Array(_ bytes: [UInt8]) -> Int? {
    bytes.withUnsafeBufferPointer(firstInvalidUTF8)
}
