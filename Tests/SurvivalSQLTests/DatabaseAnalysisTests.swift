import Foundation
import Survival
import SurvivalSQL
import TableAnalysis
import Tabular
import Testing

/// The analyses run inside a real PostgreSQL (started by the tests) equal the file mode on the same
/// committed fixture data to 1e-10 relative: every number of the JSON output, exclusions included.
@Suite(.enabled(if: PostgresServer.available), .serialized)
struct DatabaseAnalysisTests {
    let server: PostgresServer

    init() throws {
        server = try #require(PostgresServer.shared)
    }

    /// Loads a fixture into a table named after it and opens an analysis session on it.
    func database(_ file: String, table: String) throws -> SurvivalDatabase {
        let admin = try PostgresConnection(url: server.url)
        try FixtureData.load(file, as: table, into: admin)
        return try SurvivalDatabase(url: server.url, source: .table(table))
    }

    @Test func kaplanMeierByGroupWithMissingValues() throws {
        let db = try database("lung.csv", table: "lung_km")
        let file = try FixtureData.table("lung.csv")
        for group in [nil, "sex", "ecog", "ph.ecog"] as [String?] {
            let expected = try KaplanMeierAnalysis.run(table: file, time: "time", event: "status", group: group,
                                                       at: [100, 365, 730])
            let got = try db.kaplanMeier(time: "time", event: "status", group: group, at: [100, 365, 730])
            #expect(try differences(expected, got) == [], "group \(group ?? "none")")
            #expect(got.text == expected.text)
            #expect(got.csv == expected.csv)
        }
        let plain = try db.kaplanMeier(time: "time", event: "status", group: "sex", confidenceType: .logLog, confidenceLevel: 0.9)
        let plainFile = try KaplanMeierAnalysis.run(table: file, time: "time", event: "status", group: "sex",
                                                    confidenceType: .logLog, confidenceLevel: 0.9)
        #expect(try differences(plainFile, plain) == [])
    }

    @Test func kaplanMeierCountsMissingValuesAsTheFileModeDoes() throws {
        let db = try database("missing.csv", table: "missing_km")
        let file = try FixtureData.table("missing.csv")
        let expected = try KaplanMeierAnalysis.run(table: file, time: "time", event: "status", group: "sex_label")
        let got = try db.kaplanMeier(time: "time", event: "status", group: "sex_label")
        #expect(got.excludedRows == expected.excludedRows && got.excludedRows > 0)
        #expect(try differences(expected, got) == [])
    }

