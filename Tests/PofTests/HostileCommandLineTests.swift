import Foundation
import Testing

/// The hostile command-line corpus (Tests/Fixtures/hostile-cli, written by scripts/fixtures/hostile-cli.py): each
/// case runs the built `pof` with a time limit (60 s) and a memory limit (4 GiB of address space) and must end
/// with its expected exit status — 0 results, 1 an error (one message on stderr, nothing on stdout), 2 results
/// with a test or model not possible, 64 a usage error — and its message must contain the expected words (the
/// file, row, column and value where there is one). Never a trap, a hang, a raw Foundation error, or a
/// message line longer than 2,500 bytes.
///
/// Inputs that cannot be committed are made here, named in cases.tsv by `{tmp}/@NAME`: a named pipe, a
/// symbolic-link loop, a dangling link, an unreadable file and a read-only directory (both skipped, with a
/// notice, when running as root), a 100,000-level column, a 10 MB cell, a 100,000-column header and a
/// 300 kB plan.
@Suite struct HostileCommandLineTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var status: Int32
        var words: [String]
        var arguments: [String]
        var testDescription: String { name }
    }

    static let corpus = EndToEndTests.fixtures.appendingPathComponent("hostile-cli")

    static let cases: [Case] = {
        guard let text = try? String(contentsOf: corpus.appendingPathComponent("cases.tsv"), encoding: .utf8) else {
            return []
        }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Case(name: fields[0], status: Int32(fields[1])!,
                        words: fields[2].isEmpty ? [] : fields[2].components(separatedBy: " | "),
                        arguments: Array(fields[3...]))
        }
    }()

    /// The run's temporary directory with the inputs made at run time (once for all cases).
    static let scratch: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pof-hostile-cli-\(UUID().uuidString)")
        let fm = FileManager.default
        try! fm.createDirectory(at: dir, withIntermediateDirectories: true)
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        func write(_ name: String, _ text: String) {
            try! text.write(toFile: path(name), atomically: false, encoding: .utf8)
        }
        _ = mkfifo(path("@fifo"), 0o644)
        _ = mkfifo(path("@fifo.xpt"), 0o644)
        try! fm.createSymbolicLink(atPath: path("@loop"), withDestinationPath: path("@loop2"))
        try! fm.createSymbolicLink(atPath: path("@loop2"), withDestinationPath: path("@loop"))
        try! fm.createSymbolicLink(atPath: path("@dangling"), withDestinationPath: path("gone"))
        write("@unreadable", "time,status\n1,1\n")
        chmod(path("@unreadable"), 0)
        try! fm.createDirectory(atPath: path("@readonly"), withIntermediateDirectories: false)
        chmod(path("@readonly"), 0o555)
        var levels = "time,status,f,g\n"
        for i in 0..<100_000 { levels += "\(i % 97 + 1),\(i % 2),L\(i),\(i % 2 == 0 ? "A" : "B")\n" }
        write("@levels.csv", levels)
        write("@hugecell.csv", "time,status\n1,1\n" + String(repeating: "9x", count: 5_000_000) + ",0\n3,1\n")
        write("@hugecell-group.csv",
              "time,status,g\n1,1,A\n2,0," + String(repeating: "B", count: 5_000_000) + "\n3,1,A\n")
        let columns = (0..<100_000).map { "c\($0)" }.joined(separator: ",")
        let zeros = [String](repeating: "0", count: 100_000).joined(separator: ",")
        write("@wide.csv", "time,status,\(columns)\n" + (1...3).map { "\($0),1,\(zeros)\n" }.joined())
        write("@bigplan.yaml", "# " + String(repeating: "x", count: 300_000) + "\n")
        return dir
    }()

    static let runningAsRoot = geteuid() == 0

    struct Outcome {
        var status: Int32?          // nil: killed after the time limit
        var stdout: String
        var stderr: String
    }

    /// Runs `pof` under `ulimit -v` with a time limit; output goes to files (no pipe can fill up).
    static func run(_ arguments: [String], seconds: Double = 60) throws -> Outcome {
        let binary = Bundle.main.bundleURL.appendingPathComponent("pof").path
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pof-hostile-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("stdout"), err = dir.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -v 4194304 && exec \"$0\" \"$@\"", binary] + arguments
        process.currentDirectoryURL = dir
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        var status: Int32? = nil
        if process.isRunning {
            process.terminate()
            usleep(200_000)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        } else {
            process.waitUntilExit()
            status = process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
        }
        return Outcome(status: status, stdout: String(decoding: (try? Data(contentsOf: out)) ?? Data(), as: UTF8.self),
                       stderr: String(decoding: (try? Data(contentsOf: err)) ?? Data(), as: UTF8.self))
    }

    /// The argument with its placeholders filled; output directories (`{tmp}/out`, `{tmp}/sim`) are made
    /// per case, as cases run in parallel.
    static func expand(_ argument: String, case name: String) -> String {
        argument
            .replacingOccurrences(of: "{tmp}/out", with: "{tmp}/out-\(name)")
            .replacingOccurrences(of: "{tmp}/sim", with: "{tmp}/sim-\(name)")
            .replacingOccurrences(of: "{files}", with: corpus.appendingPathComponent("files").path)
            .replacingOccurrences(of: "{data}", with: EndToEndTests.fixtures.appendingPathComponent("data").path)
            .replacingOccurrences(of: "{cohort}",
                                  with: EndToEndTests.fixtures.appendingPathComponent("cohort-small").path)
            .replacingOccurrences(of: "{tmp}", with: scratch.path)
    }

    @Test func theCorpusIsThere() {
        #expect(Self.cases.count >= 250)
        #expect(Set(Self.cases.map(\.name)).count == Self.cases.count)
    }

    @Test(arguments: cases)
    func hostileInput(_ c: Case) throws {
        if Self.runningAsRoot
            && c.arguments.contains(where: { $0.contains("@unreadable") || $0.contains("@readonly") }) {
            FileHandle.standardError.write(Data("SKIPPED: \(c.name): permissions do not bind root\n".utf8))
            return
        }
        let arguments = c.arguments.map { Self.expand($0, case: c.name) }
        let r = try Self.run(arguments)
        for made in ["out-\(c.name)", "sim-\(c.name)"] {
            try? FileManager.default.removeItem(at: Self.scratch.appendingPathComponent(made))
        }
        #expect(r.status != nil, "\(c.name): still running after 60 s (a hang)")
        #expect(r.status == c.status, """
            \(c.name): exit status \(r.status.map(String.init) ?? "none"), expected \(c.status); \
            stderr: \(r.stderr.prefix(600))
            """)
        for word in c.words {
            let name = word.replacingOccurrences(of: "@", with: "")
            if name.hasPrefix("same:") {
                // A correct result: the same output as the clean input's case.
                let reference = try #require(Self.cases.first { $0.name == name.dropFirst(5) },
                                             "\(c.name): no case \(name)")
                let expected = try Self.run(reference.arguments.map { Self.expand($0, case: reference.name) })
                #expect(r.stdout == expected.stdout && !r.stdout.isEmpty,
                        "\(c.name): output differs from \(reference.name)'s")
            } else if name.hasPrefix("out:") {
                #expect(r.stdout.contains(name.dropFirst(4)),
                        "\(c.name): \(name) not on stdout: \(r.stdout.prefix(400))")
            } else {
                #expect(r.stderr.contains(name), "\(c.name): \"\(name)\" not in the message: \(r.stderr.prefix(600))")
            }
        }
        for trap in ["Fatal error", "Program crashed", "NSCocoaErrorDomain", "Error Domain="] {
            #expect(!r.stderr.contains(trap), "\(c.name): \(r.stderr.prefix(600))")
        }
        if c.status == 1 {
            #expect(r.stdout.isEmpty, "\(c.name): an error must print nothing on stdout")
            #expect(r.stderr.hasPrefix("pof: error: ") || r.stderr.hasPrefix("pof: "),
                    "\(c.name): \(r.stderr.prefix(300))")
        }
        let longest = r.stderr.split(separator: "\n").map(\.utf8.count).max() ?? 0
        #expect(longest < 2_500, "\(c.name): a message line of \(longest) bytes")
    }
}
