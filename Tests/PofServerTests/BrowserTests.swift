import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Drives the page in headless Chromium as a clinician would: upload Tests/Fixtures/cohort-small, see the
/// report, switch the explorer's factor and read the P value, fill the risk calculator, upload a broken
/// file and see its row-level error. Skipped, with a notice, when Chromium is not installed.
/// Set POF_SCREENSHOTS=DIR to keep screenshots of each page at 1280 and 800 px.
@Suite struct BrowserTests {
    static let chromium: String? = {
        let c = BrowserDriver.find()
        if c == nil {
            FileHandle.standardError.write(Data("""
                SKIPPED: BrowserTests: chromium not found on PATH (Debian: apt-get install chromium)

                """.utf8))
        }
        return c
    }()

    /// Starts the built pof-serve on a free port; returns the process and its URL.
    static func startServer() throws -> (Process, String) {
        let p = Process()
        p.executableURL = Bundle.main.bundleURL.appendingPathComponent("pof-serve")
        p.arguments = ["--port", "0", "--max-upload-mb", "5"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        var text = ""
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, !text.contains("\n") {
            let d = out.fileHandleForReading.availableData
            if d.isEmpty { break }
            text += String(decoding: d, as: UTF8.self)
        }
        guard let r = text.range(of: #"http://127\.0\.0\.1:\d+/"#, options: .regularExpression) else {
            p.terminate(); throw BrowserDriver.Failure(description: "pof-serve printed no URL: \(text)")
        }
        return (p, String(text[r]))
    }

    func save(_ browser: BrowserDriver, _ name: String) throws {
        let png = try browser.screenshot()
        #expect(png.count > 10_000, "\(name): a rendered page")
        if let dir = ProcessInfo.processInfo.environment["POF_SCREENSHOTS"] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try png.write(to: URL(fileURLWithPath: dir).appendingPathComponent("\(name).png"))
        }
    }

