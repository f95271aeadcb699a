import Foundation
import Testing
@testable import Tabular

@Suite("Model matrix")
struct ModelMatrixTests {
    static let table: CSVTable = try! CSVTable(string: """
        id,age,sex,stage,grade,site,const
        1,60,M,II,1,liver,x
        2,55,F,I,2,lung,x
        3,70,M,III,1,liver,x
        4,NA,F,II,3,bone,x
        5,65,f,I,2,liver,x
        6,50,M,II,3,Lung,x
        """, sourceName: "mm.csv")

    @Test("numeric as is; categorical dummy-coded against the first byte-wise sorted level")
    func defaults() throws {
        let m = try ModelMatrix.build(table: Self.table, covariates: ["age", "stage", "sex"],
                                      rows: [0, 1, 2, 4, 5])
        #expect(m.termNames == ["age", "stage=II", "stage=III", "sex=M", "sex=f"])
        #expect(m.columns == [
            [60, 55, 70, 65, 50],
            [1, 0, 0, 0, 1],
            [0, 0, 1, 0, 0],
            [1, 0, 1, 0, 1],
            [0, 0, 0, 1, 0],
        ])
        #expect(m.rows == [0, 1, 2, 4, 5])
        #expect(m.covariates.map(\.name) == ["age", "stage", "sex"])
        #expect(m.covariates[0].isCategorical == false)
        #expect(m.covariates[0].terms == 0..<1)
        // Byte-wise (C locale) order: uppercase before lowercase.
        #expect(m.covariates[2].levels == ["F", "M", "f"])
        #expect(m.covariates[2].reference == "F")
        #expect(m.covariates[2].terms == 3..<5)
    }

    @Test("reference level overrides; levels come from the selected rows only")
    func reference() throws {
        let m = try ModelMatrix.build(table: Self.table, covariates: ["site"],
                                      reference: ["site": "liver"], rows: [0, 1, 2, 4])
        // "bone" (row 3) and "Lung" (row 5) are not selected, so they are not levels.
        #expect(m.covariates[0].levels == ["liver", "lung"])
        #expect(m.termNames == ["site=lung"])
        #expect(m.columns == [[0, 1, 0, 0]])
    }

    @Test("a numeric column becomes categorical when listed or given a reference; levels sort as text")
    func forcedCategorical() throws {
        let listed = try ModelMatrix.build(table: Self.table, covariates: ["grade"], categorical: ["grade"],
                                           rows: Array(0..<6))
        #expect(listed.termNames == ["grade=2", "grade=3"])
        #expect(listed.columns == [[0, 1, 0, 0, 1, 0], [0, 0, 0, 1, 0, 1]])
        let referenced = try ModelMatrix.build(table: Self.table, covariates: ["grade"],
                                               reference: ["grade": "3"], rows: Array(0..<6))
        #expect(referenced.termNames == ["grade=1", "grade=2"])
        let t = try CSVTable(string: "n\n9\n10\n9\n", sourceName: "n.csv")
        let text = try ModelMatrix.build(table: t, covariates: ["n"], categorical: ["n"], rows: [0, 1, 2])
        #expect(text.termNames == ["n=9"])  // "10" < "9" byte-wise, so "10" is the reference
    }

    @Test("empty covariate list and empty row list")
    func empties() throws {
        let none = try ModelMatrix.build(table: Self.table, covariates: [], rows: [0, 1])
        #expect(none.columns.isEmpty && none.termNames.isEmpty)
        let noRows = try ModelMatrix.build(table: Self.table, covariates: ["age"], rows: [])
        #expect(noRows.columns == [[]])
    }

    @Test("unknown reference level lists the levels")
    func unknownReference() {
        let error = tabularError {
            _ = try ModelMatrix.build(table: Self.table, covariates: ["stage"], reference: ["stage": "IV"],
                                      rows: [0, 1, 2])
        }
        #expect(error == .unknownReferenceLevel(file: "mm.csv", column: "stage", level: "IV",
                                                levels: ["I", "II", "III"]))
        #expect(error?.description == "mm.csv, column \"stage\": reference level \"IV\" does not occur"
            + " in the selected rows; the levels are \"I\", \"II\", \"III\"")
    }

    @Test("a categorical column with one level (or none) in the selected rows")
    func tooFewLevels() {
        let one = tabularError { _ = try ModelMatrix.build(table: Self.table, covariates: ["const"], rows: [0, 1]) }
        #expect(one == .tooFewLevels(file: "mm.csv", column: "const", levels: ["x"]))
        #expect(one?.description == "mm.csv, column \"const\": only one level (\"x\") in the selected rows;"
            + " a categorical covariate needs at least two levels")
        let oneSelected = tabularError {
            _ = try ModelMatrix.build(table: Self.table, covariates: ["sex"], rows: [0, 2])
        }
        #expect(oneSelected == .tooFewLevels(file: "mm.csv", column: "sex", levels: ["M"]))
        let none = tabularError { _ = try ModelMatrix.build(table: Self.table, covariates: ["sex"], rows: []) }
        #expect(none?.description == "mm.csv, column \"sex\": no values in the selected rows;"
            + " a categorical covariate needs at least two levels")
    }

    @Test("a missing value in a selected row names file, row and column")
    func missing() {
        let error = tabularError { _ = try ModelMatrix.build(table: Self.table, covariates: ["age"], rows: [0, 3]) }
        #expect(error == .missingValue(file: "mm.csv", row: 5, line: 5, column: "age"))
        #expect(
            error?.description == "mm.csv, row 5, column \"age\": the value is missing (select complete cases first)")
    }

    @Test("unknown covariate, covariate listed twice, reference for a non-covariate")
    func argumentErrors() {
        let unknown = tabularError { _ = try ModelMatrix.build(table: Self.table, covariates: ["agee"], rows: [0]) }
        #expect(unknown == .unknownColumn(file: "mm.csv", column: "agee",
                                          available: ["id", "age", "sex", "stage", "grade", "site", "const"]))
        let twice = tabularError {
            _ = try ModelMatrix.build(table: Self.table, covariates: ["age", "sex", "age"], rows: [0])
        }
        #expect(twice == .duplicateCovariate(file: "mm.csv", column: "age"))
        #expect(twice?.description == "mm.csv: covariate \"age\" is listed more than once")
        let stray = tabularError {
            _ = try ModelMatrix.build(table: Self.table, covariates: ["age", "sex"], reference: ["sexx": "M"],
                                      rows: [0, 1])
        }
        #expect(stray == .referenceForNonCovariate(file: "mm.csv", column: "sexx", covariates: ["age", "sex"]))
        #expect(stray?.description == "mm.csv: a reference level is given for \"sexx\", which is not among"
            + " the covariates (\"age\", \"sex\")")
    }

    @Test("complete cases feed the model matrix")
    func withCompleteCases() throws {
        let cc = try Self.table.completeCases(["age", "sex"])
        #expect(cc.rows == [0, 1, 2, 4, 5])
        let m = try ModelMatrix.build(table: Self.table, covariates: ["age", "sex"], rows: cc.rows)
        #expect(m.columns[0] == [60, 55, 70, 65, 50])
    }
}

