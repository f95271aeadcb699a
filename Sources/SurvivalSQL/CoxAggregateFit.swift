import Foundation
import Survival
import TableAnalysis
import Tabular

/// One query of a Cox fit from aggregates, and the name its exported result goes by.
public struct CoxRound: Sendable, Equatable {
    /// Which query.
    public enum Kind: Sendable, Equatable {
        /// Missing values, events and the weighted covariate sums (round 1).
        case profile
        /// The absolute deviations that set the covariates' scaling (round 2).
        case deviation
        /// The sums of Newton–Raphson evaluation `n` (1, 2, …) at that evaluation's β (rounds 3, 4, …).
        case step(Int)
    }

    /// Which round this is.
    public var kind: Kind
    /// The query text (no trailing semicolon).
    public var sql: String

    /// `profile`, `deviation`, `step-1`, `step-2`, …: the file stem of the round's query and result.
    public var name: String {
        switch kind {
        case .profile: return "profile"
        case .deviation: return "deviation"
        case .step(let n): return "step-\(n)"
        }
    }

    /// 1 for the profile, 2 for the deviation, 2 + n for step n.
    public var number: Int {
        switch kind {
        case .profile: return 1
        case .deviation: return 2
        case .step(let n): return 2 + n
        }
    }
}

/// Thrown by a round's answer when its result is not there yet (an exported result still to be made).
public struct CoxRoundNeeded: Error, CustomStringConvertible, Sendable {
    /// The round whose result is needed.
    public let round: CoxRound
    /// The error for `round`.
    ///
    /// - Complexity: O(1).
    public init(round: CoxRound) { self.round = round }
    /// `the result of round 3 (step-1) is needed`.
    public var description: String { "the result of round \(round.number) (\(round.name)) is needed" }
}

/// A Cox model fitted from aggregate queries answered one round at a time: by a database `pof` is connected
/// to (all rounds at once), or by a person who runs each printed query where the data are and exports its
/// result (`pof cox --aggregates DIR`).
///
/// ```swift
/// let q = CoxAggregateQuery(time: "time", event: "status", covariates: ["age", "sex"])
/// let fit = CoxAggregateFit(query: q, source: .table("lung"), dialect: .spark, sourceName: "lung")
/// let result = try fit.run { round in
///     guard let r = exported[round.name] else { throw CoxRoundNeeded(round: round) }
///     return r
/// }
/// ```
///
/// The rounds are a profile query (exclusions, events, Σw·x), a deviation query (R's scaling), then one query
/// per Newton–Raphson evaluation of the partial likelihood, each returning per-(stratum, time) sums at the
/// current β. The iteration is deterministic, so replaying the rounds from their results reproduces the same
/// β for the next query: a fit can stop at any round and resume later from the saved results. Each
/// deviation and step result repeats the means or β its query was written for, and a result for another
/// round is refused.
public struct CoxAggregateFit: Sendable {
    /// The model: time, event, covariates, strata, weights, ties and privacy.
    public var query: CoxAggregateQuery
    /// Where the rows are.
    public var source: DataSource
    /// The SQL dialect the queries are written in.
    public var dialect: SQLDialect
    /// How messages name the data.
    public var sourceName: String

    /// A fit; see the properties for what each argument holds.
    ///
    /// - Complexity: O(1); ``run(answer:)`` does the work.
    public init(query: CoxAggregateQuery, source: DataSource, dialect: SQLDialect, sourceName: String) {
        self.query = query
        self.source = source
        self.dialect = dialect
        self.sourceName = sourceName
    }

    /// The first round's query (what `pof sql cox` prints).
    public var firstRound: CoxRound { CoxRound(kind: .profile, sql: query.profileSQL(from: source, dialect: dialect)) }

