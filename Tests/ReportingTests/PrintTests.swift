import Foundation
import Testing
import PatternsOfFailure
import Reporting
import StudyReport

/// External programs the print and Word tests drive: headless Chromium, poppler's `pdftotext`,
/// LibreOffice. A test whose program is missing is skipped with a `SKIPPED:` line on stderr.
enum ExternalTools {
    static func find(_ names: [String]) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/usr/local/bin:/snap/bin"
        for dir in path.split(separator: ":") {
            for name in names {
                let candidate = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    static let chromium = find(["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"])
    static let pdftotext = find(["pdftotext"])
    static let soffice = find(["soffice", "libreoffice"])

    static var canPrint: Bool {
        if chromium == nil || pdftotext == nil {
            skipped(
                """
                printing test needs chromium and pdftotext (Debian: chromium, poppler-utils); found \
                chromium=\(chromium ?? "none"), pdftotext=\(pdftotext ?? "none")
                """)
            return false
        }
        return true
    }

    static var canConvertWord: Bool {
        if soffice == nil || pdftotext == nil {
            skipped(
                "Word-to-PDF test needs LibreOffice and pdftotext (Debian: libreoffice-writer-nogui, poppler-utils)")
            return false
        }
        return true
    }

    static func skipped(_ why: String) {
        FileHandle.standardError.write(Data("SKIPPED: \(why)\n".utf8))
    }

    /// Runs `tool` with `arguments`; returns its standard output, or throws with its standard error.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], timeout: TimeInterval = 180) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pof-tool-\(UUID().uuidString).out")
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("pof-tool-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if p.isRunning { p.terminate(); throw ToolError(message: "\(tool) timed out after \(Int(timeout)) s") }
        let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        guard p.terminationStatus == 0 else {
            throw ToolError(message: "\(tool) \(arguments.joined(separator: " ")) exited \(p.terminationStatus): "
                            + ((try? String(contentsOf: err, encoding: .utf8)) ?? ""))
        }
        return text
    }

    struct ToolError: Error, CustomStringConvertible { var message: String; var description: String { message } }
}

/// The demo report analysed and written once per test process (Chromium, LibreOffice and export
/// tests share it).
enum DemoReport {
    static let results: StudyResults? = {
        guard let reading = try? CohortReader.read(DemoCohort.sources()), let cohort = reading.cohort else {
            return nil
        }
        var analysis = StudyAnalysis(cohort: cohort, plan: StudyPlan())
        analysis.synthetic = true
        analysis.generatedAt = "2026-01-01T00:00:00Z"
        return try? analysis.run()
    }()

    static let directory: URL? = {
        guard let results else { return nil }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pof-demo-report-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: dir)
        do { try StudyReportWriter.write(results, to: dir) } catch { return nil }
        return dir
    }()

    static var document: ReportDocument? { results.map { StudyReportBuilder(results: $0).document() } }
}

/// Checks that text extracted from a printed document still holds every table whole.
enum PrintedText {
    /// Whitespace-separated words of `text`, hyphenated words split at their hyphens (a line may
    /// break after a hyphen, leaving the parts on different lines of the extracted text).
    static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0.isWhitespace }).flatMap { $0.split(separator: "-").map(String.init) }
    }

    /// For each table of `doc`: the words of its header cells and body cells that are missing from the
    /// printed text between its caption and the next table's caption (counted with multiplicity).
    static func missing(in text: String, doc: ReportDocument) -> [(table: String, words: [String])] {
        let tables = doc.numberedBlocks.compactMap { item -> (String, ReportDocument.Table)? in
            if case .table(let t) = item.block { return (item.number ?? "", t) } else { return nil }
        }
        // Caption positions, in order.
        var starts: [String.Index] = []
        var from = text.startIndex
        for (number, t) in tables {
            let first = words(t.caption).first ?? ""
            let found = text.range(of: "Table \(number). \(first)", range: from..<text.endIndex)
                ?? text.range(of: "Table \(number).", range: from..<text.endIndex)
            let start = found?.lowerBound ?? text.endIndex
            starts.append(start)
            if let found { from = found.upperBound }
        }
        var out: [(String, [String])] = []
        for (k, (number, t)) in tables.enumerated() {
            let end = k + 1 < starts.count ? max(starts[k], starts[k + 1]) : text.endIndex
            var have: [String: Int] = [:]
            for w in words(String(text[starts[k]..<end])) { have[w, default: 0] += 1 }
            var want: [String: Int] = [:]
            for cell in t.header + t.rows.flatMap({ $0 }) { for w in words(cell) { want[w, default: 0] += 1 } }
            let lacking = want.filter { have[$0.key, default: 0] < $0.value }.map {
                "\($0.key) (\(have[$0.key, default: 0]) of \($0.value))"
            }.sorted()
            if !lacking.isEmpty { out.append(("Table \(number)", lacking)) }
        }
        return out
    }
}

