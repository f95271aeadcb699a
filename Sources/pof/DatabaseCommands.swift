import ArgumentParser
import Foundation
import Survival
import SurvivalSQL
import TableAnalysis
import Tabular

/// The options that point `pof km|logrank|cox|cuminc` at a database (or at an exported aggregate result)
/// instead of a CSV file.
struct DatabaseOptions: ParsableArguments {
    @Option(help: ArgumentHelp("""
        PostgreSQL URL, e.g. postgresql://analyst@127.0.0.1:5432/registry: analyse rows that stay in the database. \
        The password comes from PGPASSWORD or ~/.pgpass, never the URL.
        """, valueName: "url"))
    var db: String?
    @Option(help: "With --db: the table or view holding one row per subject.") var table: String?
    @Option(help: "With --db: an SQL query giving one row per subject.") var query: String?
    @Option(name: .customLong("partition-key"), help: """
        With --db: also group by this column (the partition key of a table spread over servers with postgres_fdw, so \
        each server aggregates its own rows).
        """)
    var partitionKey: String?
    @Option(
        name: .customLong("min-cell"), parsing: .unconditional,
        help: "Privacy: drop aggregate cells with fewer rows than this before they leave the database.")
    var minCell: Int?
    @Option(
        name: .customLong("time-grid"), parsing: .unconditional,
        help: "Privacy: round times up to multiples of this (e.g. 7 for weeks) before aggregating.")
    var timeGrid: Double?
    @Option(help: ArgumentHelp("""
        CSV export of the `pof sql` query's result: finish the analysis from it (km, logrank, cuminc). For cox, a \
        directory of the rounds' results: pof writes each next query there (see `pof sql --help`).
        """, valueName: "file"))
    var aggregates: String?
    @Option(help: "With cox --aggregates DIR: the SQL dialect of the queries pof writes (postgres or spark).")
    var dialect: String = "postgres"

    var isActive: Bool { db != nil || aggregates != nil }

    var privacy: PrivacyOptions { PrivacyOptions(minimumCellCount: minCell, timeGrid: timeGrid) }

    func source() throws -> DataSource {
        switch (table, query) {
        case let (t?, nil): return .table(t)
        case let (nil, q?): return .query(q)
        case (nil, nil): throw ValidationError("--db needs --table NAME or --query SQL")
        default: throw ValidationError("give --table or --query, not both")
        }
    }

    func validate(file: String?) throws {
        if file != nil && isActive { throw ValidationError("give a CSV file or --db/--aggregates, not both") }
        if db != nil && aggregates != nil { throw ValidationError("give --db or --aggregates, not both") }
        if let minCell, minCell < 1 { throw ValidationError("--min-cell must be a positive integer") }
        if let timeGrid, !(timeGrid > 0 && timeGrid.isFinite) {
            throw ValidationError("--time-grid must be a positive number")
        }
    }

    func session() throws -> SurvivalDatabase {
        guard let db else { throw ValidationError("--db URL is needed") }
        return try SurvivalDatabase(url: db, source: try source(), partitionKey: partitionKey, privacy: privacy)
    }

    /// Reads the exported phase-1 result.
    func exported(_ query: SurvivalAggregateQuery) throws -> ParsedAggregates {
        guard let aggregates else { throw ValidationError("--aggregates FILE is needed") }
        var q = query
        q.partitionKey = nil
        try checkInputFile(aggregates)
        let name = (aggregates as NSString).lastPathComponent
        do {
            return try ParsedAggregates(QueryResult.csv(contentsOf: aggregates), query: q, sourceName: name)
        } catch DatabaseError.resultShape(let s) where !s.hasPrefix(name) {
            throw DatabaseError.resultShape("\(name): \(s)")
        }
    }

    func kaplanMeier(
        time: String, event: String, group: String?, at: [Double], confidenceType: KaplanMeier.ConfidenceType,
        confidenceLevel: Double
    ) throws -> KaplanMeierAnalysis.Result {
        if db != nil {
            return try session().kaplanMeier(
                time: time, event: event, group: group, at: at, confidenceType: confidenceType,
                confidenceLevel: confidenceLevel)
        }
        let a = try exported(SurvivalAggregateQuery(time: time, event: event, group: group))
        return KaplanMeierAnalysis.run(aggregates: a.aggregates, groupLevels: a.groupLevels, time: time, event: event,
                                       group: group, at: at, confidenceType: confidenceType,
                                       confidenceLevel: confidenceLevel, report: a.report)
    }

