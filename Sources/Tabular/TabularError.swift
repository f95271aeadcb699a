/// Everything that can go wrong reading a table or building a model matrix from it.
///
/// Every message names the file, and where it applies the row, the column and the offending value,
/// so a user can fix the input without reading code:
///
///     lung.csv, row 17, column "age": "abc" is not a number
///
/// **Rows and lines.** A *row* number is what a spreadsheet shows: the header is row 1, so the first
/// data row is row 2, and every record of the file counts (blank lines included). A *line* is the
/// 1-based physical line of the file where a record starts. They differ only when a quoted field
/// spans several lines; messages about a value then give both, e.g. `row 17 (line 19)`. Messages
/// about the file's structure (field counts, quotes, encoding) give the line.
public enum TabularError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be read at all.
    case unreadableFile(file: String, reason: String)
    /// A gzip-compressed file is damaged or truncated.
    case corruptCompressedFile(file: String, reason: String)
    /// A byte sequence that is not UTF-8 (e.g. a Latin-1 "é", 0xE9), on the given line.
    case invalidUTF8(file: String, line: Int, byte: UInt8)
    /// No header row (the file is empty or holds only blank lines).
    case noHeader(file: String)
    /// A header field is empty (or only spaces); `column` is its 1-based position.
    case emptyColumnName(file: String, column: Int)
    /// A header name occurs more than once; `positions` are the 1-based positions.
    case duplicateColumnName(file: String, name: String, positions: [Int])
    /// A record has a different number of fields than the header.
    case fieldCount(file: String, line: Int, expected: Int, found: Int)
    /// A quoted field opened on `line` is never closed.
    case unterminatedQuote(file: String, line: Int)
    /// Text follows a closing quote before the next comma or line end (e.g. `"ab"c`).
    case textAfterClosingQuote(file: String, line: Int)
    /// No column of that name; `available` lists the header.
    case unknownColumn(file: String, column: String, available: [String])
    /// A non-missing cell of a numeric column is not a decimal number.
    case notANumber(file: String, row: Int, line: Int, column: String, value: String)
    /// A non-missing cell of an event column is not 1/0, TRUE/FALSE, True/False, true/false or T/F.
    case notAnEventIndicator(file: String, row: Int, line: Int, column: String, value: String)
    /// A row given to the model matrix has a missing value in a covariate.
    case missingValue(file: String, row: Int, line: Int, column: String)
    /// The reference level requested for a categorical covariate does not occur in the selected rows.
    case unknownReferenceLevel(file: String, column: String, level: String, levels: [String])
    /// A categorical covariate has fewer than two levels in the selected rows.
    case tooFewLevels(file: String, column: String, levels: [String])
    /// A reference level was given for a column that is not among the covariates.
    case referenceForNonCovariate(file: String, column: String, covariates: [String])
    /// The same covariate is listed twice.
    case duplicateCovariate(file: String, column: String)
    /// A column that is mostly numbers has cells that are not numbers (typos such as `6O`, or `nan`,
    /// `-inf`): the first few `cells` (row order) and the `count` of all such cells.
    /// See ``ModelMatrix`` for what "mostly" means.
    case mostlyNumeric(file: String, column: String, cells: [InvalidCell], count: Int)
    /// A column used as a factor has more levels than an analysis can sensibly use.
    case tooManyLevels(file: String, column: String, levels: Int, limit: Int, rows: Int)
    /// A group or category label holding a control character (a NUL byte of a damaged export, a line
    /// break), which would print as an invisible difference between two groups.
    case controlCharacter(file: String, row: Int, line: Int, column: String, value: String)

    /// The error in words, naming the file, row, line, column and value where they apply.
    public var description: String {
        switch self {
        case let .unreadableFile(file, reason):
            return "\(file): cannot read the file (\(reason))"
        case let .corruptCompressedFile(file, reason):
            return "\(file): the compressed data is damaged (\(reason))"
        case let .invalidUTF8(file, line, byte):
            let hex = String(byte, radix: 16, uppercase: true)
            return "\(file), line \(line): not valid UTF-8 (byte 0x\(hex.count == 1 ? "0" : "")\(hex));"
                + " save the file as UTF-8"
        case let .noHeader(file):
            return "\(file): the file is empty; a header row with the column names is required"
        case let .emptyColumnName(file, column):
            return "\(file), line 1: column \(column) of the header has an empty name"
        case let .duplicateColumnName(file, name, positions):
            let list = positions.map(String.init).joined(separator: ", ")
            return "\(file), line 1: column name \(quoted(name)) appears more than once (columns \(list))"
        case let .fieldCount(file, line, expected, found):
            return "\(file), line \(line): \(found) field\(found == 1 ? "" : "s"), but the header has \(expected)"
        case let .unterminatedQuote(file, line):
            return "\(file), line \(line): a quoted field starts here but its closing quote is missing"
        case let .textAfterClosingQuote(file, line):
            return "\(file), line \(line): text after a closing quote; a quote inside a quoted field"
                + " must be doubled (\"\")"
        case let .unknownColumn(file, column, available):
            return "\(file): no column \(quoted(column)); the columns are \(list(available))"
        case let .notANumber(file, row, line, column, value):
            return "\(file), \(place(row, line)), column \(quoted(column)): \(quoted(value)) is not a number"
        case let .notAnEventIndicator(file, row, line, column, value):
            return "\(file), \(place(row, line)), column \(quoted(column)): \(quoted(value)) is not an event"
                + " indicator (use 1/0, TRUE/FALSE or T/F)"
        case let .missingValue(file, row, line, column):
            return "\(file), \(place(row, line)), column \(quoted(column)): the value is missing"
                + " (select complete cases first)"
        case let .unknownReferenceLevel(file, column, level, levels):
            return "\(file), column \(quoted(column)): reference level \(quoted(level)) does not occur"
                + " in the selected rows; the levels are \(list(levels))"
        case let .tooFewLevels(file, column, levels):
            let what = levels.isEmpty ? "no values" : "only one level (\(quoted(levels[0])))"
            return "\(file), column \(quoted(column)): \(what) in the selected rows; a categorical"
                + " covariate needs at least two levels"
        case let .referenceForNonCovariate(file, column, covariates):
            return "\(file): a reference level is given for \(quoted(column)), which is not among the"
                + " covariates (\(list(covariates)))"
        case let .duplicateCovariate(file, column):
            return "\(file): covariate \(quoted(column)) is listed more than once"
        case let .mostlyNumeric(file, column, cells, count):
            let shown = cells.map { "\(place($0.rowNumber, $0.line)) \(quoted($0.value))" }.joined(separator: ", ")
            let more = count > cells.count ? ", and \(count - cells.count) more" : ""
            return "\(file), column \(quoted(column)): \(count) cell\(count == 1 ? " is" : "s are")"
                + " not a number in a column"
                + " of numbers: \(shown)\(more). Correct \(count == 1 ? "it" : "them")"
                + " or leave \(count == 1 ? "it" : "them")"
                + " empty (missing)"
        case let .tooManyLevels(file, column, levels, limit, rows):
            return "\(file), column \(quoted(column)): \(levels) distinct values among \(rows) rows; a grouping or"
                + " categorical column may have at most \(limit) (is it an identifier or a number with typos?)"
        case let .controlCharacter(file, row, line, column, value):
            return "\(file), \(place(row, line)), column \(quoted(column)): \(quoted(value)) holds a control character"
                + " (a NUL byte or a line break; is the file damaged?)"
        }
    }
}

