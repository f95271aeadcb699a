/// The queries of a Cox model fitted in the database: a profile (missing values, events, weighted
/// covariate sums), the absolute deviations that set R's scaling, and one per Newton–Raphson step returning
/// `CoxCellSums` per (stratum, time).
///
/// ```swift
/// let q = CoxAggregateQuery(time: "time", event: "status", covariates: ["age", "sex"])
/// print(q.stepSQL(from: .table("lung"), dialect: .postgres, means: m, scale: s, beta: [0, 0]))
/// ```
public struct CoxAggregateQuery: Sendable, Equatable {
    /// The time column (numeric, > 0 for an event).
    public var time: String
    /// The event column (1/0, true/false).
    public var event: String
    /// The covariate columns, numeric (as the model matrix's columns, in order).
    public var covariates: [String]
    /// The strata column; `nil` for none.
    public var strata: String?
    /// The case-weight column; `nil` for unit weights.
    public var weights: String?
    /// Whether ties are handled by Efron's approximation (R's default); Breslow's otherwise.
    public var efron: Bool
    /// A column to group by as well (the partition key of a table spread over servers); the sums over it are
    /// added in Swift. `nil` for none.
    public var partitionKey: String?
    /// What may leave the database (minimum cell count, time grid).
    public var privacy: PrivacyOptions
    /// The event column's type where known (a connected database): the event test is then written without a
    /// cast to text, which postgres_fdw would not send to a shard.
    public var eventType: ColumnType = .unknown

    /// What is known of a column's SQL type.
    public enum ColumnType: Sendable, Equatable {
        /// Not known (a CSV export), numeric, boolean or text.
        case unknown, numeric, boolean, text
    }

    /// A Cox query; see the properties for what each argument holds.
    ///
    /// - Complexity: O(1).
    public init(time: String, event: String, covariates: [String], strata: String? = nil, weights: String? = nil,
                efron: Bool = true, partitionKey: String? = nil, privacy: PrivacyOptions = .init()) {
        self.time = time
        self.event = event
        self.covariates = covariates
        self.strata = strata
        self.weights = weights
        self.efron = efron
        self.partitionKey = partitionKey
        self.privacy = privacy
    }

    /// Columns whose missing values exclude a row, in the file mode's order.
    public var requiredColumns: [String] {
        var out: [String] = []
        for c in [time, event] + covariates + [strata, weights].compactMap({ $0 }) where !out.contains(c) {
            out.append(c)
        }
        return out
    }

    private func complete(_ d: SQLDialect) -> String {
        requiredColumns.map { "\(d.quote($0)) IS NOT NULL" }.joined(separator: " AND ")
    }

    /// 1 for an event, 0 for a censoring, −1 for a value that is neither (the file mode's event values), of the
    /// event column or of `value`, an expression holding its raw value (a grouped column).
    private func status(_ d: SQLDialect, of value: String? = nil) -> String {
        let e = value ?? d.quote(event)
        let yes = ["1", "1.0", "TRUE", "True", "true", "T", "t"].map(d.string).joined(separator: ", ")
        let no = ["0", "0.0", "FALSE", "False", "false", "F", "f"].map(d.string).joined(separator: ", ")
        switch eventType {
        case .numeric: return "CASE WHEN \(e) = 1 THEN 1 WHEN \(e) = 0 THEN 0 ELSE -1 END"
        case .boolean: return "CASE WHEN \(e) THEN 1 ELSE 0 END"
        case .text: return "CASE WHEN \(e) IN (\(yes)) THEN 1 WHEN \(e) IN (\(no)) THEN 0 ELSE -1 END"
        case .unknown:
            return "CASE WHEN \(d.asText(e)) IN (\(yes)) THEN 1 WHEN \(d.asText(e)) IN (\(no)) THEN 0 ELSE -1 END"
        }
    }

    /// A column computed in a subquery is evaluated once per row only if the planner cannot merge the subquery
    /// into the query above it (PostgreSQL substitutes the expression into every reference: e^η into each of
    /// the step's 70-odd sums). A volatile function in the subquery's select list keeps it apart, and
    /// `pg_is_in_recovery()` is volatile, parallel safe, costs nothing and needs no privilege, so the
    /// aggregation above still runs in parallel workers (an `OFFSET 0` fence would do the first but not the
    /// second: the sums would run in the leader alone). Not on a table spread over servers, where the
    /// aggregate must stay shippable to the shards (postgres_fdw does not send volatile functions), nor in Spark
    /// SQL, which does not merge a projection into one that would repeat an expensive expression.
    private func fence(_ d: SQLDialect) -> String {
        d == .postgres && partitionKey == nil ? ", pg_is_in_recovery() AS pof_fence" : ""
    }

