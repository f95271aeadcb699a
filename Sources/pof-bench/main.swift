import Foundation
import Survival

// Benchmark of the survival engine against R survival and Python lifelines on the same simulated
// data, timed in-process by each tool (data loading excluded). Run through `scripts/bench`.
//
// Usage: pof-bench [--quick] [--out DIR] [--no-peers]
//        pof-bench --e2e [--quick] [--out DIR] [--no-peers] [--repeats N] [--pof PATH] [--huge] (see EndToEnd.swift)

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) / 9007199254740992.0 }
    mutating func normal() -> Double {
        let u = uniform(), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}

struct Dataset {
    var time: [Double]
    var event: [Bool]
    var group: [Int]
    var x: [[Double]]   // p columns
}

/// Exponential survival with hazard exp(x·β) (β = 0.1…), two groups, exponential censoring (~30%);
/// times rounded to 1e-4 so that ties occur as in real data.
func simulate(n: Int, p: Int, seed: UInt64) -> Dataset {
    var rng = SplitMix64(state: seed)
    var x = [[Double]](repeating: [Double](repeating: 0, count: n), count: p)
    var time = [Double](repeating: 0, count: n), event = [Bool](repeating: false, count: n)
    var group = [Int](repeating: 0, count: n)
    for i in 0..<n {
        var eta = 0.0
        for j in 0..<p { let v = rng.normal(); x[j][i] = v; eta += 0.1 * Double(j % 3 + 1) * v * (j % 2 == 0 ? 1 : -1) }
        group[i] = Int(rng.next() & 1)
        eta += group[i] == 1 ? 0.2 : 0
        let t = -log(rng.uniform()) / exp(eta)
        let c = -log(rng.uniform()) / 0.4
        time[i] = (min(t, c) * 10000).rounded(.up) / 10000
        event[i] = t <= c
    }
    return Dataset(time: time, event: event, group: group, x: x)
}

func writeBinary(_ values: [Double], to url: URL) throws {
    let data = values.withUnsafeBufferPointer { Data(buffer: $0) }
    try data.write(to: url)
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Best of `repeats` runs.
func best(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    var b = Double.infinity
    for _ in 0..<repeats { b = min(b, try seconds(body)) }
    return b
}

func runPeer(_ command: [String]) -> [String: Double] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = command
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return [:] }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    var out: [String: Double] = [:]
    for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
        let parts = line.split(separator: " ")
        if parts.count == 2, let v = Double(parts[1]) { out[String(parts[0])] = v }
    }
    return out
}

func available(_ tool: String, _ check: [String]) -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + check
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}

let args = CommandLine.arguments
if args.contains("--e2e") {
    try EndToEnd.run(arguments: args)
    exit(0)
}
let quick = args.contains("--quick")
let noPeers = args.contains("--no-peers")
let outDir = URL(fileURLWithPath: args.firstIndex(of: "--out").map { args[$0 + 1] } ?? "scripts/bench-out")
try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
let scriptDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/bench-peers")
let hasR = !noPeers && available("Rscript", ["-e", "library(survival)"])
let hasLifelines = !noPeers && available("python3", ["-c", "import lifelines"])

let kmSizes = quick ? [100_000, 1_000_000] : [100_000, 1_000_000, 10_000_000]
let coxSizes = quick ? [100_000] : [100_000, 1_000_000]
let p = 10

var rows: [(String, Double, Double?, Double?)] = []   // (task, swift, R, lifelines)

func peers(_ task: String, _ n: Int, _ files: URL) -> (Double?, Double?) {
    let r =
        hasR
        ? runPeer(["Rscript", scriptDir.appendingPathComponent("bench.R").path, task, String(n), files.path])[task]
        : nil
    let py =
        hasLifelines
        ? runPeer(["python3", scriptDir.appendingPathComponent("bench_lifelines.py").path, task, String(n), files.path]
        )[task] : nil
    return (r, py)
}

print("Survival engine benchmark (best of 3 in-process runs for Swift; peers timed in-process once)")
print("R survival: \(hasR ? "yes" : "not found")   lifelines: \(hasLifelines ? "yes" : "not found")\n")

for n in kmSizes {
    let d = simulate(n: n, p: 0, seed: UInt64(n))
    let dir = outDir.appendingPathComponent("n\(n)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try writeBinary(d.time, to: dir.appendingPathComponent("time.bin"))
    try writeBinary(d.event.map { $0 ? 1 : 0 }, to: dir.appendingPathComponent("event.bin"))
    try writeBinary(d.group.map(Double.init), to: dir.appendingPathComponent("group.bin"))
    var median = 0.0
    let km = try best(3) { median = try KaplanMeier(time: d.time, event: d.event).median.estimate ?? .nan }
    var chisq = 0.0
    let lr = try best(3) {
        chisq = try LogRankTest(time: d.time, event: d.event, group: d.group, groupCount: 2).test.statistic
    }
    let (kmR, kmPy) = peers("km", n, dir)
    rows.append(("KM n=\(n)", km, kmR, kmPy))
    let (lrR, lrPy) = peers("logrank", n, dir)
    rows.append(("log-rank n=\(n)", lr, lrR, lrPy))
    print("n=\(n): KM median \(median), log-rank chisq \(chisq)")
}
for n in coxSizes {
    let d = simulate(n: n, p: p, seed: UInt64(n) + 7)
    let dir = outDir.appendingPathComponent("cox\(n)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try writeBinary(d.time, to: dir.appendingPathComponent("time.bin"))
    try writeBinary(d.event.map { $0 ? 1 : 0 }, to: dir.appendingPathComponent("event.bin"))
    try writeBinary(d.x.flatMap { $0 }, to: dir.appendingPathComponent("x.bin"))
    for ties in [CoxModel.Ties.efron, .breslow] {
        var beta: [Double] = []
        let t = try best(3) {
            beta = try CoxModel(time: d.time, event: d.event, covariates: d.x, ties: ties).coefficients
        }
        let (r, py) = peers("cox_\(ties.rawValue)", n, dir)
        rows.append(("Cox \(ties.rawValue) n=\(n) p=\(p)", t, r, py))
        print("n=\(n) \(ties.rawValue): beta[0..2] = \(beta.prefix(3).map { String(format: "%.6f", $0) })")
    }
}

func fmt(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "—" }
func ratio(_ a: Double?, _ b: Double) -> String { a.map { String(format: "%.0f×", $0 / b) } ?? "—" }
print("\n| task | Swift (s) | R (s) | lifelines (s) | R / Swift | lifelines / Swift |")
print("|---|---|---|---|---|---|")
for (task, s, r, py) in rows {
    print("| \(task) | \(fmt(s)) | \(fmt(r)) | \(fmt(py)) | \(ratio(r, s)) | \(ratio(py, s)) |")
}
