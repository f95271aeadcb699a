import Foundation

/// A report as data — title, metadata, sections of paragraphs, tables, figures and callouts —
/// rendered to self-contained HTML or to Markdown.
///
/// All text is plain text: it is escaped for the output format (HTML entities; Markdown
/// backslash escapes and `\|` in table cells). Figures carry SVG markup produced by the figure
/// renderers; HTML inlines it, Markdown links to `figures/<fileName>` (write ``figureFiles`` there).
/// Tables and figures are numbered in order of appearance.
///
/// ```swift
/// var doc = ReportDocument(title: "Patterns of failure after CCRT", metadata: ["pof 0.1", "input SHA-256 …"])
/// doc.sections.append(.init(heading: "Survival", blocks: [
///     .paragraph("Median overall survival was 11.1 months."),
///     .figure(.init(caption: "Overall survival", svg: plot.svg(), fileName: "os.svg")),
/// ]))
/// let html = doc.html(), markdown = doc.markdown()
/// ```
public struct ReportDocument: Sendable {
    /// How a table column is aligned.
    public enum Alignment: Sendable { case left, center, right }

    /// A table with a caption, header row, body rows and footnotes.
    public struct Table: Sendable {
        /// The caption, numbered "Table n." on output.
        public var caption: String
        /// Column headings.
        public var header: [String]
        /// Body cells, row by row.
        public var rows: [[String]]
        /// Lines printed under the table.
        public var footnotes: [String]
        /// Per-column alignment; nil (or missing entries) means left.
        public var alignments: [Alignment]?

        /// Creates a table. Rows shorter than the widest row are padded with empty cells.
        ///
        /// ```swift
        /// ReportDocument.Table(caption: "Response at 3 months", header: ["Response", "n (%)"],
        ///                      rows: [["CR", "4 (2.9)"]], alignments: [.left, .right])
        /// ```
        ///
        /// - Parameters:
        ///   - caption: The caption (numbered "Table n." on output).
        ///   - header: Column headings.
        ///   - rows: Body cells.
        ///   - footnotes: Lines printed under the table.
        ///   - alignments: Column alignments, or nil for all left.
        public init(caption: String, header: [String], rows: [[String]], footnotes: [String] = [],
                    alignments: [Alignment]? = nil) {
            self.caption = caption
            self.header = header
            self.rows = rows
            self.footnotes = footnotes
            self.alignments = alignments
        }
    }

    /// A figure: SVG markup with a caption and the file name it is saved under.
    public struct Figure: Sendable {
        /// The caption, numbered "Figure n." on output.
        public var caption: String
        /// A standalone `<svg>` document (an XML declaration, if present, is dropped when inlined).
        public var svg: String
        /// File name under `figures/`, e.g. "os.svg".
        public var fileName: String

        /// Creates a figure.
        ///
        /// ```swift
        /// ReportDocument.Figure(caption: "Overall survival", svg: plot.svg(), fileName: "os.svg")
        /// ```
        ///
        /// - Parameters:
        ///   - caption: The caption (numbered "Figure n." on output).
        ///   - svg: The SVG document.
        ///   - fileName: File name under `figures/`.
        public init(caption: String, svg: String, fileName: String) {
            self.caption = caption
            self.svg = svg
            self.fileName = fileName
        }
    }

    /// A highlighted remark.
    public struct Callout: Sendable {
        /// A neutral note or a warning (drawn in the warning colour).
        public enum Kind: String, Sendable { case note, warning }
        /// Note or warning.
        public var kind: Kind
        /// The text (plain, escaped on output).
        public var text: String

        /// Creates a callout.
        ///
        /// ```swift
        /// ReportDocument.Callout(.warning, "2 patients excluded: missing RT end date.")
        /// ```
        ///
        /// - Parameters:
        ///   - kind: `.note` or `.warning`.
        ///   - text: The text.
        public init(_ kind: Kind, _ text: String) {
            self.kind = kind
            self.text = text
        }
    }

    /// One piece of a section.
    public enum Block: Sendable {
        /// Plain text, escaped on output.
        case paragraph(String)
        /// A numbered table.
        case table(Table)
        /// A numbered figure.
        case figure(Figure)
        /// A highlighted note or warning.
        case callout(Callout)
    }

