import Foundation
import PofServer

// `pof-serve [--host 127.0.0.1] [--port 8080] [--max-upload-mb 100] [--idle-minutes 60]`: the study in a
// browser on this machine. `pof serve` runs this program with the same arguments.

let usage = """
    usage: pof serve [--host 127.0.0.1] [--port 8080] [--max-upload-mb 100] [--idle-minutes 60]
      --host           address to listen on (default 127.0.0.1: this computer only)
      --port           port (default 8080; 0 picks a free one)
      --max-upload-mb  largest accepted file, MB (default 100)
      --idle-minutes   delete a session's files after this many minutes without use (default 60)
    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\n\(usage)\n".utf8))
    exit(1)
}

var configuration = ServerConfiguration()
var args = Array(CommandLine.arguments.dropFirst())
if args.first == "serve" { args.removeFirst() }
while !args.isEmpty {
    let option = args.removeFirst()
    if option == "-h" || option == "--help" { print(usage); exit(0) }
    guard !args.isEmpty else { fail("\(option) needs a value") }
    let value = args.removeFirst()
    func integer(_ range: ClosedRange<Int>) -> Int {
        guard let v = Int(value), range.contains(v) else {
            fail("\(option): \"\(value.prefix(40))\" is not a whole number in \(range.lowerBound)…\(range.upperBound)")
        }
        return v
    }
    switch option {
    case "--host": configuration.host = value
    case "--port": configuration.port = integer(0...65535)
    case "--max-upload-mb": configuration.maxUploadBytes = integer(1...100_000) * 1024 * 1024
    case "--idle-minutes": configuration.idleTimeout = TimeInterval(integer(1...10_080) * 60)
    default: fail("unknown option \(option.prefix(40))")
    }
}
if !configuration.isLoopback {
    FileHandle.standardError.write(Data("""
        WARNING: listening on \(configuration.host), not on this computer's loopback address (127.0.0.1).
        Anyone who can reach this computer over the network could open the page and the patient data
        uploaded to it. Use the default --host 127.0.0.1 unless you know the network is private.

        """.utf8))
}
do {
    try await Routes.serve(configuration) { url in
        FileHandle.standardOutput.write(Data("""
            pof serve: open \(url) in your browser (Ctrl-C stops the server and deletes the uploaded files)

            """.utf8))
    }
} catch {
    fail("could not start the server on \(configuration.host):\(configuration.port): \(error)")
}
