import Foundation
import Survival
import Tabular

/// A phase-1 result (from the database, or from that query's result exported to CSV) read into
/// `SurvivalAggregates`: exclusions counted, group and stratum values mapped to indices, values checked.
public struct ParsedAggregates: Sendable {
    /// The complete rows' counts.
    public var aggregates: SurvivalAggregates
    /// Display value of each group index, in the file mode's order (numeric if every value is a number,
    /// else byte order).
    public var groupLevels: [String]
    /// Display value of each stratum index, ordered as ``groupLevels``; empty without strata.
    public var strataLevels: [String]
    /// Rows excluded for missing values, per column, as the file mode reports them.
    public var report: MissingValueReport

    /// Reads a result with columns [`part`,] `stratum`, `grp`, `time`, `status`, `n` (see ``SurvivalAggregateQuery``).
    ///
    /// - Parameters:
    ///   - result: The rows (text cells, `nil` for NULL).
    ///   - query: The query that produced them (column names and how the event column was coded).
    ///   - sourceName: How messages name the data (`table lung`, a file name).
    /// - Throws: ``DatabaseError/data(_:)`` for a value that is not an event indicator or cause code, a
    ///   negative or non-finite time, or no complete rows; ``DatabaseError/resultShape(_:)`` for a result
    ///   lacking a column.
    /// - Complexity: O(m log m) for m result rows.
    public init(_ result: QueryResult, query: SurvivalAggregateQuery, sourceName: String) throws {
        let cs = try result.column("stratum"), cg = try result.column("grp"), ct = try result.column("time")
        let cst = try result.column("status"), cn = try result.column("n")
        let required = query.requiredColumns
        var missing = [Int](repeating: 0, count: required.count)
        func index(_ name: String?) -> Int? { name.flatMap { required.firstIndex(of: $0) } }
        let iTime = index(query.time)!, iEvent = index(query.event)!
        let iGroup = index(query.group), iStrata = index(query.strata)
        var considered = 0, excluded = 0
        var times: [Double] = [], status: [Int] = [], counts: [Int] = []
        var groupText: [String] = [], strataText: [String] = []
        for row in result.rows {
            guard let nText = row[cn], let n = DecimalNumber.parseInteger(nText), n >= 0 else {
                throw DatabaseError.resultShape(
                    "\(sourceName): column n holds \"\(row[cn] ?? "NULL")\", not a row count")
            }
            considered += n
            var isMissing = [Bool](repeating: false, count: required.count)
            if row[ct] == nil { isMissing[iTime] = true }
            if row[cst] == nil { isMissing[iEvent] = true }
            if let iGroup, row[cg] == nil { isMissing[iGroup] = true }
            if let iStrata, row[cs] == nil { isMissing[iStrata] = true }
            if isMissing.contains(true) {
                excluded += n
                for j in missing.indices where isMissing[j] { missing[j] += n }
                continue
            }
            guard let t = DecimalNumber.parse(row[ct]!), t.isFinite else {
                throw DatabaseError.data(
                    "\(sourceName), column \"\(query.time)\": \"\(row[ct]!)\" is not a finite number (\(n) rows)")
            }
            if t < 0 {
                throw DatabaseError.data(
                    "\(sourceName), column \"\(query.time)\": time \(row[ct]!) is negative (\(n) rows)")
            }
            let s: Int
            switch query.eventKind {
            case .indicator:
                guard let v = DecimalNumber.parseInteger(row[cst]!), v == 0 || v == 1 else {
                    throw DatabaseError.data("""
                        \(sourceName), column \"\(query.event)\": \(n) rows hold a value that is not \
                        an event indicator (1/0, TRUE/FALSE, T/F)
                        """)
                }
                s = v
            case .cause:
                guard let v = DecimalNumber.parse(row[cst]!), let code = DecimalNumber.exactInteger(v),
                      abs(code) <= 1_000_000 else {
                    throw DatabaseError.data("""
                        \(sourceName), column \"\(query.event)\": \"\(row[cst]!)\" is not a cause code (an integer) \
                        (\(n) rows)
                        """)
                }
                s = code
            }
            if n == 0 { continue }
            times.append(t)
            status.append(s)
            counts.append(n)
            groupText.append(ParsedAggregates.label(row[cg] ?? ""))
            strataText.append(ParsedAggregates.label(row[cs] ?? ""))
        }
        report = MissingValueReport(consideredRows: considered, excludedRows: excluded,
                                    byColumn: zip(required, missing).map {
                                        MissingValueReport.ColumnCount(column: $0, count: $1)
                                    })
        guard !times.isEmpty else {
            throw DatabaseError.data("\(sourceName): no rows left to analyse (\(report.summary))")
        }
        let (gLevels, gIndex) = ParsedAggregates.levels(groupText)
        let (sLevels, sIndex) = ParsedAggregates.levels(strataText)
        groupLevels = gLevels
        strataLevels = sLevels
        aggregates = SurvivalAggregates(time: times, stratum: sIndex, group: gIndex, status: status, count: counts)
    }

    /// A group or stratum value as the file mode shows it: a whole number written as a double by the engine
    /// (Spark's `1.0`) shown as `1`, as PostgreSQL and the CSV file show it; any other text as it is.
    static func label(_ text: String) -> String {
        guard text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let v = DecimalNumber.parse(text),
              let n = DecimalNumber.exactInteger(v) else { return text }
        return String(n)
    }

    /// Distinct values in the file mode's order: numeric when every value is a number, else byte order.
    static func levels(_ values: [String]) -> ([String], [Int]) {
        var levels = Array(Set(values))
        let numbers = levels.map { DecimalNumber.parse($0) }
        if numbers.allSatisfy({ $0 != nil }) {
            let order = levels.indices.sorted { numbers[$0]! < numbers[$1]! }
            levels = order.map { levels[$0] }
        } else {
            levels.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        }
        let map = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
        return (levels, values.map { map[$0]! })
    }
}

extension QueryResult {
    /// Reads an exported query result (CSV with a header row; an empty cell or NA is NULL).
    ///
    /// - Parameter path: The CSV file.
    /// - Throws: `TabularError` for an unreadable or malformed file.
    ///
    /// - Complexity: O(size of the file).
    public static func csv(contentsOf path: String) throws -> QueryResult {
        let table = try CSVTable(contentsOf: URL(fileURLWithPath: path))
        let columns = table.columnNames.map { $0.lowercased() }
        let cells = try table.columnNames.map { try table.stringColumn($0) }
        let rows = (0..<table.rowCount).map { r in cells.map { $0[r]?.trimmingCharacters(in: .whitespaces) } }
        return QueryResult(columns: columns, rows: rows)
    }
}