extension TabularError {
    /// A cell's text as messages show it: quoted, escapes visible, cut after 60 characters with the
    /// full size given (`"9x9x…" (10000000 bytes)`). For other modules' messages about cells.
    ///
    /// ```swift
    /// TabularError.quote("6O")    // "\"6O\""
    /// ```
    ///
    /// - Complexity: O(`text.count`) (at most 40 characters are kept).
    public static func quote(_ text: String) -> String { quoted(text) }
}

/// How many characters of a cell's text a message shows.
let messageTextLimit = 60

/// `"name"`, with embedded quotes and backslashes escaped so the boundary stays visible. Text longer
/// than 60 characters is cut: `"first 60 characters…" (10485760 bytes)`.
func quoted(_ s: String) -> String {
    var out = "\""
    var shown = 0
    for ch in s {
        if shown == messageTextLimit {
            return out + "…\" (\(s.utf8.count) bytes)"
        }
        shown += 1
        switch ch {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default: out.append(ch)
        }
    }
    return out + "\""
}

private func list(_ names: [String]) -> String {
    names.isEmpty ? "(none)" : names.map(quoted).joined(separator: ", ")
}

private func place(_ row: Int, _ line: Int) -> String {
    row == line ? "row \(row)" : "row \(row) (line \(line))"
}
