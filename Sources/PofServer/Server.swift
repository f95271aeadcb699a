import Foundation
import Hummingbird
import Logging
import PatternsOfFailure
import Reporting
import StudyReport
import TableAnalysis
import Tabular

/// How the server runs.
///
/// ```swift
/// var c = ServerConfiguration()
/// c.port = 8081
/// c.maxUploadBytes = 20 << 20
/// ```
public struct ServerConfiguration: Sendable {
    /// Address to bind (default loopback: nobody else on the network can connect).
    public var host = "127.0.0.1"
    /// Port (0: any free port).
    public var port = 8080
    /// Largest accepted upload, bytes (default 100 MB).
    public var maxUploadBytes = 100 * 1024 * 1024
    /// Seconds without a request after which a session's files are deleted (default one hour).
    public var idleTimeout: TimeInterval = 3600
    /// Version written to reports.
    public var toolVersion = PofVersion.string

    /// The defaults of the properties above (loopback, port 8080, 100 MB uploads, one-hour idle timeout).
    ///
    /// - Complexity: O(1).
    public init() {}

    /// Whether `host` is a loopback address (only this machine can connect).
    public var isLoopback: Bool { Self.isLoopback(host) }

    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return h == "localhost" || h == "::1" || h.hasPrefix("127.")
    }
}

/// The request log: method, path (never the query), status and time; nothing from bodies or cells.
public struct AccessLog: Sendable {
    let write: @Sendable (String) -> Void
    /// Creates a log writing each line with `write` (default: standard error).
    ///
    /// - Complexity: O(1).
    public init(_ write: @escaping @Sendable (String) -> Void = {
        FileHandle.standardError.write(Data(($0 + "\n").utf8))
    }) {
        self.write = write
    }
}

/// Logs each request, turns every thrown error into a JSON answer, and refuses state-changing requests
/// that come from another origin (or, on a loopback server, name another host: DNS rebinding).
struct GuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let log: AccessLog
    let loopback: Bool

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            try check(request)
            response = try await next(request, context)
        } catch let e as ServerError {
            response = Routes.error(e)
        } catch let e as HTTPError {
            response = Routes.error(ServerError(Int(e.status.code),
                                                e.status.code == 404 ? "not found" : (e.body ?? e.status.reasonPhrase)))
        } catch {
            response = Routes.error(ServerError(500, "the server could not answer this request: \(type(of: error))"))
        }
        response.headers[.init("X-Content-Type-Options")!] = "nosniff"
        response.headers[.init("Referrer-Policy")!] = "no-referrer"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        let ms = (ContinuousClock.now - start) / .milliseconds(1)
        log.write("\(request.method.rawValue) \(request.uri.path) \(response.status.code) "
                  + "\(NumberFormat.fixed(ms, 1)) ms")
        return response
    }

    func check(_ request: Request) throws {
        let authority = request.head.authority ?? request.headers[.init("Host")!]
        if loopback, let host = authority {
            let name = host.hasPrefix("[")
                ? String(host.prefix { $0 != "]" }) + "]" : String(host.split(separator: ":").first ?? "")
            guard ServerConfiguration.isLoopback(name) else {
                throw ServerError(ServerError.forbidden,
                                  "this server answers only requests addressed to this machine "
                                      + "(127.0.0.1 or localhost)")
            }
        }
        guard ![.get, .head, .options].contains(request.method) else { return }
        if let site = request.headers[.init("Sec-Fetch-Site")!], !["same-origin", "none"].contains(site) {
            throw ServerError(ServerError.forbidden,
                              "refused: the request came from another web site (Sec-Fetch-Site: \(site.prefix(20)))")
        }
        if let origin = request.headers[.origin] {
            guard let host = authority, origin == "http://\(host)" || origin == "https://\(host)" else {
                throw ServerError(ServerError.forbidden,
                                  "refused: the request came from another origin; use the page this server serves")
            }
        }
    }
}

/// The routes of `pof serve`: the page, its assets, and the JSON API under `/api/` (documented in
/// `/api/openapi.json`).
public enum Routes {
    static let json = "application/json; charset=utf-8"

