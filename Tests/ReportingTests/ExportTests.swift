import Foundation
import Testing
import ZIPFoundation
import PatternsOfFailure
@testable import Reporting
import StudyReport
import Tabular

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The machine-readable and Word exports: CSV with numbers at full precision, YAML with plain
/// decimals, and `report.docx` with real tables holding the same text as the HTML.
@Suite(.serialized) struct ExportTests {
    // MARK: CSV

    @Test func csvCarriesFullPrecisionNumbersBesideTheText() throws {
        let hr = 1.0101234567890123, lo = 0.51923456789, hi = 1.96434567891, p = 0.97712345678
        let t = ReportDocument.Table(
            caption: "c", header: ["Factor", "HR (95% CI)", "P"],
            cells: [
                ["\u{2003}Age ≥ 50", .interval(hr, lo, hi, decimals: 3), .number(p, text: "0.977", name: "p")],
                ["Stage", "", ""],
            ])
        let lines = CSVOutput.string(t).split(separator: "\n").map(String.init)
        #expect(lines[0] == "Factor,HR (95% CI),HR (95% CI): estimate,HR (95% CI): lower,HR (95% CI): upper,P,P: p")
        let cells = lines[1].split(separator: ",").map(String.init)
        #expect(cells[0] == "Age ≥ 50")
        #expect(cells[1] == "1.010 (0.519–1.964)")
        #expect(cells[2...4].map { Double($0)! } == [hr, lo, hi])
        #expect(cells[5] == "0.977" && Double(cells[6])! == p)
        #expect(lines[2] == "Stage,,NA,NA,NA,,NA")
    }

