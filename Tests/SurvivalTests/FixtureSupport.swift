import Foundation
import Testing
@testable import Survival

/// Reference fixtures produced by R (scripts/fixtures/), read without the Tabular module so that the
/// engine's tests depend on nothing but the engine.
enum Fixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The `cases` array of a JSON fixture file.
    static func cases(_ file: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: root.appendingPathComponent("r/\(file)"))
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return object["cases"] as! [[String: Any]]
    }

    /// A data CSV as columns of strings (nil = NA or empty). The fixture files contain no quoting.
    static func table(_ file: String) throws -> [String: [String?]] {
        let text = try String(contentsOf: root.appendingPathComponent("data/\(file)"), encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var columns = [String: [String?]]()
        for h in header { columns[h] = [] }
        for line in lines {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for (h, f) in zip(header, fields) { columns[h]!.append(f == "NA" || f.isEmpty ? nil : f) }
        }
        return columns
    }
}

/// A JSON number that may be encoded as null (NA) or the strings "Inf", "-Inf", "NaN".
func number(_ any: Any?) -> Double? {
    switch any {
    case let d as Double: return d
    case let i as Int: return Double(i)
    case let n as NSNumber: return n.doubleValue
    case let s as String:
        switch s {
        case "Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default: return Double(s)
        }
    default: return nil
    }
}

/// Relative tolerance used for every comparison with R unless stated: 1e-6 relative, with an absolute
/// floor of 1e-12 for values that are zero in R.
let relativeTolerance = 1e-6

/// Expects `actual` to match R's `expected` (nil/NaN = NA; ±Inf exactly).
func expectClose(
    _ actual: Double?, _ expected: Any?, rel: Double = relativeTolerance, _ what: @autoclosure () -> String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let e = number(expected)
    let a = actual
    let eMissing = e == nil || e!.isNaN
    let aMissing = a == nil || a!.isNaN
    if eMissing || aMissing {
        #expect(eMissing == aMissing, "\(what()): expected \(String(describing: e)), got \(String(describing: a))",
                sourceLocation: sourceLocation)
        return
    }
    let x = a!, y = e!
    if x.isInfinite || y.isInfinite {
        #expect(x == y, "\(what()): expected \(y), got \(x)", sourceLocation: sourceLocation)
        return
    }
    let ok = abs(x - y) <= rel * max(abs(x), abs(y)) || abs(x - y) <= 1e-12
    #expect(ok, "\(what()): expected \(y), got \(x) (rel diff \(abs(x - y) / max(abs(y), 1e-300)))",
            sourceLocation: sourceLocation)
}

/// The rows of `table` complete in `columns`, as R's default na.omit.
func completeRows(_ table: [String: [String?]], _ columns: [String]) -> [Int] {
    let n = table[columns[0]]!.count
    return (0..<n).filter { i in columns.allSatisfy { table[$0]![i] != nil } }
}

extension Array where Element == String? {
    func doubles(_ rows: [Int]) -> [Double] { rows.map { Double(self[$0]!)! } }
    func bools(_ rows: [Int]) -> [Bool] { rows.map { let v = self[$0]!; return v == "1" || v == "TRUE" } }
    func strings(_ rows: [Int]) -> [String] { rows.map { self[$0]! } }
    var isNumeric: Bool { allSatisfy { $0 == nil || Double($0!) != nil } }
}

/// Test-side model matrix: numeric columns as-is; other columns dummy-coded against the first level in
/// byte order (or `reference`), terms named `column=level`.
func modelColumns(_ table: [String: [String?]], _ covariates: [String], rows: [Int],
                  reference: [String: String] = [:]) -> (columns: [[Double]], names: [String], terms: [[Int]]) {
    var columns: [[Double]] = [], names: [String] = [], terms: [[Int]] = []
    for c in covariates {
        let col = table[c]!
        if col.isNumeric {
            terms.append([columns.count])
            columns.append(col.doubles(rows)); names.append(c)
        } else {
            let values = col.strings(rows)
            var levels = Array(Set(values)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            let ref = reference[c] ?? levels[0]
            levels.removeAll { $0 == ref }
            var term: [Int] = []
            for l in levels {
                term.append(columns.count)
                columns.append(values.map { $0 == l ? 1 : 0 }); names.append("\(c)=\(l)")
            }
            terms.append(term)
        }
    }
    return (columns, names, terms)
}

extension Fixture {
    /// The Kaplan–Meier curves of a fixture case that names its data file, `time`, `event` and optional
    /// `group` columns, by group label ("all" without a group), from the rows complete in those columns
    /// (as R's `survfit` drops rows with NA); with the number of those rows.
    static func kaplanMeierCurves(_ c: [String: Any]) throws -> (curves: [String: KaplanMeier], rowsUsed: Int) {
        let table = try Fixture.table(c["data"] as! String)
        let timeCol = c["time"] as! String, eventCol = c["event"] as! String
        let groupCol = c["group"] as? String
        let rows = completeRows(table, [timeCol, eventCol] + (groupCol.map { [$0] } ?? []))
        let time = table[timeCol]!.doubles(rows), event = table[eventCol]!.bools(rows)
        guard let groupCol else { return (["all": try KaplanMeier(time: time, event: event)], rows.count) }
        let byGroup = try KaplanMeier.byGroup(time: time, event: event, group: table[groupCol]!.strings(rows))
        return (Dictionary(uniqueKeysWithValues: byGroup.map { ($0.group, $0.fit) }), rows.count)
    }
}
