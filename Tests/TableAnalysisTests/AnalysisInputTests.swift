import Foundation
import Testing
import Tabular
@testable import TableAnalysis

/// ADTTE input (CSV, SAS transport v5, Dataset-JSON) and the landmark step of the table commands.
/// The transport and Dataset-JSON fixtures (Tests/Fixtures/data/adtte.{xpt,json}) were written by R from
/// adtte.csv (scripts/fixtures/make-methods-fixtures.R), and R's foreign::read.xport read the .xpt back
/// to identical values; here every cell must equal the CSV's.
@Suite struct AnalysisInputTests {
    static let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/data")

    /// IBM System/370 doubles with known values (SAS TS-140's example −118.625 among them).
    @Test func ibmFloatingPoint() {
        #expect(SASTransportFile.ibmDouble([0x41, 0x10, 0, 0, 0, 0, 0, 0]) == 1)
        #expect(SASTransportFile.ibmDouble([0x42, 0x64, 0, 0, 0, 0, 0, 0]) == 100)
        #expect(SASTransportFile.ibmDouble([0xC2, 0x76, 0xA0, 0, 0, 0, 0, 0]) == -118.625)
        #expect(SASTransportFile.ibmDouble([0x40, 0x80, 0, 0, 0, 0, 0, 0]) == 0.5)
        #expect(SASTransportFile.ibmDouble([0x41, 0x10, 0, 0]) == 1)   // a 4-byte variable
        #expect(SASTransportFile.ibmDouble([0, 0, 0, 0, 0, 0, 0, 0]) == 0)
        #expect(SASTransportFile.ibmDouble([0x2E, 0, 0, 0, 0, 0, 0, 0]) == nil)   // .
        #expect(SASTransportFile.ibmDouble([0x5F, 0, 0, 0, 0, 0, 0, 0]) == nil)   // ._
        #expect(SASTransportFile.ibmDouble([0x42, 0, 0, 0, 0, 0, 0, 0]) == nil)   // .B (special missing)
        #expect(SASTransportFile.ibmDouble([0x40, 0, 0, 0, 0, 0, 0, 0]) == 0)     // zero fraction is 0
        // 0.1: 0x40 1999999999999A (IBM's 56-bit fraction of 0.1, rounded) reads as the nearest double
        #expect(SASTransportFile.ibmDouble([0x40, 0x19, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A]) == 0.1)
    }

    static func csvColumns() throws -> (CSVTable, [String]) {
        let t = try CSVTable(contentsOf: data.appendingPathComponent("adtte.csv"))
        return (t, t.columnNames)
    }

    @Test func transportFileMatchesCSV() throws {
        let xpt = try SASTransportFile(contentsOf: Self.data.appendingPathComponent("adtte.xpt"))
        let (csv, names) = try Self.csvColumns()
        #expect(xpt.datasetName == "ADTTE")
        #expect(xpt.variables.map(\.name) == names)
        #expect(xpt.variables.first { $0.name == "AVAL" }?.label == "Analysis Value")
        #expect(xpt.rowCount == csv.rowCount)
        for (k, name) in names.enumerated() {
            switch xpt.columns[k] {
            case .numbers(let v):
                let ref = try csv.numericColumn(name)
                #expect(v == ref, "\(name)")
            case .strings(let v):
                let ref = try csv.stringColumn(name)
                #expect(v == ref, "\(name)")
            }
        }
    }

    @Test func datasetJSONMatchesCSV() throws {
        let d = try DatasetJSON(contentsOf: Self.data.appendingPathComponent("adtte.json"))
        let (csv, names) = try Self.csvColumns()
        #expect(d.name == "ADTTE")
        #expect(d.columns.map(\.name) == names)
        #expect(d.rows.count == csv.rowCount)
        for (k, name) in names.enumerated() {
            if d.columns[k].dataType == "string" {
                #expect(d.rows.map { $0[k] } == (try csv.stringColumn(name)), "\(name)")
            } else {
                #expect(d.rows.map { $0[k].flatMap(DecimalNumber.parse) } == (try csv.numericColumn(name)), "\(name)")
            }
        }
    }

    @Test func adtteMappingInEveryFormat() throws {
        var tables: [CSVTable] = []
        for ext in ["csv", "xpt", "json"] {
            let p = try AnalysisInput.adtte(path: Self.data.appendingPathComponent("adtte.\(ext)").path, paramcd: "PFS")
            #expect(p.time == "AVAL" && p.event == "CNSR=0")
            #expect(p.preparation.adtte?.otherEndpointRows == 228)
            #expect(p.preparation.adtte?.format == ["csv": "csv", "xpt": "xpt", "json": "dataset-json"][ext])
            tables.append(p.table)
        }
        let reference = try tables[0].numericColumn("AVAL")
        for t in tables {
            #expect(try t.numericColumn("AVAL") == reference)
            #expect(try t.eventColumn("CNSR=0") == (try tables[0].eventColumn("CNSR=0")))
            #expect(t.rowCount == 228)
        }
        // events are the CNSR = 0 rows of PFS
        let csv = try CSVTable(contentsOf: Self.data.appendingPathComponent("adtte.csv"))
        let cnsr = try csv.numericColumn("CNSR"), param = try csv.stringColumn("PARAMCD")
        let expected = zip(cnsr, param).filter { $0.1 == "PFS" }.map { $0.0 == 0 }
        #expect(try tables[1].eventColumn("CNSR=0").compactMap { $0 } == expected)
    }