    /// A section: a heading and its blocks, listed in the table of contents.
    public struct Section: Sendable {
        /// The heading, also the table-of-contents entry.
        public var heading: String
        /// Content, in order.
        public var blocks: [Block]

        /// Creates a section.
        ///
        /// ```swift
        /// ReportDocument.Section(heading: "Toxicity", blocks: [.paragraph("No grade 5 events.")])
        /// ```
        ///
        /// - Parameters:
        ///   - heading: The heading.
        ///   - blocks: Content, in order.
        public init(heading: String, blocks: [Block] = []) {
            self.heading = heading
            self.blocks = blocks
        }
    }

    /// Document title.
    public var title: String
    /// Lines under the title: tool version, plan, input checksums, date.
    public var metadata: [String]
    /// Sections, in order.
    public var sections: [Section]

    /// Creates a document.
    ///
    /// ```swift
    /// ReportDocument(title: "Study report", metadata: ["pof 0.1"], sections: [])
    /// ```
    ///
    /// - Parameters:
    ///   - title: Document title.
    ///   - metadata: Lines shown under the title.
    ///   - sections: Sections, in order.
    public init(title: String, metadata: [String] = [], sections: [Section] = []) {
        self.title = title
        self.metadata = metadata
        self.sections = sections
    }

    /// Every figure's file name and SVG, in order — what the Markdown links to under `figures/`.
    ///
    /// ```swift
    /// for f in doc.figureFiles { try f.svg.write(toFile: "out/figures/" + f.fileName, atomically: true, encoding: .utf8) }
    /// ```
    public var figureFiles: [(fileName: String, svg: String)] {
        sections.flatMap(\.blocks).compactMap { if case .figure(let f) = $0 { return (f.fileName, f.svg) } else { return nil } }
    }

    // MARK: HTML

    /// The document as one self-contained HTML page: inline CSS and SVG, a table of contents, no
    /// external resources, laid out for screen and print.
    ///
    /// ```swift
    /// try doc.html().write(toFile: "report.html", atomically: true, encoding: .utf8)
    /// ```
    ///
    /// - Returns: HTML5 text ending with a line break.
    public func html() -> String {
        var h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>\(Self.htmlEscape(title))</title>\n<style>\n\(Self.css)</style>\n</head>\n<body>\n<main>\n"
        h += "<header>\n<h1>\(Self.htmlEscape(title))</h1>\n"
        if !metadata.isEmpty {
            h += "<ul class=\"meta\">\n" + metadata.map { "<li>\(Self.htmlEscape($0))</li>\n" }.joined() + "</ul>\n"
        }
        h += "</header>\n"
        if !sections.isEmpty {
            h += "<nav class=\"toc\" aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n"
            for (i, s) in sections.enumerated() {
                h += "<li><a href=\"#section-\(i + 1)\">\(Self.htmlEscape(s.heading))</a></li>\n"
            }
            h += "</ol>\n</nav>\n"
        }
        var tableNumber = 0, figureNumber = 0
        for (i, s) in sections.enumerated() {
            h += "<section id=\"section-\(i + 1)\">\n<h2>\(Self.htmlEscape(s.heading))</h2>\n"
            for block in s.blocks {
                switch block {
                case .paragraph(let p):
                    h += "<p>\(Self.htmlEscape(p))</p>\n"
                case .callout(let c):
                    let label = c.kind == .warning ? "Warning" : "Note"
                    h += "<aside class=\"callout \(c.kind.rawValue)\" role=\"note\"><strong>\(label):</strong> "
                        + "\(Self.htmlEscape(c.text))</aside>\n"
                case .table(let t):
                    tableNumber += 1
                    h += htmlTable(t, number: tableNumber)
                case .figure(let f):
                    figureNumber += 1
                    h += "<figure id=\"figure-\(figureNumber)\">\n\(Self.inlineSVG(f.svg))\n<figcaption><strong>Figure "
                        + "\(figureNumber).</strong> \(Self.htmlEscape(f.caption))</figcaption>\n</figure>\n"
                }
            }
            h += "</section>\n"
        }
        return h + "</main>\n</body>\n</html>\n"
    }