    func logRank(
        time: String, event: String, group: String, strata: String?, rho: Double
    ) throws -> LogRankAnalysis.Result {
        if db != nil { return try session().logRank(time: time, event: event, group: group, strata: strata, rho: rho) }
        let a = try exported(SurvivalAggregateQuery(time: time, event: event, group: group, strata: strata))
        return try LogRankAnalysis.run(aggregates: a.aggregates, groupLevels: a.groupLevels, time: time, event: event,
                                       group: group, strata: strata, rho: rho, report: a.report)
    }

    func cumulativeIncidence(time: String, event: String, group: String?, censorCode: Int, at: [Double]) throws
        -> CumulativeIncidenceAnalysis.Result {
        if db != nil {
            return try session().cumulativeIncidence(
                time: time, event: event, group: group, censorCode: censorCode, at: at)
        }
        let a = try exported(SurvivalAggregateQuery(time: time, event: event, eventKind: .cause, group: group))
        return try CumulativeIncidenceAnalysis.run(
            aggregates: a.aggregates, groupLevels: group == nil ? nil : a.groupLevels,
            group: group, event: event, sourceName: (aggregates! as NSString).lastPathComponent,
            censorCode: censorCode, at: at, report: a.report)
    }

    func cox(time: String, event: String, covariates: [String], start: String?, strata: String?, weights: String?,
             ties: CoxModel.Ties, robust: Bool, reference: [String: String], zph: Bool) throws -> CoxAnalysis.Result {
        let needRows = [
            (start != nil, "--start"), (robust, "--robust"), (zph, "--zph"), (!reference.isEmpty, "--reference"),
        ]
            .filter(\.0).map(\.1)
        if !needRows.isEmpty {
            throw ValidationError("""
                \(needRows.joined(separator: ", ")) need subject-level rows and are not available with \
                --db/--aggregates
                """)
        }
        if db != nil {
            return try session().cox(time: time, event: event, covariates: covariates, strata: strata, weights: weights,
                                     ties: ties)
        }
        guard let directory = aggregates else { throw ValidationError("--aggregates DIR is needed") }
        guard let d = SQLDialect(rawValue: dialect) else {
            throw ValidationError("--dialect must be postgres or spark")
        }
        guard !covariates.isEmpty else { throw ValidationError("--covariates needs at least one column") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError(
                "cox --aggregates needs a directory (it holds the rounds' queries and results): \(directory) is not one"
            )
        }
        let q = CoxAggregateQuery(time: time, event: event, covariates: covariates, strata: strata, weights: weights,
                                  efron: ties == .efron, partitionKey: partitionKey, privacy: privacy)
        let fit = CoxAggregateFit(
            query: q, source: try source(), dialect: d, sourceName: (directory as NSString).lastPathComponent)
        do {
            return try fit.run { round in
                let path = (directory as NSString).appendingPathComponent(round.name + ".csv")
                guard FileManager.default.fileExists(atPath: path) else { throw CoxRoundNeeded(round: round) }
                return try QueryResult.csv(contentsOf: path)
            }
        } catch let needed as CoxRoundNeeded {
            let sqlPath = (directory as NSString).appendingPathComponent(needed.round.name + ".sql")
            try (needed.round.sql + ";\n").write(toFile: sqlPath, atomically: true, encoding: .utf8)
            let csvPath = (directory as NSString).appendingPathComponent(needed.round.name + ".csv")
            FileHandle.standardError.write(Data("""
                pof: round \(needed.round.number): run the query in \(sqlPath) where the data are, save its result as \
                \(csvPath) (CSV with a header row), then run this command again

                """.utf8))
            throw DatabaseExitStatus.anotherRound
        }
    }
}

/// Exit status of `pof cox --aggregates DIR` when the fit needs the result of another round's query.
enum DatabaseExitStatus {
    static let anotherRound = ExitCode(3)
}

