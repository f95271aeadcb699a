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
    public let connection: PostgresConnection
    public let source: DataSource
    public let dialect: SQLDialect = .postgres
    public let partitionKey: String?
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
    public init(url: String, source: DataSource, partitionKey: String? = nil, privacy: PrivacyOptions = .init()) throws {
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
    func checkColumns(_ columns: [String], numeric: [String]) throws {
        var unique: [String] = []
        for c in columns where !unique.contains(c) { unique.append(c) }
        let probe = "SELECT " + unique.map { dialect.quote($0) }.joined(separator: ", ") + " FROM " + source.sql(dialect) + " WHERE 1 = 0"
        let r: QueryResult
        do { r = try run(probe) } catch DatabaseError.query("42703", let message) {
            throw DatabaseError.data("\(source.name): \(message)")
        }
        let numericTypes: Set<UInt32> = [20, 21, 23, 700, 701, 1700]
        for (name, type) in zip(unique, r.types) where numeric.contains(name) && !numericTypes.contains(type) {
            throw DatabaseError.data("\(source.name), column \"\(name)\": not a numeric column (PostgreSQL type oid \(type)); database mode needs numbers here (code categories as 0/1 columns in a --query)")
        }
    }

    /// Runs a phase-1 survival query and reads its result.
    public func aggregates(_ query: SurvivalAggregateQuery) throws -> ParsedAggregates {
        try checkColumns(query.requiredColumns + [partitionKey].compactMap { $0 },
                         numeric: query.eventKind == .cause ? [query.time, query.event] : [query.time])
        var q = query
        q.partitionKey = partitionKey
        q.privacy = privacy
        return try ParsedAggregates(run(q.sql(from: source, dialect: dialect)), query: q, sourceName: source.name)
    }

    /// `pof km` in the database.
    public func kaplanMeier(time: String, event: String, group: String? = nil, at: [Double] = [],
                            confidenceType: KaplanMeier.ConfidenceType = .log, confidenceLevel: Double = 0.95) throws
        -> KaplanMeierAnalysis.Result {
        let a = try aggregates(SurvivalAggregateQuery(time: time, event: event, group: group))
        return KaplanMeierAnalysis.run(aggregates: a.aggregates, groupLevels: a.groupLevels, time: time, event: event,
                                       group: group, at: at, confidenceType: confidenceType,
                                       confidenceLevel: confidenceLevel, report: a.report)
    }

    /// `pof logrank` in the database.
    public func logRank(time: String, event: String, group: String, strata: String? = nil, rho: Double = 0) throws
        -> LogRankAnalysis.Result {
        let a = try aggregates(SurvivalAggregateQuery(time: time, event: event, group: group, strata: strata))
        return try LogRankAnalysis.run(aggregates: a.aggregates, groupLevels: a.groupLevels, time: time, event: event,
                                       group: group, strata: strata, rho: rho, report: a.report)
    }

    /// `pof cuminc` in the database.
    public func cumulativeIncidence(time: String, event: String, group: String? = nil, censorCode: Int = 0,
                                    at: [Double] = []) throws -> CumulativeIncidenceAnalysis.Result {
        let a = try aggregates(SurvivalAggregateQuery(time: time, event: event, eventKind: .cause, group: group))
        return try CumulativeIncidenceAnalysis.run(aggregates: a.aggregates, groupLevels: group == nil ? nil : a.groupLevels,
                                                   group: group, event: event, sourceName: source.name,
                                                   censorCode: censorCode, at: at, report: a.report)
    }

    /// `pof cox` in the database: one profile query, one for the scaling, then one per Newton–Raphson step.
    ///
    /// - Throws: ``DatabaseError`` for a bad column, value or connection; ``AnalysisError`` as the file mode.
    public func cox(time: String, event: String, covariates: [String], strata: String? = nil, weights: String? = nil,
                    ties: CoxModel.Ties = .efron) throws -> CoxAnalysis.Result {
        guard !covariates.isEmpty else { throw AnalysisError.invalidOption("at least one covariate is needed") }
        var q = CoxAggregateQuery(time: time, event: event, covariates: covariates, strata: strata, weights: weights,
                                  efron: ties == .efron, partitionKey: partitionKey, privacy: privacy)
        try checkColumns(q.requiredColumns + [partitionKey].compactMap { $0 },
                         numeric: [time] + covariates + [weights].compactMap { $0 })
        let profile = try CoxProfile(run(q.profileSQL(from: source, dialect: dialect)), query: q, sourceName: source.name)
        let centring = try AggregateCoxModel.centring(weightSum: profile.weightSum, weightedSum: profile.weightedSums,
                                                      unitValued: profile.unitValued) { means in
            let r = try run(q.deviationSQL(from: source, dialect: dialect, means: means))
            return try covariates.indices.map { j in try CoxProfile.number(r, "dev_\(j)", source.name) }
        }
        q.partitionKey = partitionKey
        var strataLevels: [String: Int] = [:]
        let model = try AggregateCoxModel(covariateCount: covariates.count, means: centring.means, scale: centring.scale,
                                          observations: profile.report.includedRows, ties: ties,
                                          eventlessLevel: profile.eventlessLevel) { beta in
            let r = try run(q.stepSQL(from: source, dialect: dialect, means: centring.means, scale: centring.scale, beta: beta))
            return try CoxProfile.cells(r, p: covariates.count, efron: ties == .efron, strata: &strataLevels,
                                        sourceName: source.name)
        }
        return CoxAnalysis.result(model: model, termNames: covariates, strata: strata, report: profile.report)
    }
}

