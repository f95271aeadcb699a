import Foundation
import Survival
import Tabular

/// Errors in an analysis request that the table itself does not explain.
public enum AnalysisError: Error, CustomStringConvertible, Equatable {
    /// A time below zero, with its file, row, column and text.
    case negativeTime(file: String, row: Int, column: String, value: String)
    /// No row is left to analyse, and why.
    case noRows(file: String, reason: String)
    /// An option that cannot be used with these data.
    case invalidOption(String)
    /// The model could not be fitted (the engine's message).
    case model(String)

    /// The message, naming file, row and column where there are ones.
    public var description: String {
        switch self {
        case let .negativeTime(file, row, column, value):
            return "\(file), row \(row), column \"\(column)\": time \(TabularError.quote(value)) is negative"
        case let .noRows(file, reason): return "\(file): no rows left to analyse (\(reason))"
        case let .invalidOption(s): return s
        case let .model(s): return s
        }
    }
}

/// One excluded-rows entry of the JSON output: rows dropped because a column was missing.
public struct Exclusion: Codable, Sendable, Equatable {
    /// The column with missing values.
    public var column: String
    /// Rows left out for it.
    public var rows: Int
}

extension MissingValueReport {
    /// The per-column exclusions, as the JSON outputs list them.
    var exclusions: [Exclusion] {
        byColumn.filter { $0.count > 0 }.map { Exclusion(column: $0.column, rows: $0.count) }
    }
}

/// Checks that no column plays two parts in one analysis (`--time status --event status`, a covariate that
/// is the time column): such a model is degenerate, never what was meant.
///
/// - Parameter roles: each option with the columns it names (`nil` for an option not given).
/// - Throws: ``AnalysisError/invalidOption(_:)`` naming the column and both options.
/// - Complexity: O(columns²) for the few columns of a command.
func checkColumnRoles(_ roles: [(option: String, columns: [String?])]) throws {
    var seen: [(option: String, column: String)] = []
    for (option, columns) in roles {
        for case let column? in columns {
            if let other = seen.first(where: { $0.column == column && $0.option != option }) {
                throw AnalysisError.invalidOption("column \(TabularError.quote(column)) is given both as"
                                                  + " \(other.option) and as \(option);"
                                                  + " a column can play only one part in an analysis")
            }
            seen.append((option, column))
        }
    }
}

/// The time/event (and optional group, strata, weights) columns of a table over its complete rows.
///
/// Reads only the columns named, each in one parallel pass: the complete-case rows, then the times
/// (8 bytes a row) and events (1 byte a row).
struct SurvivalColumns {
    /// The complete rows (made on each access when no row was lost: use ``rowCount`` for the count).
    var rows: [Int] { complete.rows }
    var rowCount: Int { complete.count }
    let complete: CompleteCases
    var time: [Double]
    var event: [Bool]
    var report: MissingValueReport
    var exclusions: [Exclusion] { report.exclusions }
    /// The columns of `alsoReadAsNumbers`, read as numbers in the same pass (every row of the table).
    var numberScans: [String: NumberScan]

    /// Reads the time and event columns and checks completeness over them and `alsoRequired`, in one pass
    /// over the file; `alsoReadAsNumbers` (typically the covariates, for ``ModelMatrix/build``) are read as
    /// numbers in that pass too, so that the file is not read again.
    init(table: CSVTable, time timeColumn: String, event eventColumn: String, alsoRequired: [String],
         alsoReadAsNumbers: [String] = []) throws {
        try checkColumnRoles([("--time", [timeColumn]), ("--event", [eventColumn])])
        var numberColumns = [timeColumn]
        for name in alsoReadAsNumbers where name != eventColumn && !numberColumns.contains(name) {
            numberColumns.append(name)
        }
        let set = try table.columns(numbers: numberColumns, events: [eventColumn], alsoRequired: alsoRequired)
        numberScans = set.numbers.filter { $0.key != timeColumn || alsoReadAsNumbers.contains(timeColumn) }
        let cc = set.complete
        guard cc.count > 0 else {
            throw AnalysisError.noRows(file: table.sourceName, reason: cc.report.summary)
        }
        let t = set.numbers[timeColumn]!
        if let bad = t.nonNumbers.first {
            throw TabularError.notANumber(file: table.sourceName, row: bad.rowNumber, line: bad.line,
                                          column: timeColumn, value: bad.value)
        }
        if let bad = set.eventErrors[eventColumn] {
            throw TabularError.notAnEventIndicator(file: table.sourceName, row: bad.rowNumber, line: bad.line,
                                                   column: eventColumn, value: bad.value)
        }
        let e = set.events[eventColumn]!
        func negative(_ r: Int) throws -> Never {
            throw AnalysisError.negativeTime(file: table.sourceName, row: table.rowNumber(ofRow: r), column: timeColumn,
                                             value: table.cell(row: r, column: try table.columnIndex(timeColumn)))
        }
        complete = cc
        if cc.includesEveryRow {
            if let r = t.values.firstIndex(where: { $0 < 0 }) { try negative(r) }
            time = t.values
            event = e.map { $0 == 1 }
        } else {
            let rows = cc.rows
            for r in rows where t.values[r] < 0 { try negative(r) }
            time = rows.map { t.values[$0] }
            event = rows.map { e[$0] == 1 }
        }
        report = cc.report
    }
}