    private func weight(_ d: SQLDialect) -> String { weights.map { d.asDouble(d.quote($0)) } ?? d.number(1) }
    private func x(_ j: Int, _ d: SQLDialect) -> String { d.asDouble(d.quote(covariates[j])) }

    /// Result columns: `n_all`, `n_excluded`, `miss_<k>` per required column, and over the complete rows
    /// `bad_event`, `events`, `min_time`, `min_weight`, `sum_w`, `event_w` (Σw over the events), `sum_wx_<j>`,
    /// `non_unit_<j>` (rows with a value outside {−1, 0, 1}), `event_wx_<j>` (Σw·x over the events, which the
    /// Newton steps then need not sum), `min_x_<j>`, `max_x_<j>`, `event_min_<j>`, `event_max_<j>` (a
    /// two-valued covariate one of whose values has no event has an infinite coefficient). With privacy
    /// options, no smallest or largest value and no sum over the events is returned (each can be one
    /// subject's): `negative_time` and `bad_weight` count the rows that would stop the fit instead, and the
    /// eventless-level check is left to the monotone-likelihood rule. With a partition key, one row per
    /// partition (column `part`): every column adds, or combines by MIN/MAX, across partitions.
    ///
    /// - Complexity: O(*p*) in the number of covariates.
    public func profileSQL(from source: DataSource, dialect d: SQLDialect) -> String {
        // each row's completeness and event code, computed once in a subquery (not once per sum)
        let c = "pof_complete_row", code = "pof_event_code"
        var cols = (partitionKey.map { ["\(d.quote($0)) AS part"] } ?? []) + ["COUNT(*) AS n_all"]
        cols.append("SUM(CASE WHEN \(c) THEN 0 ELSE 1 END) AS n_excluded")
        for (k, name) in requiredColumns.enumerated() {
            cols.append("SUM(CASE WHEN \(d.quote(name)) IS NULL THEN 1 ELSE 0 END) AS miss_\(k)")
        }
        cols.append("SUM(CASE WHEN \(c) AND \(code) = -1 THEN 1 ELSE 0 END) AS bad_event")
        cols.append("SUM(CASE WHEN \(c) AND \(code) = 1 THEN 1 ELSE 0 END) AS events")
        if privacy.isActive {
            // no smallest or largest value: each is one subject's value
            cols.append("SUM(CASE WHEN \(c) AND \(d.asDouble(d.quote(time))) < 0 THEN 1 ELSE 0 END) AS negative_time")
            cols.append("SUM(CASE WHEN \(c) AND NOT (\(weight(d)) > 0) THEN 1 ELSE 0 END) AS bad_weight")
        } else {
            cols.append("MIN(CASE WHEN \(c) THEN \(d.asDouble(d.quote(time))) END) AS min_time")
            cols.append("MIN(CASE WHEN \(c) THEN \(weight(d)) END) AS min_weight")
        }
        cols.append("SUM(CASE WHEN \(c) THEN \(weight(d)) END) AS sum_w")
        // Σw and Σw·x over the events (what each Newton step would otherwise sum again), not with privacy
        // options (with few events they are a few subjects' values; the steps return them per cell instead)
        if !privacy.isActive { cols.append("SUM(CASE WHEN \(c) AND \(code) = 1 THEN \(weight(d)) END) AS event_w") }
        for j in covariates.indices {
            cols.append("SUM(CASE WHEN \(c) THEN \(weight(d)) * \(x(j, d)) END) AS sum_wx_\(j)")
            cols.append("SUM(CASE WHEN \(c) AND \(x(j, d)) NOT IN (-1, 0, 1) THEN 1 ELSE 0 END) AS non_unit_\(j)")
            guard !privacy.isActive else { continue }
            cols.append("SUM(CASE WHEN \(c) AND \(code) = 1 THEN \(weight(d)) * \(x(j, d)) END) AS event_wx_\(j)")
            cols.append("MIN(CASE WHEN \(c) THEN \(x(j, d)) END) AS min_x_\(j)")
            cols.append("MAX(CASE WHEN \(c) THEN \(x(j, d)) END) AS max_x_\(j)")
            cols.append("MIN(CASE WHEN \(c) AND \(code) = 1 THEN \(x(j, d)) END) AS event_min_\(j)")
            cols.append("MAX(CASE WHEN \(c) AND \(code) = 1 THEN \(x(j, d)) END) AS event_max_\(j)")
        }
        let used = (partitionKey.map { [$0] } ?? []) + requiredColumns.filter { $0 != partitionKey }
        let rows = "SELECT " + used.map { d.quote($0) }.joined(separator: ", ")
            + ", \(complete(d)) AS \(c), \(status(d)) AS \(code)\(fence(d))\nFROM " + source.sql(d)
        return "SELECT\n  " + cols.joined(separator: ",\n  ") + "\nFROM (\n" + rows + "\n) AS profiled"
            + groupByPartition
    }

