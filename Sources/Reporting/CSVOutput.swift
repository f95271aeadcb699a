import Foundation
import Tabular

/// CSV text (RFC 4180) from a header and rows of cells; a cell is quoted when it needs to be.
///
/// ```swift
/// CSVOutput.string(header: ["group", "n"], rows: [["a,b", "3"]])   // "group,n\n\"a,b\",3\n"
/// ```
public enum CSVOutput {
    /// - Returns: The CSV text, ending with a line break.
    ///
    /// - Complexity: O(total length of the cells).
    public static func string(header: [String], rows: [[String]]) -> String {
        var out = ""
        out.reserveCapacity(64 * (rows.count + 1))
        func append(_ row: [String]) {
            for (j, cell) in row.enumerated() {
                if j > 0 { out.append(",") }
                out.append(quote(cell))
            }
            out.append("\n")
        }
        append(header)
        rows.forEach(append)
        return out
    }

    /// A number for CSV: full precision (`NumberFormat.shortest(_:)`: whole numbers without a point, others
    /// the shortest text that reads back exactly); `"NA"` (R's missing value) for `nil`, NaN or infinities.
    ///
    /// - Complexity: O(1).
    public static func number(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "NA" }
        return NumberFormat.shortest(x)
    }

    /// A cell as CSV text: quoted when it holds a comma, quote or line break; a text cell that a spreadsheet
    /// would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return, and not a
    /// number) gets a leading apostrophe, as OWASP advises against CSV injection.
    /// (Checked on the UTF-8 bytes: a cell holding a CR LF pair is quoted too.)
    static func quote(_ cell: String) -> String {
        let bytes = cell.utf8
        guard let first = bytes.first else { return cell }
        let needsQuotes = bytes.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        let formulaStart = first == 0x3D || first == 0x2B || first == 0x2D || first == 0x40 || first == 0x09
            || first == 0x0D
        if !needsQuotes && !(formulaStart && Double(cell) == nil) { return cell }
        var cell = cell
        if formulaStart && Double(cell) == nil { cell = "'" + cell }
        guard needsQuotes else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}


extension CSVOutput {
    /// Column titles made unique for a data frame: a heading that occurs more than once ("P" after
    /// each model's "HR (95% CI)") is prefixed with the first word of the nearest unique heading
    /// before it ("Infield: P"), then numbered if still repeated; empty headings become "column n".
    static func uniqueTitles(_ header: [String], count n: Int) -> [String] {
        let raw = (0..<n).map { j in j < header.count && !header[j].isEmpty ? header[j] : "column \(j + 1)" }
        var counts: [String: Int] = [:]
        for t in raw { counts[t, default: 0] += 1 }
        var out: [String] = [], seen: Set<String> = []
        for (j, t) in raw.enumerated() {
            var title = t
            if counts[t, default: 0] > 1,
               let group = raw[..<j].last(where: { counts[$0, default: 0] == 1 })?.split(separator: " ").first {
                title = "\(group): \(t)"
            }
            var k = 2, candidate = title
            while seen.contains(candidate) { candidate = "\(title) (\(k))"; k += 1 }
            seen.insert(candidate)
            out.append(candidate)
        }
        return out
    }

    /// A report table as CSV for analysis: each column's formatted text as shown to people, followed by
    /// one column per number behind that column's cells ("HR (95% CI): estimate", "…: lower",
    /// "…: upper", "P: p") at full precision; missing numbers are "NA". Column names are unique
    /// (see `uniqueTitles(_:count:)`).
    ///
    /// ```swift
    /// let t = ReportDocument.Table(caption: "Cox", header: ["Factor", "HR (95% CI)"],
    ///                              cells: [["Age ≥ 50", .interval(1.0101, 0.5192, 1.9643, decimals: 3)]])
    /// CSVOutput.string(t)
    /// // Factor,HR (95% CI),HR (95% CI): estimate,HR (95% CI): lower,HR (95% CI): upper
    /// // Age ≥ 50,1.010 (0.519–1.964),1.0101,0.5192,1.9643
    /// ```
    ///
    /// - Parameter table: The table; leading indentation (em spaces) in cells is dropped.
    /// - Returns: The CSV text, ending with a line break.
    /// - Complexity: O(cells).
    public static func string(_ table: ReportDocument.Table) -> String {
        let n = max(table.header.count, table.cells.map(\.count).max() ?? 0)
        var header: [String] = []
        var names: [[String]] = Array(repeating: [], count: n)
        let titles = uniqueTitles(table.header, count: n)
        for j in 0..<n {
            for row in table.cells where j < row.count {
                for v in row[j].values where !names[j].contains(v.name) { names[j].append(v.name) }
            }
            let title = titles[j]
            header.append(title)
            header += names[j].map { "\(title): \($0)" }
        }
        let rows = table.cells.map { row -> [String] in
            var out: [String] = []
            for j in 0..<n {
                let cell = j < row.count ? row[j] : ReportDocument.Cell("")
                out.append(cell.text.trimmingCharacters(in: CharacterSet.whitespaces.union(["\u{2003}"])))
                for name in names[j] { out.append(number(cell.values.first { $0.name == name }?.value)) }
            }
            return out
        }
        return string(header: header, rows: rows)
    }
}