    /// Fits the model, asking `answer` for the result of each round in turn.
    ///
    /// - Parameter answer: Runs (or looks up the exported result of) a round's query; throws
    ///   ``CoxRoundNeeded`` when the result is not available yet.
    /// - Returns: The `pof cox` result (no concordance, residual tests or robust variance: those need the rows).
    /// - Throws: What `answer` throws; ``DatabaseError`` for a result of the wrong shape or round, or data that
    ///   cannot be analysed; `AnalysisError` as the file mode (no events, bad weights).
    /// - Complexity: O(m·p²) per step for m result rows and p covariates, plus the queries.
    public func run(answer: (CoxRound) throws -> QueryResult) throws -> CoxAnalysis.Result {
        let q = query, p = q.covariates.count
        let profile = try CoxProfile(answer(firstRound), query: q, sourceName: sourceName)
        var inner = [Double](repeating: 0, count: p)
        let centring = try AggregateCoxModel.centring(weightSum: profile.weightSum, weightedSum: profile.weightedSums,
                                                      unitValued: profile.unitValued) { means in
            let round = CoxRound(
                kind: .deviation,
                sql: q.deviationSQL(from: source, dialect: dialect, means: means, range: profile.range))
            let r = try answer(round)
            try CoxAggregateFit.checkConstants(
                r, prefix: "mean_", expected: means, round: round, sourceName: sourceName)
            inner = try (0..<p).map { j in
                r.columns.contains("inner_\(j)") ? try CoxProfile.sum(r, "inner_\(j)", sourceName) : .nan
            }
            return try (0..<p).map { try CoxProfile.sum(r, "dev_\($0)", sourceName) }
        }
        // a covariate with exactly two values, one of which no event has: an infinite coefficient
        let eventless = Set((0..<p).filter { j in
            guard let range = profile.range, let eventRange = profile.eventRange else { return false }
            return range[j].min < range[j].max && inner[j] == 0 && eventRange[j].min == eventRange[j].max
        })
        var strataLevels: [String: Int] = [:]
        var step = 0
        let model = try AggregateCoxModel(covariateCount: p, means: centring.means, scale: centring.scale,
                                          observations: profile.report.includedRows,
                                          ties: q.efron ? .efron : .breslow, eventlessLevel: eventless) { beta in
            step += 1
            let round = CoxRound(
                kind: .step(step),
                sql: q.stepSQL(from: source, dialect: dialect, means: centring.means, scale: centring.scale,
                               beta: beta, eventSumsKnown: profile.eventSums != nil))
            let r = try answer(round)
            try CoxAggregateFit.checkConstants(r, prefix: "beta_", expected: beta, round: round, sourceName: sourceName)
            var cells = try CoxProfile.cells(r, p: p, efron: q.efron, strata: &strataLevels, sourceName: sourceName)
            if !r.columns.contains("deta"), let events = profile.eventSums {
                // Σw·x and Σw·η over all events, from the profile's sums over the raw covariates, go with one
                // cell that has events (the likelihood and score only add them up)
                let dx = (0..<p).map { centring.scale[$0] * (events.x[$0] - centring.means[$0] * events.w) }
                guard let k = cells.firstIndex(where: { $0.deaths > 0 }) else {
                    throw DatabaseError.resultShape("\(sourceName): the result of \(round.name) holds no events")
                }
                cells[k].deathX = dx
                cells[k].deathEta = zip(beta, dx).reduce(0) { $0 + $1.0 * $1.1 }
            }
            return cells
        }
        return CoxAnalysis.result(model: model, termNames: q.covariates, strata: q.strata, report: profile.report)
    }

    /// Refuses a result made by another round's query (its repeated means or β differ from this round's).
    static func checkConstants(_ r: QueryResult, prefix: String, expected: [Double], round: CoxRound,
                               sourceName: String) throws {
        for (i, value) in expected.enumerated() {
            guard let c = r.columns.firstIndex(of: "\(prefix)\(i)") else { continue }
            for row in r.rows {
                guard let text = row[c], let v = DecimalNumber.parse(text) else { continue }
                if v != value && abs(v - value) > 1e-12 * max(1, abs(value)) {
                    throw DatabaseError.resultShape("""
                        \(sourceName): the result given for round \(round.number) (\(round.name)) was made by another \
                        query (\(prefix)\(i) is \(text), the query has \(value)); export the result of \(round.name).sql
                        """)
                }
            }
        }
    }
}

