import Foundation
import ZIPFoundation

/// A ``ReportDocument`` as a Word document (`.docx`, Office Open XML): headings, paragraphs, notes,
/// real Word tables (editable, the same text as the HTML, header row repeated on each page, wide
/// tables on landscape pages) and the figures embedded as pictures.
///
/// Each figure is embedded twice, as Word 2016 and later expect: the SVG itself (`asvg:svgBlip`,
/// sharp at any size) and a PNG for programs that cannot show SVG. The PNG comes from the
/// `rasterize` function; ``rsvgConvert(svg:widthPixels:)`` uses librsvg's `rsvg-convert` when it
/// is installed. Without a raster the PNG is a blank placeholder and only SVG-capable programs
/// show the figure.
///
/// ```swift
/// let data = try WordDocument(doc).data()
/// try data.write(to: URL(fileURLWithPath: "report.docx"))
/// ```
public struct WordDocument {
    /// Paper size of the portrait pages (wide tables go on the same paper turned to landscape).
    public enum Paper: Sendable {
        /// 210 × 297 mm.
        case a4
        /// 8.5 × 11 in.
        case letter

        /// Width and height in twentieths of a point.
        var twips: (width: Int, height: Int) {
            switch self {
            case .a4: return (11906, 16838)
            case .letter: return (12240, 15840)
            }
        }
    }

    /// The report.
    public var document: ReportDocument
    /// Paper size.
    public var paper: Paper
    /// Turns an SVG into PNG bytes at the given pixel width; nil when it cannot.
    public var rasterize: @Sendable (_ svg: String, _ widthPixels: Int) -> Data?

    /// Creates a Word rendering of `document`.
    ///
    /// ```swift
    /// WordDocument(doc, paper: .letter, rasterize: { _, _ in nil })   // SVG only, blank PNG fallback
    /// ```
    ///
    /// - Parameters:
    ///   - document: The report.
    ///   - paper: Paper size (A4 by default).
    ///   - rasterize: SVG → PNG; by default `rsvg-convert` when installed.
    ///
    /// - Complexity: O(1); the document is built when written.
    public init(_ document: ReportDocument, paper: Paper = .a4,
        rasterize: @escaping @Sendable (_ svg: String, _ widthPixels: Int) -> Data? = WordDocument.rsvgConvert
    ) {
        self.document = document
        self.paper = paper
        self.rasterize = rasterize
    }

    /// PNG bytes of `svg` rendered by `rsvg-convert` (Debian: librsvg2-bin) at `widthPixels`, or nil
    /// when the program is not installed or fails.
    ///
    /// - Parameters:
    ///   - svg: The SVG document.
    ///   - widthPixels: Output width in pixels (height keeps the aspect ratio).
    /// - Returns: PNG data or nil.
    ///
    /// - Complexity: One run of the `rsvg-convert` program: proportional to the figure's size.
    @Sendable public static func rsvgConvert(svg: String, widthPixels: Int) -> Data? {
        let candidates = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert", "/opt/homebrew/bin/rsvg-convert"]
        guard let tool = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = [
            "--format=png", "--width=\(widthPixels)", "--keep-aspect-ratio", "--background-color=white",
        ]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let writer = Thread {
            input.fileHandleForWriting.write(Data(svg.utf8))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, data.starts(with: [0x89, 0x50, 0x4E, 0x47]) else { return nil }
        return data
    }

    /// The `.docx` file's bytes.
    ///
    /// ```swift
    /// try WordDocument(doc).data().write(to: url)
    /// ```
    ///
    /// - Returns: A ZIP archive holding the Office Open XML parts.
    /// - Throws: ZIPFoundation's error if the archive cannot be built.
    /// - Complexity: O(size of the document) plus one `rasterize` call per figure.
    public func data() throws -> Data {
        var media: [(name: String, data: Data, type: String)] = []
        let body = bodyXML(media: &media)
        var parts: [(String, Data)] = [
            ("[Content_Types].xml", Data(contentTypes.utf8)),
            ("_rels/.rels", Data(rootRelationships.utf8)),
            ("docProps/core.xml", Data(coreProperties.utf8)),
            ("word/document.xml", Data(body.utf8)),
            ("word/styles.xml", Data(Self.styles.utf8)),
            ("word/settings.xml", Data(Self.settings.utf8)),
            ("word/_rels/document.xml.rels", Data(documentRelationships(media).utf8)),
        ]
        parts += media.map { ("word/media/" + $0.name, $0.data) }
        let archive = try Archive(data: Data(), accessMode: .create)
        let date = Date(timeIntervalSince1970: 1_577_836_800)   // fixed, so the same report gives the same bytes
        for (path, data) in parts {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: date,
                                 compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let out = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return out
    }

    // MARK: Package parts

    private var contentTypes: String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Default Extension="png" ContentType="image/png"/>\
        <Default Extension="svg" ContentType="image/svg+xml"/>\
        <Override PartName="/word/document.xml" \
        ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
        <Override PartName="/word/styles.xml" \
        ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>\
        <Override PartName="/word/settings.xml" \
        ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>\
        <Override PartName="/docProps/core.xml" \
        ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
        </Types>
        """
    }

    private var rootRelationships: String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" \
        Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
        Target="word/document.xml"/>\
        <Relationship Id="rId2" \
        Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" \
        Target="docProps/core.xml"/>\
        </Relationships>
        """
    }

    private var coreProperties: String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
        xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>\(Self.escape(document.title))</dc:title>\
        <dc:creator>pof</dc:creator></cp:coreProperties>
        """
    }

    private func documentRelationships(_ media: [(name: String, data: Data, type: String)]) -> String {
        var s = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rIdStyles" \
            Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
            <Relationship Id="rIdSettings" \
            Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>
            """
        for m in media {
            s += """
                <Relationship Id=\"\(Self.relationshipID(m.name))\" \
                Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" \
                Target=\"media/\(m.name)\"/>
                """
        }
        return s + "</Relationships>\n"
    }

