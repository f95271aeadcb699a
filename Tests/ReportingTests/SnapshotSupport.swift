import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Compares rendered text with a committed reference in `Snapshots/`; with `POF_RECORD_SNAPSHOTS=1`
/// in the environment it (re)writes the reference instead.
enum Snapshot {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Snapshots")

    static func check(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = directory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["POF_RECORD_SNAPSHOTS"] == "1" {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try actual.write(to: url, atomically: true, encoding: .utf8)
            } catch {
                Issue.record("Could not record snapshot \(name): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("No reference Snapshots/\(name); run the tests with POF_RECORD_SNAPSHOTS=1 to record it.",
                         sourceLocation: sourceLocation)
            return
        }
        guard let (line, want, got) = firstDifference(expected, actual) else { return }
        Issue.record("""
            Snapshot \(name) differs at line \(line):
              expected: \(want)
              actual:   \(got)
            (run with POF_RECORD_SNAPSHOTS=1 to accept the new output)
            """, sourceLocation: sourceLocation)
    }

    /// The first line (1-based) where `a` and `b` differ, with both versions; nil when equal.
    static func firstDifference(_ a: String, _ b: String) -> (Int, String, String)? {
        if a == b { return nil }
        let x = a.components(separatedBy: "\n"), y = b.components(separatedBy: "\n")
        for i in 0..<max(x.count, y.count) {
            let l = i < x.count ? x[i] : "<end of text>", r = i < y.count ? y[i] : "<end of text>"
            if l != r || i >= x.count || i >= y.count { return (i + 1, l, r) }
        }
        return (max(x.count, y.count), "", "")
    }
}

/// A minimal reader for the SVG we write: elements with their attributes and text content.
struct Element {
    var name: String
    var attributes: [String: String]
    var text: String
    subscript(_ key: String) -> String? { attributes[key] }
    func number(_ key: String) -> Double? { attributes[key].flatMap(Double.init) }
}

/// All elements of the document in document order, or nil (with the parser's error) if the text is
/// not well-formed XML.
func parseXML(_ text: String) -> [Element]? {
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [Element] = [], stack: [Int] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            stack.append(elements.count)
            elements.append(Element(name: name, attributes: attributes, text: ""))
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let i = stack.last { elements[i].text += string }
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            _ = stack.popLast()
        }
    }
    let parser = XMLParser(data: Data(text.utf8))
    let collector = Collector()
    parser.delegate = collector
    return parser.parse() ? collector.elements : nil
}

/// The y coordinates an `M`/`H`/`V`/`L` path visits, in order, and the number of subpaths.
func pathYs(_ d: String) -> (ys: [Double], subpaths: Int) {
    var ys: [Double] = [], subpaths = 0, i = d.startIndex
    func number() -> Double {
        var j = i
        while j < d.endIndex, "-0123456789.".contains(d[j]) { j = d.index(after: j) }
        let v = Double(d[i..<j]) ?? .nan
        i = j
        return v
    }
    func skipSpace() { while i < d.endIndex, d[i] == " " || d[i] == "," { i = d.index(after: i) } }
    while i < d.endIndex {
        let c = d[i]
        i = d.index(after: i)
        switch c {
        case "M", "L":
            if c == "M" { subpaths += 1 }
            _ = number(); skipSpace(); ys.append(number())
        case "H": _ = number()
        case "V": ys.append(number())
        default: break
        }
    }
    return (ys, subpaths)
}