    @Test func logRankStratifiedWithTiesAndRho() throws {
        let db = try database("lung.csv", table: "lung_lr")
        let file = try FixtureData.table("lung.csv")
        for (strata, rho) in [(nil, 0.0), ("ph.ecog", 0.0), ("inst", 1.0), (nil, 0.5)] as [(String?, Double)] {
            let expected = try LogRankAnalysis.run(table: file, time: "time", event: "status", group: "sex",
                                                   strata: strata, rho: rho)
            let got = try db.logRank(time: "time", event: "status", group: "sex", strata: strata, rho: rho)
            #expect(try differences(expected, got) == [], "strata \(strata ?? "none") rho \(rho)")
        }
        let ties = try database("heavy_ties.csv", table: "ties_lr")
        let tiesFile = try FixtureData.table("heavy_ties.csv")
        #expect(try differences(LogRankAnalysis.run(table: tiesFile, time: "time", event: "status", group: "group"),
                                ties.logRank(time: "time", event: "status", group: "group")) == [])
    }

    @Test func cumulativeIncidenceAndGrayTest() throws {
        let db = try database("melanoma.csv", table: "melanoma_ci")
        let file = try FixtureData.table("melanoma.csv")
        for group in [nil, "sex", "ulcer"] as [String?] {
            let expected = try CumulativeIncidenceAnalysis.run(table: file, time: "time", event: "status", group: group,
                                                               censorCode: 2, at: [500, 1000, 2000, 5000])
            let got = try db.cumulativeIncidence(time: "time", event: "status", group: group, censorCode: 2,
                                                 at: [500, 1000, 2000, 5000])
            #expect(try differences(expected, got) == [], "group \(group ?? "none")")
        }
        let sim = try database("competing_sim.csv", table: "competing_ci")
        let simFile = try FixtureData.table("competing_sim.csv")
        #expect(try differences(CumulativeIncidenceAnalysis.run(table: simFile, time: "time", event: "status", group: "group"),
                                sim.cumulativeIncidence(time: "time", event: "status", group: "group")) == [])
    }

    /// Cox: coefficients, variances, log-likelihoods and tests equal the in-memory fit (concordance is the
    /// one number not computed from per-time sums).
    @Test func coxEfronBreslowStrataWeights() throws {
        let lung = try database("lung.csv", table: "lung_cox")
        let lungFile = try FixtureData.table("lung.csv")
        let cases: [(SurvivalDatabase, CSVTable, [String], String?, String?, CoxModel.Ties)] = [
            (lung, lungFile, ["age", "sex", "ph.ecog"], nil, nil, .efron),
            (lung, lungFile, ["age", "sex", "ph.ecog"], nil, nil, .breslow),
            (lung, lungFile, ["age", "ph.karno", "wt.loss"], "sex", nil, .efron),
            (try database("weights.csv", table: "weights_cox"), try FixtureData.table("weights.csv"), ["x"], nil, "wt", .efron),
            (try database("weights.csv", table: "weights_cox2"), try FixtureData.table("weights.csv"), ["x"], nil, "wt", .breslow),
            (try database("heavy_ties.csv", table: "ties_cox"), try FixtureData.table("heavy_ties.csv"), ["x"], "group", nil, .efron),
            (try database("rossi.csv", table: "rossi_cox"), try FixtureData.table("rossi.csv"),
             ["fin", "age", "race", "wexp", "mar", "paro", "prio"], nil, nil, .efron),
        ]
        for (db, file, covariates, strata, weights, ties) in cases {
            let time = file.columnNames.contains("week") ? "week" : "time"
            let event = file.columnNames.contains("arrest") ? "arrest" : "status"
            var expected = try CoxAnalysis.run(table: file, time: time, event: event, covariates: covariates,
                                               strata: strata, weights: weights, ties: ties)
            let got = try db.cox(time: time, event: event, covariates: covariates, strata: strata, weights: weights, ties: ties)
            // what per-time sums cannot give, and says so
            #expect(got.concordance.estimate.isNaN)
            #expect(got.warnings.last?.hasPrefix("concordance not estimable") == true)
            expected.concordance = got.concordance
            expected.warnings.append(got.warnings.last!)
            #expect(try differences(expected, got) == [], "\(covariates) strata \(strata ?? "-") weights \(weights ?? "-") \(ties)")
        }
    }

    @Test func clearErrors() throws {
        let db = try database("lung.csv", table: "lung_err")
        #expect(throws: DatabaseError.self) { try db.kaplanMeier(time: "no_such_column", event: "status") }
        do {
            _ = try db.kaplanMeier(time: "no_such_column", event: "status")
        } catch {
            #expect("\(error)".contains("no_such_column"))
        }
        do {
            _ = try db.kaplanMeier(time: "sex_label", event: "status")
            Issue.record("a text time column was accepted")
        } catch {
            #expect("\(error)".contains("column \"sex_label\": not a numeric column"))
        }
        do {
            _ = try db.kaplanMeier(time: "time", event: "ph.karno")
            Issue.record("an event column holding 90 was accepted")
        } catch {
            #expect("\(error)".contains("not an event indicator"))
        }
        do {
            _ = try SurvivalDatabase(url: "postgresql://postgres@127.0.0.1:\(try PostgresServer.freePort())/postgres",
                                     source: .table("lung"))
            Issue.record("connected to a closed port")
        } catch {
            #expect("\(error)".hasPrefix("cannot connect to 127.0.0.1:"))
        }
        #expect(throws: DatabaseError.passwordInURL) {
            _ = try PostgresConnection(url: "postgresql://postgres:secret@127.0.0.1:\(server.port)/postgres")
        }
        #expect(throws: DatabaseError.passwordInURL) {
            _ = try PostgresConnection(url: "postgresql://postgres@127.0.0.1:\(server.port)/postgres?password=secret")
        }
        let timeout = try SurvivalDatabase(url: server.url + "?options=-c%20statement_timeout%3D1",
                                           source: .query("SELECT * FROM lung_err, pg_sleep(0.01)"))
        do {
            _ = try timeout.kaplanMeier(time: "time", event: "status")
            Issue.record("the statement timeout was not respected")
        } catch {
            #expect("\(error)".contains("statement timeout"))
        }
    }

    /// `pof sql` + `--aggregates`: the query's result exported as CSV finishes the fit exactly.
    @Test func exportedAggregatesFinishTheFit() throws {
        let db = try database("lung.csv", table: "lung_export")
        let file = try FixtureData.table("lung.csv")
        let query = SurvivalAggregateQuery(time: "time", event: "status", group: "sex", strata: "ph.ecog")
        let result = try db.connection.query(query.sql(from: .table("lung_export"), dialect: .postgres))
        var csv = result.columns.joined(separator: ",") + "\n"
        for row in result.rows { csv += row.map { $0 ?? "" }.joined(separator: ",") + "\n" }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pof-aggregates-\(getpid()).csv").path
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let parsed = try ParsedAggregates(QueryResult.csv(contentsOf: path), query: query, sourceName: path)
        let got = try LogRankAnalysis.run(aggregates: parsed.aggregates, groupLevels: parsed.groupLevels, time: "time",
                                          event: "status", group: "sex", strata: "ph.ecog", report: parsed.report)
        let expected = try LogRankAnalysis.run(table: file, time: "time", event: "status", group: "sex", strata: "ph.ecog")
        #expect(try differences(expected, got) == [])
    }
}
