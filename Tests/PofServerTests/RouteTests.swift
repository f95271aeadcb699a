import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import ZIPFoundation
import PatternsOfFailure
@testable import PofServer

/// Collects the access log, to check what the server writes about requests.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ s: String) { lock.lock(); lines.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}

enum Support {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")

    static func app(limit: Int = 100 << 20, log: LogLines = LogLines(),
                    store: SessionStore? = nil) throws -> some ApplicationProtocol {
        var c = ServerConfiguration()
        c.maxUploadBytes = limit
        let store = try store ?? SessionStore(idleTimeout: 3600)
        return Application(router: Routes.router(store: store, configuration: c, log: AccessLog { log.add($0) }))
    }

    static func json(_ b: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(b.readableBytesView))) as? [String: Any] ?? [:]
    }

    static func session(_ client: some TestClientProtocol) async throws -> String {
        try await client.execute(uri: "/api/sessions", method: .post) { r in
            #expect(r.status == .created)
            return json(r.body)["id"] as! String
        }
    }

    static func upload(_ client: some TestClientProtocol, _ id: String, _ kind: String,
                       _ data: Data) async throws -> TestResponse {
        try await client.execute(uri: "/api/sessions/\(id)/files/\(kind)", method: .put, body: ByteBuffer(bytes: data))
    }

    static func uploadFixture(_ client: some TestClientProtocol, _ id: String,
                              dir: String = "cohort-small") async throws {
        for kind in ["patients", "failures", "labs", "toxicities"] {
            let d = try Data(contentsOf: fixtures.appendingPathComponent("\(dir)/\(kind).csv"))
            let r = try await upload(client, id, kind, d)
            #expect(r.status == .ok)
        }
    }

    /// Runs the built `pof` (beside the test bundle).
    static func pof(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = Bundle.main.bundleURL.appendingPathComponent("pof")
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out; process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    static func object(_ s: String) -> NSDictionary? {
        (try? JSONSerialization.jsonObject(with: Data(s.utf8))) as? NSDictionary
    }
}

