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
        let plain = try db.kaplanMeier(
            time: "time", event: "status", group: "sex", confidenceType: .logLog, confidenceLevel: 0.9)
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
        #expect(try differences(CumulativeIncidenceAnalysis.run(table: simFile, time: "time", event: "status",
                                                                group: "group"),
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
            (try database("weights.csv", table: "weights_cox"), try FixtureData.table("weights.csv"),
             ["x"], nil, "wt", .efron),
            (try database("weights.csv", table: "weights_cox2"), try FixtureData.table("weights.csv"),
             ["x"], nil, "wt", .breslow),
            (try database("heavy_ties.csv", table: "ties_cox"), try FixtureData.table("heavy_ties.csv"),
             ["x"], "group", nil, .efron),
            (try database("rossi.csv", table: "rossi_cox"), try FixtureData.table("rossi.csv"),
             ["fin", "age", "race", "wexp", "mar", "paro", "prio"], nil, nil, .efron),
        ]
        for (db, file, covariates, strata, weights, ties) in cases {
            let time = file.columnNames.contains("week") ? "week" : "time"
            let event = file.columnNames.contains("arrest") ? "arrest" : "status"
            var expected = try CoxAnalysis.run(table: file, time: time, event: event, covariates: covariates,
                                               strata: strata, weights: weights, ties: ties)
            let got = try db.cox(
                time: time, event: event, covariates: covariates, strata: strata, weights: weights, ties: ties)
            // what per-time sums cannot give, and says so
            #expect(got.concordance.estimate.isNaN)
            #expect(got.warnings.last?.hasPrefix("concordance not estimable") == true)
            expected.concordance = got.concordance
            expected.warnings.append(got.warnings.last!)
            #expect(
                try differences(expected, got) == [],
                "\(covariates) strata \(strata ?? "-") weights \(weights ?? "-") \(ties)")
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
            // PostgreSQL words it "due to statement timeout", or "due to user request" when the timeout
            // cancels parallel workers; the SQLSTATE (57014) and pof's hint are the same either way
            #expect(
                "\(error)".contains("a statement_timeout was reached") && "\(error)".contains("[SQLSTATE 57014]"),
                "\(error)")
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
        let expected = try LogRankAnalysis.run(
            table: file, time: "time", event: "status", group: "sex", strata: "ph.ecog")
        #expect(try differences(expected, got) == [])
    }

    /// Cox by rounds from exported results: each round's query run on its own, its result saved as CSV in a
    /// directory, the fit replayed from the saved results until it finishes. Equal to the file mode.
    @Test func coxByRoundsFromExportedResults() throws {
        let db = try database("lung.csv", table: "lung_rounds")
        let file = try FixtureData.table("lung.csv")
        for (covariates, strata, ties) in [(["age", "sex", "ph.ecog"], nil, CoxModel.Ties.efron),
                                           (["age", "ph.karno"], "sex", .breslow)]
                as [([String], String?, CoxModel.Ties)] {
            let dir = try temporaryDirectory("pof-cox-rounds")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let q = CoxAggregateQuery(time: "time", event: "status", covariates: covariates, strata: strata,
                                      efron: ties == .efron)
            let fit = CoxAggregateFit(
                query: q, source: .table("lung_rounds"), dialect: .postgres, sourceName: "lung_rounds")
            var rounds: [String] = []
            var result: CoxAnalysis.Result? = nil
            while result == nil {
                do {
                    result = try fit.run { round in
                        let path = dir + "/" + round.name + ".csv"
                        guard FileManager.default.fileExists(atPath: path) else { throw CoxRoundNeeded(round: round) }
                        return try QueryResult.csv(contentsOf: path)
                    }
                } catch let needed as CoxRoundNeeded {
                    // what the analyst does: run the query where the data are and export its result
                    rounds.append(needed.round.name)
                    try csvText(db.connection.query(needed.round.sql))
                        .write(toFile: dir + "/" + needed.round.name + ".csv", atomically: true, encoding: .utf8)
                }
                #expect(rounds.count < 40)
            }
            #expect(Array(rounds.prefix(3)) == ["profile", "deviation", "step-1"])
            var expected = try CoxAnalysis.run(table: file, time: "time", event: "status", covariates: covariates,
                                               strata: strata, ties: ties)
            let got = try #require(result)
            expected.concordance = got.concordance
            expected.warnings = got.warnings
            #expect(try differences(expected, got) == [], "\(covariates) \(ties)")
            #expect(rounds.count == got.iterations + 3 || rounds.count == got.iterations + 2, "\(rounds)")
            // a result exported from another round's query is refused
            try FileManager.default.copyItem(atPath: dir + "/step-1.csv", toPath: dir + "/other.csv")
            try FileManager.default.removeItem(atPath: dir + "/step-2.csv")
            try FileManager.default.copyItem(atPath: dir + "/other.csv", toPath: dir + "/step-2.csv")
            do {
                _ = try fit.run { round in try QueryResult.csv(contentsOf: dir + "/" + round.name + ".csv") }
                Issue.record("a result of another round was accepted")
            } catch {
                #expect("\(error)".contains("was made by another query"), "\(error)")
            }
        }
    }

    /// A profile exported by an earlier version has no sums over the events: the steps then return them per
    /// cell (columns `deta`, `dx_<i>`), and the fit is the same; with them, the steps do not.
    @Test func coxStepsWithAndWithoutTheProfilesEventSums() throws {
        let db = try database("lung.csv", table: "lung_event_sums")
        let file = try FixtureData.table("lung.csv")
        for ties in [CoxModel.Ties.breslow, .efron] {
            let q = CoxAggregateQuery(time: "time", event: "status", covariates: ["age", "sex", "ph.karno"],
                                      weights: nil, efron: ties == .efron)
            let fit = CoxAggregateFit(
                query: q, source: .table("lung_event_sums"), dialect: .postgres, sourceName: "lung_event_sums")
            var expected = try CoxAnalysis.run(table: file, time: "time", event: "status",
                                               covariates: q.covariates, ties: ties)
            for legacy in [false, true] {
                var stepColumns: [String] = []
                let got = try fit.run { round in
                    var r = try db.connection.query(round.sql)
                    if case .profile = round.kind, legacy {
                        let keep = r.columns.indices.filter { !r.columns[$0].hasPrefix("event_w") }
                        r = QueryResult(columns: keep.map { r.columns[$0] },
                                        rows: r.rows.map { row in keep.map { row[$0] } })
                    }
                    if case .step = round.kind { stepColumns = r.columns }
                    return r
                }
                #expect(stepColumns.contains("dx_0") == legacy, "\(ties) \(legacy)")
                #expect(stepColumns.contains("deta") == legacy, "\(ties) \(legacy)")
                expected.concordance = got.concordance
                expected.warnings = got.warnings
                #expect(try differences(expected, got) == [], "\(ties) \(legacy)")
            }
        }
    }

    /// A wrong or missing password: a message saying authentication failed and where the password goes,
    /// never the password itself.
    @Test func authenticationFailure() throws {
        let admin = try PostgresConnection(url: server.url)
        _ = try admin.query("DROP ROLE IF EXISTS pof_secret")
        _ = try admin.query("CREATE ROLE pof_secret LOGIN PASSWORD 'right-horse-battery'")
        let hba = server.directory + "/data/pg_hba.conf"
        let original = try String(contentsOfFile: hba, encoding: .utf8)
        try ("host all pof_secret 127.0.0.1/32 scram-sha-256\n" + original)
            .write(toFile: hba, atomically: false, encoding: .utf8)
        _ = try admin.query("SELECT pg_reload_conf()")
        defer {
            try? original.write(toFile: hba, atomically: false, encoding: .utf8)
            _ = try? admin.query("SELECT pg_reload_conf()")
        }
        let dir = try temporaryDirectory("pof-pgpass")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func passfile(_ password: String) throws -> String {
            let path = dir + "/pgpass-\(password.count)"
            try "127.0.0.1:\(server.port):*:pof_secret:\(password)\n"
                .write(toFile: path, atomically: false, encoding: .utf8)
            chmod(path, 0o600)
            return path
        }
        let base = "postgresql://pof_secret@127.0.0.1:\(server.port)/postgres"
        do {
            _ = try SurvivalDatabase(url: base + "?passfile=\(dir)/none", source: .table("lung"))
            Issue.record("connected without a password")
        } catch let error as DatabaseError {
            guard case .authentication = error else { Issue.record("not an authentication error: \(error)"); return }
            #expect("\(error)".hasPrefix("authentication failed: 127.0.0.1:\(server.port)/postgres"), "\(error)")
            #expect("\(error)".contains("PGPASSWORD or ~/.pgpass"))
        }
        do {
            _ = try SurvivalDatabase(url: base + "?passfile=\(try passfile("wrong"))", source: .table("lung"))
            Issue.record("connected with a wrong password")
        } catch let error as DatabaseError {
            guard case .authentication = error else { Issue.record("not an authentication error: \(error)"); return }
            #expect("\(error)".contains("password authentication failed for user \"pof_secret\""), "\(error)")
            #expect(!"\(error)".contains("wrong"))
        }
        let ok = try PostgresConnection(url: base + "?passfile=\(try passfile("right-horse-battery"))")
        #expect(try ok.query("SELECT current_user").rows[0][0] == "pof_secret")
    }

    /// A missing column and a wrong type in a Cox model and in a query source; a failed connection.
    @Test func clearErrorsForCoxAndQueries() throws {
        let db = try database("lung.csv", table: "lung_err2")
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "no error" } catch { return "\(error)" }
        }
        #expect(message { _ = try db.cox(time: "time", event: "status", covariates: ["age", "no_such"]) }
            .contains("table lung_err2: column \"no_such\" does not exist"))
        #expect(message { _ = try db.cox(time: "time", event: "status", covariates: ["age", "sex_label"]) }
            .contains("column \"sex_label\": not a numeric column"))
        let query = try SurvivalDatabase(url: server.url, source: .query("SELECT time, status, sex FROM lung_err2"))
        #expect(message { _ = try query.logRank(time: "time", event: "status", group: "age") }
            .contains("query: column \"age\" does not exist"))
        #expect(message {
            _ = try SurvivalDatabase(url: "postgresql://postgres@127.0.0.1:1/postgres", source: .table("t"))
        }.contains("cannot connect to 127.0.0.1:1/postgres"))
        #expect(message {
            _ = try SurvivalDatabase(url: server.url, source: .table("no_such_table"))
                .kaplanMeier(time: "t", event: "e")
        }.contains("\"no_such_table\" does not exist"))
    }
}
