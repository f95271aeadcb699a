/// The SQL dialects `pof` writes its aggregate queries in.
public enum SQLDialect: String, Sendable, CaseIterable {
    /// PostgreSQL (also Greenplum, Redshift, and other PostgreSQL-derived engines).
    case postgres
    /// Spark SQL (Databricks, Spark Thrift server).
    case spark

    /// An identifier, quoted: `"ph.ecog"` for PostgreSQL, backquoted for Spark SQL.
    ///
    /// - Complexity: O(`name.count`).
    public func quote(_ name: String) -> String {
        switch self {
        case .postgres: return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        case .spark: return "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
        }
    }

    /// A possibly schema-qualified table name, each part quoted; a name already holding quotes is kept.
    ///
    /// - Complexity: O(`name.count`).
    public func table(_ name: String) -> String {
        if name.contains("\"") || name.contains("`") { return name }
        return name.split(separator: ".", omittingEmptySubsequences: false).map { quote(String($0)) }
            .joined(separator: ".")
    }

    var textType: String { self == .postgres ? "TEXT" : "STRING" }
    var doubleType: String { self == .postgres ? "DOUBLE PRECISION" : "DOUBLE" }

    /// A string literal.
    func string(_ s: String) -> String {
        switch self {
        case .postgres: return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
        case .spark:
            return "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        }
    }

    /// A double-precision constant that converts to exactly `x` (shortest round-trip digits).
    func number(_ x: Double) -> String { "CAST(\(x.description) AS \(doubleType))" }

    func asDouble(_ e: String) -> String { "CAST(\(e) AS \(doubleType))" }
    func asText(_ e: String) -> String { "CAST(\(e) AS \(textType))" }
}

/// Where the rows are: a table (or view) or the result of a query.
public enum DataSource: Sendable, Equatable {
    /// A table or view, by name (quoted as an identifier in the SQL).
    case table(String)
    /// The rows of a query (its text, a trailing semicolon removed), as a subquery.
    case query(String)

    /// The FROM item.
    func sql(_ d: SQLDialect) -> String {
        switch self {
        case .table(let t): return "\(d.table(t)) AS src"
        case .query(let q):
            var body = q.trimmingCharacters(in: .whitespacesAndNewlines)
            while body.hasSuffix(";") { body.removeLast() }
            return "(\n\(body)\n) AS src"
        }
    }

    /// How messages name the source.
    public var name: String {
        switch self {
        case .table(let t): return "table \(t)"
        case .query: return "query"
        }
    }
}

/// What may leave a site: cells with fewer rows than `minimumCellCount` are not returned, and times are
/// rounded up to a grid (`timeGrid`, e.g. 7 for weeks when times are in days) before grouping.
public struct PrivacyOptions: Sendable, Equatable {
    /// Cells (rows of one group, time and status) with fewer rows than this are not returned; `nil` or 1 for
    /// no limit.
    public var minimumCellCount: Int?
    /// Times are rounded up to a multiple of this, in the data's time unit, before grouping; `nil` for exact
    /// times.
    public var timeGrid: Double?
    /// Privacy options; both off by default.
    ///
    /// - Complexity: O(1).
    public init(minimumCellCount: Int? = nil, timeGrid: Double? = nil) {
        self.minimumCellCount = minimumCellCount
        self.timeGrid = timeGrid
    }

    /// Whether either option is set (then no query returns a single subject's value as a MIN or MAX).
    public var isActive: Bool { (minimumCellCount ?? 0) > 1 || timeGrid != nil }
}

/// The phase-1 query of Kaplan–Meier, the log-rank test and cumulative incidence: subject rows grouped
/// by (stratum, group, time, status), with the rows missing a value kept as their own groups (NULL in the
/// missing column) so that the exclusions are counted exactly as the file mode counts them.
///
/// ```swift
/// let q = SurvivalAggregateQuery(time: "time", event: "status", group: "sex")
/// print(q.sql(from: .table("lung"), dialect: .postgres))
/// ```
///
/// Result columns: [`part`,] `stratum`, `grp`, `time`, `status`, `n`; at most one row per distinct
/// (stratum, group, time, status) plus the rows with missing values. `status` is 1/0 for an event indicator
/// (−1 for a value that is not one), or the cause code as a number.
public struct SurvivalAggregateQuery: Sendable, Equatable {
    /// How the event column is read.
    public enum EventKind: Sendable, Equatable {
        /// 1/0, true/false, T/F (as the file mode's event columns).
        case indicator
        /// Integer cause codes (competing risks).
        case cause
    }

