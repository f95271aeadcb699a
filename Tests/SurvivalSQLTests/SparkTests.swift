import Foundation
import Survival
import SurvivalSQL
import TableAnalysis
import Tabular
import Testing

/// Spark and pyspark (with Java) on this machine, run through `scripts/db-spark-query.py`; why not, or nil.
enum SparkRunner {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/db-spark-query.py").path

    static let unavailableReason: String? = {
        func runs(_ argv: [String]) -> Bool {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = argv
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            do { try p.run() } catch { return false }
            p.waitUntilExit()
            return p.terminationStatus == 0
        }
        if !runs(["java", "-version"]) { return "no Java runtime (java) on PATH" }
        if !runs(["python3", "-c", "import pyspark"]) { return "python3 with pyspark not found (pip install pyspark)" }
        return nil
    }()

    static var available: Bool {
        if let why = unavailableReason {
            FileHandle.standardError.write(Data("SKIPPED: Spark tests: \(why)\n".utf8))
            return false
        }
        return true
    }
}

/// One Spark session (standalone master and two workers on loopback, or local mode) answering queries.
final class SparkSession {
    let process = Process()
    let input = Pipe(), output = Pipe()
    private var buffer = Data()
    let mode: String
    let directory: String

    /// Starts Spark with the fixtures registered as tables (missing cells as NULL).
    init(tables: [(name: String, file: String)]) throws {
        directory = try temporaryDirectory("pof-spark-test")
        var arguments = [SparkRunner.script]
        for (name, file) in tables {
            let csv = try FixtureData.table(file)
            var schema: [String] = []
            var columns: [[String?]] = []
            for c in csv.columnNames {
                schema.append("`\(c)` \(try csv.isNumeric(column: c) ? "DOUBLE" : "STRING")")
                columns.append(try csv.stringColumn(c))
            }
            var text = csv.columnNames.joined(separator: ",") + "\n"
            for r in 0..<csv.rowCount { text += columns.map { $0[r] ?? "" }.joined(separator: ",") + "\n" }
            let path = directory + "/\(name).csv"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            arguments += ["--table", "\(name)=\(path):\(schema.joined(separator: ", "))"]
        }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: "/dev/stderr")
        try process.run()
        let first = try SparkSession.readLine(output.fileHandleForReading, &buffer)
        guard first.hasPrefix("ready ") else { throw SparkError(description: "Spark did not start: \(first)") }
        mode = String(first.dropFirst(6))
    }

    /// Runs one query on Spark and returns its result as exported CSV, read back as `pof` reads it.
    func query(_ sql: String, name: String) throws -> QueryResult {
        let sqlPath = directory + "/\(name).sql", csvPath = directory + "/\(name).csv"
        try sql.write(toFile: sqlPath, atomically: true, encoding: .utf8)
        input.fileHandleForWriting.write(Data("\(sqlPath)\t\(csvPath)\n".utf8))
        let answer = try SparkSession.readLine(output.fileHandleForReading, &buffer)
        guard answer.hasPrefix("ok ") else { throw SparkError(description: "Spark: \(answer)") }
        return try QueryResult.csv(contentsOf: csvPath)
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func readLine(_ handle: FileHandle, _ buffer: inout Data) throws -> String {
        while true {
            if let nl = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...nl)
                return line
            }
            let chunk = handle.availableData
            if chunk.isEmpty { throw SparkError(description: "the Spark driver ended") }
            buffer.append(chunk)
        }
    }

    struct SparkError: Error, CustomStringConvertible { var description: String }
}

/// The Spark SQL dialect run on Spark: the printed queries' exported results finish every analysis
/// (`--aggregates`), equal to the file mode to 1e-10, Cox by rounds included.
@Suite(.enabled(if: SparkRunner.available), .serialized, .timeLimit(.minutes(15)))
struct SparkTests {
    @Test func sparkDialectOnSpark() throws {
        let spark = try SparkSession(tables: [("lung", "lung.csv"), ("melanoma", "melanoma.csv")])
        defer { spark.stop() }
        FileHandle.standardError.write(Data("Spark mode: \(spark.mode)\n".utf8))
        let lung = try FixtureData.table("lung.csv"), melanoma = try FixtureData.table("melanoma.csv")

        // Kaplan–Meier by group, missing values counted as the file mode counts them
        for group in [nil, "sex", "ph.ecog"] as [String?] {
            let q = SurvivalAggregateQuery(time: "time", event: "status", group: group)
            let a = try ParsedAggregates(spark.query(q.sql(from: .table("lung"), dialect: .spark), name: "km"),
                                         query: q, sourceName: "km.csv")
            let got = KaplanMeierAnalysis.run(aggregates: a.aggregates, groupLevels: a.groupLevels, time: "time",
                                              event: "status", group: group, at: [100, 365], report: a.report)
            let expected = try KaplanMeierAnalysis.run(
                table: lung, time: "time", event: "status", group: group, at: [100, 365])
            #expect(try differences(expected, got) == [], "km group \(group ?? "none")")
        }
        // stratified log-rank
        let lr = SurvivalAggregateQuery(time: "time", event: "status", group: "sex", strata: "ph.ecog")
        let lrData = try ParsedAggregates(spark.query(lr.sql(from: .table("lung"), dialect: .spark), name: "logrank"),
                                          query: lr, sourceName: "logrank.csv")
        #expect(try differences(
            LogRankAnalysis.run(table: lung, time: "time", event: "status", group: "sex", strata: "ph.ecog"),
            LogRankAnalysis.run(aggregates: lrData.aggregates, groupLevels: lrData.groupLevels, time: "time",
                                event: "status", group: "sex", strata: "ph.ecog", report: lrData.report)) == [])
        // cumulative incidence and Gray's test
        let ci = SurvivalAggregateQuery(time: "time", event: "status", eventKind: .cause, group: "sex")
        let ciData = try ParsedAggregates(spark.query(ci.sql(from: .table("melanoma"), dialect: .spark),
                                                      name: "cuminc"),
                                          query: ci, sourceName: "cuminc.csv")
        #expect(try differences(
            CumulativeIncidenceAnalysis.run(table: melanoma, time: "time", event: "status", group: "sex", censorCode: 2,
                                            at: [1000, 3000]),
            CumulativeIncidenceAnalysis.run(aggregates: ciData.aggregates, groupLevels: ciData.groupLevels,
                                            group: "sex", event: "status", sourceName: "cuminc.csv", censorCode: 2,
                                            at: [1000, 3000], report: ciData.report)) == [])
        // Cox by rounds: each round's query run on Spark, its exported result read back
        for ties in [CoxModel.Ties.efron, .breslow] {
            let q = CoxAggregateQuery(time: "time", event: "status", covariates: ["age", "sex", "ph.ecog"],
                                      strata: "inst", efron: ties == .efron)
            let fit = CoxAggregateFit(query: q, source: .table("lung"), dialect: .spark, sourceName: "lung")
            var rounds = 0
            let got = try fit.run { round in
                rounds += 1
                return try spark.query(round.sql, name: round.name)
            }
            var expected = try CoxAnalysis.run(table: lung, time: "time", event: "status",
                                               covariates: ["age", "sex", "ph.ecog"], strata: "inst", ties: ties)
            expected.concordance = got.concordance
            expected.warnings = got.warnings
            #expect(try differences(expected, got) == [], "cox \(ties) in \(rounds) rounds")
        }
    }
}
