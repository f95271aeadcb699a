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
