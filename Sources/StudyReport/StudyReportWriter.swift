import Foundation
import PatternsOfFailure
import Reporting

/// Writes the study report to a directory: `report.html`, `report.md`, `report.docx`, `tables/*.csv`,
/// `figures/*.svg`, `results.json` and `plan.yaml`.
///
/// ```swift
/// try StudyReportWriter.write(results, to: URL(fileURLWithPath: "demo-report"))
/// ```
public enum StudyReportWriter {
    /// Writes every output file.
    ///
    /// - Parameters:
    ///   - results: The analysed study.
    ///   - directory: The output directory (created if needed).
    /// - Returns: The paths written, relative to `directory`.
    /// - Throws: The file system's error when a file cannot be written.
    ///
    /// - Complexity: O(size of the report): every table, figure and document is rendered and written once.
    @discardableResult
    public static func write(_ results: StudyResults, to directory: URL) throws -> [String] {
        try OutputDirectory.prepare(directory, subdirectories: ["tables", "figures"])
        let builder = StudyReportBuilder(results: results)
        let document = builder.document()
        // The Word document (its figures rasterized by a helper program) is made on another thread while the
        // other files are written.
        let word = Background { () throws -> Data in
            // Each figure is rasterized by its own helper process, several at a time, before the document is
            // assembled (which asks for them one by one).
            let svgs = Array(Set(document.figureFiles.map(\.svg))).sorted()
            let widths = svgs.map(WordDocument.rasterWidth(ofSVG:))
            let pngs = parallelMap(svgs.count) { WordDocument.rsvgConvert(svg: svgs[$0], widthPixels: widths[$0]) }
            var ready: [String: (width: Int, png: Data?)] = [:]
            for (k, svg) in svgs.enumerated() { ready[svg] = (widths[k], pngs[k]) }
            let lookup = ready
            return try WordDocument(document, rasterize: { svg, width in
                if let r = lookup[svg], r.width == width { return r.png }
                return WordDocument.rsvgConvert(svg: svg, widthPixels: width)
            }).data()
        }
        var written: [String] = []
        func put(_ text: String, _ path: String) throws {
            try text.write(to: directory.appendingPathComponent(path), atomically: true, encoding: .utf8)
            written.append(path)
        }
        try put(document.html(), "report.html")
        try put(document.markdown(), "report.md")
        written.append("report.docx")
        for f in document.figureFiles { try put(f.svg, "figures/\(f.fileName)") }
        for (name, table) in builder.tables() {
            try put(CSVOutput.string(table), "tables/\(name).csv")
        }
        try put(JSONOutput.string(results), "results.json")
        try put(results.provenance.plan.yaml, "plan.yaml")
        try word.value().write(to: directory.appendingPathComponent("report.docx"), options: .atomic)
        return written
    }
}