/// The table of a command given a CSV file, or a clear message when neither a file nor --db was given.
func readTable(_ path: String?) throws -> CSVTable {
    guard let path else { throw ValidationError("give a CSV file, or --db URL with --table NAME or --query SQL") }
    return try readTable(path)
}

struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Print the aggregate query of km, logrank, cuminc or cox, for a database pof cannot connect to.",
        discussion: """
        Run the printed query where the data are (PostgreSQL, Spark SQL), export its result as CSV, and finish
        the analysis with the same command and --aggregates FILE. The result has a few rows per distinct time;
        no subject-level row leaves the database.
        Example:
          pof sql logrank --table lung --time time --event status --group sex --dialect spark > q.sql
          pof logrank --aggregates result.csv --time time --event status --group sex

        Cox needs one query per Newton–Raphson step, each depending on the results before it, so it goes by
        rounds in a directory: `pof cox --aggregates DIR --table … --dialect …` writes the next query to
        DIR/<round>.sql (profile, deviation, step-1, step-2, …) and exits with status 3; run it, save its
        result as DIR/<round>.csv, and run the same command again, until it prints the fit (usually 6–9
        rounds). `pof sql cox` prints the first round's query.
          mkdir fit
          pof cox --aggregates fit --table lung --time time --event status --covariates age,sex --dialect spark
          # run fit/profile.sql, save fit/profile.csv; repeat the command; … until the fit is printed
        """)

    enum Analysis: String, ExpressibleByArgument, CaseIterable { case km, logrank, cuminc, cox }

    @Argument(help: "The analysis: km, logrank, cuminc or cox.") var analysis: Analysis
    @Option(help: "SQL dialect: postgres (default) or spark.") var dialect: String = "postgres"
    @Option(help: "The table or view holding one row per subject.") var table: String?
    @Option(help: "An SQL query giving one row per subject.") var query: String?
    @Option(help: "Time column.") var time: String
    @Option(help: "Event column (km, logrank: 1/0 or TRUE/FALSE; cuminc: cause codes).") var event: String
    @Option(help: "Grouping column.") var group: String?
    @Option(help: "Stratification column (logrank, cox).") var strata: String?
    @Option(help: "Comma-separated covariate columns (cox).") var covariates: String?
    @Option(help: "Case-weight column (cox).") var weights: String?
    @Option(
        name: .customLong("partition-key"),
        help: "Also group by this column (a sharded table; the sums are added by pof).")
    var partitionKey: String?
    @Option(
        name: .customLong("min-cell"), parsing: .unconditional, help: "Privacy: drop cells with fewer rows than this.")
    var minCell: Int?
    @Option(
        name: .customLong("time-grid"), parsing: .unconditional, help: "Privacy: round times up to multiples of this.")
    var timeGrid: Double?

    func run() throws {
        guard let d = SQLDialect(rawValue: dialect) else {
            throw ValidationError("--dialect must be postgres or spark")
        }
        let source: DataSource
        switch (table, query) {
        case let (t?, nil): source = .table(t)
        case let (nil, q?): source = .query(q)
        default: throw ValidationError("give --table NAME or --query SQL")
        }
        if analysis == .logrank && group == nil { throw ValidationError("logrank needs --group") }
        if let minCell, minCell < 1 { throw ValidationError("--min-cell must be a positive integer") }
        if let timeGrid, !(timeGrid > 0 && timeGrid.isFinite) {
            throw ValidationError("--time-grid must be a positive number")
        }
        let privacy = PrivacyOptions(minimumCellCount: minCell, timeGrid: timeGrid)
        if analysis == .cox {
            let names = parseList(covariates ?? "")
            guard !names.isEmpty else { throw ValidationError("cox needs --covariates") }
            let q = CoxAggregateQuery(time: time, event: event, covariates: names, strata: strata, weights: weights,
                                      partitionKey: partitionKey, privacy: privacy)
            print(CoxAggregateFit(query: q, source: source, dialect: d, sourceName: source.name).firstRound.sql + ";")
            return
        }
        let q = SurvivalAggregateQuery(time: time, event: event, eventKind: analysis == .cuminc ? .cause : .indicator,
                                       group: group, strata: analysis == .logrank ? strata : nil,
                                       partitionKey: partitionKey, privacy: privacy)
        print(q.sql(from: source, dialect: d) + ";")
    }
}
