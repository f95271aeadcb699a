import Foundation
import SurvivalSQL
import Testing

/// Compares two Encodable results field by field: strings, integers and keys exactly, numbers to `relative`
/// (a difference below `absolute` also passes, for quantities whose exact value is 0 and which come out as
/// ±1e-17 from differently ordered sums). Returns the paths that differ.
func differences<A: Encodable, B: Encodable>(
    _ a: A, _ b: B, relative: Double = 1e-10, absolute: Double = 1e-13
) throws -> [String] {
    let encoder = JSONEncoder()
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
        positiveInfinity: "Inf", negativeInfinity: "-Inf", nan: "NaN")
    let x = try JSONSerialization.jsonObject(with: encoder.encode(a))
    let y = try JSONSerialization.jsonObject(with: encoder.encode(b))
    var out: [String] = []
    compare(x, y, "$", relative, absolute, &out)
    return out
}

private func compare(_ x: Any, _ y: Any, _ path: String, _ rel: Double, _ abs: Double, _ out: inout [String]) {
    switch (x, y) {
    case let (a as [String: Any], b as [String: Any]):
        if Set(a.keys) != Set(b.keys) { out.append("\(path): keys \(a.keys.sorted()) vs \(b.keys.sorted())"); return }
        for k in a.keys.sorted() { compare(a[k]!, b[k]!, "\(path).\(k)", rel, abs, &out) }
    case let (a as [Any], b as [Any]):
        if a.count != b.count { out.append("\(path): \(a.count) vs \(b.count) elements"); return }
        for i in a.indices { compare(a[i], b[i], "\(path)[\(i)]", rel, abs, &out) }
    case let (a as NSNumber, b as NSNumber):
        let u = a.doubleValue, v = b.doubleValue
        if u == v { return }
        let d = Swift.abs(u - v)
        if d <= rel * max(Swift.abs(u), Swift.abs(v)) || d <= abs { return }
        out.append("\(path): \(u) vs \(v)")
    case let (a as String, b as String):
        if a != b { out.append("\(path): \"\(a)\" vs \"\(b)\"") }
    case (is NSNull, is NSNull):
        return
    default:
        out.append("\(path): \(x) vs \(y)")
    }
}

/// A query result written as CSV with a header row (NULL as an empty cell, cells quoted where needed), as
/// `psql`'s `\copy … TO … CSV HEADER` or a Spark export writes it.
func csvText(_ r: QueryResult) -> String {
    func cell(_ s: String?) -> String {
        guard let s else { return "" }
        if s.contains(",") || s.contains("\"") || s.contains("\n") || s.isEmpty {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }
    var out = r.columns.map(cell).joined(separator: ",") + "\n"
    for row in r.rows { out += row.map(cell).joined(separator: ",") + "\n" }
    return out
}

/// A fresh temporary directory (removed by the caller).
func temporaryDirectory(_ prefix: String) throws -> String {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(prefix)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