    static func relationshipID(_ mediaName: String) -> String {
        "rId" + mediaName.replacingOccurrences(of: ".", with: "_")
    }

    // MARK: Body

    /// Text width of a portrait page and of a landscape page, in twips (margins 2 cm = 1134 twips).
    private var textWidths: (portrait: Int, landscape: Int) {
        (paper.twips.width - 2 * 1134, paper.twips.height - 2 * 1134)
    }

    private func sectionProperties(landscape: Bool) -> String {
        let (w, h) = paper.twips
        let size =
            landscape
            ? "<w:pgSz w:w=\"\(h)\" w:h=\"\(w)\" w:orient=\"landscape\"/>" : "<w:pgSz w:w=\"\(w)\" w:h=\"\(h)\"/>"
        return """
            <w:sectPr>\(size)<w:pgMar w:top=\"1134\" w:right=\"1134\" w:bottom=\"1134\" w:left=\"1134\" \
            w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/></w:sectPr>
            """
    }

    private func bodyXML(media: inout [(name: String, data: Data, type: String)]) -> String {
        var b = ""
        b += paragraph([run(document.title)], style: "Title")
        for m in document.metadata { b += paragraph([run(m)], style: "Metadata") }
        // A table of contents field Word fills in on "Update field".
        b += "<w:p><w:pPr><w:pStyle w:val=\"TOCHeading\"/></w:pPr><w:r><w:t>Contents</w:t></w:r></w:p>"
        b += """
            <w:p><w:r><w:fldChar w:fldCharType=\"begin\" w:dirty=\"true\"/></w:r><w:r><w:instrText \
            xml:space=\"preserve\"> TOC \\o \"1-1\" \\h \\z \\u </w:instrText></w:r>
            """
            + "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"
        b += document.sections.map { run($0.heading) + "<w:r><w:br/></w:r>" }.joined()
        b += "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>"
        var current = -1
        var figureIndex = 0
        for (i, block, number) in document.numberedBlocks {
            while current < i {
                current += 1
                b += paragraph([run(document.sections[current].heading)], style: "Heading1")
            }
            switch block {
            case .paragraph(let p):
                b += paragraph(lines(p))
            case .callout(let c):
                b += paragraph([run(c.kind == .warning ? "Warning: " : "Note: ", bold: true)] + lines(c.text),
                               style: c.kind == .warning ? "Warning" : "Note")
            case .code(let text):
                let body = text.hasSuffix("\n") ? String(text.dropLast()) : text
                b += paragraph(lines(body), style: "Code")
            case .definitions(let list):
                for d in list {
                    b += paragraph(
                        [run(d.term, bold: true), "<w:r><w:tab/></w:r>", run(d.definition)], style: "Definition")
                }
            case .table(let t):
                b += table(t, number: number ?? "")
            case .figure(let f):
                figureIndex += 1
                b += figure(f, number: number ?? "", index: figureIndex, media: &media)
            }
        }
        while current + 1 < document.sections.count {
            current += 1
            b += paragraph([run(document.sections[current].heading)], style: "Heading1")
        }
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <w:document \(Self.namespaces)><w:body>\(b)\(sectionProperties(landscape: false))</w:body></w:document>

            """
    }

    private func table(_ t: ReportDocument.Table, number: String) -> String {
        let (header, rows) = ReportDocument.rectangular(t)
        let layout = document.printLayout(t)
        let landscape = layout != .portrait
        let columns = max(header.count, rows.first?.count ?? 0)
        var x = ""
        if landscape { x += "<w:p><w:pPr>\(sectionProperties(landscape: false))</w:pPr></w:p>" }
        x += paragraph(
            [run(ReportDocument.tableName(number) + ". ", bold: true), run(t.caption)], style: "TableCaption")
        guard columns > 0 else { return x }
        // Column widths: the widest numeric cell (never wrapped) or the longest word, plus the cell
        // margins; text columns up to the label minimum. Scaled down only when wider than the page.
        let fontHalfPoints = layout == .landscapeSmall ? 14 : 17
        let twipsPerEm = Double(fontHalfPoints) * 10
        let widthTotal = landscape ? textWidths.landscape : textWidths.portrait
        let natural: [Double] = (0..<columns).map { j in
            var w =
                (j < header.count ? header[j] : "").split(separator: " ").map {
                    SVG.textWidth(String($0), size: 1) * 1.12
                }.max() ?? 0
            for r in rows where j < r.count {
                let width = SVG.textWidth(r[j].trimmingCharacters(in: ["\u{2003}"]), size: 1) * 1.04
                    + (r[j].hasPrefix("\u{2003}") ? 200 / twipsPerEm : 0)
                w = max(w, t.alignment(j) == .left ? min(width, ReportDocument.labelColumnMinimum) : width)
            }
            return w * twipsPerEm + 180
        }
        let sum = natural.reduce(0, +)
        let shrink = sum > Double(widthTotal) ? Double(widthTotal) / sum : 1
        var fitted = natural.map { $0 * shrink }
        // Room left on the page goes to text columns, up to their longest cell on one line.
        var spare = Double(widthTotal) - fitted.reduce(0, +)
        for j in 0..<columns where t.alignment(j) == .left && spare > 0 {
            let longest = rows.map { SVG.textWidth($0[j].trimmingCharacters(in: ["\u{2003}"]), size: 1) * 1.04
                + ($0[j].hasPrefix("\u{2003}") ? 200 / twipsPerEm : 0) }.max() ?? 0
            let want = min(longest, 32) * twipsPerEm + 180
            if want > fitted[j] {
                let add = min(spare, want - fitted[j])
                fitted[j] += add
                spare -= add
            }
        }
        let widths = fitted.map { Int($0.rounded()) }
        x += "<w:tbl><w:tblPr><w:tblStyle w:val=\"ReportTable\"/><w:tblW w:w=\"0\" w:type=\"auto\"/>"
            + "<w:tblBorders><w:top w:val=\"single\" w:sz=\"12\" w:space=\"0\" w:color=\"000000\"/>"
            + "<w:bottom w:val=\"single\" w:sz=\"12\" w:space=\"0\" w:color=\"000000\"/></w:tblBorders>"
            + """
                <w:tblLayout w:type=\"autofit\"/><w:tblCellMar><w:left w:w=\"70\" w:type=\"dxa\"/><w:right w:w=\"70\" \
                w:type=\"dxa\"/></w:tblCellMar>
                """
            + """
                <w:tblLook w:val=\"0020\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" \
                w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr>
                """
        x += "<w:tblGrid>" + widths.map { "<w:gridCol w:w=\"\($0)\"/>" }.joined() + "</w:tblGrid>"
        func cell(_ text: String, column j: Int, header isHeader: Bool, bold: Bool = false) -> String {
            var text = text, indent = 0
            while text.hasPrefix("\u{2003}") { text.removeFirst(); indent += 200 }
            let jc: String
            switch t.alignment(j) {
            case .left: jc = "left"
            case .center: jc = "center"
            case .right: jc = "right"
            }
            var tcPr = "<w:tcW w:w=\"\(widths[j])\" w:type=\"dxa\"/>"
            if isHeader { tcPr += """
                <w:tcBorders><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"0\" \
                w:color=\"000000\"/></w:tcBorders><w:vAlign w:val=\"bottom\"/>
                """ }
            if !isHeader && t.alignment(j) != .left { tcPr += "<w:noWrap/>" }
            let pPr = "<w:pPr><w:pStyle w:val=\"TableText\"/><w:spacing w:before=\"0\" w:after=\"0\"/>"
                + (indent > 0 ? "<w:ind w:left=\"\(indent)\"/>" : "") + "<w:jc w:val=\"\(jc)\"/></w:pPr>"
            let r = text.isEmpty ? "" : run(text, bold: isHeader || bold, halfPoints: fontHalfPoints)
            return "<w:tc><w:tcPr>\(tcPr)</w:tcPr><w:p>\(pPr)\(r)</w:p></w:tc>"
        }
        if !header.isEmpty {
            x +=
                "<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>"
                + header.enumerated().map { cell($1, column: $0, header: true) }.joined() + "</w:tr>"
        }
        for (i, r) in rows.enumerated() {
            let heading = t.headingRows.contains(i)
            x +=
                "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
                + r.enumerated().map { cell($1, column: $0, header: false, bold: heading && $0 == 0) }.joined()
                + "</w:tr>"
        }
        x += "</w:tbl>"
        for note in t.footnotes { x += paragraph([run(note)], style: "TableNote") }
        if t.footnotes.isEmpty { x += paragraph([], style: "TableNote") }
        if landscape { x += "<w:p><w:pPr>\(sectionProperties(landscape: true))</w:pPr></w:p>" }
        return x
    }

    private func figure(_ f: ReportDocument.Figure, number: String, index: Int,
                        media: inout [(name: String, data: Data, type: String)]) -> String {
        let (wmm, hmm) = Self.physicalSize(f.svg)
        let maxWidth = Double(textWidths.portrait) / 1440 * 25.4
        let scale = min(1, maxWidth / wmm)
        let cx = Int(wmm * scale * 36_000), cy = Int(hmm * scale * 36_000)
        let pixels = Self.rasterWidth(ofSVG: f.svg)
        let png = rasterize(f.svg, pixels) ?? Self.blankPNG
        let pngName = "figure\(index).png", svgName = "figure\(index).svg"
        media.append((pngName, png, "image/png"))
        media.append((svgName, Data(f.svg.utf8), "image/svg+xml"))
        let name = Self.escape(f.fileName)
        let drawing = """
            <w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="\(cx)" cy="\(cy)"/>\
            <wp:docPr id="\(index)" name="\(name)" descr="\(Self.escape(f.caption))"/>\
            <wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>\
            <a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">\
            <pic:pic><pic:nvPicPr><pic:cNvPr id="\(index)" name="\(name)"/><pic:cNvPicPr/></pic:nvPicPr>\
            <pic:blipFill><a:blip r:embed="\(Self.relationshipID(pngName))"><a:extLst>\
            <a:ext uri="{96DAC541-7B7A-43D3-8B79-37D633B846F1}">\
            <asvg:svgBlip r:embed="\(Self.relationshipID(svgName))"/></a:ext>\
            </a:extLst></a:blip><a:stretch><a:fillRect/></a:stretch></pic:blipFill>\
            <pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="\(cx)" cy="\(cy)"/></a:xfrm>\
            <a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>\
            </pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>
            """
        return paragraph([drawing], style: "Figure")
            + paragraph(
                [run(ReportDocument.figureName(number) + ". ", bold: true), run(f.caption)], style: "FigureCaption")
    }

    /// The SVG's width and height in millimetres from its root `width`/`height` attributes ("85mm",
    /// "720" px at 96 dpi, "3.35in", "240pt"); 160 × 100 mm when they cannot be read.
    /// The width in pixels (300 dpi) at which ``data()`` asks `rasterize` for a figure, so that a caller can
    /// rasterize the figures ahead (concurrently) and hand over a `rasterize` that looks them up.
    package static func rasterWidth(ofSVG svg: String) -> Int {
        Int((physicalSize(svg).width / 25.4 * 300).rounded())
    }

    static func physicalSize(_ svg: String) -> (width: Double, height: Double) {
        guard let start = svg.range(of: "<svg"), let end = svg[start.upperBound...].firstIndex(of: ">") else {
            return (160, 100)
        }
        let tag = String(svg[start.upperBound..<end])
        func attribute(_ name: String) -> Double? {
            guard let r = tag.range(of: " \(name)=\"") else { return nil }
            let value = tag[r.upperBound...].prefix { $0 != "\"" }
            let number = Double(value.prefix { $0.isNumber || $0 == "." }) ?? .nan
            guard number.isFinite, number > 0 else { return nil }
            if value.hasSuffix("mm") { return number }
            if value.hasSuffix("cm") { return number * 10 }
            if value.hasSuffix("in") { return number * 25.4 }
            if value.hasSuffix("pt") { return number * 25.4 / 72 }
            return number * 25.4 / 96
        }
        guard let w = attribute("width"), let h = attribute("height") else { return (160, 100) }
        return (w, h)
    }

    // MARK: Runs and paragraphs

    private func run(_ text: String, bold: Bool = false, halfPoints: Int? = nil) -> String {
        var rPr = bold ? "<w:b/>" : ""
        if let halfPoints { rPr += "<w:sz w:val=\"\(halfPoints)\"/><w:szCs w:val=\"\(halfPoints)\"/>" }
        return "<w:r>" + (rPr.isEmpty ? "" : "<w:rPr>\(rPr)</w:rPr>")
            + "<w:t xml:space=\"preserve\">\(Self.escape(text))</w:t></w:r>"
    }

    /// Runs for `text` with its line breaks kept.
    private func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { i, line in
            (i > 0 ? "<w:r><w:br/></w:r>" : "") + (line.isEmpty ? "" : run(String(line)))
        }
    }

    private func paragraph(_ runs: [String], style: String? = nil) -> String {
        "<w:p>" + (style.map { "<w:pPr><w:pStyle w:val=\"\($0)\"/></w:pPr>" } ?? "") + runs.joined() + "</w:p>"
    }

    /// Text escaped for XML content and attributes; characters XML 1.0 forbids become spaces.
    static func escape(_ text: String) -> String { SVG.escape(text) }

    static let namespaces = """
        xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" \
        xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" \
        xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" \
        xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" \
        xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" \
        xmlns:asvg="http://schemas.microsoft.com/office/drawing/2016/SVG/main"
        """

    static let settings = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">\
        <w:updateFields w:val="true"/>\
        <w:defaultTabStop w:val="1134"/><w:compat><w:compatSetting w:name="compatibilityMode" \
        w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>
        """

    static let styles: String = {
        func para(
            _ id: String, _ name: String, basedOn: String? = "Normal", pPr: String = "", rPr: String = "",
            next: String? = nil
        ) -> String {
            "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"\(id)\"><w:name w:val=\"\(name)\"/>"
                + (basedOn.map { "<w:basedOn w:val=\"\($0)\"/>" } ?? "")
                + (next.map { "<w:next w:val=\"\($0)\"/>" } ?? "")
                + "<w:qFormat/><w:pPr>\(pPr)</w:pPr><w:rPr>\(rPr)</w:rPr></w:style>"
        }
        var s = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">\
            <w:docDefaults><w:rPrDefault><w:rPr>\
            <w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:eastAsia="Calibri" w:cs="Calibri"/>\
            <w:sz w:val="21"/><w:szCs w:val="21"/><w:lang w:val="en-GB"/></w:rPr></w:rPrDefault>\
            <w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault>\
            </w:docDefaults>\
            <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>
            """
        s += para("Title", "Title", pPr: "<w:spacing w:after=\"120\"/>", rPr: "<w:b/><w:sz w:val=\"36\"/>")
        s += para(
            "Metadata", "Metadata", pPr: "<w:spacing w:after=\"0\"/>",
            rPr: "<w:color w:val=\"555555\"/><w:sz w:val=\"16\"/>")
        s += para("TOCHeading", "TOC Heading", pPr: "<w:spacing w:before=\"240\"/>", rPr: "<w:b/><w:sz w:val=\"24\"/>")
        s += """
            <w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:basedOn \
            w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>
            """
            + """
                <w:pPr><w:keepNext/><w:spacing w:before=\"360\" w:after=\"120\"/><w:outlineLvl \
                w:val=\"0\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"28\"/></w:rPr></w:style>
                """
        s += para(
            "TableCaption", "Table Caption", pPr: "<w:keepNext/><w:spacing w:before=\"240\" w:after=\"60\"/>",
            rPr: "<w:sz w:val=\"19\"/>")
        s += para(
            "TableText", "Table Text", pPr: "<w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>",
            rPr: "<w:sz w:val=\"17\"/>")
        s += para(
            "TableNote", "Table Note", pPr: "<w:spacing w:before=\"40\" w:after=\"40\"/>",
            rPr: "<w:color w:val=\"444444\"/><w:sz w:val=\"16\"/>")
        s += para("Figure", "Figure", pPr: "<w:keepNext/><w:spacing w:before=\"240\" w:after=\"60\"/>")
        s += para("FigureCaption", "Figure Caption", pPr: "<w:spacing w:after=\"240\"/>", rPr: "<w:sz w:val=\"19\"/>")
        s += para("Note", "Note", pPr: """
            <w:pBdr><w:left w:val=\"single\" w:sz=\"24\" w:space=\"6\" w:color=\"0072B2\"/></w:pBdr><w:shd \
            w:val=\"clear\" w:color=\"auto\" w:fill=\"EEF5FB\"/><w:ind w:left=\"170\"/>
            """)
        s += para("Warning", "Warning", pPr: """
            <w:pBdr><w:left w:val=\"single\" w:sz=\"24\" w:space=\"6\" w:color=\"D55E00\"/></w:pBdr><w:shd \
            w:val=\"clear\" w:color=\"auto\" w:fill=\"FDF1E8\"/><w:ind w:left=\"170\"/>
            """)
        s += para("Code", "Code", pPr: """
            <w:spacing w:after=\"120\" w:line=\"240\" w:lineRule=\"auto\"/><w:shd w:val=\"clear\" w:color=\"auto\" \
            w:fill=\"F6F7F9\"/>
            """,
                  rPr: """
                      <w:rFonts w:ascii=\"Courier New\" w:hAnsi=\"Courier New\" w:cs=\"Courier New\"/><w:sz \
                      w:val=\"17\"/>
                      """)
        s += para("Definition", "Definition", pPr: """
            <w:tabs><w:tab w:val=\"left\" w:pos=\"1701\"/></w:tabs><w:spacing w:after=\"40\"/><w:ind w:left=\"1701\" \
            w:hanging=\"1701\"/>
            """)
        s += """
            <w:style w:type=\"table\" w:styleId=\"ReportTable\"><w:name w:val=\"Report \
            Table\"/><w:tblPr><w:tblCellMar><w:left w:w=\"70\" w:type=\"dxa\"/><w:right w:w=\"70\" \
            w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>
            """
        return s + "</w:styles>\n"
    }()

    /// A 1 × 1 white PNG, the fallback picture when no raster of a figure could be made.
    static let blankPNG: Data = {
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        func chunk(_ type: String, _ body: [UInt8]) {
            var be = withUnsafeBytes(of: UInt32(body.count).bigEndian, Array.init)
            png.append(contentsOf: be)
            let typed = Array(type.utf8) + body
            png.append(contentsOf: typed)
            be = withUnsafeBytes(of: crc32(typed).bigEndian, Array.init)
            png.append(contentsOf: be)
        }
        chunk("IHDR", [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0])   // 1×1, 8-bit RGB
        // zlib stream: header, one stored block with the scanline (filter 0, white pixel), Adler-32.
        let raw: [UInt8] = [0, 255, 255, 255]
        var a: UInt32 = 1, b: UInt32 = 0
        for x in raw { a = (a + UInt32(x)) % 65521; b = (b + a) % 65521 }
        let adler = (b << 16) | a
        chunk(
            "IDAT", [0x78, 0x01, 0x01, 0x04, 0x00, 0xFB, 0xFF] + raw + withUnsafeBytes(of: adler.bigEndian, Array.init))
        chunk("IEND", [])
        return png
    }()

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            c ^= UInt32(byte)
            for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }
}