@Suite(.serialized) struct PrintTests {
    /// The demo report printed by headless Chromium on A4 and on Letter: every word of every table's
    /// header and body — every P value, estimate and interval — is in the PDF's text, on the pages of
    /// that table. A clipped column or a cut-off cell would be missing.
    @Test(.enabled(if: ExternalTools.canPrint), arguments: ["A4", "Letter"])
    func printedReportKeepsEveryTableWhole(paper: String) throws {
        let dir = try #require(DemoReport.directory)
        let doc = try #require(DemoReport.document)
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        let page = "<style>@page { size: \(paper); } @page wide { size: \(paper) landscape; }</style>\n</head>"
        let printable = dir.appendingPathComponent("report-\(paper).html")
        try html.replacingOccurrences(of: "</head>", with: page).write(to: printable, atomically: true, encoding: .utf8)
        let pdf = dir.appendingPathComponent("report-\(paper).pdf")
        let profile = dir.appendingPathComponent("chromium-profile")
        try ExternalTools.run(ExternalTools.chromium!, ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                                       "--user-data-dir=\(profile.path)", "--no-pdf-header-footer",
                                                       "--print-to-pdf=\(pdf.path)", printable.absoluteString])
        let text = try ExternalTools.run(ExternalTools.pdftotext!, ["-layout", pdf.path, "-"])
        #expect(text.contains("Table 1."))
        let missing = PrintedText.missing(in: text, doc: doc)
        #expect(
            missing.isEmpty,
            "\(paper): \(missing.map { "\($0.table): \($0.words.joined(separator: ", "))" }.joined(separator: "\n"))")
        // Every P value of every table, counted over the whole document.
        let pWords = doc.numberedBlocks.flatMap { item -> [String] in
            guard case .table(let t) = item.block else { return [] }
            let pColumns = t.header.indices.filter { t.header[$0].hasSuffix("P") }
            return t.rows.flatMap { r in pColumns.compactMap { $0 < r.count && !r[$0].isEmpty ? r[$0] : nil } }
        }
        #expect(pWords.count > 20)
        for p in Set(pWords) {
            let want = pWords.filter { $0 == p }.count
            let have = text.split(whereSeparator: { $0.isWhitespace }).filter { $0 == p }.count
            #expect(have >= want, "\(paper): P value \(p) printed \(have) times, in the tables \(want) times")
        }
    }

    /// A table too wide for a landscape page even in the small font (here 10 hazard ratios with
    /// intervals and P values) is printed in parts that each repeat the label column; nothing is lost.
    @Test(.enabled(if: ExternalTools.canPrint), arguments: ["A4", "Letter"])
    func tooWideTablePrintsInParts(paper: String) throws {
        let groups = (1...10).map { "Model \($0)" }
        let header = ["Factor"] + groups.flatMap { ["\($0) HR (95% CI)", "P"] }
        let rows: [[String]] = (1...6).map { r in
            ["Pre-CCRT factor number \(r): level ≥ \(r * 10)"] + (1...10).flatMap { g in
                ["\(r).\(g)01 (0.\(g)2\(r)–1\(r).\(g)43)", "0.\(r)\(g)7"] }
        }
        let table = ReportDocument.Table(caption: "Very wide", header: header, rows: rows,
                                         alignments: [.left] + Array(repeating: .right, count: 20))
        let doc = ReportDocument(title: "Wide", sections: [.init(heading: "s", blocks: [.table(table)])])
        let parts = doc.printParts(table)
        #expect(parts.count >= 2 && parts.allSatisfy { $0.first == 0 })
        #expect(Set(parts.flatMap { $0 }) == Set(0..<21))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pof-wide-\(paper)-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let page = "<style>@page { size: \(paper); } @page wide { size: \(paper) landscape; }</style>\n</head>"
        let html = dir.appendingPathComponent("wide.html"), pdf = dir.appendingPathComponent("wide.pdf")
        try doc.html().replacingOccurrences(of: "</head>", with: page).write(
            to: html, atomically: true, encoding: .utf8)
        try ExternalTools.run(ExternalTools.chromium!, ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                                       "--user-data-dir=\(dir.path)/profile", "--no-pdf-header-footer",
                                                       "--print-to-pdf=\(pdf.path)", html.absoluteString])
        let text = try ExternalTools.run(ExternalTools.pdftotext!, ["-layout", pdf.path, "-"])
        let missing = PrintedText.missing(in: text, doc: doc)
        #expect(
            missing.isEmpty,
            "\(paper): \(missing.map { "\($0.table): \($0.words.joined(separator: ", "))" }.joined(separator: "\n"))")
        #expect(text.components(separatedBy: "(part ").count - 1 == parts.count)
    }

    /// The layout rule itself: a table with confidence intervals in several columns goes on a
    /// landscape page, a narrow one stays portrait, and numeric cells never wrap.
    @Test func wideTablesGoLandscape() {
        let narrow = ReportDocument.Table(caption: "n", header: ["Response", "n (%)"], rows: [["CR", "4 (2.9)"]],
                                          alignments: [.left, .right])
        let ci = "1.010 (0.519–1.964)"
        let wide = ReportDocument.Table(
            caption: "w",
            header: ["Factor", "A HR (95% CI)", "P", "B HR (95% CI)", "P", "C HR (95% CI)", "P", "D HR (95% CI)", "P"],
            rows: [["Pre-CCRT AFP & PIVKA-II: ≥ 200 & ≥ 60", ci, "0.977", ci, "0.708", ci, "0.005", ci, "0.1"]],
            alignments: [.left] + Array(repeating: .right, count: 8))
        let doc = ReportDocument(title: "t", sections: [.init(heading: "s", blocks: [.table(narrow), .table(wide)])])
        #expect(doc.printLayout(narrow) == .portrait)
        #expect(doc.printLayout(wide) != .portrait)
        let html = doc.html()
        #expect(html.contains("<div class=\"table wide"))
        #expect(html.contains("<td class=\"n r\">1.010 (0.519–1.964)</td>"))
        #expect(html.contains("@page wide { size: landscape"))
    }
}