/// The distinct values of a grouping column over `rows`, with the index of each row's group.
///
/// - A column whose non-missing cells are all numbers is grouped by numeric value (`1`, `1.0` and
///   `" 1"` are one group), in numeric order; labels are the numbers written shortest (`1`, `2.5`).
/// - A column that is mostly numbers with a few other cells (see `isMostlyNumeric`) is an error naming
///   those cells.
/// - Any other column is grouped by its cell texts with surrounding spaces and tabs removed, in byte
///   order (as R's `factor` in the C locale).
/// - More than 1000 groups is an error (`TabularError.tooManyLevels`).
struct GroupColumn {
    var levels: [String]
    var index: [Int]

    init(table: CSVTable, column: String, rows: [Int]) throws {
        let scan = try table.numbers(column)
        if scan.nonNumberCount == 0 {
            var distinct = Set<Double>()
            for r in rows {
                let v = scan.values[r]
                guard !v.isNaN else { throw GroupColumn.missing(table, r, column) }
                distinct.insert(v == 0 ? 0 : v)   // -0 and 0 are one group
            }
            try checkLevelCount(
                distinct.count, rows: rows.count, file: table.sourceName, column: column, covariate: false)
            let sorted = distinct.sorted()
            let position = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, $0) })
            levels = sorted.map(GroupColumn.label)
            index = rows.map { position[scan.values[$0] == 0 ? 0 : scan.values[$0]]! }
            return
        }
        if isMostlyNumeric(numbers: scan.numberCount, nonNumbers: scan.nonNumberCount) {
            throw TabularError.mostlyNumeric(file: table.sourceName, column: column, cells: scan.nonNumbers,
                                             count: scan.nonNumberCount)
        }
        let factor = try table.factor(column)
        // Trimmed texts; codes whose texts differ only in surrounding spaces merge.
        let texts = factor.levels.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t")) }
        var used = [Bool](repeating: false, count: texts.count)
        for r in rows {
            let code = Int(factor.codes[r])
            guard code >= 0 else { throw GroupColumn.missing(table, r, column) }
            used[code] = true
        }
        let distinct = Set(texts.indices.filter { used[$0] }.map { texts[$0] })
        try checkLevelCount(distinct.count, rows: rows.count, file: table.sourceName, column: column, covariate: false)
        try checkLevelText(factor, rows: rows, table: table, column: column)
        let sorted = distinct.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let position = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, $0) })
        let codeToGroup = texts.map { position[$0] ?? -1 }
        levels = sorted
        index = rows.map { codeToGroup[Int(factor.codes[$0])] }
    }

    /// A group's number as a label: whole numbers without a decimal point, others the shortest decimal that
    /// reads back exactly (`NumberFormat.plain(_:)`).
    static func label(_ v: Double) -> String { NumberFormat.plain(v) }

    private static func missing(_ table: CSVTable, _ r: Int, _ column: String) -> TabularError {
        TabularError.missingValue(file: table.sourceName, row: table.rowNumber(ofRow: r),
                                  line: table.lineNumber(ofRow: r), column: column)
    }
}
