/// How many rows an analysis lost to missing values, and in which columns.
///
/// A row missing several of the columns counts once in ``excludedRows`` and once in each of those
/// columns' counts, so the per-column counts can add up to more than ``excludedRows``.
public struct MissingValueReport: Codable, Sendable, Equatable {
    /// Missing cells in one column among the rows considered.
    public struct ColumnCount: Codable, Sendable, Equatable {
        /// The column name.
        public let column: String
        /// Missing cells in that column among the rows considered (a row can be counted in several columns).
        public let count: Int
        /// A count for one column.
        ///
        /// - Complexity: O(1).
        public init(column: String, count: Int) {
            self.column = column
            self.count = count
        }
    }

    /// Rows considered (all rows of the table, or the subset passed in).
    public let consideredRows: Int
    /// Rows with at least one of the columns missing.
    public let excludedRows: Int
    /// One entry per requested column, in the order requested (zeros included).
    public let byColumn: [ColumnCount]

    /// A report; see the properties for what each argument holds.
    ///
    /// - Complexity: O(1).
    public init(consideredRows: Int, excludedRows: Int, byColumn: [ColumnCount]) {
        self.consideredRows = consideredRows
        self.excludedRows = excludedRows
        self.byColumn = byColumn
    }

    /// Rows kept.
    public var includedRows: Int { consideredRows - excludedRows }

    /// One line for a report, e.g.
    /// `12 of 200 rows excluded for missing values (age: 5, ecog: 8)` or
    /// `no rows excluded for missing values`.
    public var summary: String {
        if excludedRows == 0 { return "no rows excluded for missing values" }
        let parts = byColumn.filter { $0.count > 0 }.map { "\($0.column): \($0.count)" }
        return """
            \(excludedRows) of \(consideredRows) rows excluded for missing values \
            (\(parts.joined(separator: ", ")))
            """
    }
}

/// The rows usable by an analysis and the report of those left out.
public struct CompleteCases: Sendable, Equatable {
    /// Row indices (0-based) with a value in every requested column, in the order considered
    /// (ascending when all rows are considered). Made on each access when every row is complete:
    /// use ``count`` and ``includesEveryRow`` where they suffice.
    public var rows: [Int] { subset ?? Array(0..<count) }
    /// Number of complete rows.
    public let count: Int
    /// Whether the complete rows are all the rows considered, `0..<count` in order (no row was lost).
    public var includesEveryRow: Bool { subset == nil }
    /// Rows considered and left out, and missing cells per column.
    public let report: MissingValueReport
    /// The rows when some were lost (or a subset was considered); nil for `0..<count`.
    private let subset: [Int]?

    init(rows: [Int], report: MissingValueReport) {
        subset = rows
        count = rows.count
        self.report = report
    }

    /// All of the table's `count` rows.
    init(allRows count: Int, report: MissingValueReport) {
        subset = nil
        self.count = count
        self.report = report
    }

    /// Whether two selections keep the same rows with the same report.
    ///
    /// - Complexity: O(*n*) in the number of rows when both lost rows; O(1) otherwise.
    public static func == (a: CompleteCases, b: CompleteCases) -> Bool {
        a.count == b.count && a.report == b.report && (a.subset == b.subset || a.rows == b.rows)
    }
}

extension CSVTable {
    /// The rows with a value (not missing) in every one of `columns`, and what was excluded.
    ///
    /// ```swift
    /// let cc = try table.completeCases(["time", "status", "age"])
    /// cc.rows                 // [0, 1, 3, …]
    /// cc.report.summary       // "2 of 228 rows excluded for missing values (age: 2)"
    /// ```
    ///
    /// Only missingness is checked here (see ``CSVTable`` for what counts as missing); whether the
    /// values parse as numbers or events is for the typed accessors to report.
    ///
    /// - Parameters:
    ///   - columns: Column names; a name listed twice is counted once.
    ///   - rows: Restrict to these row indices (e.g. a subgroup), in the order given; `nil` = all rows.
    /// - Throws: ``TabularError/unknownColumn(file:column:available:)``.
    /// - Complexity: O(rows × columns).
    public func completeCases(_ columns: [String], among rows: [Int]? = nil) throws -> CompleteCases {
        var unique: [String] = []
        for name in columns where !unique.contains(name) { unique.append(name) }
        let indices = try unique.map { try columnIndex($0) }
        if let rows {
            for r in rows { precondition(r >= 0 && r < rowCount, "row index \(r) out of range 0..<\(rowCount)") }
        }
        // One pass over the columns (in file order) marks each row missing anything.
        let order = indices.indices.sorted { indices[$0] < indices[$1] }
        let sortedColumns = order.map { indices[$0] }
        var counts = [Int](repeating: 0, count: unique.count)
        var kept: [Int] = []
        if let rows {
            // A subset: count per column among those rows (rescanning their flags per column).
            let perRow = try unique.map { name -> [Bool] in
                let c = try columnIndex(name)
                return rows.map { isMissing(row: $0, column: c) }
            }
            kept.reserveCapacity(rows.count)
            for (i, r) in rows.enumerated() {
                var complete = true
                for j in unique.indices where perRow[j][i] { counts[j] += 1; complete = false }
                if complete { kept.append(r) }
            }
        } else {
            var flags = [UInt8](repeating: 0, count: rowCount)   // 1: the row misses a value
            let sinks = flags.withUnsafeMutableBufferPointer { buffer in
                let target = UncheckedBox(buffer.baseAddress)
                return store.scan(columns: sortedColumns) { _ in
                    MissingSink(out: target.value, columns: sortedColumns.count)
                }
            }
            for s in sinks { for j in 0..<s.counts.count { counts[order[j]] += s.counts[j] } }
            let excluded = sinks.reduce(0) { $0 + $1.incompleteRows }
            if excluded == 0 {
                let report = MissingValueReport(
                    consideredRows: rowCount, excludedRows: 0,
                    byColumn: zip(unique, counts).map { MissingValueReport.ColumnCount(column: $0, count: $1) })
                return CompleteCases(allRows: rowCount, report: report)
            }
            kept.reserveCapacity(rowCount - excluded)
            for r in 0..<rowCount where flags[r] == 0 { kept.append(r) }
        }
        let considered = rows?.count ?? rowCount
        let report = MissingValueReport(
            consideredRows: considered,
            excludedRows: considered - kept.count,
            byColumn: zip(unique, counts).map { MissingValueReport.ColumnCount(column: $0, count: $1) })
        return CompleteCases(rows: kept, report: report)
    }
}

/// Marks rows with a missing cell in any of the scanned columns, counting per column.
struct MissingSink: CellSink {
    let out: UnsafeMutablePointer<UInt8>?
    var counts: [Int]
    var incompleteRows = 0
    init(out: UnsafeMutablePointer<UInt8>?, columns: Int) {
        self.out = out
        counts = [Int](repeating: 0, count: columns)
    }
    @inline(__always)
    mutating func take(row: Int, slot: Int, _ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, escaped: Bool) {
        if escaped { return }
        let (a, b) = trimmed(p, s, e)
        if isMissingTrimmed(p, a, b) {
            counts[slot] += 1
            if out![row] == 0 { incompleteRows += 1 }
            out![row] = 1
        }
    }
}
