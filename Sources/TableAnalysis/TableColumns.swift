import Survival
import Tabular

/// Errors in an analysis request that the table itself does not explain.
public enum AnalysisError: Error, CustomStringConvertible, Equatable {
    case negativeTime(file: String, row: Int, column: String, value: String)
    case noRows(file: String, reason: String)
    case invalidOption(String)
    case model(String)

    public var description: String {
        switch self {
        case let .negativeTime(file, row, column, value):
            return "\(file), row \(row), column \"\(column)\": time \(value) is negative"
        case let .noRows(file, reason): return "\(file): no rows left to analyse (\(reason))"
        case let .invalidOption(s): return s
        case let .model(s): return s
        }
    }
}

/// One excluded-rows entry of the JSON output: rows dropped because a column was missing.
public struct Exclusion: Codable, Sendable, Equatable {
    public var column: String
    public var rows: Int
}

extension MissingValueReport {
    /// The per-column exclusions, as the JSON outputs list them.
    var exclusions: [Exclusion] { byColumn.filter { $0.count > 0 }.map { Exclusion(column: $0.column, rows: $0.count) } }
}

/// The time/event (and optional group, strata, weights) columns of a table over its complete rows.
struct SurvivalColumns {
    var rows: [Int]
    var time: [Double]
    var event: [Bool]
    var report: MissingValueReport
    var exclusions: [Exclusion] { report.exclusions }

    init(table: CSVTable, time timeColumn: String, event eventColumn: String, alsoRequired: [String]) throws {
        let cc = try table.completeCases([timeColumn, eventColumn] + alsoRequired)
        guard !cc.rows.isEmpty else {
            throw AnalysisError.noRows(file: table.sourceName, reason: cc.report.summary)
        }
        let t = try table.numericColumn(timeColumn)
        let e = try table.eventColumn(eventColumn)
        for r in cc.rows where t[r]! < 0 {
            throw AnalysisError.negativeTime(file: table.sourceName, row: table.rowNumber(ofRow: r),
                                             column: timeColumn, value: table.cell(row: r, column: try table.columnIndex(timeColumn)))
        }
        rows = cc.rows
        time = cc.rows.map { t[$0]! }
        event = cc.rows.map { e[$0]! }
        report = cc.report
    }
}

/// The distinct values of a grouping column over `rows`: numeric columns in numeric order, others
/// in byte order (as R's `factor`), with the index of each row's group.
struct GroupColumn {
    var levels: [String]
    var index: [Int]

    init(table: CSVTable, column: String, rows: [Int]) throws {
        let values = try table.stringColumn(column)
        let selected = rows.map { values[$0]! }
        var levels = Array(Set(selected))
        if try table.isNumeric(column: column) {
            levels.sort { Double($0)! < Double($1)! }
        } else {
            levels.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        }
        let map = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
        self.levels = levels
        index = selected.map { map[$0]! }
    }
}
