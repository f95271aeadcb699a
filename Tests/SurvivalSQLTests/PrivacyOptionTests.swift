import Foundation
import Survival
import SurvivalSQL
import TableAnalysis
import Tabular
import Testing

/// `--time-grid` and `--min-cell` do what the documentation says: the estimates from the database equal the
/// file mode on the subject rows with their times rounded up to the grid, and with the rows of the
/// suppressed cells left out; no released cell is smaller than the minimum, and no Cox query returns a
/// single subject's value.
@Suite(.enabled(if: PostgresServer.available), .serialized)
struct PrivacyOptionTests {
    let server: PostgresServer

    init() throws {
        server = try #require(PostgresServer.shared)
        let admin = try PostgresConnection(url: server.url)
        try FixtureData.load("lung.csv", as: "lung_privacy", into: admin)
    }

    func session(_ privacy: PrivacyOptions) throws -> SurvivalDatabase {
        try SurvivalDatabase(url: server.url, source: .table("lung_privacy"), privacy: privacy)
    }

    /// The lung fixture rewritten: `time` rounded up to the grid, and only the rows `keep` accepts.
    func lung(grid: Double? = nil, keep: (_ time: Double, _ row: Int) -> Bool = { _, _ in true }) throws -> CSVTable {
        let csv = try FixtureData.table("lung.csv")
        let columns = try csv.columnNames.map { try csv.stringColumn($0) }
        let t = try #require(csv.columnNames.firstIndex(of: "time"))
        var text = csv.columnNames.joined(separator: ",") + "\n"
        for r in 0..<csv.rowCount {
            var time = DecimalNumber.parse(columns[t][r]!)!
            if let grid { time = (time / grid).rounded(.up) * grid }
            guard keep(time, r) else { continue }
            var cells = columns.map { $0[r] ?? "NA" }
            cells[t] = "\(time)"
            text += cells.joined(separator: ",") + "\n"
        }
        return try CSVTable(string: text)
    }

    @Test func timeGridEqualsTheFileModeOnRoundedTimes() throws {
        let db = try session(PrivacyOptions(timeGrid: 7))
        let weekly = try lung(grid: 7)
        #expect(try differences(KaplanMeierAnalysis.run(table: weekly, time: "time", event: "status", group: "sex",
                                                        at: [182, 365]),
                                db.kaplanMeier(time: "time", event: "status", group: "sex", at: [182, 365])) == [])
        #expect(try differences(LogRankAnalysis.run(table: weekly, time: "time", event: "status", group: "sex",
                                                    strata: "ph.ecog"),
                                db.logRank(time: "time", event: "status", group: "sex", strata: "ph.ecog")) == [])
        var cox = try CoxAnalysis.run(
            table: weekly, time: "time", event: "status", covariates: ["age", "sex", "ph.ecog"])
        let got = try db.cox(time: "time", event: "status", covariates: ["age", "sex", "ph.ecog"])
        cox.concordance = got.concordance
        cox.warnings = got.warnings
        #expect(try differences(cox, got) == [])
        // the times that left the database are multiples of the grid
        let km = try db.kaplanMeier(time: "time", event: "status")
        #expect(km.strata[0].table.allSatisfy { $0.time.truncatingRemainder(dividingBy: 7) == 0 })
        // no Cox query returned a smallest or largest value (each is one subject's)
        #expect(!db.statements.contains { $0.contains("MIN(") || $0.contains("MAX(") })
    }

    @Test func minimumCellCountLeavesOutTheRowsOfSmallCells() throws {
        let file = try FixtureData.table("lung.csv")
        let time = try file.numericColumn("time"), status = try file.stringColumn("status"),
            sex = try file.stringColumn("sex")
        for (k, grid) in [(3, nil), (5, 7.0)] as [(Int, Double?)] {
            let db = try session(PrivacyOptions(minimumCellCount: k, timeGrid: grid))
            // every released cell holds at least k rows
            let query = SurvivalAggregateQuery(time: "time", event: "status", group: "sex",
                                               privacy: PrivacyOptions(minimumCellCount: k, timeGrid: grid))
            let cells = try db.connection.query(query.sql(from: .table("lung_privacy"), dialect: .postgres))
            let n = try cells.column("n")
            #expect(!cells.rows.isEmpty && cells.rows.allSatisfy { Int($0[n]!)! >= k })
            // the estimates: the file mode on the rows of the cells released
            func key(_ t: Double, _ r: Int) -> String { "\(sex[r] ?? "NA")|\(t)|\(status[r] ?? "NA")" }
            var size: [String: Int] = [:]
            for r in 0..<file.rowCount {
                let t = grid.map { (time[r]! / $0).rounded(.up) * $0 } ?? time[r]!
                size[key(t, r), default: 0] += 1
            }
            let kept = try lung(grid: grid) { t, r in size[key(t, r)]! >= k }
            #expect(kept.rowCount < file.rowCount)
            let expected = try KaplanMeierAnalysis.run(
                table: kept, time: "time", event: "status", group: "sex", at: [182, 365])
            let got = try db.kaplanMeier(time: "time", event: "status", group: "sex", at: [182, 365])
            #expect(try differences(expected, got) == [], "min-cell \(k) grid \(grid ?? 0)")
            #expect(got.rowsUsed == kept.rowCount)
            #expect(try differences(LogRankAnalysis.run(table: kept, time: "time", event: "status", group: "sex"),
                                    db.logRank(time: "time", event: "status", group: "sex")) == [])
        }
    }

    /// Cox with a minimum cell count: the Newton-step cells (stratum, time) under the minimum are left out of
    /// the partial likelihood; the fit equals the file mode on the rows of the released times.
    @Test func minimumCellCountInCox() throws {
        let k = 2
        let db = try session(PrivacyOptions(minimumCellCount: k))
        let covariates = ["age", "sex", "ph.ecog"]
        let file = try FixtureData.table("lung.csv")
        let time = try file.numericColumn("time")
        let used = try (["time", "status"] + covariates).map { try #require(file.columnNames.firstIndex(of: $0)) }
        let complete = (0..<file.rowCount).filter { r in used.allSatisfy { !file.isMissing(row: r, column: $0) } }
        var size: [Double: Int] = [:]
        for r in complete { size[time[r]!, default: 0] += 1 }
        let completeSet = Set(complete)
        let kept = try lung { t, r in completeSet.contains(r) && size[t]! >= k }
        let expected = try CoxAnalysis.run(table: kept, time: "time", event: "status", covariates: covariates)
        let got = try db.cox(time: "time", event: "status", covariates: covariates)
        #expect(try differences(expected.terms, got.terms, relative: 1e-9) == [])
        #expect(try differences(expected.loglik, got.loglik, relative: 1e-9) == [])
        #expect(try differences(expected.tests, got.tests, relative: 1e-9) == [])
    }
}
