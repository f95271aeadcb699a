import Survival
import TableAnalysis
import Tabular

/// Survival analyses of a table that stays in PostgreSQL: each analysis sends its phase-1 aggregate query
/// (≤ a few rows per distinct time come back) and finishes in Swift with the engine's arithmetic.
///
/// ```swift
/// let db = try SurvivalDatabase(url: "postgresql://analyst@127.0.0.1:5432/registry", source: .table("lung"))
/// let km = try db.kaplanMeier(time: "time", event: "status", group: "sex", at: [365])
/// print(km.text)
/// ```
///
/// With `partitionKey`, every query also groups by that column (a table partitioned over servers with
/// `postgres_fdw`: PostgreSQL then runs the aggregation on each server, as it does only when the GROUP BY
/// holds the partition key) and the per-partition sums are added here.
public final class SurvivalDatabase: @unchecked Sendable {
    /// The open connection (one statement at a time).
    public let connection: PostgresConnection
    /// The table or query with one row per subject.
    public let source: DataSource
    /// Always PostgreSQL.
    public let dialect: SQLDialect = .postgres
    /// The column every query also groups by (a partitioned table); `nil` for none.
    public let partitionKey: String?
    /// What may leave the database (minimum cell count, time grid).
    public let privacy: PrivacyOptions
    /// Every statement sent, in order (for logs and for `EXPLAIN`).
    public private(set) var statements: [String] = []

    /// Connects.
    ///
    /// - Parameters:
    ///   - url: `postgresql://user@host:port/database` (password from `PGPASSWORD` or `~/.pgpass`).
    ///   - source: The table or query with one row per subject.
    ///   - partitionKey: A column to aggregate by as well (the partition key of a sharded table).
    ///   - privacy: Small-cell suppression and time coarsening applied in the database.
    /// - Throws: ``DatabaseError``.
    ///
    /// - Complexity: One network round trip to connect.
    public init(
        url: String, source: DataSource, partitionKey: String? = nil, privacy: PrivacyOptions = .init()
    ) throws {
        connection = try PostgresConnection(url: url)
        self.source = source
        self.partitionKey = partitionKey
        self.privacy = privacy
        if partitionKey != nil { _ = try run("SET enable_partitionwise_aggregate = on") }
    }

    @discardableResult
    func run(_ sql: String) throws -> QueryResult {
        statements.append(sql)
        return try connection.query(sql)
    }

    /// Checks that the columns exist and that the numeric ones are numeric (one `WHERE false` query).
    /// - Returns: Each column's PostgreSQL type OID.
    @discardableResult
    func checkColumns(_ columns: [String], numeric: [String]) throws -> [String: UInt32] {
        var unique: [String] = []
        for c in columns where !unique.contains(c) { unique.append(c) }
        let probe = "SELECT " + unique.map { dialect.quote($0) }.joined(separator: ", ") + " FROM "
            + source.sql(dialect) + " WHERE 1 = 0"
        let r: QueryResult
        do { r = try run(probe) } catch DatabaseError.query("42703", let message) {
            throw DatabaseError.data("\(source.name): \(message)")
        }
        let numericTypes: Set<UInt32> = [20, 21, 23, 700, 701, 1700]
        for (name, type) in zip(unique, r.types) where numeric.contains(name) && !numericTypes.contains(type) {
            throw DatabaseError.data("""
                \(source.name), column \"\(name)\": not a numeric column (PostgreSQL type oid \(type)); \
                database mode needs numbers here (code categories as 0/1 columns in a --query)
                """)
        }
        return Dictionary(zip(unique, r.types), uniquingKeysWith: { a, _ in a })
    }

    /// Runs a phase-1 survival query and reads its result.
    ///
    /// - Complexity: One query: the database groups the subject rows (O(*n*) there); O(*r*) here for *r* result rows.
    public func aggregates(_ query: SurvivalAggregateQuery) throws -> ParsedAggregates {
        try checkColumns(query.requiredColumns + [partitionKey].compactMap { $0 },
                         numeric: query.eventKind == .cause ? [query.time, query.event] : [query.time])
        var q = query
        q.partitionKey = partitionKey
        q.privacy = privacy
        return try ParsedAggregates(run(q.sql(from: source, dialect: dialect)), query: q, sourceName: source.name)
    }

