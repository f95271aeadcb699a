import Foundation

/// The end-to-end benchmark: the `pof` process (release build) from a CSV file on disk to JSON on
/// stdout, beside pandas + lifelines and R (`data.table::fread`, else `read.csv`) + survival on the
/// same file in the same run, each timed as a whole process (best of N wall-clock runs) with its
/// peak resident memory from `/usr/bin/time -v`.
///
/// Cases: `pof km` on 1e7 rows × 3 columns; `pof cox` (Efron) on 1e6 rows × 12 columns (10
/// covariates); with `--huge`, `pof km` on a 1e8-row `.csv.gz` (pof only: the peers' readers need
/// the whole table in memory); and `pof report` on a simulated 100,000-patient cohort.
enum EndToEnd {
    struct Measurement {
        var seconds: Double
        var rssMB: Double
        var ok: Bool
        var note: String
        /// User + system CPU seconds of the process.
        var cpuSeconds: Double = .nan
        /// The machine's 1-minute load average when the run started (other work sharing the cores).
        var load: Double = .nan
    }

    /// The 1-minute load average (`/proc/loadavg`), NaN where not available.
    static func loadAverage() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8),
              let first = text.split(separator: " ").first, let v = Double(first) else { return .nan }
        return v
    }

    static func run(arguments args: [String]) throws {
        let quick = args.contains("--quick")
        let noPeers = args.contains("--no-peers")
        let huge = args.contains("--huge")
        let repeats = args.firstIndex(of: "--repeats").flatMap { Int(args[$0 + 1]) } ?? 3
        let outDir = URL(fileURLWithPath: args.firstIndex(of: "--out").map { args[$0 + 1] } ?? "scripts/bench-out")
            .appendingPathComponent("e2e")
        try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let pof = args.firstIndex(of: "--pof").map { args[$0 + 1] }
            ?? root.appendingPathComponent(".build/release/pof").path
        let peers = root.appendingPathComponent("scripts/bench-peers")
        let hasR = !noPeers && available("Rscript", ["-e", "library(survival)"])
        let hasFread = hasR && available("Rscript", ["-e", "library(data.table)"])
        let hasLifelines = !noPeers && available("python3", ["-c", "import lifelines, pandas"])

        let kmRows = quick ? 1_000_000 : 10_000_000
        let coxRows = quick ? 100_000 : 1_000_000
        print("End-to-end benchmark: CSV on disk → JSON on stdout, whole processes, best of \(repeats) "
              + "(peak RSS of that run)")
        print("pof: \(pof)")
        print("R: \(hasR ? (hasFread ? "survival + data.table::fread" : "survival + read.csv") : "not found")   "
              + "lifelines: \(hasLifelines ? "yes" : "not found")")
        print("Note: the machine may be shared with other work; timings are noisy (best of N).\n")

        var rows: [(String, String, Measurement)] = []   // (case, tool, measurement)

        let km = outDir.appendingPathComponent("km-\(kmRows).csv")
        if !FileManager.default.fileExists(atPath: km.path) { try writeKaplanMeierCSV(rows: kmRows, to: km) }
        let kmSize = fileSize(km)
        let kmCase = "km \(kmRows.formatted()) rows (\(kmSize >> 20) MB)"
        rows.append((kmCase, "pof",
                     best(repeats, [pof, "km", km.path, "--time", "time", "--event", "status", "--format", "json"])))
        if hasLifelines {
            rows.append((kmCase, "pandas + lifelines",
                         best(repeats, ["python3", peers.appendingPathComponent("e2e_lifelines.py").path, "km",
                                        km.path])))
        }
        if hasR {
            rows.append((kmCase, hasFread ? "R fread + survival" : "R read.csv + survival",
                         best(repeats, ["Rscript", peers.appendingPathComponent("e2e.R").path, "km", km.path])))
        }
        report(rows.filter { $0.0 == kmCase })

        let cox = outDir.appendingPathComponent("cox-\(coxRows).csv")
        if !FileManager.default.fileExists(atPath: cox.path) { try writeCoxCSV(rows: coxRows, covariates: 10, to: cox) }
        let coxCase = "cox Efron \(coxRows.formatted()) × 10 (\(fileSize(cox) >> 20) MB)"
        let covariates = (0..<10).map { "x\($0)" }.joined(separator: ",")
        rows.append((coxCase, "pof",
                     best(repeats, [pof, "cox", cox.path, "--time", "time", "--event", "status",
                                    "--covariates", covariates, "--format", "json"])))
        if hasLifelines {
            rows.append((coxCase, "pandas + lifelines",
                         best(repeats, ["python3", peers.appendingPathComponent("e2e_lifelines.py").path, "cox",
                                        cox.path])))
        }
        if hasR {
            rows.append((coxCase, hasFread ? "R fread + survival" : "R read.csv + survival",
                         best(repeats, ["Rscript", peers.appendingPathComponent("e2e.R").path, "cox", cox.path])))
        }
        report(rows.filter { $0.0 == coxCase })

        if huge {
            let gz = outDir.appendingPathComponent("km-100000000.csv.gz")
            if !FileManager.default.fileExists(atPath: gz.path) { try writeKaplanMeierGzip(rows: 100_000_000, to: gz) }
            let hugeCase = "km 100,000,000 rows, .csv.gz (\(fileSize(gz) >> 20) MB)"
            rows.append((hugeCase, "pof",
                         best(1, [pof, "km", gz.path, "--time", "time", "--event", "status", "--format", "json"])))
            report(rows.filter { $0.0 == hugeCase })
        }

        let patients = quick ? 10_000 : 100_000
        let cohort = outDir.appendingPathComponent("cohort-\(patients)")
        if !FileManager.default.fileExists(atPath: cohort.appendingPathComponent("patients.csv").path) {
            let m = measure([pof, "simulate", "--patients", String(patients), "--seed", "11", "--out", cohort.path])
            print("simulate \(patients) patients: \(fmt(m.seconds)) s\(m.ok ? "" : " (failed: \(m.note))")")
        }
        var reportArgs = [pof, "report", "--out", outDir.appendingPathComponent("report-\(patients)").path]
        for (option, file) in [("--patients", "patients.csv"), ("--failures", "failures.csv"),
                               ("--lesions", "lesions.csv"), ("--labs", "labs.csv"),
                               ("--toxicities", "toxicities.csv")] {
            let path = cohort.appendingPathComponent(file).path
            if FileManager.default.fileExists(atPath: path) { reportArgs += [option, path] }
        }
        let reportCase = "report \(patients.formatted()) patients"
        rows.append((reportCase, "pof", best(min(repeats, 2), reportArgs)))
        report(rows.filter { $0.0 == reportCase })

        print("\n| work (CSV on disk, warm cache) | tool | wall (s) | CPU (s) | peak RSS (MB) | load avg "
              + "| vs pof (wall) |")
        print("|---|---|---|---|---|---|---|")
        for (work, tool, m) in rows {
            let pofTime = rows.first { $0.0 == work && $0.1 == "pof" }?.2.seconds
            let ratio = tool == "pof" || pofTime == nil || !m.ok
                ? "" : String(format: "%.1f× slower", m.seconds / pofTime!)
            let time = m.ok ? fmt(m.seconds) : "failed (\(m.note))"
            print("| \(work) | \(tool) | \(time) | \(fmt(m.cpuSeconds)) | \(String(format: "%.0f", m.rssMB)) "
                  + "| \(String(format: "%.1f", m.load)) | \(ratio) |")
        }
    }

    static func report(_ rows: [(String, String, Measurement)]) {
        defer { fflush(nil) }   // each result as it comes, also into a log file
        for (work, tool, m) in rows {
            print("\(work) — \(tool): "
                  + "\(m.ok ? fmt(m.seconds) + " s wall, " + fmt(m.cpuSeconds) + " s CPU" : "failed: \(m.note)"), "
                  + "peak RSS \(String(format: "%.0f", m.rssMB)) MB, load \(String(format: "%.1f", m.load))")
        }
    }

    static func fmt(_ x: Double) -> String { String(format: "%.2f", x) }

    static func fileSize(_ url: URL) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size]) as? NSNumber)?.intValue ?? 0
    }

    /// Best (shortest) of `n` runs; stops early after a failure.
    static func best(_ n: Int, _ argv: [String]) -> Measurement {
        var bestRun: Measurement? = nil
        for _ in 0..<n {
            let m = measure(argv)
            if !m.ok { return m }
            if bestRun == nil || m.seconds < bestRun!.seconds { bestRun = m }
        }
        return bestRun!
    }

    /// Runs `argv` under `/usr/bin/time -v`, stdout discarded after its size is checked.
    static func measure(_ argv: [String]) -> Measurement {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        process.arguments = ["-v"] + argv
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        var env = ProcessInfo.processInfo.environment
        env["POF_PROGRESS"] = "0"
        process.environment = env
        let load = loadAverage()
        let start = DispatchTime.now().uptimeNanoseconds
        do { try process.run() } catch { return Measurement(seconds: .nan, rssMB: .nan, ok: false, note: "\(error)") }
        // Drain both pipes concurrently (a large JSON on stdout must not block the process).
        let outBytes = UncheckedCounter()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            while true {
                let d = out.fileHandleForReading.availableData
                if d.isEmpty { break }
                outBytes.add(d.count)
            }
            group.leave()
        }
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        group.wait()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let text = String(decoding: errData, as: UTF8.self)
        var rss = Double.nan
        if let line = text.split(separator: "\n").first(where: { $0.contains("Maximum resident set size") }),
           let kb = Double(line.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)) {
            rss = kb / 1024
        }
        func timeField(_ label: String) -> Double {
            text.split(separator: "\n").first(where: { $0.contains(label) })
                .flatMap { Double($0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)) } ?? .nan
        }
        let cpu = timeField("User time (seconds)") + timeField("System time (seconds)")
        let ok = process.terminationStatus == 0 && outBytes.value > 0
            || (process.terminationStatus == 0 && argv.contains("report"))
        let firstError = text.split(separator: "\n").first { !$0.hasPrefix("\t") && !$0.contains("Command") }
            .map(String.init) ?? ""
        return Measurement(seconds: seconds, rssMB: rss, ok: ok,
                           note: ok ? "" : "exit \(process.terminationStatus) \(firstError.prefix(200))",
                           cpuSeconds: cpu, load: load)
    }

    // MARK: Data

    /// Writes `time,status,group` rows: exponential times (hazard 1, ×1.2 in group 1) rounded up to
    /// 1e-4, exponential censoring (~30%).
    static func writeKaplanMeierCSV(rows n: Int, to url: URL) throws {
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var rng = SplitMix64(state: 42)
        var buffer = CSVBuffer()
        buffer.append("time,status,group\n")
        for _ in 0..<n {
            kaplanMeierRow(&rng, &buffer)
            if buffer.bytes.count > 1 << 22 {
                handle.write(Data(buffer.bytes))
                buffer.bytes.removeAll(keepingCapacity: true)
            }
        }
        handle.write(Data(buffer.bytes))
    }

    static func kaplanMeierRow(_ rng: inout SplitMix64, _ buffer: inout CSVBuffer) {
        let group = Int(rng.next() & 1)
        let t = -log(rng.uniform()) / (group == 1 ? 1.2 : 1.0)
        let c = -log(rng.uniform()) / 0.4
        buffer.appendFixed(min(t, c), decimals: 4)
        buffer.bytes.append(0x2C)
        buffer.bytes.append(t <= c ? 0x31 : 0x30)
        buffer.bytes.append(0x2C)
        buffer.bytes.append(group == 1 ? 0x31 : 0x30)
        buffer.bytes.append(0x0A)
    }

    /// The same rows, gzip-compressed (level 1) by the `gzip` program.
    static func writeKaplanMeierGzip(rows n: Int, to url: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -1 > '\(url.path)'"]
        let pipe = Pipe()
        process.standardInput = pipe
        try process.run()
        var rng = SplitMix64(state: 4242)
        var buffer = CSVBuffer()
        buffer.append("time,status,group\n")
        for _ in 0..<n {
            kaplanMeierRow(&rng, &buffer)
            if buffer.bytes.count > 1 << 22 {
                pipe.fileHandleForWriting.write(Data(buffer.bytes))
                buffer.bytes.removeAll(keepingCapacity: true)
            }
        }
        pipe.fileHandleForWriting.write(Data(buffer.bytes))
        try pipe.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// Writes `time,status,x0,…` rows from the Cox simulation of the in-process benchmark; covariates
    /// with 6 decimals.
    static func writeCoxCSV(rows n: Int, covariates p: Int, to url: URL) throws {
        let d = simulate(n: n, p: p, seed: UInt64(n) + 7)
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var buffer = CSVBuffer()
        buffer.append("time,status," + (0..<p).map { "x\($0)" }.joined(separator: ",") + "\n")
        for i in 0..<n {
            buffer.appendFixed(d.time[i], decimals: 4)
            buffer.bytes.append(0x2C)
            buffer.bytes.append(d.event[i] ? 0x31 : 0x30)
            for j in 0..<p {
                buffer.bytes.append(0x2C)
                buffer.appendFixed(d.x[j][i], decimals: 6)
            }
            buffer.bytes.append(0x0A)
            if buffer.bytes.count > 1 << 22 {
                handle.write(Data(buffer.bytes))
                buffer.bytes.removeAll(keepingCapacity: true)
            }
        }
        handle.write(Data(buffer.bytes))
    }
}

struct CSVBuffer {
    var bytes: [UInt8] = []
    mutating func append(_ s: String) { bytes += Array(s.utf8) }
    /// `v` rounded to `decimals` places, trailing zeros dropped (`1.25`, `3`, `-0.5`).
    mutating func appendFixed(_ v: Double, decimals: Int) {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        var k = Int64((abs(v) * scale).rounded())
        if v < 0 && k != 0 { bytes.append(0x2D) }
        let whole = k / Int64(scale)
        k %= Int64(scale)
        bytes += Array(String(whole).utf8)
        if k == 0 { return }
        var digits = [UInt8](repeating: 0x30, count: decimals)
        for i in stride(from: decimals - 1, through: 0, by: -1) { digits[i] = 0x30 + UInt8(k % 10); k /= 10 }
        while digits.last == 0x30 { digits.removeLast() }
        bytes.append(0x2E)
        bytes += digits
    }
}

final class UncheckedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0
    func add(_ n: Int) { lock.lock(); total += n; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return total }
}
