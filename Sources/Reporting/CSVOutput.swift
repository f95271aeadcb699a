/// CSV text (RFC 4180) from a header and rows of cells; a cell is quoted when it needs to be.
///
/// ```swift
/// CSVOutput.string(header: ["group", "n"], rows: [["a,b", "3"]])   // "group,n\n\"a,b\",3\n"
/// ```
public enum CSVOutput {
    /// - Returns: The CSV text, ending with a line break.
    public static func string(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// A number for CSV: full precision; empty (missing) for NaN or infinities.
    public static func number(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "NA" }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        return String(x)
    }

    static func quote(_ cell: String) -> String {
        if cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return cell
    }
}

import Foundation

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
    /// (see ``uniqueTitles(_:count:)``).
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

/// YAML text made readable: floating-point scalars written in exponent form by the encoder
/// (`5e-2`, `3e+0`, `1.5e+0`) become plain decimals (`0.05`, `3.0`, `1.5`).
///
/// Only plain scalars that are a whole mapping value (`key: 5e-2`) or a sequence item (`- 5e-2`) are
/// rewritten; quoted strings, keys and everything else are left as they are. The decimal is the
/// shortest one that reads back as the same `Double`, so nothing changes when the file is read again.
///
/// ```swift
/// YAMLFormat.plainDecimals("alpha: 5e-2\nrate_times:\n- 1.2e+1\n")   // "alpha: 0.05\nrate_times:\n- 12.0\n"
/// ```
public enum YAMLFormat {
    /// - Parameter yaml: YAML text as an encoder wrote it.
    /// - Returns: The same YAML with exponent-form numbers as plain decimals.
    /// - Complexity: O(length of `yaml`).
    public static func plainDecimals(_ yaml: String) -> String {
        yaml.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let s = String(line)
            if let r = s.range(of: ": ", options: .backwards) {
                let value = String(s[r.upperBound...])
                if let d = decimal(value) { return String(s[..<r.upperBound]) + d }
            }
            let trimmed = s.drop { $0 == " " }
            if trimmed.hasPrefix("- ") {
                let value = String(trimmed.dropFirst(2))
                if let d = decimal(value) { return String(s.prefix(s.count - trimmed.count)) + "- " + d }
            }
            return s
        }.joined(separator: "\n")
    }

    /// `text` as a plain decimal when it is a number in exponent form, else nil.
    static func decimal(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.contains(where: { $0 == "e" || $0 == "E" }),
              t.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
              let x = Double(t), x.isFinite else { return nil }
        return plain(x)
    }

    /// The shortest decimal that reads back as `x`, without an exponent, always with a point ("3.0").
    static func plain(_ x: Double) -> String {
        // Swift's description is the shortest round-tripping digits; expand its exponent if any.
        let d = x.description
        guard let e = d.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return d.contains(".") ? d : d + ".0" }
        let exponent = Int(d[d.index(after: e)...]) ?? 0
        var mantissa = String(d[..<e])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0]), fracPart = parts.count > 1 ? String(parts[1]) : ""
        let digits = intPart + fracPart
        let point = intPart.count + exponent
        var out: String
        if point <= 0 {
            out = "0." + String(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            out = digits + String(repeating: "0", count: point - digits.count) + ".0"
        } else {
            out = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
        }
        while out.count > 3, out.hasSuffix("0"), !out.hasSuffix(".0") { out.removeLast() }
        return (negative ? "-" : "") + out
    }
}