    /// Result columns `dev_<j>` = Σ w·|x_j − mean_j| over the complete rows, and `inner_<j>`, the number of
    /// rows with a value strictly between the covariate's smallest and largest (0: two distinct values).
    /// `mean_<j>` repeats the means the query was written for (so that an exported result can be matched to
    /// its round). With a partition key, one row per partition (column `part`).
    ///
    /// - Complexity: O(*p*) in the number of covariates.
    public func deviationSQL(from source: DataSource, dialect d: SQLDialect, means: [Double],
                             range: [(min: Double, max: Double)]?) -> String {
        var cols = partitionKey.map { ["\(d.quote($0)) AS part"] } ?? []
        for j in covariates.indices {
            cols.append("\(d.number(means[j])) AS mean_\(j)")
            cols.append("SUM(\(weight(d)) * ABS(\(x(j, d)) - \(d.number(means[j])))) AS dev_\(j)")
            if let r = range?[j], r.min.isFinite, r.max.isFinite {
                cols.append("""
                    SUM(CASE WHEN \(x(j, d)) > \(d.number(r.min)) AND \(x(j, d)) < \(d.number(r.max)) \
                    THEN 1 ELSE 0 END) AS inner_\(j)
                    """)
            }
        }
        return "SELECT\n  " + cols.joined(separator: ",\n  ") + "\nFROM " + source.sql(d) + "\nWHERE " + complete(d)
            + groupByPartition
    }

    private var groupByPartition: String { partitionKey == nil ? "" : "\nGROUP BY 1" }

