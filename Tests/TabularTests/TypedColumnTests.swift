import Foundation
import Testing
@testable import Tabular

@Suite("Typed columns and missing values")
struct TypedColumnTests {
    static let text = """
        id,age,status,sex,note
        1,63,1,M,
        2,NA,0,F,NA
        3, 71.5 ,TRUE,F," NA "
        4,,FALSE,M,na
        5,1e2,T,NA,NaN
        6,-0.5,F,M,x
        7,.5,true,F,"a,b"
        8,2.,false,M,
        """

    @Test("numeric column: decimals, exponents, spaces; empty and NA are missing")
    func numeric() throws {
        let t = try CSVTable(string: Self.text, sourceName: "p.csv")
        #expect(try t.numericColumn("age") == [63, nil, 71.5, nil, 100, -0.5, 0.5, 2])
        #expect(try t.isNumeric(column: "age"))
        #expect(try t.isNumeric(column: "id"))
        #expect(try !t.isNumeric(column: "sex"))
    }

    @Test("string column: only empty and NA (trimmed, quoted or not) are missing; na and NaN are values")
    func strings() throws {
        let t = try CSVTable(string: Self.text, sourceName: "p.csv")
        #expect(try t.stringColumn("note") == [nil, nil, nil, "na", "NaN", "x", "a,b", nil])
        #expect(try t.stringColumn("sex") == ["M", "F", "F", "M", nil, "M", "F", "M"])
        #expect(t.isMissing(row: 1, column: 1))
        #expect(!t.isMissing(row: 0, column: 1))
        #expect(t.cell(row: 2, column: 1) == " 71.5 ")
    }

    @Test("event column: 1/0, TRUE/FALSE, true/false, T/F")
    func events() throws {
        let t = try CSVTable(string: Self.text, sourceName: "p.csv")
        #expect(try t.eventColumn("status") == [true, false, true, false, true, false, true, false])
        let u = try CSVTable(string: "e\nTrue\nFalse\nNA\n\n 1 \n", sourceName: "e.csv")
        #expect(try u.eventColumn("e") == [true, false, nil, true])
        // Other spellings of the numbers 1 and 0 (a pandas or spreadsheet export of a float column).
        let v = try CSVTable(string: "e\n1.0\n0.0\n1e0\n-0\n+1.00\n", sourceName: "e.csv")
        #expect(try v.eventColumn("e") == [true, false, true, false, true])
    }

    @Test("event column errors name file, row, column and value")
    func eventErrors() throws {
        for bad in ["2", "yes", "0.5", "1e400", "tRUE", "-1"] {
            let t = try CSVTable(string: "id,status\n1,1\n2,0\n3,\(bad)\n", sourceName: "ev.csv")
            let error = tabularError { _ = try t.eventColumn("status") }
            #expect(error == .notAnEventIndicator(file: "ev.csv", row: 4, line: 4, column: "status", value: bad))
            #expect(error?.description
                == "ev.csv, row 4, column \"status\": \"\(bad)\" is not an event indicator"
                    + " (use 1/0, TRUE/FALSE or T/F)")
        }
    }

    @Test("numeric errors name file, row, column and value — the first offender")
    func numericErrors() throws {
        for bad in ["abc", "1,5", "inf", "NaN", "nan", "0x10", "1e", "e5", "--1", "1.2.3", "1e400", ".", "N/A", "1 2"] {
            let csv = "id,age\n1,63\n2,\"\(bad)\"\n3,xyz\n"
            let t = try CSVTable(string: csv, sourceName: "lung.csv")
            let error = tabularError { _ = try t.numericColumn("age") }
            #expect(error == .notANumber(file: "lung.csv", row: 3, line: 3, column: "age", value: bad), "\(bad)")
            #expect(error?.description == "lung.csv, row 3, column \"age\": \"\(bad)\" is not a number")
            #expect(try !t.isNumeric(column: "age"))
        }
    }

    @Test("a row after a multi-line quoted field: message gives row and line")
    func rowVersusLine() throws {
        let t = try CSVTable(string: "note,age\n\"a\nb\",1\nx,abc\n", sourceName: "m.csv")
        let error = tabularError { _ = try t.numericColumn("age") }
        #expect(error == .notANumber(file: "m.csv", row: 3, line: 4, column: "age", value: "abc"))
        #expect(error?.description == "m.csv, row 3 (line 4), column \"age\": \"abc\" is not a number")
    }

    @Test("messages escape quotes and line breaks in values")
    func escapedValues() throws {
        let t = try CSVTable(string: "age\n\"6\"\"3\nx\"\n", sourceName: "esc.csv")
        let error = tabularError { _ = try t.numericColumn("age") }
        #expect(error?.description == "esc.csv, row 2, column \"age\": \"6\\\"3\\nx\" is not a number")
    }

    @Test("number parsing is correctly rounded, fast path and slow path alike")
    func numberParsing() throws {
        let samples = [
            "0", "-0", "1", "0.1", "0.3", "123456789012345", "1234567890123456789", "3.141592653589793238462643",
            "1e22", "1e23", "1e-22", "1e-23", "4.9e-324", "2.2250738585072014e-308", "1.7976931348623157e308",
            "0.000000000000000000000000000001", "9007199254740993", "+5", "-1.25E+3", "000123.4500",
            "2.675", "1.005", "0.1e1", "123e-5", "7.1e-10",
        ]
        let t = try CSVTable(string: "x\n" + samples.joined(separator: "\n") + "\n", sourceName: "n.csv")
        let parsed = try t.numericColumn("x")
        for (text, value) in zip(samples, parsed) {
            #expect(value == Double(text), "\(text)")
            #expect(value?.sign == Double(text)?.sign, "\(text)")
        }
    }

    @Test("rows and lines are 1-based with the header as row 1")
    func rowNumbering() throws {
        let t = try CSVTable(string: "a\n1\n2\n3\n", sourceName: "r.csv")
        #expect((0..<3).map(t.rowNumber(ofRow:)) == [2, 3, 4])
        #expect((0..<3).map(t.lineNumber(ofRow:)) == [2, 3, 4])
    }
}