/// The profile query's result, checked.
struct CoxProfile {
    var report: MissingValueReport
    var weightSum: Double
    var weightedSums: [Double]
    var unitValued: [Bool]
    /// Covariates with two values one of which no event has.
    var eventlessLevel: Set<Int>

    init(_ r: QueryResult, query q: CoxAggregateQuery, sourceName: String) throws {
        func num(_ c: String) throws -> Double { try CoxProfile.number(r, c, sourceName) }
        let all = try DecimalNumber.exactInteger(num("n_all")) ?? 0
        let excluded = try DecimalNumber.exactInteger(num("n_excluded")) ?? 0
        let byColumn = try q.requiredColumns.enumerated().map { k, name in
            MissingValueReport.ColumnCount(column: name, count: try DecimalNumber.exactInteger(num("miss_\(k)")) ?? 0)
        }
        report = MissingValueReport(consideredRows: all, excludedRows: excluded, byColumn: byColumn)
        guard all > excluded else {
            throw DatabaseError.data("\(sourceName): no rows left to analyse (\(report.summary))")
        }
        let bad = try num("bad_event")
        if bad > 0 {
            throw DatabaseError.data("\(sourceName), column \"\(q.event)\": \(Int(bad)) rows hold a value that is not an event indicator (1/0, TRUE/FALSE, T/F)")
        }
        if let t = try? num("min_time"), t < 0 {
            throw DatabaseError.data("\(sourceName), column \"\(q.time)\": time \(t) is negative")
        }
        if let w = q.weights, let m = try? num("min_weight"), !(m > 0) {
            throw AnalysisError.model("\(sourceName), column \"\(w)\": weights must be positive (smallest: \(m))")
        }
        if try num("events") == 0 {
            throw AnalysisError.model("\(sourceName): no events in the \(all - excluded) rows used (column \"\(q.event)\"): a Cox model cannot be fitted")
        }
        weightSum = try num("sum_w")
        weightedSums = try q.covariates.indices.map { try num("sum_wx_\($0)") }
        unitValued = try q.covariates.indices.map { try num("non_unit_\($0)") == 0 }
        eventlessLevel = Set(try q.covariates.indices.filter { j in
            try num("distinct_\(j)") == 2 && num("event_min_\(j)") == num("event_max_\(j)")
        })
    }

    static func number(_ r: QueryResult, _ column: String, _ sourceName: String, row: Int = 0) throws -> Double {
        let c = try r.column(column)
        guard row < r.rows.count, let text = r.rows[row][c], let v = DecimalNumber.parse(text) else {
            throw DatabaseError.resultShape("\(sourceName): column \(column) of the result is not a number")
        }
        return v
    }

    /// A step query's rows as cell sums (partitions added later by the model's merge).
    static func cells(_ r: QueryResult, p: Int, efron: Bool, strata: inout [String: Int],
                      sourceName: String) throws -> [CoxCellSums] {
        func col(_ name: String) throws -> Int { try r.column(name) }
        let cs = try col("stratum"), ct = try col("time"), cd = try col("deaths"), cw = try col("dw")
        let c0 = try col("r0"), cdeta = try col("deta"), cmax = try col("max_eta")
        let c1 = try (0..<p).map { try col("r1_\($0)") }
        let c2 = try (0..<p).flatMap { i in try (0...i).map { try col("r2_\(i)_\($0)") } }
        let cx = try (0..<p).map { try col("dx_\($0)") }
        let d0 = efron ? try col("d0") : nil
        let d1 = efron ? try (0..<p).map { try col("d1_\($0)") } : []
        let d2 = efron ? try (0..<p).flatMap { i in try (0...i).map { try col("d2_\(i)_\($0)") } } : []
        let tri = p * (p + 1) / 2
        return try r.rows.map { row in
            func v(_ c: Int) throws -> Double {
                guard let t = row[c], let x = DecimalNumber.parse(t) else {
                    throw DatabaseError.resultShape("\(sourceName): column \(r.columns[c]) holds \"\(row[c] ?? "NULL")\", not a number")
                }
                return x
            }
            let key = row[cs] ?? ""
            let s = strata[key] ?? { let k = strata.count; strata[key] = k; return k }()
            let deaths = try v(cd)
            return CoxCellSums(
                stratum: s, time: try v(ct), deaths: DecimalNumber.exactInteger(deaths) ?? 0, deathWeight: try v(cw),
                risk: try v(c0), riskX: try c1.map(v), riskXX: try c2.map(v),
                deathRisk: try d0.map(v) ?? 0, deathRiskX: efron ? try d1.map(v) : [Double](repeating: 0, count: p),
                deathRiskXX: efron ? try d2.map(v) : [Double](repeating: 0, count: tri),
                deathEta: try v(cdeta), deathX: try cx.map(v), maxEta: try v(cmax))
        }
    }
}