    /// One Newton–Raphson step's sums per (stratum, time) at `beta` (on the centred, scaled covariates).
    ///
    /// Result columns: [`part`,] `stratum`, `time`, `deaths`, `dw`, `r0`, `r1_<i>`, `r2_<i>_<j>` (i ≥ j),
    /// `d0`, `d1_<i>`, `d2_<i>_<j>` (Efron only), `deta`, `dx_<i>` (not when `eventSumsKnown`), `max_eta` (not
    /// with privacy options: it is one subject's linear predictor), and `beta_<i>`, the β the query was written
    /// for (so that an exported result can be matched to its round). A (stratum, time) may come in several rows
    /// (its events and its censorings, one per value of the event column): they add.
    ///
    /// - Parameters:
    ///   - source: The table or query the rows come from.
    ///   - d: The dialect: PostgreSQL or Spark SQL.
    ///   - means: The covariates' weighted means (the profile query's).
    ///   - scale: The covariates' scale factors (R's, from the scaling query).
    ///   - beta: The coefficients on the centred, scaled covariates.
    ///   - eventSumsKnown: Whether the profile's result holds Σw and Σw·x over the events
    ///     (`event_w`, `event_wx_<j>`): Σw·η and Σw·x over a step's events then follow from them in Swift,
    ///     and the step does not return `deta` and `dx_<i>` (11 sums fewer per row with 10 covariates).
    ///     Ignored with a smallest cell size, where the events of a suppressed cell must not count.
    /// - Returns: The query text.
    /// - Complexity: O(*p*²) in the number of covariates (the query returns the cross-product sums).
    public func stepSQL(from source: DataSource, dialect d: SQLDialect, means: [Double], scale: [Double],
                        beta: [Double], eventSumsKnown: Bool = false) -> String {
        let p = covariates.count
        var timeExpr = d.asDouble(d.quote(time))
        if let grid = privacy.timeGrid { timeExpr = "CEIL(\(timeExpr) / \(d.number(grid))) * \(d.number(grid))" }
        let suppressing = (privacy.minimumCellCount ?? 0) > 1
        let eventSums = !(eventSumsKnown && !suppressing)
        // Efron's ties, or an event column of unknown type (whose test needs a cast to text per row): rows are
        // grouped by (stratum, time, raw event value), so that the sums over a time's events (dw and Efron's
        // tie sums d0, d1, d2) are the sums of its event rows' group: no per-row product with an event
        // indicator, and Efron's 66 extra sums cost nothing (PostgreSQL computes identical aggregates once).
        // Breslow with a numeric or boolean event column needs nothing per event beyond the count (and the
        // weight): grouping by (stratum, time) alone and counting the events halves the groups, whose ~70 sums
        // each no longer fit in the processor's caches twice over (~25 % less time per row with 10
        // covariates). With a smallest cell size, cells stay whole (stratum, time) and the event sums are summed
        // products with the indicator, so that suppression applies to the same cells as in the other queries.
        let cheapEventTest = eventType == .numeric || eventType == .boolean
        let byEvent = !suppressing && (efron || !cheapEventTest)
        let part = partitionKey == nil ? [] : ["part"]
        let xs = (0..<p).map { "x\($0)" }
        // innermost: centred, scaled covariates (the stratum's raw value: a cast to text would keep
        // postgres_fdw from sending the GROUP BY to a shard)
        var centred: [String] = partitionKey.map { ["\(d.quote($0)) AS part"] } ?? []
        if let s = strata { centred.append("\(d.quote(s)) AS stratum") }
        centred.append("\(timeExpr) AS time")
        centred.append(byEvent ? "\(d.quote(event)) AS ev" : "\(status(d)) AS ev")
        centred.append("\(weight(d)) AS w")
        for j in 0..<p { centred.append("(\(x(j, d)) - \(d.number(means[j]))) * \(d.number(scale[j])) AS x\(j)") }
        let keys = part + (strata == nil ? [] : ["stratum"]) + ["time", "ev"]
        let eta = p == 0 ? d.number(0) : (0..<p).map { "x\($0) * \(d.number(beta[$0]))" }.joined(separator: " + ")
        // each row's risk weight r = w·exp(η), exp capped at exp(709) (as CoxData caps the linear predictor;
        // CASE, unlike LEAST, is shippable to a shard), and r·x, each computed once per row (behind the fence,
        // r·x_i is not substituted into the i + 2 sums that use it)
        let linear = "SELECT " + (keys + ["w"] + xs).joined(separator: ", ") + ", \(eta) AS eta\(fence(d))"
        let risk = "SELECT " + (keys + ["w"] + xs).joined(separator: ", ")
            + ", eta, w * EXP(CASE WHEN eta > 709 THEN 709 ELSE eta END) AS r\(fence(d))"
        let products = "SELECT " + (keys + ["w"] + xs).joined(separator: ", ") + ", eta, r, "
            + (0..<p).map { "r * x\($0) AS rx\($0)" }.joined(separator: ", ") + fence(d)
        // the sums over the events of a cell (with unit weights, dw is the number of events)
        let isEvent = byEvent ? "\(status(d, of: "ev")) = 1" : ""
        func overEvents(_ e: String) -> String {
            byEvent ? "CASE WHEN \(isEvent) THEN SUM(\(e)) ELSE 0 END" : "SUM(CASE WHEN ev = 1 THEN \(e) ELSE 0 END)"
        }
        let deaths = byEvent ? "CASE WHEN \(isEvent) THEN COUNT(*) ELSE 0 END"
            : "SUM(CASE WHEN ev = 1 THEN 1 ELSE 0 END)"
        var outer: [String] = part + [(strata == nil ? "''" : "stratum") + " AS stratum", "time"]
        outer.append("\(deaths) AS deaths")
        outer.append("\(weights == nil ? deaths : overEvents("w")) AS dw")
        outer.append("SUM(r) AS r0")
        for i in 0..<p { outer.append("SUM(rx\(i)) AS r1_\(i)") }
        for i in 0..<p { for j in 0...i { outer.append("SUM(rx\(i) * x\(j)) AS r2_\(i)_\(j)") } }
        if efron {
            outer.append("\(overEvents("r")) AS d0")
            for i in 0..<p { outer.append("\(overEvents("rx\(i)")) AS d1_\(i)") }
            for i in 0..<p { for j in 0...i { outer.append("\(overEvents("rx\(i) * x\(j)")) AS d2_\(i)_\(j)") } }
        }
        if eventSums {
            outer.append("\(overEvents("w * eta")) AS deta")
            for i in 0..<p { outer.append("\(overEvents("w * x\(i)")) AS dx_\(i)") }
        }
        if !privacy.isActive { outer.append("MAX(eta) AS max_eta") }
        for i in 0..<p { outer.append("\(d.number(beta[i])) AS beta_\(i)") }
        let groupKeys = byEvent ? keys : keys.filter { $0 != "ev" }
        var sql = "SELECT\n  " + outer.joined(separator: ",\n  ") + "\nFROM (\n" + products + "\nFROM (\n" + risk
        sql += "\nFROM (\n" + linear + "\nFROM (\n"
        sql += "SELECT " + centred.joined(separator: ", ") + "\(fence(d))\nFROM " + source.sql(d)
        sql += "\nWHERE " + complete(d)
        sql += "\n) AS centred\n) AS linear\n) AS risk\n) AS products\nGROUP BY " + groupKeys.joined(separator: ", ")
        if let k = privacy.minimumCellCount, k > 1 { sql += "\nHAVING COUNT(*) >= \(k)" }
        return sql
    }
}
