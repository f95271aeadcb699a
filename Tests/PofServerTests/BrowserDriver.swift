import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal Chrome DevTools Protocol client over `--remote-debugging-pipe` (file descriptors 3 and 4,
/// messages separated by NUL bytes): enough to drive headless Chromium through the page like a user.
final class BrowserDriver {
    struct Failure: Error, CustomStringConvertible { var description: String }

    let pid: pid_t
    private let toBrowser: Int32
    private let fromBrowser: Int32
    private var buffer: [UInt8] = []
    private var nextID = 0
    private(set) var session: String?
    let profile: URL

    /// The browser to use: `chromium` (Debian) or `chromium-browser`, `google-chrome` on PATH.
    static func find() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for dir in path.split(separator: ":") {
                let p = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: p) { return p }
            }
        }
        return nil
    }

    init(executable: String) throws {
        profile = FileManager.default.temporaryDirectory
            .appendingPathComponent("pof-serve-chromium-\(UUID().uuidString)")
        var down: [Int32] = [0, 0], up: [Int32] = [0, 0]
        guard pipe(&down) == 0, pipe(&up) == 0 else { throw Failure(description: "pipe() failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, down[0], 3)
        posix_spawn_file_actions_adddup2(&actions, up[1], 4)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let args = [executable, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                    "--hide-scrollbars", "--user-data-dir=\(profile.path)", "about:blank"]
        var cArgs: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, nil, &cArgs, environ)
        close(down[0]); close(up[1])
        guard rc == 0 else { throw Failure(description: "could not start \(executable): \(rc)") }
        pid = child
        toBrowser = down[1]
        fromBrowser = up[0]
    }

    deinit { quit() }

    func quit() {
        if toBrowser >= 0 { close(toBrowser) }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(at: profile)
    }

    /// Sends a command and waits for its answer (events in between are skipped).
    @discardableResult
    func send(_ method: String, _ params: [String: Any] = [:], browserLevel: Bool = false,
              timeout: Double = 30) throws -> [String: Any] {
        nextID += 1
        var message: [String: Any] = ["id": nextID, "method": method, "params": params]
        if !browserLevel, let session { message["sessionId"] = session }
        var data = try JSONSerialization.data(withJSONObject: message)
        data.append(0)
        try data.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = write(toBrowser, raw.baseAddress! + off, raw.count - off)
                guard n > 0 else { throw Failure(description: "the browser closed its pipe") }
                off += n
            }
        }
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let m = try readMessage(until: deadline)
            if m["id"] as? Int == nextID {
                if let e = m["error"] as? [String: Any] {
                    throw Failure(description: "\(method): \(e["message"] ?? e)")
                }
                return m["result"] as? [String: Any] ?? [:]
            }
        }
    }

    private func readMessage(until deadline: Date) throws -> [String: Any] {
        while true {
            if let z = buffer.firstIndex(of: 0) {
                let bytes = Array(buffer[..<z])
                buffer.removeSubrange(...z)
                return (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw Failure(description: "the browser did not answer in time") }
            var p = pollfd(fd: fromBrowser, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, Int32(left * 1000)) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = read(fromBrowser, &chunk, chunk.count)
            guard n > 0 else { throw Failure(description: "the browser closed its pipe") }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    /// Opens a page target and attaches to it.
    func openPage(width: Int, height: Int) throws {
        let t = try send("Target.createTarget", ["url": "about:blank"], browserLevel: true)
        let a = try send("Target.attachToTarget", ["targetId": t["targetId"] as! String, "flatten": true],
                         browserLevel: true)
        session = a["sessionId"] as? String
        try send("Page.enable")
        try resize(width: width, height: height)
    }

    func resize(width: Int, height: Int) throws {
        try send("Emulation.setDeviceMetricsOverride",
                 ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": false])
    }

    func navigate(_ url: String) throws {
        try send("Page.navigate", ["url": url])
        try waitFor("document.readyState === 'complete' && typeof explore === 'function'")
    }

    /// Evaluates JavaScript in the page (promises awaited) and returns its value.
    @discardableResult
    func eval(_ js: String) throws -> Any? {
        let r = try send("Runtime.evaluate", ["expression": js, "awaitPromise": true, "returnByValue": true])
        if let ex = r["exceptionDetails"] as? [String: Any] {
            throw Failure(description: "JavaScript error in \(js.prefix(80)): "
                              + "\((ex["exception"] as? [String: Any])?["description"] ?? ex)")
        }
        return (r["result"] as? [String: Any])?["value"]
    }

    /// Waits until a JavaScript condition is true.
    func waitFor(_ condition: String, timeout: Double = 60) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? eval("Boolean(\(condition))")) as? Bool == true { return }
            usleep(100_000)
        }
        throw Failure(description: "timed out waiting for: \(condition)")
    }

    /// Chooses files in an `<input type=file>`, as a user picking them would.
    func setFiles(_ selector: String, _ paths: [String]) throws {
        let doc = try send("DOM.getDocument", ["depth": 0])
        let root = (doc["root"] as! [String: Any])["nodeId"] as! Int
        let node = try send("DOM.querySelector", ["nodeId": root, "selector": selector])["nodeId"] as! Int
        guard node != 0 else { throw Failure(description: "no element \(selector)") }
        try send("DOM.setFileInputFiles", ["files": paths, "nodeId": node])
    }

    /// A PNG of the whole page.
    func screenshot() throws -> Data {
        let r = try send("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": true])
        return Data(base64Encoded: r["data"] as? String ?? "") ?? Data()
    }
}