@Suite("Complete cases")
struct CompleteCaseTests {
    @Test("indices of complete rows; a row missing several columns counts once in total")
    func report() throws {
        let t = try CSVTable(string: """
            time,status,age,ecog
            1,1,60,0
            2,0,,1
            3,1,NA,
            4,,70,2
            5,1,80,1
            """, sourceName: "cc.csv")
        let cc = try t.completeCases(["time", "status", "age", "ecog"])
        #expect(cc.rows == [0, 4])
        #expect(cc.report.consideredRows == 5)
        #expect(cc.report.excludedRows == 3)
        #expect(cc.report.includedRows == 2)
        #expect(cc.report.byColumn == [
            .init(column: "time", count: 0), .init(column: "status", count: 1),
            .init(column: "age", count: 2), .init(column: "ecog", count: 1),
        ])
        #expect(cc.report.summary == "3 of 5 rows excluded for missing values (status: 1, age: 2, ecog: 1)")

        let none = try t.completeCases(["time"])
        #expect(none.rows == [0, 1, 2, 3, 4])
        #expect(none.report.summary == "no rows excluded for missing values")

        // Duplicate names count once; a subset of rows can be given.
        let sub = try t.completeCases(["age", "age"], among: [1, 3, 4])
        #expect(sub.rows == [3, 4])
        #expect(sub.report == MissingValueReport(consideredRows: 3, excludedRows: 1,
                                                 byColumn: [.init(column: "age", count: 1)]))
    }

    @Test("report is Codable")
    func codable() throws {
        let report = MissingValueReport(consideredRows: 10, excludedRows: 2,
                                        byColumn: [.init(column: "age", count: 2)])
        let data = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(MissingValueReport.self, from: data) == report)
    }

    @Test("unknown column in the list")
    func unknown() throws {
        let t = try CSVTable(string: "a,b\n1,2\n", sourceName: "cc.csv")
        let error = tabularError { _ = try t.completeCases(["a", "c"]) }
        #expect(error?.description == "cc.csv: no column \"c\"; the columns are \"a\", \"b\"")
    }
}

@Suite("Large columns")
struct LargeColumnTests {
    /// Columns of more than 2¹⁹ rows start as missing markers written in parallel blocks; every row the
    /// scan leaves alone (missing cells) keeps its marker, in both halves and at block edges.
    @Test("missing markers of large columns survive the parallel fill")
    func parallelFill() throws {
        let n = (1 << 19) + (1 << 18) + 7
        var text = "time,status,x\n"
        text.reserveCapacity(n * 12)
        for r in 0..<n {
            text += "\(r),\(r % 3 == 0 ? "" : "1"),\(r % 5 == 0 ? "NA" : "2.5")\n"
        }
        let t = try CSVTable(string: text, sourceName: "large.csv")
        let set = try t.columns(numbers: ["time", "x"], events: ["status"])
        let time = try #require(set.numbers["time"]).values
        let x = try #require(set.numbers["x"]).values
        let status = try #require(set.events["status"])
        #expect(time.count == n && x.count == n && status.count == n)
        var wrong = 0
        for r in 0..<n {
            if time[r] != Double(r) { wrong += 1 }
            if r % 5 == 0 { if !x[r].isNaN { wrong += 1 } } else if x[r] != 2.5 { wrong += 1 }
            if r % 3 == 0 { if status[r] != -1 { wrong += 1 } } else if status[r] != 1 { wrong += 1 }
        }
        #expect(wrong == 0)
        #expect(filledInParallel(Int8(-1), count: n).allSatisfy { $0 == -1 })
    }
}