    @Test(.enabled(if: chromium != nil, "chromium is not installed"), .timeLimit(.minutes(5)))
    func clinicianFlow() throws {
        let (server, url) = try Self.startServer()
        defer { server.terminate(); server.waitUntilExit() }
        let browser = try BrowserDriver(executable: Self.chromium!)
        defer { browser.quit() }
        try browser.openPage(width: 1280, height: 900)
        try browser.navigate(url)

        // Upload the small cohort with a study plan of its own, and see the report of that plan.
        let dir = Support.fixtures.appendingPathComponent("cohort-small")
        for kind in ["patients", "failures", "labs", "toxicities"] {
            try browser.setFiles("#file-\(kind)", [dir.appendingPathComponent("\(kind).csv").path])
        }
        let plan = Support.sources.deletingLastPathComponent()
            .appendingPathComponent("docs/examples/plan-liver-dose.yaml")
        try browser.setFiles("#file-plan", [plan.path])
        try browser.eval("document.getElementById('run-study').click()")
        try browser.waitFor("!document.getElementById('report-box').hidden")
        #expect((try browser.eval("document.getElementById('status').textContent") as? String)?
            .contains("patients analysed") == true)
        try browser.waitFor("""
            (() => { const d = document.getElementById('report-frame').contentDocument; \
            return d && d.readyState === 'complete' && d.body && d.body.textContent.includes('Kaplan') })()
            """)
        #expect((try browser.eval("""
            document.getElementById('report-frame').contentDocument.body.textContent\
            .includes('Liver function, tumour size and radiation dose')
            """)) as? Bool == true,
                "the report is the uploaded plan's")
        try save(browser, "study-1280")

        // Explorer: switch the factor, read the P value the page shows, and check it is the API's.
        try browser.eval("document.getElementById('tab-explorer').click()")
        try browser.waitFor("document.getElementById('explorer-p').textContent !== '–'")
        let factors = try browser.eval("""
            Array.from(document.getElementById('explorer-grouping').options).map(o => o.value).filter(v => v)
            """) as? [String] ?? []
        #expect(factors == ["child_pugh_b", "tumor10", "bed60", "albi23", "history"],
                "the uploaded plan's factors: \(factors)")
        let target = "history"
        try browser.eval("""
            document.getElementById('explorer-p').textContent = '–'; \
            const g = document.getElementById('explorer-grouping'); \
            g.value = '\(target)'; g.dispatchEvent(new Event('change'))
            """)
        try browser.waitFor("document.getElementById('explorer-p').textContent !== '–'")
        let shown = try browser.eval("document.getElementById('explorer-p').textContent") as? String
        let p = try #require(try browser.eval("""
            fetch('/api/sessions/' + session + '/explorer?endpoint=' + \
            document.getElementById('explorer-endpoint').value + '&factor=\(target)')\
            .then(r => r.json()).then(d => d.logrank.p)
            """) as? Double)
        let fromAPI = p < 0.001 ? "P < 0.001" : String(format: "P = %.3f", p)
        #expect(shown == fromAPI, "P shown \(shown ?? "nil"), API \(fromAPI)")
        #expect((try browser.eval("document.querySelector('#explorer-svg svg') !== null")) as? Bool == true)
        #expect((try browser.eval("document.getElementById('explorer-table').tBodies[0].rows.length")) as? Int == 2)
        try save(browser, "explorer-1280")

        // Risk calculator: fill every field (PIVKA-II not known) and read the answer.
        try browser.eval("document.getElementById('tab-risk').click()")
        try browser.waitFor("document.querySelectorAll('#risk-fields [data-name]').length > 0")
        try browser.eval("""
            for (const el of document.querySelectorAll('#risk-fields [data-name]')) {
              const n = el.dataset.name;
              if (n === 'pivka') { document.getElementById('risk-unknown-' + n).click(); continue; }
              if (el.disabled) continue;
              if (el.tagName === 'SELECT') el.value = el.options[Math.min(2, el.options.length - 1)].value;
              else el.value = n === 'age' ? '55' : '100';
            }
            document.getElementById('risk-submit').click();
            """)
        try browser.waitFor("!document.getElementById('risk-result').hidden"
                            + " || !document.getElementById('risk-error').hidden")
        #expect((try browser.eval("document.getElementById('risk-error').hidden")) as? Bool == true,
                "\((try? browser.eval("document.getElementById('risk-error').textContent")) as? String ?? "")")
        #expect(((try browser.eval("document.getElementById('risk-evidence').textContent")) as? String)?
            .isEmpty == false)
        let answered = try browser.eval("document.getElementById('risk-table').tBodies[0].rows.length"
                                        + " + document.getElementById('risk-refusals').children.length") as? Int
        #expect((answered ?? 0) > 0, "a prediction or a stated refusal")
        try save(browser, "risk-1280")

        // Narrow window.
        try browser.resize(width: 800, height: 900)
        try save(browser, "risk-800")
        try browser.eval("document.getElementById('tab-explorer').click()")
        try save(browser, "explorer-800")
        try browser.eval("document.getElementById('tab-study').click()")
        try save(browser, "study-800")
        try browser.resize(width: 1280, height: 900)

        // A broken patients.csv: the row-level error is listed, nothing analysed.
        var lines = try String(contentsOf: dir.appendingPathComponent("patients.csv"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let age = lines[0].split(separator: ",").map(String.init).firstIndex(of: "age")!
        var cells = lines[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        cells[age] = "forty-two"
        lines[2] = cells.joined(separator: ",")
        let broken = FileManager.default.temporaryDirectory
            .appendingPathComponent("pof-serve-broken-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: broken) }
        try lines.joined(separator: "\n").write(to: broken.appendingPathComponent("patients.csv"), atomically: true,
                                                encoding: .utf8)
        try browser.setFiles("#file-patients", [broken.appendingPathComponent("patients.csv").path])
        try browser.eval("document.getElementById('run-study').click()")
        try browser.waitFor("!document.getElementById('issues-box').hidden"
                            + " && document.getElementById('status').className === 'bad'")
        let row = try browser.eval("""
            Array.from(document.querySelectorAll('#issues tbody tr'))\
            .map(tr => Array.from(tr.cells).map(c => c.textContent))
              .find(c => c[4] === 'forty-two')
            """) as? [String]
        #expect(row?[0] == "error" && row?[1] == "patients.csv" && row?[2] == "3" && row?[3] == "age", "\(row ?? [])")
        #expect((try browser.eval("document.getElementById('report-box').hidden")) as? Bool == true)
        #expect((try browser.eval("document.getElementById('tab-explorer').disabled")) as? Bool == true)
        try save(browser, "study-errors-1280")

        // The demo cohort's calculator: a patient every model predicts for gets the curves with their
        // bands, after the cautions, and the rates at the plan's times.
        try browser.eval("document.getElementById('use-demo').click()")
        try browser.waitFor("!document.getElementById('report-box').hidden"
                            + " && !document.getElementById('tab-risk').disabled")
        try browser.eval("document.getElementById('tab-risk').click()")
        try browser.waitFor("document.getElementById('risk-muicc_stage') !== null")
        try browser.eval("""
            const set = (n, v) => { document.getElementById('risk-' + n).value = v; };
            set('age', '45'); set('muicc_stage', 'III'); set('pvt', 'yes'); set('prior_treatment', 'yes'); \
            set('afp', '350'); set('pivka', '120');
            document.getElementById('risk-result').hidden = true;
            document.getElementById('risk-submit').click();
            """)
        try browser.waitFor("!document.getElementById('risk-result').hidden"
                            + " || !document.getElementById('risk-error').hidden")
        #expect((try browser.eval("document.getElementById('risk-table').tBodies[0].rows.length")) as? Int == 4,
                "one row per endpoint")
        #expect((try browser.eval("document.querySelectorAll('#risk-svg svg path').length")) as? Int ?? 0 >= 8,
                "four curves with their bands")
        #expect((try browser.eval("""
            (() => { const c = document.getElementById('risk-cautions'), f = document.getElementById('risk-svg');
                     return c.children.length > 0 \
            && (c.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0; })()
            """)) as? Bool == true, "cautions are shown before the curves")
        try save(browser, "risk-curves-1280")
        try browser.resize(width: 800, height: 900)
        try save(browser, "risk-curves-800")
    }
}