@Suite struct RouteTests {
    @Test func pageAssetsAndOpenAPI() async throws {
        try await Support.app().test(.router) { client in
            try await client.execute(uri: "/", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.hasPrefix("text/html") == true)
                let html = String(buffer: r.body)
                #expect(html.contains("/assets/app.js") && !html.contains("http://") && !html.contains("https://"))
                #expect(r.headers[.init("Content-Security-Policy")!]?.contains("default-src 'self'") == true)
            }
            for path in ["/assets/app.js", "/assets/app.css"] {
                try await client.execute(uri: path, method: .get) { r in
                    #expect(r.status == .ok)
                    #expect(!String(buffer: r.body).contains("https://"), "no CDN")
                }
            }
            try await client.execute(uri: "/api/openapi.json", method: .get) { r in
                let doc = Support.json(r.body)
                #expect(doc["openapi"] as? String == "3.1.0")
                #expect((doc["info"] as? [String: Any])?["version"] as? String == PofVersion.string)
                let paths = (doc["paths"] as? [String: Any])?.keys.sorted() ?? []
                for p in ["/api/sessions", "/api/sessions/{id}/study", "/api/sessions/{id}/explorer",
                          "/api/sessions/{id}/assess", "/api/sessions/{id}/report.zip",
                          "/api/sessions/{id}/files/{kind}", "/api/sessions/{id}/profile"] {
                    #expect(paths.contains(p), "\(p) documented")
                }
            }
            try await client.execute(uri: "/no/such/page", method: .get) { r in
                #expect(r.status == .notFound)
                #expect(Support.json(r.body)["error"] is String)
            }
        }
    }

    /// The served page, script and style sheet are the files in Sources/PofServer/Web, byte for byte.
    @Test func servedAssetsAreTheWebFolder() async throws {
        let web = Support.sources.appendingPathComponent("PofServer/Web")
        try await Support.app().test(.router) { client in
            for (path, file) in [("/", "index.html"), ("/assets/app.js", "app.js"), ("/assets/app.css", "app.css")] {
                let served = try await client.execute(uri: path, method: .get) { String(buffer: $0.body) }
                #expect(try served == String(contentsOf: web.appendingPathComponent(file), encoding: .utf8), "\(path)")
            }
        }
    }

    @Test func demoStudyReportAndZip() async throws {
        try await Support.app().test(.router) { client in
            let id = try await Support.session(client)
            let files = try await client.execute(uri: "/api/sessions/\(id)/demo", method: .post) { r in
                #expect(r.status == .ok)
                let o = Support.json(r.body)
                #expect(o["status"] as? String == "analysed")
                #expect(o["synthetic"] as? Bool == true)
                #expect((o["factors"] as? [[String: Any]])?.isEmpty == false)
                return o["files"] as? [String] ?? []
            }
            #expect(files.contains("report.html") && files.contains("report.docx") && files.contains("results.json"))
            try await client.execute(uri: "/api/sessions/\(id)/report/report.html", method: .get) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("<html"))
            }
            try await client.execute(uri: "/api/sessions/\(id)/report/../../etc/passwd", method: .get) { r in
                #expect(r.status == .notFound)
            }
            try await client.execute(uri: "/api/sessions/\(id)/report.zip", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/zip")
                let archive = try Archive(data: Data(r.body.readableBytesView), accessMode: .read)
                let names = Set(archive.map(\.path))
                for f in files { #expect(names.contains(f), "\(f) in the zip") }
            }
        }
    }

    @Test func uploadedCohortIsAnalysedAndBrokenFileListsItsRow() async throws {
        let log = LogLines()
        try await Support.app(log: log).test(.router) { client in
            let id = try await Support.session(client)
            try await client.execute(uri: "/api/sessions/\(id)/study", method: .post) { r in
                #expect(r.status == .badRequest)
                #expect((Support.json(r.body)["error"] as? String)?.contains("patients.csv") == true)
            }
            try await Support.uploadFixture(client, id)
            try await client.execute(uri: "/api/sessions/\(id)/study", method: .post) { r in
                #expect(r.status == .ok)
                #expect(Support.json(r.body)["status"] as? String == "analysed")
            }
            // A broken patients.csv: the age in spreadsheet row 3 (header = 1) is not a number.
            var text = try String(contentsOf: Support.fixtures.appendingPathComponent("cohort-small/patients.csv"),
                                  encoding: .utf8)
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let header = lines[0].split(separator: ",").map(String.init)
            let ageColumn = try #require(header.firstIndex(of: "age"))
            var cells = lines[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            cells[ageColumn] = "forty-two"
            lines[2] = cells.joined(separator: ",")
            text = lines.joined(separator: "\n")
            #expect(try await Support.upload(client, id, "patients", Data(text.utf8)).status == .ok)
            try await client.execute(uri: "/api/sessions/\(id)/study", method: .post) { r in
                #expect(r.status == .unprocessableContent)
                let o = Support.json(r.body)
                #expect(o["status"] as? String == "invalid")
                let errors = o["errors"] as? [[String: Any]] ?? []
                let age = errors.first { $0["column"] as? String == "age" }
                #expect(age?["file"] as? String == "patients.csv")
                #expect(age?["row"] as? Int == 3, "spreadsheet row: header = 1")
                #expect(age?["value"] as? String == "forty-two")
            }
            // Nothing analysed: the explorer has no study.
            try await client.execute(uri: "/api/sessions/\(id)/explorer?endpoint=os&factor=pvt", method: .get) { r in
                #expect(r.status == .notFound)
            }
            // The server keeps serving.
            try await client.execute(uri: "/api/health", method: .get) { r in #expect(r.status == .ok) }
        }
        // The log has method, path, status, time: no cell values.
        let lines = log.all
        #expect(lines.contains { $0.hasPrefix("POST /api/sessions/") && $0.contains(" 422 ") && $0.hasSuffix(" ms") })
        #expect(!lines.contains { $0.contains("forty-two") })
    }

    @Test func uploadLimitAnswers413WithMessage() async throws {
        try await Support.app(limit: 1024).test(.router) { client in
            let id = try await Support.session(client)
            let r = try await Support.upload(client, id, "patients", Data(repeating: 65, count: 4096))
            #expect(r.status == .contentTooLarge)
            #expect((Support.json(r.body)["error"] as? String)?.contains("larger than this server accepts") == true)
            try await client.execute(uri: "/api/health", method: .get) { r in #expect(r.status == .ok) }
        }
    }

    @Test func stateChangingRequestsFromAnotherOriginAreRefused() async throws {
        try await Support.app().test(.router) { client in
            try await client.execute(uri: "/api/sessions", method: .post,
                                     headers: [.origin: "http://evil.example"]) { r in
                #expect(r.status == .forbidden)
                #expect(Support.json(r.body)["error"] is String)
            }
            try await client.execute(uri: "/api/sessions", method: .post,
                                     headers: [.init("Sec-Fetch-Site")!: "cross-site"]) { r in
                #expect(r.status == .forbidden)
            }
            try await client.execute(uri: "/api/sessions", method: .post) { r in
                #expect(r.status == .created, "a script without Origin (curl) may post")
            }
        }
    }

    /// The host and origin checks, on requests as the HTTP/1 server hands them over (Host → authority).
    @Test func hostAndOriginChecks() throws {
        let guardian = GuardMiddleware<BasicRequestContext>(log: AccessLog { _ in }, loopback: true)
        func request(_ method: HTTPRequest.Method, authority: String, origin: String?) -> Request {
            var head = HTTPRequest(method: method, scheme: "http", authority: authority, path: "/api/sessions")
            if let origin { head.headerFields[.origin] = origin }
            return Request(head: head, body: RequestBody(buffer: ByteBuffer()))
        }
        #expect(throws: ServerError.self, "DNS rebinding: a loopback server answers only to loopback names") {
            try guardian.check(request(.get, authority: "attacker.example:8080", origin: nil))
        }
        #expect(throws: ServerError.self) {
            try guardian.check(request(.post, authority: "127.0.0.1:8080", origin: "http://evil.example"))
        }
        #expect(throws: ServerError.self) {
            try guardian.check(request(.post, authority: "127.0.0.1:8080", origin: "http://localhost:8080"))
        }
        try guardian.check(request(.post, authority: "127.0.0.1:8080", origin: "http://127.0.0.1:8080"))
        try guardian.check(request(.post, authority: "localhost:8080", origin: "http://localhost:8080"))
        try guardian.check(request(.get, authority: "[::1]:8080", origin: nil))
    }

    @Test func sessionsAreDeletedWhenIdleAndOnExit() async throws {
        let store = try SessionStore(idleTimeout: 60)
        let old = try await store.create(now: Date(timeIntervalSinceNow: -120))
        let fresh = try await store.create()
        try await old.put(.patients, bytes: Data("a,b\n1,2\n".utf8))
        #expect(FileManager.default.fileExists(atPath: old.directory.path))
        #expect(await store.removeIdle() == 1)
        #expect(!FileManager.default.fileExists(atPath: old.directory.path))
        #expect(FileManager.default.fileExists(atPath: fresh.directory.path))
        await store.removeAll()
        #expect(!FileManager.default.fileExists(atPath: store.root.path))
        await #expect(throws: ServerError.self) { try await store.session(fresh.id) }
    }

    @Test func explorerErrorsAreJSON() async throws {
        try await Support.app().test(.router) { client in
            let id = try await Support.session(client)
            _ = try await client.execute(uri: "/api/sessions/\(id)/demo", method: .post)
            for (q, fragment) in [("endpoint=nope&factor=pvt", "not an endpoint"),
                                  ("endpoint=os&factor=nope", "not a factor"),
                                  ("endpoint=os&variable=age", "type a cut-point"),
                                  ("endpoint=os&variable=age&cut=abc", "not a number"),
                                  ("endpoint=os&variable=age&cut=60,50", "must increase")] {
                try await client.execute(uri: "/api/sessions/\(id)/explorer?\(q)", method: .get) { r in
                    #expect(r.status == .badRequest, "\(q)")
                    #expect((Support.json(r.body)["error"] as? String)?.contains(fragment) == true,
                            "\(q): \(String(buffer: r.body))")
                }
            }
        }
    }
}
