import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `pof serve`: runs the `pof-serve` program that sits beside `pof` (the web server is a separate
/// program so that `pof` itself does not carry a web server's dependencies).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "The study in a web browser on this computer (runs pof-serve).",
        discussion: """
        Starts a local web server: upload the cohort files (or use the demo cohort), read the validation
        problems or the report, explore survival by any factor, and assess one patient. Listens on
        127.0.0.1 (this computer only) unless --host says otherwise. Ctrl-C stops it and deletes the uploads.
        Example:
          pof serve --port 8080
        Options (passed to pof-serve): --host, --port, --max-upload-mb, --idle-minutes.
        """)

    @Argument(parsing: .captureForPassthrough, help: "Options for pof-serve.") var arguments: [String] = []

    /// Where `pof-serve` is expected: the directory of the running `pof`.
    static func serverPath() -> String {
        let me = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return me.resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("pof-serve").path
    }

    func run() throws {
        let path = Self.serverPath()
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw ValidationError("""
                the web server is not built: \(path) does not exist.
                Build it once (it compiles SwiftNIO and Hummingbird: 17 minutes measured on a busy 2-core machine) with
                  POF_SERVER=1 swift build -c release --product pof-serve
                beside `swift build -c release --product pof`, then run `pof serve` again.
                """)
        }
        let argv = [path] + arguments
        var cArgs = argv.map { strdup($0) } + [nil]
        execv(path, &cArgs)
        throw ValidationError("could not run \(path): \(String(cString: strerror(errno)))")
    }
}