    @Test func adtteErrorsNameTheProblem() throws {
        let path = Self.data.appendingPathComponent("adtte.csv").path
        #expect(throws: AnalysisError.self) { try AnalysisInput.adtte(path: path) }   // two endpoints
        do { _ = try AnalysisInput.adtte(path: path); Issue.record("no error") } catch {
            #expect("\(error)".contains("OS, PFS") && "\(error)".contains("--paramcd"))
        }
        do { _ = try AnalysisInput.adtte(path: path, paramcd: "DFS"); Issue.record("no error") } catch {
            #expect("\(error)".contains("\"DFS\" does not occur"))
        }
        do { _ = try AnalysisInput.adtte(path: path, time: "AVALX", paramcd: "OS"); Issue.record("no error") } catch {
            #expect("\(error)".contains("AVALX"))
        }
        let bad = try CSVTable(string: "USUBJID,AVAL,CNSR\n1,10,0\n2,12,1.5\n", sourceName: "bad.csv")
        do { _ = try AnalysisInput.adtte(path: "bad.csv", table: bad); Issue.record("no error") } catch {
            #expect("\(error)".contains("bad.csv, row 3, column \"CNSR\""))
        }
        let noCensor = try CSVTable(string: "AVAL\n1\n", sourceName: "x.csv")
        #expect(throws: TabularError.self) { try AnalysisInput.adtte(path: "x.csv", table: noCensor) }
        #expect(throws: TabularError.self) {
            try SASTransportFile(
                bytes: Array("not a transport file".utf8) + [UInt8](repeating: 32, count: 700), sourceName: "x.xpt")
        }
        #expect(throws: TabularError.self) {
            try DatasetJSON(bytes: Array("{\"rows\": [1,".utf8), sourceName: "x.json")
        }
    }

    /// Rows ended at or before the landmark are left out and counted; kept times are measured from it; a
    /// bad cell in a later row is reported with the row number of the source file.
    @Test func landmarkKeepsRowNumbers() throws {
        let t = try CSVTable(
            string: "time,status,arm\n5,1,a\n8,0,b\n12,1,a\n\n15,1,\"b,2\"\n20,0,zz\n", sourceName: "lm.csv")
        let p = try AnalysisInput.landmark(AnalysisInput.csv(t, time: "time", event: "status"), at: 8)
        #expect(
            p.preparation.landmark == LandmarkSelection(time: 8, rowsKept: 3, excludedEvents: 1, excludedCensored: 1))
        #expect(try p.table.numericColumn("time").compactMap { $0 } == [4, 7, 12])
        #expect(try p.table.stringColumn("arm").compactMap { $0 } == ["a", "b,2", "zz"])
        let rows = (0..<p.table.rowCount).map { p.table.rowNumber(ofRow: $0) }
        #expect(rows == [4, 6, 7])
        #expect(throws: AnalysisError.self) {
            try AnalysisInput.landmark(AnalysisInput.csv(t, time: "time", event: "status"), at: 20)
        }
    }

    /// Dataset-JSON's other layouts: NDJSON (metadata line, then one row per line) and version 1.0
    /// (`clinicalData` → `itemGroupData`); numbers keep their text, escapes are decoded.
    @Test func datasetJSONLayouts() throws {
        let nd = """
        {"datasetJSONVersion":"1.1.0","name":"ADTTE","columns":[{"name":"USUBJID","dataType":"string"},\
        {"name":"AVAL","dataType":"double"},{"name":"CNSR","dataType":"integer"}]}
        ["S-1\\u00e9\\"x",1.50e2,0]
        ["S-2",null,1]
        """
        let d = try DatasetJSON(bytes: Array(nd.utf8), sourceName: "a.ndjson")
        #expect(d.name == "ADTTE" && d.rows.count == 2)
        #expect(d.rows[0] == ["S-1é\"x", "1.50e2", "0"])
        #expect(d.rows[1] == ["S-2", nil, "1"])
        let v10 = """
        {"clinicalData":{"studyOID":"X","itemGroupData":{"IG.ADTTE":{"records":1,"name":"ADTTE",
         "items":[{"OID":"ITEMGROUPDATASEQ","name":"ITEMGROUPDATASEQ","type":"integer"},\
        {"OID":"IT.AVAL","name":"AVAL","type":"float"}],
         "itemData":[[1, 12.5]]}}}}
        """
        let e = try DatasetJSON(bytes: Array(v10.utf8), sourceName: "b.json")
        #expect(e.name == "ADTTE" && e.columns.map(\.name) == ["ITEMGROUPDATASEQ", "AVAL"] && e.rows == [["1", "12.5"]])
        #expect(throws: TabularError.self) {
            try DatasetJSON(bytes: Array(#"{"columns":[{"name":"A"}],"rows":[[1,2]]}"#.utf8), sourceName: "c.json")
        }
        #expect(throws: TabularError.self) {
            try DatasetJSON(bytes: Array(String(repeating: "[", count: 100).utf8), sourceName: "d.json")
        }
    }
}