    /// The time column (numeric, ≥ 0).
    public var time: String
    /// The event column: an indicator or a cause code, as ``eventKind`` says.
    public var event: String
    /// How the event column is read.
    public var eventKind: EventKind
    /// The group column compared (log-rank, Gray's test); `nil` for one group.
    public var group: String?
    /// The strata column (stratified log-rank); `nil` for none.
    public var strata: String?
    /// A column to group by as well (the partition key of a table spread over servers, so that each server
    /// aggregates its own rows); the sums over it are added in Swift.
    public var partitionKey: String?
    /// What may leave the database (minimum cell count, time grid).
    public var privacy: PrivacyOptions

    /// A query; see the properties for what each argument holds.
    ///
    /// - Complexity: O(1); `sql(from:dialect:)` writes the text.
    public init(time: String, event: String, eventKind: EventKind = .indicator, group: String? = nil,
                strata: String? = nil, partitionKey: String? = nil, privacy: PrivacyOptions = .init()) {
        self.time = time
        self.event = event
        self.eventKind = eventKind
        self.group = group
        self.strata = strata
        self.partitionKey = partitionKey
        self.privacy = privacy
    }

    /// The columns whose missing values exclude a row, in the order the file mode reports them.
    public var requiredColumns: [String] {
        var out: [String] = []
        for c in [time, event] + [group, strata].compactMap({ $0 }) where !out.contains(c) { out.append(c) }
        return out
    }

    /// The query text.
    ///
    /// - Parameters:
    ///   - source: The table or query holding one row per subject (or per counting-process interval).
    ///   - d: The dialect: PostgreSQL or Spark SQL.
    /// - Returns: One SELECT statement (no trailing semicolon).
    ///
    /// - Complexity: O(1) (a fixed query text around the column names).
    public func sql(from source: DataSource, dialect d: SQLDialect) -> String {
        let t = d.quote(time), e = d.quote(event)
        var timeExpr = d.asDouble(t)
        if let grid = privacy.timeGrid { timeExpr = "CEIL(\(timeExpr) / \(d.number(grid))) * \(d.number(grid))" }
        let status: String
        switch eventKind {
        case .indicator:
            let yes = ["1", "1.0", "TRUE", "True", "true", "T", "t"].map(d.string).joined(separator: ", ")
            let no = ["0", "0.0", "FALSE", "False", "false", "F", "f"].map(d.string).joined(separator: ", ")
            status = "CASE WHEN \(e) IS NULL THEN NULL WHEN \(d.asText(e)) IN (\(yes)) THEN 1 "
                + "WHEN \(d.asText(e)) IN (\(no)) THEN 0 ELSE -1 END"
        case .cause:
            status = d.asDouble(e)
        }
        // The GROUP BY runs on the raw column values (so that postgres_fdw can ship it to each shard: casts to
        // text are not shippable); the outer SELECT only renames and codes the few aggregate rows. Two raw
        // values coded alike (1 and true) give two rows with the same key, which the reader adds.
        // (no constant is grouped by: a missing stratum or group is written in the outer SELECT, which keeps the
        // planner's estimate of the number of groups that of the grouped columns)
        var inner: [String] = []
        if let k = partitionKey { inner.append("\(d.quote(k)) AS part") }
        if let s = strata { inner.append("\(d.quote(s)) AS s") }
        if let g = group { inner.append("\(d.quote(g)) AS g") }
        inner.append("\(timeExpr) AS t")
        inner.append("\(e) AS e")
        let keys = (1...inner.count).map(String.init).joined(separator: ", ")
        inner.append("COUNT(*) AS n")
        var raw = "SELECT " + inner.joined(separator: ", ") + "\nFROM " + source.sql(d) + "\nGROUP BY " + keys
        if let k = privacy.minimumCellCount, k > 1 { raw += "\nHAVING COUNT(*) >= \(k)" }
        var select: [String] = []
        if partitionKey != nil { select.append("part") }
        select.append((strata == nil ? "''" : d.asText("s")) + " AS stratum")
        select.append((group == nil ? "''" : d.asText("g")) + " AS grp")
        select.append("t AS time")
        select.append(status.replacingOccurrences(of: e, with: "e") + " AS status")
        select.append("n")
        let sql = "SELECT\n  " + select.joined(separator: ",\n  ") + "\nFROM (\n" + raw + "\n) AS cells"
        return sql
    }
}
