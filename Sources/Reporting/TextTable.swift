/// Plain-text tables with right-aligned columns, in the style of R's printed output.
///
/// ```swift
/// TextTable(header: ["", "n", "events"], rows: [["sex=1", "138", "112"]]).rendered
/// //          n events
/// // sex=1  138    112
/// ```
public struct TextTable: Sendable {
    /// Column headings.
    public var header: [String]
    /// The rows' cells, aligned with the header by position.
    public var rows: [[String]]

    /// A table of `header` and `rows`.
    ///
    /// - Complexity: O(1); ``rendered`` does the work.
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