    @Test func csvColumnNamesAreUnique() {
        #expect(
            CSVOutput.uniqueTitles(
                ["Factor", "Infield HR (95% CI)", "P", "Outfield HR (95% CI)", "P", "", "P"], count: 8)
                == [
                    "Factor", "Infield HR (95% CI)", "Infield: P", "Outfield HR (95% CI)", "Outfield: P", "column 6",
                    "column: P", "column 8",
                ])
        #expect(CSVOutput.uniqueTitles(["P", "P"], count: 2) == ["P", "P (2)"])
    }

    @Test func demoCoxTableCSVHoldsTheModelNumbersExactly() throws {
        let dir = try #require(DemoReport.directory)
        let results = try #require(DemoReport.results)
        let csv = try String(contentsOf: dir.appendingPathComponent("tables/table3b_multivariate.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let header = lines[0]
        let infield = try #require(results.multivariate.first { $0.endpoint == "pfs_infield" })
        let e = try #require(header.firstIndex(of: "Infield HR (95% CI): estimate"))
        #expect(header[e + 1] == "Infield HR (95% CI): lower" && header[e + 2] == "Infield HR (95% CI): upper")
        #expect(header[e + 3] == "Infield: P" && header[e + 4] == "Infield: P: p")
        #expect(Set(header).count == header.count, "column names repeat: \(header)")
        for (row, term) in zip(lines.dropFirst(), infield.terms) {
            #expect(Double(row[e]) == term.hr && Double(row[e + 1]) == term.lower && Double(row[e + 2]) == term.upper)
            #expect(Double(row[e + 4]) == term.p)
        }
    }

    @Test func demoSurvivalCSVHoldsMediansAndRatesAtFullPrecision() throws {
        let dir = try #require(DemoReport.directory)
        let results = try #require(DemoReport.results)
        let text = try String(contentsOf: dir.appendingPathComponent("tables/survival_summary.csv"), encoding: .utf8)
        // Split respecting the quoted headings ("At 12 months, % (95% CI)").
        func fields(_ line: Substring) -> [String] {
            var out: [String] = [], cur = "", quoted = false
            for ch in line {
                if ch == "\"" {
                    quoted.toggle()
                } else if ch == "," && !quoted {
                    out.append(cur); cur = ""
                } else {
                    cur.append(ch)
                }
            }
            return out + [cur]
        }
        let lines = text.split(separator: "\n").map(fields)
        let header = lines[0]
        let m = try #require(header.firstIndex(of: "Median (months) (95% CI): estimate"))
        let r = try #require(header.firstIndex(of: "At 12 months, % (95% CI): estimate"))
        for (row, s) in zip(lines.dropFirst(), results.survival) {
            #expect(row[0] == s.label)
            #expect(Double(row[m]) == s.median || (row[m] == "NA" && !s.median.isFinite))
            #expect(Double(row[r]) == s.rates[0].estimate * 100 && Double(row[r + 2]) == s.rates[0].upper * 100)
        }
    }

    // MARK: YAML

    @Test func yamlDecimalsArePlainAndReadBackTheSame() throws {
        #expect(NumberFormat.plain(1e20) == "100000000000000000000")
        #expect(NumberFormat.plain(1.5e-5) == "0.000015")
        #expect(NumberFormat.plain(-2.5e-7) == "-0.00000025")
        #expect(NumberFormat.plain(0.05) == "0.05" && NumberFormat.plain(3) == "3" && NumberFormat.plain(1.5) == "1.5")
        for x in [1e-300, 123456.789, 0.1 + 0.2, 5e-324, 1.7976931348623157e308] {
            #expect(Double(NumberFormat.plain(x)) == x)
        }
        let plan = StudyPlan()
        #expect(plan.yaml.contains("alpha: 0.05") && plan.yaml.contains("landmark_months: 3\n"))
        #expect(plan.yaml.range(of: "[0-9][eE][-+]?[0-9]", options: .regularExpression) == nil)
        #expect(try StudyPlan(yaml: plan.yaml).yaml == plan.yaml)
    }

    @Test func planIsACodeBlock() throws {
        let html = try #require(DemoReport.document).html()
        #expect(html.contains("<pre class=\"code\"><code># Study plan written by pof"))
        #expect(html.contains("\npreset: paper\n") && html.contains("\norigin: rt_end\n"))
        #expect(html.contains("alpha: 0.05\n"))
    }

    // MARK: Word

    /// The Word document's tables, as rows of cell texts, from `word/document.xml`.
    static func wordTables(_ docx: URL) throws -> (tables: [[[String]]], xml: String, archive: Archive) {
        let archive = try Archive(url: docx, accessMode: .read)
        let entry = try #require(archive["word/document.xml"])
        var data = Data()
        _ = try archive.extract(entry) { data.append($0) }
        let xml = String(decoding: data, as: UTF8.self)
        final class Collector: NSObject, XMLParserDelegate {
            var tables: [[[String]]] = [], depth = 0, inText = false
            var row: [String] = [], cell = ""
            func parser(
                _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]
            ) {
                switch name {
                case "w:tbl": depth += 1; if depth == 1 { tables.append([]) }
                case "w:tr": row = []
                case "w:tc": cell = ""
                case "w:t": inText = true
                default: break
                }
            }
            func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { cell += string } }
            func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?)
            {
                switch name {
                case "w:tbl": depth -= 1
                case "w:tr": tables[tables.count - 1].append(row)
                case "w:tc": row.append(cell)
                case "w:t": inText = false
                default: break
                }
            }
        }
        let parser = XMLParser(data: data)
        let collector = Collector()
        parser.delegate = collector
        #expect(parser.parse(), "word/document.xml is not well-formed: \(String(describing: parser.parserError))")
        return (collector.tables, xml, archive)
    }

    @Test func wordDocumentHasEveryTableWithTheSameText() throws {
        let dir = try #require(DemoReport.directory)
        let doc = try #require(DemoReport.document)
        let (tables, xml, archive) = try Self.wordTables(dir.appendingPathComponent("report.docx"))
        let expected = doc.numberedBlocks.compactMap { item -> ReportDocument.Table? in
            if case .table(let t) = item.block { return t } else { return nil }
        }
        #expect(tables.count == expected.count)
        for (k, (word, t)) in zip(tables, expected).enumerated() {
            let (header, rows) = ReportDocument.rectangular(t)
            let want = ([header] + rows).map { $0.map { $0.trimmingCharacters(in: ["\u{2003}"]) } }
            #expect(word == want, "table \(k + 1) differs")
        }
        // Header rows repeat on each page; wide tables sit in landscape sections.
        #expect(xml.components(separatedBy: "<w:tblHeader/>").count - 1 == expected.count)
        let wide = expected.filter { doc.printLayout($0) != .portrait }.count
        #expect(wide > 0)
        #expect(xml.components(separatedBy: "w:orient=\"landscape\"").count - 1 == wide)
        // Every figure embedded as SVG with a PNG fallback.
        let figures = doc.figureFiles.count
        #expect(xml.components(separatedBy: "<asvg:svgBlip r:embed=").count - 1 == figures)
        for i in 1...figures {
            let svg = try #require(archive["word/media/figure\(i).svg"])
            let png = try #require(archive["word/media/figure\(i).png"])
            #expect(svg.uncompressedSize > 1000)
            if FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert") {
                #expect(png.uncompressedSize > 5000, "figure \(i): PNG fallback is a placeholder")
            } else {
                ExternalTools.skipped(
                    "rsvg-convert (librsvg2-bin) not installed: report.docx figures have blank PNG fallbacks")
            }
        }
        // Every XML part of the package is well-formed.
        for entry in archive where entry.path.hasSuffix(".xml") || entry.path.hasSuffix(".rels") {
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            #expect(XMLParser(data: data).parse(), "\(entry.path) is not well-formed XML")
        }
        #expect(archive["[Content_Types].xml"] != nil && archive["word/styles.xml"] != nil)
        // The title, every section heading and every figure caption are there.
        #expect(xml.contains(WordDocument.escape(doc.title)))
        for s in doc.sections { #expect(xml.contains(WordDocument.escape(s.heading))) }
    }

    @Test func blankPNGIsAValidPNG() {
        let png = WordDocument.blankPNG
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(WordDocument.crc32(Array("IEND".utf8)) == 0xAE42_6082)
    }

    /// LibreOffice opens the document and prints it to PDF with every table whole.
    @Test(.enabled(if: ExternalTools.canConvertWord))
    func wordDocumentPrintsWithEveryTableWhole() throws {
        let dir = try #require(DemoReport.directory)
        let doc = try #require(DemoReport.document)
        let out = dir.appendingPathComponent("libreoffice")
        try ExternalTools.run(
            ExternalTools.soffice!,
            [
                "-env:UserInstallation=file://\(dir.path)/lo-profile", "--headless",
                "--convert-to", "pdf", "--outdir", out.path,
                dir.appendingPathComponent("report.docx").path,
            ], timeout: 300)
        let text = try ExternalTools.run(
            ExternalTools.pdftotext!, ["-layout", out.appendingPathComponent("report.pdf").path, "-"])
        let missing = PrintedText.missing(in: text, doc: doc)
        #expect(
            missing.isEmpty,
            "\(missing.map { "\($0.table): \($0.words.joined(separator: ", "))" }.joined(separator: "\n"))")
    }
}
