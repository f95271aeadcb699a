import Foundation
import Testing
@testable import Reporting

@Suite struct ReportDocumentTests {
    static let nasty = #"a<b & c>"d'|e"#

    static var nastyDocument: ReportDocument {
        ReportDocument(
            title: nasty, metadata: [nasty],
            sections: [
                .init(
                    heading: nasty,
                    blocks: [
                        .paragraph(nasty),
                        .table(
                            .init(
                                caption: nasty, header: [nasty, "n"], rows: [[nasty, "1"], ["short row"]],
                                footnotes: [nasty])),
                        .callout(.init(.warning, nasty)),
                        .figure(.init(caption: nasty, svg: Sample.tinySVG, fileName: "my figure.svg")),
                    ])
            ])
    }

    @Test func htmlEscapesAllText() {
        let html = Self.nastyDocument.html()
        #expect(!html.contains(Self.nasty))
        let escaped = "a&lt;b &amp; c&gt;&quot;d&#39;|e"
        // title element, h1, metadata, TOC, heading, paragraph, caption, 2 cells, footnote, callout, figcaption
        #expect(html.components(separatedBy: escaped).count - 1 == 12)
    }

    @Test func htmlIsSelfContained() {
        let html = Sample.document.html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<style>") && html.contains("@media print"))
        #expect(!html.contains("<link") && !html.contains("<script") && !html.contains("src="))
        // Figures are inlined without their XML declaration.
        #expect(html.contains("<figure id=\"figure-1\" style=\"--print-width: ") && html.contains("mm\">\n<svg xmlns="))
        #expect(!html.contains("<?xml"))
        // Table of contents links to every section.
        for i in 1...2 {
            #expect(html.contains("<a href=\"#section-\(i)\">") && html.contains("<section id=\"section-\(i)\">"))
        }
        #expect(html.contains("<th scope=\"col\" class=\"r\">n (%)</th>"))
        #expect(html.contains("<strong>Table 1.</strong>") && html.contains("<strong>Figure 1.</strong>"))
    }

    @Test func markdownEscapesPipesInTables() throws {
        let md = Self.nastyDocument.markdown()
        let tableLines = md.split(separator: "\n").filter { $0.hasPrefix("| ") }
        #expect(tableLines.count == 4)
        for line in tableLines {
            // Unescaped pipes delimit exactly two columns.
            var count = 0, previous: Character = " "
            for ch in line { if ch == "|" && previous != "\\" { count += 1 }; previous = ch }
            #expect(count == 3, "\(line)")
        }
        #expect(tableLines[0] == #"| a\<b \& c\>"d'\|e | n |"#)
        #expect(tableLines[3] == "| short row |  |")
    }

    @Test func markdownFiguresLinkToFiles() {
        let md = Sample.document.markdown()
        #expect(md.contains("![Overall survival](figures/os.svg)"))
        #expect(Self.nastyDocument.markdown().contains("](figures/my%20figure.svg)"))
        #expect(Sample.document.figureFiles.map(\.fileName) == ["os.svg"])
        #expect(md.contains("| --- | ---: |"))
        #expect(md.contains("> **Warning:** 2 patients excluded: no imaging at 3 months."))
    }

    @Test func deterministic() {
        #expect(Sample.document.html() == Sample.document.html())
        #expect(Sample.document.markdown() == Sample.document.markdown())
    }
}
