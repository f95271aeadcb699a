import Foundation
import Tabular

/// A report as data — title, metadata, sections of paragraphs, tables, figures and callouts —
/// rendered to self-contained HTML or to Markdown.
///
/// All text is plain text: it is escaped for the output format (HTML entities; Markdown
/// backslash escapes and `\|` in table cells). Figures carry SVG markup produced by the figure
/// renderers; HTML inlines it, Markdown links to `figures/<fileName>` (write ``figureFiles`` there).
/// Tables and figures are numbered in order of appearance; when some carry their own number (a
/// ``Table/label`` or ``Figure/label``, e.g. a published paper's "3a"), the others are numbered as
/// supplementary items "S1", "S2", … and shown as "Supplementary Table S1".
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

    /// One body cell of a table: the text people read and, optionally, the numbers behind it at
    /// full precision (for `tables/*.csv` and other machine-readable exports).
    ///
    /// A cell is written like a string; numbers are attached with ``init(_:values:)``:
    ///
    /// ```swift
    /// let hr: ReportDocument.Cell = .init("1.010 (0.519–1.964)",
    ///                                     values: [("estimate", 1.0101), ("lower", 0.5192), ("upper", 1.9643)])
    /// let p = ReportDocument.Cell.number(0.9771, text: "0.977", name: "p")
    /// let label: ReportDocument.Cell = "Age ≥ 50"
    /// ```
    public struct Cell: Sendable, Equatable, ExpressibleByStringInterpolation {
        /// A named number behind a cell ("estimate", "lower", "upper", "p", "n", …).
        public struct Value: Sendable, Equatable {
            /// What the number is; becomes the CSV column suffix.
            public var name: String
            /// The number at full precision (NaN or ±∞ are written as missing).
            public var value: Double
            /// Creates a named value.
            ///
            /// - Complexity: O(1).
            public init(name: String, value: Double) {
                self.name = name
                self.value = value
            }
        }
        /// The formatted text shown in HTML, Markdown and Word.
        public var text: String
        /// The numbers the text was made from, in column order.
        public var values: [Value]

        /// A cell with text and the numbers behind it.
        ///
        /// - Parameters:
        ///   - text: The formatted text.
        ///   - values: (name, number) pairs, e.g. `[("estimate", hr), ("lower", lo), ("upper", hi)]`.
        ///
        /// - Complexity: O(number of values).
        public init(_ text: String, values: [(String, Double)] = []) {
            self.text = text
            self.values = values.map { Value(name: $0.0, value: $0.1) }
        }

        /// A cell of text only.
        ///
        /// - Complexity: O(1).
        public init(stringLiteral value: String) { self.init(value) }

        /// A cell of text only, from an interpolated literal.
        ///
        /// - Complexity: O(1).
        public init(stringInterpolation: DefaultStringInterpolation) {
            self.init(String(stringInterpolation: stringInterpolation))
        }

        /// A cell that shows `text` for one number `value` called `name`.
        ///
        /// ```swift
        /// ReportDocument.Cell.number(0.00042, text: "<0.001", name: "p")
        /// ```
        ///
        /// - Parameters:
        ///   - value: The number at full precision.
        ///   - text: How it is shown.
        ///   - name: What it is ("p", "estimate", "n", …).
        /// - Returns: The cell.
        ///
        /// - Complexity: O(1).
        public static func number(_ value: Double, text: String, name: String) -> Cell {
            Cell(text, values: [(name, value)])
        }

        /// A cell "estimate (lower–upper)" carrying the three numbers, e.g. a hazard ratio; each shown
        /// with `NumberFormat.fixed(_:_:)` ("Inf" for an infinite limit, "NA" for NaN).
        ///
        /// ```swift
        /// ReportDocument.Cell.interval(1.0101, 0.5192, 1.9643, decimals: 3)   // "1.010 (0.519–1.964)"
        /// ```
        ///
        /// - Parameters:
        ///   - estimate: The point estimate.
        ///   - lower: Lower confidence limit.
        ///   - upper: Upper confidence limit.
        ///   - decimals: Decimals shown.
        ///   - scale: Multiplier for the shown text only (100 for percentages); values keep the unscaled numbers.
        /// - Returns: The cell.
        ///
        /// - Complexity: O(1).
        public static func interval(_ estimate: Double, _ lower: Double, _ upper: Double, decimals: Int,
                                    scale: Double = 1) -> Cell {
            func f(_ x: Double) -> String { NumberFormat.fixed(x * scale, decimals) }
            return Cell("\(f(estimate)) (\(f(lower))–\(f(upper)))",
                        values: [("estimate", estimate), ("lower", lower), ("upper", upper)])
        }
    }

    /// A table with a caption, header row, body rows and footnotes.
    public struct Table: Sendable {
        /// The caption, numbered "Table n." on output (or ``label``).
        public var caption: String
        /// The number shown instead of the running one ("3a" shows "Table 3a."); nil: numbered in order.
        public var label: String?
        /// Column headings.
        public var header: [String]
        /// Body cells with the numbers behind them, row by row.
        public var cells: [[Cell]]
        /// Lines printed under the table.
        public var footnotes: [String]
        /// Per-column alignment; nil (or missing entries) means left.
        public var alignments: [Alignment]?
        /// A name for cross-references and exported files ("table3a_univariate"), or nil.
        public var id: String?
        /// Body rows that are group headings ("Liver function"): their first cell is shown in bold
        /// across the table.
        public var headingRows: Set<Int> = []

        /// Body cells as text, row by row (setting it drops the numbers behind the cells).
        public var rows: [[String]] {
            get { cells.map { $0.map(\.text) } }
            set { cells = newValue.map { $0.map { Cell($0) } } }
        }

        /// Creates a table from text cells. Rows shorter than the widest row are padded with empty cells.
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
        ///   - label: The number to show instead of the running one, or nil.
        ///
        /// - Complexity: O(number of cells).
        public init(caption: String, header: [String], rows: [[String]], footnotes: [String] = [],
                    alignments: [Alignment]? = nil, label: String? = nil) {
            self.init(caption: caption, header: header, cells: rows.map { $0.map { Cell($0) } },
                      footnotes: footnotes, alignments: alignments, label: label)
        }

        /// Creates a table from cells that may carry their numbers (written to CSV at full precision).
        ///
        /// ```swift
        /// ReportDocument.Table(caption: "Cox model", header: ["Factor", "HR (95% CI)", "P"],
        ///                      cells: [["Age ≥ 50", .interval(1.01, 0.52, 1.96, decimals: 3),
        ///                               .number(0.977, text: "0.977", name: "p")]])
        /// ```
        ///
        /// - Parameters:
        ///   - caption: The caption (numbered "Table n." on output).
        ///   - header: Column headings.
        ///   - cells: Body cells.
        ///   - footnotes: Lines printed under the table.
        ///   - alignments: Column alignments, or nil for all left.
        ///   - label: The number to show instead of the running one, or nil.
        ///
        /// - Complexity: O(number of cells).
        public init(caption: String, header: [String], cells: [[Cell]], footnotes: [String] = [],
                    alignments: [Alignment]? = nil, label: String? = nil) {
            self.caption = caption
            self.header = header
            self.cells = cells
            self.footnotes = footnotes
            self.alignments = alignments
            self.label = label
        }

        /// The alignment of column `i` (left when not given).
        ///
        /// - Complexity: O(1).
        public func alignment(_ i: Int) -> Alignment {
            alignments.flatMap { i < $0.count ? $0[i] : nil } ?? .left
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
        /// The number shown instead of the running one ("1" shows "Figure 1."); nil: numbered in order.
        public var label: String?

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
        ///   - label: The number to show instead of the running one, or nil.
        ///
        /// - Complexity: O(1).
        public init(caption: String, svg: String, fileName: String, label: String? = nil) {
            self.caption = caption
            self.svg = svg
            self.fileName = fileName
            self.label = label
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
        ///
        /// - Complexity: O(1).
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
        /// Preformatted text shown verbatim in a monospaced block (e.g. the analysis plan as YAML).
        case code(String)
        /// A list of terms and their definitions (definitions, abbreviations).
        case definitions([Definition])
    }

    /// A term and its definition, for a ``Block/definitions(_:)`` list.
    public struct Definition: Sendable {
        /// The term or abbreviation.
        public var term: String
        /// What it means.
        public var definition: String

        /// Creates a definition.
        ///
        /// ```swift
        /// ReportDocument.Definition("PFS", "progression-free survival")
        /// ```
        ///
        /// - Parameters:
        ///   - term: The term or abbreviation.
        ///   - definition: What it means.
        ///
        /// - Complexity: O(1).
        public init(_ term: String, _ definition: String) {
            self.term = term
            self.definition = definition
        }
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
        ///
        /// - Complexity: O(1).
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
    ///
    /// - Complexity: O(1).
    public init(title: String, metadata: [String] = [], sections: [Section] = []) {
        self.title = title
        self.metadata = metadata
        self.sections = sections
    }

    /// Every figure's file name and SVG, in order — what the Markdown links to under `figures/`.
    ///
    /// ```swift
    /// for f in doc.figureFiles {
    ///     try f.svg.write(toFile: "out/figures/" + f.fileName, atomically: true, encoding: .utf8)
    /// }
    /// ```
    public var figureFiles: [(fileName: String, svg: String)] {
        sections.flatMap(\.blocks).compactMap {
            if case .figure(let f) = $0 { return (f.fileName, f.svg) } else { return nil }
        }
    }

    /// The document with a faint diagonal `text` (e.g. "SYNTHETIC") across every figure that does
    /// not already carry one — in the HTML, the Word document and the exported `figures/*.svg`.
    ///
    /// ```swift
    /// if synthetic { doc = doc.watermarkingFigures("SYNTHETIC") }
    /// ```
    ///
    /// - Parameter text: The mark.
    /// - Returns: The document with marked figures.
    ///
    /// - Complexity: O(total size of the figures).
    public func watermarkingFigures(_ text: String) -> ReportDocument {
        var doc = self
        for i in doc.sections.indices {
            for j in doc.sections[i].blocks.indices {
                if case .figure(var f) = doc.sections[i].blocks[j] {
                    f.svg = SVG.addingWatermark(text, to: f.svg)
                    doc.sections[i].blocks[j] = .figure(f)
                }
            }
        }
        return doc
    }

    // MARK: Numbering

    /// Every block in order with its section index and, for tables and figures, the number shown
    /// ("3", or the block's own ``Table/label`` / ``Figure/label``).
    ///
    /// ```swift
    /// for (section, block, number) in doc.numberedBlocks { … }
    /// ```
    public var numberedBlocks: [(section: Int, block: Block, number: String?)] {
        var out: [(Int, Block, String?)] = []
        var tables = 0, figures = 0
        let blocks = sections.flatMap(\.blocks)
        let tablePrefix = blocks.contains { if case .table(let t) = $0 { t.label != nil } else { false } } ? "S" : ""
        let figurePrefix = blocks.contains { if case .figure(let f) = $0 { f.label != nil } else { false } } ? "S" : ""
        for (i, s) in sections.enumerated() {
            for b in s.blocks {
                switch b {
                case .table(let t):
                    if let label = t.label {
                        out.append((i, b, label))
                    } else {
                        tables += 1; out.append((i, b, tablePrefix + String(tables)))
                    }
                case .figure(let f):
                    if let label = f.label {
                        out.append((i, b, label))
                    } else {
                        figures += 1; out.append((i, b, figurePrefix + String(figures)))
                    }
                default: out.append((i, b, nil))
                }
            }
        }
        return out
    }

    /// How a table is named in its caption and in cross-references: "Table 3a", or "Supplementary
    /// Table S2" for a supplementary number.
    ///
    /// ```swift
    /// ReportDocument.tableName("3a")   // "Table 3a"
    /// ReportDocument.tableName("S2")   // "Supplementary Table S2"
    /// ```
    ///
    /// - Parameter number: The number from ``numberedBlocks``.
    /// - Returns: The name.
    ///
    /// - Complexity: O(length of `number`).
    public static func tableName(_ number: String) -> String {
        (isSupplementary(number) ? "Supplementary Table " : "Table ") + number
    }

    /// How a figure is named in its caption and in cross-references: "Figure 3a", or "Supplementary
    /// Figure S1" for a supplementary number.
    ///
    /// ```swift
    /// ReportDocument.figureName("S1")   // "Supplementary Figure S1"
    /// ```
    ///
    /// - Parameter number: The number from ``numberedBlocks``.
    /// - Returns: The name.
    ///
    /// - Complexity: O(length of `number`).
    public static func figureName(_ number: String) -> String {
        (isSupplementary(number) ? "Supplementary Figure " : "Figure ") + number
    }

    static func isSupplementary(_ number: String) -> Bool {
        number.count > 1 && number.hasPrefix("S") && number.dropFirst().allSatisfy(\.isNumber)
    }

    /// The name of every table with an ``Table/id`` and every figure (by its ``Figure/fileName``),
    /// as numbered: `"table3a_univariate": "Table 3a"`, `"figure1_survival.svg": "Figure 1"`.
    ///
    /// - Complexity: O(blocks).
    public var crossReferenceNames: [String: String] {
        var names: [String: String] = [:]
        for (_, block, number) in numberedBlocks {
            switch block {
            case .table(let t): if let id = t.id { names[id] = Self.tableName(number ?? "") }
            case .figure(let f): names[f.fileName] = Self.figureName(number ?? "")
            default: break
            }
        }
        return names
    }

    /// The document with every `{{key}}` in paragraphs, callouts, captions and footnotes replaced by the
    /// name of the table or figure `key` names (see ``crossReferenceNames``); unknown keys are left as
    /// they are.
    ///
    /// ```swift
    /// doc.sections[0].blocks.append(.paragraph("Patients are listed in {{table1}}."))
    /// doc.resolvingCrossReferences()   // "Patients are listed in Table 1."
    /// ```
    ///
    /// - Returns: The document with references resolved.
    /// - Complexity: O(text × references).
    public func resolvingCrossReferences() -> ReportDocument {
        let names = crossReferenceNames
        func resolve(_ text: String) -> String {
            guard text.contains("{{") else { return text }
            var out = text
            for (key, name) in names { out = out.replacingOccurrences(of: "{{\(key)}}", with: name) }
            return out
        }
        var doc = self
        for i in doc.sections.indices {
            for j in doc.sections[i].blocks.indices {
                switch doc.sections[i].blocks[j] {
                case .paragraph(let p): doc.sections[i].blocks[j] = .paragraph(resolve(p))
                case .callout(var c): c.text = resolve(c.text); doc.sections[i].blocks[j] = .callout(c)
                case .table(var t):
                    t.caption = resolve(t.caption); t.footnotes = t.footnotes.map(resolve)
                    doc.sections[i].blocks[j] = .table(t)
                case .figure(var f): f.caption = resolve(f.caption); doc.sections[i].blocks[j] = .figure(f)
                default: break
                }
            }
        }
        return doc
    }

    // MARK: HTML

    /// The document as one self-contained HTML page: inline CSS and SVG, a table of contents, no
    /// external resources, laid out for screen and print.
    ///
    /// Numbers and confidence intervals never wrap; a table too wide for a portrait page is printed
    /// on a landscape page (CSS named page `wide`), and in a smaller font when even that is too narrow.
    ///
    /// ```swift
    /// try doc.html().write(toFile: "report.html", atomically: true, encoding: .utf8)
    /// ```
    ///
    /// - Returns: HTML5 text ending with a line break.
    ///
    /// - Complexity: O(size of the document): every block is written once.
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
        var current = -1
        for (i, block, number) in numberedBlocks {
            if i != current {
                if current >= 0 { h += "</section>\n" }
                for empty in (current + 1)..<i { h += sectionOpen(empty) + "</section>\n" }
                h += sectionOpen(i)
                current = i
            }
            switch block {
            case .paragraph(let p):
                h += "<p>\(Self.htmlEscape(p))</p>\n"
            case .callout(let c):
                let label = c.kind == .warning ? "Warning" : "Note"
                h += "<aside class=\"callout \(c.kind.rawValue)\" role=\"note\"><strong>\(label):</strong> "
                    + "\(Self.htmlEscape(c.text))</aside>\n"
            case .table(let t):
                h += htmlTable(t, number: number ?? "")
            case .figure(let f):
                let id = Self.anchor(number ?? "")
                let printed = WordDocument.physicalSize(f.svg).width
                h += """
                    <figure id=\"figure-\(id)\" style=\"--print-width: \
                    \(SVG.num(printed, decimals: 1))mm\">\n\(Self.inlineSVG(f.svg))\n<figcaption><strong>
                    """
                        + """
                        \(Self.htmlEscape(Self.figureName(number ?? ""))).</strong> \
                        \(Self.htmlEscape(f.caption))</figcaption>\n</figure>\n
                        """
            case .code(let text):
                h += """
                    <pre \
                    class=\"code\"><code>\
                    \(Self.htmlEscape(text.hasSuffix("\n") ? String(text.dropLast()) : text))</code></pre>\n
                    """
            case .definitions(let list):
                h += "<dl class=\"definitions\">\n" + list.map {
                    "<dt>\(Self.htmlEscape($0.term))</dt><dd>\(Self.htmlEscape($0.definition))</dd>\n"
                }.joined() + "</dl>\n"
            }
        }
        if current >= 0 { h += "</section>\n" }
        for empty in (current + 1)..<sections.count { h += sectionOpen(empty) + "</section>\n" }
        return h + "</main>\n</body>\n</html>\n"
    }

    private func sectionOpen(_ i: Int) -> String {
        "<section id=\"section-\(i + 1)\">\n<h2>\(Self.htmlEscape(sections[i].heading))</h2>\n"
    }

    /// `number` made safe for an id ("3a" stays "3a").
    static func anchor(_ number: String) -> String {
        String(
            number.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) && $0.isASCII ? Character($0) : "-" })
    }

    /// How a table is printed: on the portrait page, on a landscape page, or on a landscape page in
    /// a smaller font.
    public enum PrintLayout: String, Sendable { case portrait, landscape, landscapeSmall }

    /// Estimated printed width of the table in millimetres at `points` font size: numeric columns
    /// (right- or centre-aligned) never wrap; text columns wrap at spaces but are given at least
    /// `labelColumnMinimum` ems; headers wrap at spaces.
    ///
    /// - Complexity: O(cells × characters).
    public func printedWidth(_ t: Table, points: Double) -> Double {
        columnEms(t).reduce(0, +) * points * 0.3528
    }

    /// Estimated printed width of each column in ems, cell padding included (see ``printedWidth(_:points:)``).
    func columnEms(_ t: Table) -> [Double] {
        let (header, rows) = Self.rectangular(t)
        let n = max(header.count, rows.first?.count ?? 0)
        var ems: [Double] = []
        for j in 0..<n {
            var w = 0.0
            let words = (j < header.count ? header[j] : "").split(separator: " ").map {
                SVG.textWidth(String($0), size: 1) * 1.08
            }
            w = max(w, words.max() ?? 0)
            for r in rows where j < r.count {
                var cell = r[j]
                if cell.hasPrefix("\u{2003}") { cell.removeFirst(); w = max(w, 1.25) }
                let width = SVG.textWidth(cell, size: 1)
                w = max(w, t.alignment(j) == .left ? min(width, Self.labelColumnMinimum) : width)
            }
            ems.append(w + 1.0)   // cell padding: .5em each side
        }
        return ems
    }

    /// The columns of each printed part of a table too wide for a landscape page even in the small
    /// font: every part repeats the first (label) column and takes as many of the following
    /// columns as fit. One part holding every column when the table fits.
    ///
    /// - Complexity: O(cells × characters).
    public func printParts(_ t: Table) -> [[Int]] {
        let ems = columnEms(t)
        guard ems.count > 1 else { return [Array(ems.indices)] }
        let mmPerEm = Self.printSmallTablePoints * 0.3528
        guard ems.reduce(0, +) * mmPerEm > Self.landscapeWidth else { return [Array(ems.indices)] }
        var parts: [[Int]] = [], current = [0], width = ems[0]
        for j in 1..<ems.count {
            if current.count > 1 && (width + ems[j]) * mmPerEm > Self.landscapeWidth {
                parts.append(current)
                current = [0]; width = ems[0]
            }
            current.append(j); width += ems[j]
        }
        parts.append(current)
        return parts
    }

    /// Tables with at most this many body rows are printed on one page.
    static let keepTogetherRows = 18
    /// Text columns get at least this many ems before they wrap.
    static let labelColumnMinimum = 13.0
    /// The printable width of a portrait page (A4 with 15 mm margins: the narrower of A4 and Letter).
    static let portraitWidth = 180.0
    /// The printable width of a landscape page (Letter with 15 mm margins: the narrower of A4 and Letter).
    static let landscapeWidth = 249.0
    /// Table font size in print, points.
    static let printTablePoints = 8.5
    /// The smaller table font size for the widest tables, points.
    static let printSmallTablePoints = 7.0

    /// Where the table goes when printed (see ``printedWidth(_:points:)``).
    ///
    /// - Complexity: O(number of cells).
    public func printLayout(_ t: Table) -> PrintLayout {
        if printedWidth(t, points: Self.printTablePoints) <= Self.portraitWidth { return .portrait }
        if printedWidth(t, points: Self.printTablePoints) <= Self.landscapeWidth { return .landscape }
        return .landscapeSmall
    }

    private func htmlTable(_ t: Table, number: String) -> String {
        let (header, rows) = Self.rectangular(t)
        func cls(_ i: Int, _ extra: [String] = []) -> String {
            var c = extra
            switch t.alignment(i) {
            case .left: break
            case .center: c.append("c")
            case .right: c.append("r")
            }
            return c.isEmpty ? "" : " class=\"\(c.joined(separator: " "))\""
        }
        let layout = printLayout(t)
        var layoutClass = layout == .portrait ? "" : layout == .landscape ? " wide" : " wide small"
        // A short table is kept on one page rather than split after a row or two.
        if rows.count <= Self.keepTogetherRows { layoutClass += " keep" }
        var h = "<div class=\"table\(layoutClass)\" id=\"table-\(Self.anchor(number))\">\n"
        let parts = printParts(t)
        let all = Array(0..<max(header.count, rows.first?.count ?? 0))
        // A table too wide to print whole is shown whole on screen and printed in parts.
        let versions: [(columns: [Int], cssClass: String, part: Int)] = parts.count == 1 ? [(all, "", 0)]
            : [(all, " class=\"screen-only\"", 0)] + parts.enumerated().map { ($1, " class=\"print-only\"", $0 + 1) }
        for (columns, cssClass, part) in versions {
            h += htmlTablePart(t, number: number, header: header, rows: rows, columns: columns, cssClass: cssClass,
                               part: part == 0 ? nil : (part, parts.count), cls: cls)
        }
        if !t.footnotes.isEmpty {
            h +=
                "<div class=\"footnotes\">\n" + t.footnotes.map { "<p>\(Self.htmlEscape($0))</p>\n" }.joined()
                + "</div>\n"
        }
        return h + "</div>\n"
    }

    private func htmlTablePart(_ t: Table, number: String, header: [String], rows: [[String]], columns: [Int],
                               cssClass: String, part: (Int, Int)?, cls: (Int, [String]) -> String) -> String {
        let partText = part.map { " (part \($0.0) of \($0.1))" } ?? ""
        var h = "<table\(cssClass)>\n<caption><strong>\(Self.htmlEscape(Self.tableName(number))).</strong> "
            + "\(Self.htmlEscape(t.caption + partText))</caption>\n"
        if !header.isEmpty {
            h += "<thead><tr>" + columns.map { ($0, header[$0]) }.map { i, text in
                var style = ""
                if t.alignment(i) == .left {
                    let longest = rows.map { SVG.textWidth($0[i], size: 1) }.max() ?? 0
                    let em = min(longest, Self.labelColumnMinimum)
                    if em > 4 { style = " style=\"min-width: \(SVG.num(em, decimals: 1))em\"" }
                }
                return "<th scope=\"col\"\(cls(i, []))\(style)>\(Self.cellHTML(text))</th>"
            }.joined() + "</tr></thead>\n"
        }
        h += "<tbody>\n"
        for (ri, r) in rows.enumerated() {
            if t.headingRows.contains(ri) {
                h += """
                    <tr class=\"group\"><th scope=\"rowgroup\" \
                    colspan=\"\(columns.count)\">\(Self.htmlEscape(r.first ?? ""))</th></tr>\n
                    """
                continue
            }
            h += "<tr>" + columns.map { ($0, r[$0]) }.map { i, text in
                var extra: [String] = []
                var shown = Substring(text)
                while shown.hasPrefix("\u{2003}") { shown = shown.dropFirst(); extra.append("indent") }
                if t.alignment(i) != .left { extra.append("n") }
                let body = t.alignment(i) == .left ? Self.cellHTML(String(shown)) : Self.htmlEscape(String(shown))
                return "<td\(cls(i, Array(Set(extra)).sorted()))>\(body)</td>"
            }.joined() + "</tr>\n"
        }
        return h + "</tbody>\n</table>\n"
    }

    /// Cell text escaped, with each hyphenated word or range ("Log-rank", "0.5–2.0") kept on one line.
    static func cellHTML(_ text: String) -> String {
        text.split(separator: " ", omittingEmptySubsequences: false).map { word -> String in
            let w = htmlEscape(String(word))
            return word.count > 1 && word.dropFirst().dropLast().contains(where: { $0 == "-" || $0 == "–" })
                ? "<span class=\"nw\">\(w)</span>" : w
        }.joined(separator: " ")
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
        let rows = t.rows
        let n = max(t.header.count, rows.map(\.count).max() ?? 0)
        func pad(_ r: [String]) -> [String] { r + Array(repeating: "", count: n - r.count) }
        return (t.header.isEmpty ? [] : pad(t.header), rows.map(pad))
    }

    static let css = """
        :root { color-scheme: light; }
        body { margin: 0; background: #fff; color: #1a1a1a; \
        font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 76rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
        p, .callout, .definitions, .toc, .meta { max-width: 50rem; }
        h1 { font-size: 1.75rem; line-height: 1.25; margin: 0 0 .5rem; }
        h2 { font-size: 1.3rem; margin: 2.25rem 0 .75rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
        .meta { list-style: none; padding: 0; margin: 0 0 1.5rem; color: #555; font-size: .8rem; \
        overflow-wrap: anywhere; max-width: none; }
        .toc { background: #f6f7f9; border: 1px solid #e2e4e8; border-radius: 4px; padding: .5rem 1.25rem; }
        .toc h2 { font-size: 1rem; margin: .5rem 0; border: 0; }
        .toc ol { margin: 0 0 .5rem; padding-left: 1.5rem; }
        a { color: #0b5cad; }
        .table { margin: 1.5rem 0; overflow-x: auto; }
        table { border-collapse: collapse; font-size: .875rem; font-variant-numeric: tabular-nums; }
        caption { caption-side: top; text-align: left; padding-bottom: .4rem; max-width: 50rem; }
        thead th { border-top: 2px solid #1a1a1a; border-bottom: 1px solid #1a1a1a; vertical-align: bottom; }
        th, td { padding: .25rem .5rem; text-align: left; vertical-align: top; }
        tbody tr:last-child td { border-bottom: 2px solid #1a1a1a; }
        td.n, .nw { white-space: nowrap; }
        td.indent { padding-left: 1.5rem; }
        tr.group th { font-weight: 600; padding-top: .6rem; }
        .r { text-align: right; } .c { text-align: center; }
        .footnotes p { font-size: .8rem; color: #444; margin: .25rem 0; }
        figure { margin: 1.75rem 0; }
        figure svg { width: 100%; max-width: min(46rem, calc(var(--print-width, 120mm) * 1.5)); \
        height: auto; display: block; }
        figcaption { font-size: .9rem; margin-top: .4rem; max-width: 50rem; }
        .callout { border-left: 4px solid #0072B2; background: #eef5fb; padding: .6rem 1rem; margin: 1rem 0; }
        .callout.warning { border-left-color: #D55E00; background: #fdf1e8; }
        pre.code { background: #f6f7f9; border: 1px solid #e2e4e8; border-radius: 4px; padding: .75rem 1rem; \
        font-size: .85rem; line-height: 1.4; overflow-x: auto; max-width: 50rem; }
        .definitions { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
        .definitions dt { font-weight: 600; } .definitions dd { margin: 0; }
        .print-only { display: none; }
        @page { margin: 15mm; }
        @page wide { size: landscape; margin: 12mm 15mm; }
        @media print {
          body { font-size: 10pt; line-height: 1.4; }
          main { max-width: none; padding: 0; }
          a { color: inherit; text-decoration: none; }
          .toc { break-after: page; }
          .table { overflow: visible; }
          table { font-size: 8.5pt; }
          .footnotes p { font-size: 8pt; }
          pre.code { font-size: 8pt; }
          th, td { padding: 1.5pt 4pt; }
          .table.wide, h2:has(+ .table.wide), p:has(+ .table.wide), h2:has(+ p + .table.wide) { page: wide; }
          .table.small table { font-size: 7pt; }
          .screen-only { display: none; }
          table.print-only { display: table; margin-bottom: 1rem; }
          figure svg { width: auto; max-width: 100%; }
          figure, .callout, tr { break-inside: avoid; }
          .table { break-inside: auto; }
          .table.keep { break-inside: avoid; }
          h2 { break-after: avoid; }
          caption { break-after: avoid; }
          .footnotes { break-before: avoid; }
          thead { break-after: avoid; }
          tbody tr:nth-child(-n+3) { break-before: avoid; }
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
    ///
    /// - Complexity: O(size of the document): every block is written once.
    public func markdown() -> String {
        var parts: [String] = ["# " + Self.markdownEscape(title)]
        if !metadata.isEmpty { parts.append(metadata.map { "- " + Self.markdownEscape($0) }.joined(separator: "\n")) }
        var current = -1
        for (i, block, number) in numberedBlocks {
            while current < i {
                current += 1
                parts.append("## " + Self.markdownEscape(sections[current].heading))
            }
            switch block {
            case .paragraph(let p):
                parts.append(Self.markdownEscape(p))
            case .callout(let c):
                let label = c.kind == .warning ? "Warning" : "Note"
                parts.append(Self.markdownEscape(c.text).split(separator: "\n", omittingEmptySubsequences: false)
                    .enumerated().map { "> " + ($0 == 0 ? "**\(label):** " : "") + $1 }.joined(separator: "\n"))
            case .table(let t):
                parts.append(markdownTable(t, number: number ?? ""))
            case .figure(let f):
                let alt = Self.markdownEscape(f.caption).replacingOccurrences(of: "\n", with: " ")
                parts.append(
                    "![\(alt)](figures/\(Self.urlPath(f.fileName)))\n\n"
                        + "**\(Self.markdownEscape(Self.figureName(number ?? ""))).** "
                        + Self.markdownEscape(f.caption))
            case .code(let text):
                var body = text.hasSuffix("\n") ? String(text.dropLast()) : text
                var fence = "```"
                while body.contains(fence) { fence += "`" }
                body = fence + "\n" + body + "\n" + fence
                parts.append(body)
            case .definitions(let list):
                parts.append(list.map { "- **\(Self.markdownEscape($0.term))**: \(Self.markdownEscape($0.definition))" }
                    .joined(separator: "\n"))
            }
        }
        while current + 1 < sections.count {
            current += 1
            parts.append("## " + Self.markdownEscape(sections[current].heading))
        }
        return parts.joined(separator: "\n\n") + "\n"
    }

    private func markdownTable(_ t: Table, number: String) -> String {
        var (header, rows) = Self.rectangular(t)
        let n = max(header.count, rows.first?.count ?? 0)
        guard n > 0 else {
            return "**\(Self.markdownEscape(Self.tableName(number))).** " + Self.markdownEscape(t.caption)
        }
        if header.isEmpty { header = Array(repeating: "", count: n) }
        func row(_ cells: [String]) -> String { "| " + cells.map(Self.markdownCell).joined(separator: " | ") + " |" }
        let rule = (0..<n).map { i -> String in
            switch t.alignment(i) {
            case .left: return "---"
            case .center: return ":---:"
            case .right: return "---:"
            }
        }
        var lines = [
            "**\(Self.markdownEscape(Self.tableName(number))).** " + Self.markdownEscape(t.caption), "", row(header),
            "| " + rule.joined(separator: " | ") + " |",
        ]
        lines += rows.enumerated().map { i, r in
            guard t.headingRows.contains(i), let first = r.first, !first.isEmpty else { return row(r) }
            return "| **" + Self.markdownCell(first) + "** | "
                + r.dropFirst().map(Self.markdownCell).joined(separator: " | ") + " |"
        }
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
                for b in String(scalar).utf8 {
                    out += "%" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true)
                }
            }
        }
        return out
    }
}
