import Foundation
import Survival
import SurvivalSQL
import TableAnalysis
import Tabular
import Testing

/// A table partitioned over three PostgreSQL servers with postgres_fdw (three shards and a coordinator,
/// all started by the test on loopback ports): the same results as the file mode, and the plan sends the
/// GROUP BY to every shard (no subject-level row crosses the network).
/// Whether PostgreSQL and postgres_fdw are here (printing SKIPPED otherwise).
func shardingAvailable() -> Bool {
    guard PostgresServer.available else { return false }
    let found = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/share/postgresql")) ?? [])
        .contains {
            FileManager.default.fileExists(atPath: "/usr/share/postgresql/\($0)/extension/postgres_fdw.control")
        }
    if !found {
        FileHandle.standardError.write(
            Data("SKIPPED: sharded tests: postgres_fdw (postgresql-contrib) not installed\n".utf8))
    }
    return found
}

@Suite(.enabled(if: shardingAvailable()), .serialized)
struct ShardedDatabaseTests {
    @Test func partitionedOverThreeServers() throws {
        let coordinator = try #require(PostgresServer.shared)
        let shards = try (1...3).map { _ in try PostgresServer() }
        let csv = try FixtureData.table("lung.csv")
        // each shard holds the rows of its site
        for (k, shard) in shards.enumerated() {
            let db = try PostgresConnection(url: shard.url)
            for s in try FixtureData.loadStatements(csv, as: "lung_shard", extra: ("site", { $0 % 3 + 1 })) {
                _ = try db.query(s)
            }
            _ = try db.query("DELETE FROM lung_shard WHERE site <> \(k + 1)")
            _ = try db.query("ANALYZE lung_shard")
        }
        let admin = try PostgresConnection(url: coordinator.url)
        let create = try FixtureData.loadStatements(csv, as: "lung_sharded", extra: ("site", { $0 % 3 + 1 }))[1]
        _ = try admin.query("CREATE EXTENSION IF NOT EXISTS postgres_fdw")
        _ = try admin.query("DROP TABLE IF EXISTS lung_sharded CASCADE")
        _ = try admin.query(create + " PARTITION BY LIST (site)")
        for (k, shard) in shards.enumerated() {
            _ = try admin.query("DROP SERVER IF EXISTS shard\(k + 1) CASCADE")
            _ = try admin.query("""
                CREATE SERVER shard\(k + 1) FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', \
                port '\(shard.port)', dbname 'postgres', use_remote_estimate 'true', fdw_tuple_cost '1')
                """)
            _ = try admin.query("CREATE USER MAPPING FOR postgres SERVER shard\(k + 1) OPTIONS (user 'postgres')")
            _ = try admin.query("""
                CREATE FOREIGN TABLE lung_sharded_\(k + 1) PARTITION OF lung_sharded FOR VALUES IN (\(k + 1)) \
                SERVER shard\(k + 1) OPTIONS (table_name 'lung_shard')
                """)
        }
        let db = try SurvivalDatabase(url: coordinator.url, source: .table("lung_sharded"), partitionKey: "site")
        #expect(try differences(LogRankAnalysis.run(table: csv, time: "time", event: "status", group: "sex",
                                                    strata: "ph.ecog"),
                                db.logRank(time: "time", event: "status", group: "sex", strata: "ph.ecog")) == [])
        _ = try admin.query("SET enable_partitionwise_aggregate = on")
        let plan = try admin.query("EXPLAIN VERBOSE " + db.statements.last!)
        let remote = plan.rows.compactMap { $0[0] }.filter { $0.contains("Remote SQL:") }
        #expect(remote.count == 3, "\(plan.rows)")
        #expect(remote.allSatisfy { $0.contains("GROUP BY") && $0.contains("count(*)") }, "\(remote)")
        #expect(try differences(KaplanMeierAnalysis.run(table: csv, time: "time", event: "status", group: "sex",
                                                        at: [365]),
                                db.kaplanMeier(time: "time", event: "status", group: "sex", at: [365])) == [])
        // Cox: every aggregate query (profile, deviation, each Newton step) runs on the shards
        let coxSession = try SurvivalDatabase(
            url: coordinator.url, source: .table("lung_sharded"), partitionKey: "site")
        for ties in [CoxModel.Ties.breslow, .efron] {
            var cox = try CoxAnalysis.run(table: csv, time: "time", event: "status",
                                          covariates: ["age", "sex", "ph.ecog"], strata: "inst", ties: ties)
            let got = try coxSession.cox(time: "time", event: "status", covariates: ["age", "sex", "ph.ecog"],
                                         strata: "inst", ties: ties)
            cox.concordance = got.concordance
            cox.warnings = got.warnings
            #expect(try differences(cox, got) == [], "\(ties)")
        }
        let aggregating = coxSession.statements.filter { $0.hasPrefix("SELECT") && !$0.hasSuffix("WHERE 1 = 0") }
        #expect(aggregating.filter { $0.contains("AS max_eta") }.count >= 6, "one query per Newton step")
        for statement in aggregating {
            let plan = try admin.query("EXPLAIN VERBOSE " + statement).rows.compactMap { $0[0] }
            let remote = plan.filter { $0.contains("Remote SQL:") }
            #expect(remote.count == 3, "\(statement.prefix(80)): \(plan)")
            // each shard returns its own sums: the aggregate and its GROUP BY are in the SQL sent to it
            #expect(remote.allSatisfy { $0.contains("GROUP BY") && $0.contains("sum(") }, "\(remote)")
        }
        for s in shards { s.stop() }
    }
}
