/// Plain-text tables with right-aligned columns, in the style of R's printed output.
///
/// ```swift
/// TextTable(header: ["", "n", "events"], rows: [["sex=1", "138", "112"]]).rendered
/// //          n events
/// // sex=1  138    112
/// ```
public struct TextTable: Sendable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    /// The table as lines of text: the first column left-aligned, the others right-aligned.
    public var rendered: String {
        let all = [header] + rows
        let count = all.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: count)
        for r in all { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        return all.map { r in
            r.enumerated().map { i, c in
                let pad = String(repeating: " ", count: widths[i] - c.count)
                return i == 0 ? c + pad : pad + c
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