/// The profile query's result (one row, or one per partition or site), checked and added up.
struct CoxProfile {
    var report: MissingValueReport
    var weightSum: Double
    var weightedSums: [Double]
    /// Σw and Σw·x over the events (nil when the result does not hold them: a profile exported by an earlier
    /// version, whose step queries return these sums per cell).
    var eventSums: (w: Double, x: [Double])?
    var unitValued: [Bool]
    /// Smallest and largest value of each covariate over the complete rows, and over their events (nil
    /// when the query does not return them: privacy options).
    var range: [(min: Double, max: Double)]?
    var eventRange: [(min: Double, max: Double)]?

    init(_ r: QueryResult, query q: CoxAggregateQuery, sourceName: String) throws {
        func sum(_ c: String) throws -> Double { try CoxProfile.sum(r, c, sourceName) }
        func count(_ c: String) throws -> Int {
            let v = try sum(c)
            guard let n = DecimalNumber.exactInteger(v), n >= 0 else {
                throw DatabaseError.resultShape("\(sourceName): column \(c) of the result holds \(v), not a row count")
            }
            return n
        }
        func extreme(_ c: String, _ pick: (Double, Double) -> Double) throws -> Double? {
            try CoxProfile.values(r, c, sourceName).compactMap { $0 }.reduce(nil) { acc, v in
                acc.map { pick($0, v) } ?? v
            }
        }
        guard !r.rows.isEmpty else { throw DatabaseError.resultShape("\(sourceName): the profile result has no rows") }
        let all = try count("n_all"), excluded = try count("n_excluded")
        let byColumn = try q.requiredColumns.enumerated().map { k, name in
            MissingValueReport.ColumnCount(column: name, count: try count("miss_\(k)"))
        }
        report = MissingValueReport(consideredRows: all, excludedRows: excluded, byColumn: byColumn)
        guard all > excluded else {
            throw DatabaseError.data("\(sourceName): no rows left to analyse (\(report.summary))")
        }
        let bad = try count("bad_event")
        if bad > 0 {
            throw DatabaseError.data("""
                \(sourceName), column \"\(q.event)\": \(bad) rows hold a value that is not an event indicator \
                (1/0, TRUE/FALSE, T/F)
                """)
        }
        let privacy = !r.columns.contains("min_time")
        if privacy {
            let negative = try count("negative_time")
            if negative > 0 {
                throw DatabaseError.data("\(sourceName), column \"\(q.time)\": \(negative) rows have a negative time")
            }
            let bad = try count("bad_weight")
            if let w = q.weights, bad > 0 {
                throw AnalysisError.model(
                    "\(sourceName), column \"\(w)\": weights must be positive (\(bad) rows are not)")
            }
        } else {
            if let t = try extreme("min_time", min), t < 0 {
                throw DatabaseError.data("\(sourceName), column \"\(q.time)\": time \(t) is negative")
            }
            if let w = q.weights, let m = try extreme("min_weight", min), !(m > 0) {
                throw AnalysisError.model("\(sourceName), column \"\(w)\": weights must be positive (smallest: \(m))")
            }
        }
        if try count("events") == 0 {
            throw AnalysisError.model("""
                \(sourceName): no events in the \(all - excluded) rows used (column \"\(q.event)\"): \
                a Cox model cannot be fitted
                """)
        }
        weightSum = try sum("sum_w")
        weightedSums = try q.covariates.indices.map { try sum("sum_wx_\($0)") }
        eventSums = r.columns.contains("event_w")
            ? (try sum("event_w"), try q.covariates.indices.map { try sum("event_wx_\($0)") }) : nil
        unitValued = try q.covariates.indices.map { try count("non_unit_\($0)") == 0 }
        range = privacy ? nil : try q.covariates.indices.map { j in
            (try extreme("min_x_\(j)", min) ?? .nan, try extreme("max_x_\(j)", max) ?? .nan)
        }
        eventRange = privacy ? nil : try q.covariates.indices.map { j in
            (try extreme("event_min_\(j)", min) ?? .nan, try extreme("event_max_\(j)", max) ?? .nan)
        }
    }