    private func htmlTable(_ t: Table, number: Int) -> String {
        let (header, rows) = Self.rectangular(t)
        func align(_ i: Int) -> String {
            switch t.alignments.flatMap({ i < $0.count ? $0[i] : nil }) ?? .left {
            case .left: return ""
            case .center: return " class=\"c\""
            case .right: return " class=\"r\""
            }
        }
        var h = "<div class=\"table\" id=\"table-\(number)\">\n<table>\n<caption><strong>Table \(number).</strong> "
            + "\(Self.htmlEscape(t.caption))</caption>\n"
        if !header.isEmpty {
            h += "<thead><tr>" + header.enumerated().map { "<th scope=\"col\"\(align($0))>\(Self.htmlEscape($1))</th>" }.joined()
                + "</tr></thead>\n"
        }
        h += "<tbody>\n"
        for r in rows { h += "<tr>" + r.enumerated().map { "<td\(align($0))>\(Self.htmlEscape($1))</td>" }.joined() + "</tr>\n" }
        h += "</tbody>\n</table>\n"
        if !t.footnotes.isEmpty {
            h += "<div class=\"footnotes\">\n" + t.footnotes.map { "<p>\(Self.htmlEscape($0))</p>\n" }.joined() + "</div>\n"
        }
        return h + "</div>\n"
    }

    /// `text` with `& < > " '` as entities.
    static func htmlEscape(_ text: String) -> String { SVG.escape(text) }