@Suite("CSV speed", .enabled(if: ProcessInfo.processInfo.environment["POF_BENCH"] != nil))
struct CSVSpeedTests {
    /// Run with `POF_BENCH=1 swift test -c release --filter CSVSpeedTests`.
    @Test("1,000,000 rows × 10 columns")
    func millionRows() throws {
        var text = "id,time,status,age,sex,stage,afp,dose,site,note\n"
        text.reserveCapacity(80_000_000)
        let sites = ["infield", "intrahepatic-outfield", "extrahepatic"]
        for i in 0..<1_000_000 {
            let note = i % 97 == 0 ? "\"quoted, with comma\"" : "ok"
            text += "\(i),\(Double(i % 3650) / 30.4375),\(i % 2),\(40 + i % 45),\(i % 3 == 0 ? "F" : "M"),"
            text += "\(["I", "II", "III"][i % 3]),\(i % 11 == 0 ? "NA" : String(i % 9000)),\(45 + i % 20),"
            text += "\(sites[i % 3]),\(note)\n"
        }
        let bytes = Array(text.utf8)
        let clock = ContinuousClock()
        var table: CSVTable?
        let parse = clock.measure { table = try? CSVTable(bytes: bytes, sourceName: "big.csv") }
        let t = try #require(table)
        #expect(t.rowCount == 1_000_000)
        var ages: [Double?] = []
        let numeric = clock.measure { ages = (try? t.numericColumn("time")) ?? [] }
        #expect(ages.count == 1_000_000)
        var strings: [String?] = []
        let text2 = clock.measure { strings = (try? t.stringColumn("site")) ?? [] }
        #expect(strings.count == 1_000_000)
        print("CSV speed: \(bytes.count) bytes; parse \(parse); numericColumn \(numeric); stringColumn \(text2)")
    }
}