    /// A column's values, `nil` for NULL.
    /// - Throws: ``DatabaseError/resultShape(_:)`` for a missing column or a cell that is not a number.
    static func values(_ r: QueryResult, _ column: String, _ sourceName: String) throws -> [Double?] {
        let c = try r.column(column)
        return try r.rows.map { row in
            guard let text = row[c] else { return nil }
            guard let v = DecimalNumber.parse(text) else {
                throw DatabaseError.resultShape(
                    "\(sourceName): column \(column) of the result holds \"\(text)\", not a number")
            }
            return v
        }
    }

    /// A column's sum over the result's rows (partitions, sites), NULL counting as 0.
    static func sum(_ r: QueryResult, _ column: String, _ sourceName: String) throws -> Double {
        try values(r, column, sourceName).reduce(0) { $0 + ($1 ?? 0) }
    }

    /// A step query's rows as cell sums (partitions added later by the model's merge).
    static func cells(_ r: QueryResult, p: Int, efron: Bool, strata: inout [String: Int],
                      sourceName: String) throws -> [CoxCellSums] {
        func col(_ name: String) throws -> Int { try r.column(name) }
        let cs = try col("stratum"), ct = try col("time"), cd = try col("deaths"), cw = try col("dw")
        let c0 = try col("r0"), cmax = r.columns.firstIndex(of: "max_eta")
        // Σw·η and Σw·x over the events: per cell, or (without these columns) from the profile
        let perCell = r.columns.contains("deta")
        let cdeta = perCell ? try col("deta") : nil
        let c1 = try (0..<p).map { try col("r1_\($0)") }
        let c2 = try (0..<p).flatMap { i in try (0...i).map { try col("r2_\(i)_\($0)") } }
        let cx = perCell ? try (0..<p).map { try col("dx_\($0)") } : []
        let d0 = efron ? try col("d0") : nil
        let d1 = efron ? try (0..<p).map { try col("d1_\($0)") } : []
        let d2 = efron ? try (0..<p).flatMap { i in try (0...i).map { try col("d2_\(i)_\($0)") } } : []
        let tri = p * (p + 1) / 2
        return try r.rows.map { row in
            func v(_ c: Int) throws -> Double {
                guard let t = row[c], let x = DecimalNumber.parse(t) else {
                    throw DatabaseError.resultShape(
                        "\(sourceName): column \(r.columns[c]) holds \"\(row[c] ?? "NULL")\", not a number")
                }
                return x
            }
            let key = row[cs] ?? ""
            let s = strata[key] ?? { let k = strata.count; strata[key] = k; return k }()
            let deaths = try v(cd)
            guard let nDeaths = DecimalNumber.exactInteger(deaths), nDeaths >= 0 else {
                throw DatabaseError.resultShape("\(sourceName): column deaths holds \(deaths), not a count")
            }
            return CoxCellSums(
                stratum: s, time: try v(ct), deaths: nDeaths, deathWeight: try v(cw),
                risk: try v(c0), riskX: try c1.map(v), riskXX: try c2.map(v),
                deathRisk: try d0.map(v) ?? 0, deathRiskX: efron ? try d1.map(v) : [Double](repeating: 0, count: p),
                deathRiskXX: efron ? try d2.map(v) : [Double](repeating: 0, count: tri),
                deathEta: try cdeta.map(v) ?? 0, deathX: perCell ? try cx.map(v) : [Double](repeating: 0, count: p),
                maxEta: try cmax.map(v) ?? -.infinity)
        }
    }
}