    /// The SVG without an XML declaration or doctype, trimmed, for inlining.
    static func inlineSVG(_ svg: String) -> String {
        var s = Substring(svg)
        for prefix in ["<?xml", "<!DOCTYPE"] {
            while s.trimmingPrefix(while: \.isWhitespace).hasPrefix(prefix) {
                s = s.trimmingPrefix(while: \.isWhitespace)
                if let end = s.firstIndex(of: ">") { s = s[s.index(after: end)...] } else { break }
            }
        }
        return String(s).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func rectangular(_ t: Table) -> (header: [String], rows: [[String]]) {
        let n = max(t.header.count, t.rows.map(\.count).max() ?? 0)
        func pad(_ r: [String]) -> [String] { r + Array(repeating: "", count: n - r.count) }
        return (t.header.isEmpty ? [] : pad(t.header), t.rows.map(pad))
    }

    static let css = """
        :root { color-scheme: light; }
        body { margin: 0; background: #fff; color: #1a1a1a; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 52rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
        h1 { font-size: 1.75rem; line-height: 1.25; margin: 0 0 .5rem; }
        h2 { font-size: 1.3rem; margin: 2.25rem 0 .75rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
        .meta { list-style: none; padding: 0; margin: 0 0 1.5rem; color: #555; font-size: .875rem; }
        .toc { background: #f6f7f9; border: 1px solid #e2e4e8; border-radius: 4px; padding: .5rem 1.25rem; }
        .toc h2 { font-size: 1rem; margin: .5rem 0; border: 0; }
        .toc ol { margin: 0 0 .5rem; padding-left: 1.5rem; }
        a { color: #0b5cad; }
        .table { margin: 1.5rem 0; overflow-x: auto; }
        table { border-collapse: collapse; font-size: .9rem; font-variant-numeric: tabular-nums; }
        caption { caption-side: top; text-align: left; padding-bottom: .4rem; }
        thead th { border-top: 2px solid #1a1a1a; border-bottom: 1px solid #1a1a1a; }
        th, td { padding: .3rem .75rem; text-align: left; vertical-align: top; }
        tbody tr:last-child td { border-bottom: 2px solid #1a1a1a; }
        .r { text-align: right; } .c { text-align: center; }
        .footnotes p { font-size: .8rem; color: #444; margin: .25rem 0; }
        figure { margin: 1.75rem 0; }
        figure svg { max-width: 100%; height: auto; display: block; }
        figcaption { font-size: .9rem; margin-top: .4rem; }
        .callout { border-left: 4px solid #0072B2; background: #eef5fb; padding: .6rem 1rem; margin: 1rem 0; }
        .callout.warning { border-left-color: #D55E00; background: #fdf1e8; }
        @media print {
          body { font-size: 11pt; }
          main { max-width: none; padding: 0; }
          a { color: inherit; text-decoration: none; }
          .toc { break-after: page; }
          figure, .table, .callout { break-inside: avoid; }
          h2 { break-after: avoid; }
        }

        """

    // MARK: Markdown

    /// The document as Markdown (CommonMark with pipe tables): figures as
    /// `![caption](figures/<fileName>)`, callouts as block quotes.
    ///
    /// ```swift
    /// try doc.markdown().write(toFile: "report.md", atomically: true, encoding: .utf8)
    /// ```
    ///
    /// - Returns: Markdown text ending with a line break.
    public func markdown() -> String {
        var parts: [String] = ["# " + Self.markdownEscape(title)]
        if !metadata.isEmpty { parts.append(metadata.map { "- " + Self.markdownEscape($0) }.joined(separator: "\n")) }
        var tableNumber = 0, figureNumber = 0
        for s in sections {
            parts.append("## " + Self.markdownEscape(s.heading))
            for block in s.blocks {
                switch block {
                case .paragraph(let p):
                    parts.append(Self.markdownEscape(p))
                case .callout(let c):
                    let label = c.kind == .warning ? "Warning" : "Note"
                    parts.append(Self.markdownEscape(c.text).split(separator: "\n", omittingEmptySubsequences: false)
                        .enumerated().map { "> " + ($0 == 0 ? "**\(label):** " : "") + $1 }.joined(separator: "\n"))
                case .table(let t):
                    tableNumber += 1
                    parts.append(markdownTable(t, number: tableNumber))
                case .figure(let f):
                    figureNumber += 1
                    let alt = Self.markdownEscape(f.caption).replacingOccurrences(of: "\n", with: " ")
                    parts.append("![\(alt)](figures/\(Self.urlPath(f.fileName)))\n\n**Figure \(figureNumber).** "
                                 + Self.markdownEscape(f.caption))
                }
            }
        }
        return parts.joined(separator: "\n\n") + "\n"
    }

    private func markdownTable(_ t: Table, number: Int) -> String {
        var (header, rows) = Self.rectangular(t)
        let n = max(header.count, rows.first?.count ?? 0)
        guard n > 0 else { return "**Table \(number).** " + Self.markdownEscape(t.caption) }
        if header.isEmpty { header = Array(repeating: "", count: n) }
        func row(_ cells: [String]) -> String { "| " + cells.map(Self.markdownCell).joined(separator: " | ") + " |" }
        let rule = (0..<n).map { i -> String in
            switch t.alignments.flatMap({ i < $0.count ? $0[i] : nil }) ?? .left {
            case .left: return "---"
            case .center: return ":---:"
            case .right: return "---:"
            }
        }
        var lines = ["**Table \(number).** " + Self.markdownEscape(t.caption), "", row(header), "| " + rule.joined(separator: " | ") + " |"]
        lines += rows.map(row)
        if !t.footnotes.isEmpty { lines += [""] + t.footnotes.map { Self.markdownEscape($0) + "  " } }
        var text = lines.joined(separator: "\n")
        if text.hasSuffix("  ") { text.removeLast(2) }
        return text
    }

    /// Plain text made literal in Markdown: backslash-escapes the characters that start emphasis,
    /// code, links, HTML, entities or headings (`\ ` * _ [ ] < > & # |`).
    static func markdownEscape(_ text: String) -> String {
        var out = ""
        for ch in text {
            if "\\`*_[]<>&#|".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out
    }

    /// A table cell: escaped, with line breaks as spaces (a cell is one line).
    static func markdownCell(_ text: String) -> String {
        markdownEscape(text).replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
    }

    /// A file name as a URL path segment (spaces and reserved characters percent-encoded).
    static func urlPath(_ name: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        var out = ""
        for scalar in name.unicodeScalars {
            if scalar.isASCII && allowed.contains(scalar) { out.unicodeScalars.append(scalar) } else {
                for b in String(scalar).utf8 { out += "%" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true) }
            }
        }
        return out
    }
}