    static func error(_ e: ServerError) -> Response {
        let body = (try? JSONOutput.string(["error": e.message], pretty: false)) ?? "{\"error\":\"error\"}"
        return Response(status: .init(code: e.status), headers: [.contentType: json],
                        body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let body = try JSONOutput.string(value, pretty: false)
        return Response(status: status, headers: [.contentType: json],
                        body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func text(_ s: String, type: String, cache: Bool = false) -> Response {
        var h: HTTPFields = [.contentType: type]
        if cache { h[.cacheControl] = "max-age=300" }
        return Response(status: .ok, headers: h, body: .init(byteBuffer: ByteBuffer(string: s)))
    }

    static func bytes(_ d: Data, type: String, headers extra: HTTPFields = [:]) -> Response {
        var h: HTTPFields = [.contentType: type]
        h.append(contentsOf: extra)
        return Response(status: .ok, headers: h, body: .init(byteBuffer: ByteBuffer(bytes: d)))
    }

    /// Reads a request body of at most `limit` bytes.
    static func body(_ request: Request, limit: Int) async throws -> Data {
        let tooLarge = ServerError(ServerError.tooLarge,
                                   "the file is larger than this server accepts (\(limit / (1024 * 1024)) MB); "
                                       + "start the server with a larger --max-upload-mb, or split the data")
        if let len = request.headers[.contentLength].flatMap({ Int($0) }), len > limit { throw tooLarge }
        var out = Data()
        for try await buffer in request.body {
            out.append(contentsOf: buffer.readableBytesView)
            if out.count > limit { throw tooLarge }
        }
        return out
    }

    static func query(_ request: Request) -> [String: String] {
        var q: [String: String] = [:]
        for (k, v) in request.uri.queryParameters { q[String(k)] = String(v) }
        return q
    }

    static func contentType(_ path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "html": return "text/html; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "csv": return "text/csv; charset=utf-8"
        case "json": return json
        case "md": return "text/markdown; charset=utf-8"
        case "docx": return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        default: return "text/plain; charset=utf-8"
        }
    }

    /// Builds the router.
    ///
    /// - Parameters:
    ///   - store: The sessions.
    ///   - configuration: Limits and version.
    ///   - log: Where request lines go.
    /// - Returns: The router, ready for `Application(router:)`.
    ///
    /// - Complexity: O(1) (the routes are registered; requests do the work).
    public static func router(store: SessionStore, configuration: ServerConfiguration, log: AccessLog = AccessLog())
        -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: GuardMiddleware(log: log, loopback: configuration.isLoopback))
        let limit = configuration.maxUploadBytes

        router.get("/") { _, _ in
            var r = text(Assets.indexHTML, type: "text/html; charset=utf-8")
            r.headers[.init("Content-Security-Policy")!] = "default-src 'self'; img-src 'self' data:; "
                + "style-src 'self'; script-src 'self'; frame-src 'self'; frame-ancestors 'none'"
            return r
        }
        router.get("/assets/app.js") { _, _ in text(Assets.appJS, type: "text/javascript; charset=utf-8", cache: true) }
        router.get("/assets/app.css") { _, _ in text(Assets.appCSS, type: "text/css; charset=utf-8", cache: true) }
        router.get("/api/openapi.json") { _, _ in text(OpenAPIDocument.json, type: json) }
        router.get("/api/health") { _, _ in try json(["status": "ok"]) }

        router.post("/api/sessions") { _, _ in
            let s = try await store.create()
            return try json(["id": s.id], status: .created)
        }
        router.delete("/api/sessions/:id") { _, context in
            await store.remove(try context.parameters.require("id"))
            return Response(status: .noContent)
        }
        router.put("/api/sessions/:id/files/:kind") { request, context in
            let s = try await store.session(try context.parameters.require("id"))
            let kind = try context.parameters.require("kind")
            guard let input = StudySession.Input(rawValue: kind) else {
                throw ServerError(ServerError.notFound, "no input \"\(kind.prefix(30))\"; upload one of: "
                                      + "\(StudySession.Input.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let data = try await body(request, limit: limit)
            guard !data.isEmpty else {
                throw ServerError(ServerError.badRequest, "\(input.fileName): the file is empty")
            }
            try await s.put(input, bytes: data)
            return try json(["uploaded": await s.uploadedNames])
        }
        router.post("/api/sessions/:id/demo") { _, context in
            let s = try await store.session(try context.parameters.require("id"))
            await s.useDemo()
            return try await json(StudyService.run(s, toolVersion: configuration.toolVersion))
        }
        router.post("/api/sessions/:id/study") { _, context in
            let s = try await store.session(try context.parameters.require("id"))
            let outcome = try await StudyService.run(s, toolVersion: configuration.toolVersion)
            return try json(outcome, status: outcome.status == "analysed" ? .ok : .unprocessableContent)
        }
        @Sendable func study(_ context: BasicRequestContext) async throws -> (StudySession, StudySession.Study) {
            let s = try await store.session(try context.parameters.require("id"))
            guard let st = await s.currentStudy else {
                throw ServerError(ServerError.notFound, "no analysed study in this session yet: "
                                      + "upload the files (or use the demo) and run the study")
            }
            return (s, st)
        }
        router.get("/api/sessions/:id/report.zip") { _, context in
            let (s, st) = try await study(context)
            return bytes(try StudyService.zip(st, in: s), type: "application/zip",
                         headers: [.contentDisposition: "attachment; filename=\"pof-report"
                                       + "\(st.synthetic ? "-synthetic-demo" : "").zip\""])
        }
        router.get("/api/sessions/:id/report/**") { _, context in
            let (_, st) = try await study(context)
            let path = context.parameters.getCatchAll().joined(separator: "/")
            guard st.files.contains(path) else {
                throw ServerError(ServerError.notFound, "no report file \(path.prefix(60))")
            }
            var r = bytes(try Data(contentsOf: st.output.appendingPathComponent(path)), type: contentType(path))
            r.headers[.init("Content-Security-Policy")!] = "default-src 'none'; img-src 'self' data:; "
                + "style-src 'unsafe-inline'; frame-ancestors 'self'"
            return r
        }
        router.get("/api/sessions/:id/explorer") { request, context in
            let (s, st) = try await study(context)
            let q = query(request)
            let key = q.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
            if let answer = await s.explorerAnswer(key) { return text(answer, type: json) }
            let answer = try JSONOutput.string(Explorer.run(try Explorer.Query(parameters: q), study: st),
                                               pretty: false)
            await s.remember(key, answer)
            return text(answer, type: json)
        }
        router.get("/api/sessions/:id/explorer.csv") { request, context in
            let (_, st) = try await study(context)
            return text(try Explorer.table(try Explorer.Query(parameters: query(request)), study: st).csv,
                        type: "text/csv; charset=utf-8")
        }
        router.get("/api/sessions/:id/profile") { _, context in
            let (_, st) = try await study(context)
            return try json(RiskCalculator.form(st))
        }
        router.post("/api/sessions/:id/assess") { request, context in
            let (_, st) = try await study(context)
            let data = try await body(request, limit: 1 << 20)
            return try json(try RiskCalculator.assess(data, study: st))
        }
        return router
    }

    /// Runs the server until SIGINT or SIGTERM, then deletes every session's files.
    ///
    /// - Parameters:
    ///   - configuration: Host, port, limits.
    ///   - onRunning: Called with the URL once the server listens.
    /// - Throws: When the address cannot be bound.
    ///
    /// - Complexity: Runs until the server is stopped.
    public static func serve(_ configuration: ServerConfiguration,
                             onRunning: @escaping @Sendable (String) -> Void) async throws {
        let store = try SessionStore(idleTimeout: configuration.idleTimeout)
        var logger = Logger(label: "pof-serve")
        logger.logLevel = .warning
        let app = Application(
            router: router(store: store, configuration: configuration),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
                onRunning("http://\(host):\(port)/")
            },
            logger: logger)
        let sweeper = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(max(1, min(60, configuration.idleTimeout / 4))))
                await store.removeIdle()
            }
        }
        defer { sweeper.cancel() }
        do { try await app.runService() } catch {
            await store.removeAll()
            throw error
        }
        await store.removeAll()
    }
}