    /// `pof km` in the database.
    ///
    /// - Complexity: One aggregate query, then O(*r* + *t* · *g*) here for *r* result rows, *t* times and *g* groups.
    public func kaplanMeier(time: String, event: String, group: String? = nil, at: [Double] = [],
                            confidenceType: KaplanMeier.ConfidenceType = .log, confidenceLevel: Double = 0.95) throws
        -> KaplanMeierAnalysis.Result {
        let a = try aggregates(SurvivalAggregateQuery(time: time, event: event, group: group))
        return KaplanMeierAnalysis.run(aggregates: a.aggregates, groupLevels: a.groupLevels, time: time, event: event,
                                       group: group, at: at, confidenceType: confidenceType,
                                       confidenceLevel: confidenceLevel, report: a.report)
    }

    /// `pof logrank` in the database.
    ///
    /// - Complexity: One aggregate query, then O(*r* + *t* · *g*²) here.
    public func logRank(time: String, event: String, group: String, strata: String? = nil, rho: Double = 0) throws
        -> LogRankAnalysis.Result {
        let a = try aggregates(SurvivalAggregateQuery(time: time, event: event, group: group, strata: strata))
        return try LogRankAnalysis.run(aggregates: a.aggregates, groupLevels: a.groupLevels, time: time, event: event,
                                       group: group, strata: strata, rho: rho, report: a.report)
    }

    /// `pof cuminc` in the database.
    ///
    /// - Complexity: One aggregate query, then O(*r* + *t* · *g* · *c*) here for *c* causes.
    public func cumulativeIncidence(time: String, event: String, group: String? = nil, censorCode: Int = 0,
                                    at: [Double] = []) throws -> CumulativeIncidenceAnalysis.Result {
        let a = try aggregates(SurvivalAggregateQuery(time: time, event: event, eventKind: .cause, group: group))
        return try CumulativeIncidenceAnalysis.run(
            aggregates: a.aggregates, groupLevels: group == nil ? nil : a.groupLevels,
            group: group, event: event, sourceName: source.name,
            censorCode: censorCode, at: at, report: a.report)
    }

    /// `pof cox` in the database: one profile query, one for the scaling, then one per Newton–Raphson step
    /// (the rounds of ``CoxAggregateFit``, each answered by the database at once).
    ///
    /// - Throws: ``DatabaseError`` for a bad column, value or connection; `AnalysisError` as the file mode.
    ///
    /// - Complexity: 2 + *k* aggregate queries for *k* Newton steps (each O(*n* · *p*²) in the database),
    /// then O(*t* · *p*²)
    /// here per step for *t* distinct times.
    public func cox(time: String, event: String, covariates: [String], strata: String? = nil, weights: String? = nil,
                    ties: CoxModel.Ties = .efron) throws -> CoxAnalysis.Result {
        guard !covariates.isEmpty else { throw AnalysisError.invalidOption("at least one covariate is needed") }
        var q = CoxAggregateQuery(time: time, event: event, covariates: covariates, strata: strata, weights: weights,
                                  efron: ties == .efron, partitionKey: partitionKey, privacy: privacy)
        let types = try checkColumns(q.requiredColumns + [partitionKey].compactMap { $0 },
                                     numeric: [time] + covariates + [weights].compactMap { $0 })
        switch types[event] {
        case 20, 21, 23, 700, 701, 1700: q.eventType = .numeric
        case 16: q.eventType = .boolean
        case 25, 1042, 1043: q.eventType = .text
        default: q.eventType = .unknown
        }
        let fit = CoxAggregateFit(query: q, source: source, dialect: dialect, sourceName: source.name)
        return try fit.run { round in try run(round.sql) }
    }
}
