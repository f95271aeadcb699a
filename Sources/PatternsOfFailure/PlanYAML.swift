import Tabular
import Yams

/// A node of a plan file, read defensively: bounded size and alias expansion, duplicate keys refused,
/// numbers through the one number grammar (`DecimalNumber`), every problem named by line and key path.
///
/// ```swift
/// let root = try PlanNode.root(yaml: "alpha: 0.05\n", source: "plan.yaml")
/// let keys = try root?.mapping(known: ["alpha"])
/// try keys?["alpha"]?.number(in: 0...1)       // 0.05
/// ```
struct PlanNode {
    let node: Node
    /// Key path for messages: `factors[2].cut_points`.
    let path: String
    let source: String
    /// Shared visit budget (alias expansion cannot blow up a walk).
    let budget: Budget

    final class Budget {
        var remaining: Int
        init(_ n: Int) { remaining = n }
    }

    /// Largest plan text accepted (bytes).
    static let maximumBytes = 256 * 1024
    /// Largest number of nodes visited (counting each alias expansion again).
    static let maximumNodes = 20_000

    /// Parses `yaml`; `nil` for an empty document.
    ///
    /// - Throws: ``StudyPlan/PlanError`` for text that is too large, not YAML, or not a mapping.
    static func root(yaml: String, source: String) throws -> PlanNode? {
        guard yaml.utf8.count <= maximumBytes else {
            throw StudyPlan.PlanError(description: """
                \(source): the plan is \(yaml.utf8.count) bytes; at most \(maximumBytes) are read (a plan is a short \
                text file)
                """)
        }
        try checkNesting(yaml, source: source)
        let node: Node?
        do { node = try Yams.compose(yaml: yaml) } catch {
            // The parser's message quotes the offending line: cut each line, so a 100 kB line is not echoed.
            let lines = "\(error)".split(separator: "\n", omittingEmptySubsequences: false).prefix(6).map {
                $0.count > 160 ? "\($0.prefix(160))… (\($0.utf8.count) bytes)" : String($0)
            }
            throw StudyPlan.PlanError(description: "\(source): not valid YAML: \(lines.joined(separator: "\n"))")
        }
        guard let node else { return nil }
        if case .scalar(let s) = node, s.string.isEmpty || s.tag.description.hasSuffix("null") { return nil }
        let root = PlanNode(node: node, path: "", source: source, budget: Budget(maximumNodes))
        try root.visit()
        return root
    }

    /// Deepest flow nesting (`[`, `{`) accepted, and the longest chain of block entries (`- - -`) on a line.
    static let maximumFlowDepth = 100
    /// Deepest indentation accepted (columns).
    static let maximumIndentation = 400

    /// Refuses text nested deeper than a plan ever is, before the YAML parser (which recurses once per
    /// level and would overflow the stack on `{k: {k: …` or `- - - …` thousands deep) sees it.
    ///
    /// - Throws: ``StudyPlan/PlanError`` naming the line.
    /// - Complexity: O(text length).
    static func checkNesting(_ yaml: String, source: String) throws {
        func fail(_ line: Int, _ what: String) -> StudyPlan.PlanError {
            StudyPlan.PlanError(description: "\(source), line \(line): \(what); a plan is never nested so deeply")
        }
        var flow = 0, lineNumber = 1
        var quote: UInt8? = nil
        var atLineStart = true, indentation = 0, chain = 0, inComment = false
        var previous: UInt8 = 0x0A
        for b in yaml.utf8 {
            defer { previous = b }
            if b == 0x0A {
                lineNumber += 1
                atLineStart = true; indentation = 0; chain = 0; inComment = false
                continue
            }
            if inComment { continue }
            if let q = quote {
                if b == q && !(q == 0x22 && previous == 0x5C) { quote = nil }
                continue
            }
            if atLineStart {
                switch b {
                case 0x20, 0x09:
                    // "- " and "? " open a nested entry; other leading blanks indent.
                    if previous == 0x2D || previous == 0x3F {
                        chain += 1
                        if chain > maximumFlowDepth {
                            throw fail(lineNumber, "more than \(maximumFlowDepth) nested entries")
                        }
                    } else {
                        indentation += 1
                        if indentation > maximumIndentation {
                            throw fail(lineNumber, "indented more than \(maximumIndentation) columns")
                        }
                    }
                    continue
                case 0x2D, 0x3F: continue
                default: atLineStart = false
                }
            }
            let opensScalar = [0x20, 0x09, 0x0A, 0x5B, 0x7B, 0x2C, 0x3A].contains(previous)
            switch b {
            case 0x23 where previous == 0x20 || previous == 0x09 || previous == 0x0A: inComment = true
            case 0x22 where opensScalar, 0x27 where opensScalar: quote = b
            case 0x5B, 0x7B:
                flow += 1
                if flow > maximumFlowDepth {
                    throw fail(lineNumber, "brackets nested more than \(maximumFlowDepth) deep")
                }
            case 0x5D, 0x7D: flow = max(0, flow - 1)
            default: break
            }
        }
    }

    private func visit() throws {
        budget.remaining -= 1
        if budget.remaining < 0 {
            throw StudyPlan.PlanError(description: """
                \(source): the plan expands to more than \(Self.maximumNodes) values (nested aliases?); write it out \
                plainly
                """)
        }
    }

    func error(_ message: String) -> StudyPlan.PlanError {
        var s = source
        if let m = node.mark { s += ", line \(m.line)" }
        if !path.isEmpty { s += ", \(path)" }
        return StudyPlan.PlanError(description: s + ": " + message)
    }

    private func child(_ n: Node, _ p: String) throws -> PlanNode {
        let c = PlanNode(node: n, path: p, source: source, budget: budget)
        try c.visit()
        return c
    }

    /// The mapping's entries by key, in file order.
    ///
    /// - Throws: for a non-mapping, a non-text key, a key given twice, or a key outside `known`.
    func mapping(known: [String]) throws -> [(key: String, value: PlanNode)] {
        guard case .mapping(let m) = node else {
            throw error("expected a mapping of keys to values\(path.isEmpty ? "" : " here")")
        }
        var seen: Set<String> = []
        var out: [(String, PlanNode)] = []
        for (k, v) in m {
            guard case .scalar(let ks) = k else { throw error("a key must be plain text") }
            let key = ks.string
            let p = path.isEmpty ? key : "\(path).\(key)"
            guard seen.insert(key).inserted else {
                throw PlanNode(node: k, path: p, source: source, budget: budget).error(
                    "key given twice; give each key once")
            }
            guard known.contains(key) else {
                throw PlanNode(node: k, path: p, source: source, budget: budget)
                    .error("unknown key \"\(key)\" (known keys: \(known.sorted().joined(separator: ", ")))")
            }
            out.append((key, try child(v, p)))
        }
        return out
    }

    /// The mapping's entries as a dictionary (after the checks of ``mapping(known:)``).
    func keyed(known: [String]) throws -> [String: PlanNode] {
        Dictionary(uniqueKeysWithValues: try mapping(known: known).map { ($0.key, $0.value) })
    }

    /// The elements of a sequence; a single scalar counts as a one-element list.
    func list() throws -> [PlanNode] {
        switch node {
        case .sequence(let s):
            var out: [PlanNode] = []
            for (i, n) in s.enumerated() { out.append(try child(n, "\(path)[\(i + 1)]")) }
            return out
        case .scalar: return [self]
        case .mapping: throw error("expected a list")
        }
    }

    /// Whether the node is a mapping.
    var isMapping: Bool { if case .mapping = node { return true } else { return false } }

    /// Text of a scalar.
    func string() throws -> String {
        guard case .scalar(let s) = node else { throw error("expected a single value") }
        return s.string
    }

    /// A finite number in `range`, read with the one number grammar (`.inf`, `.nan`, `1e999` are refused).
    func number(in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude,
                _ what: String = "a number") throws -> Double {
        let text = try string()
        guard let v = DecimalNumber.parse(text) else {
            throw error("\"\(Self.clip(text))\" is not a finite decimal number (e.g. 3 or 0.05)")
        }
        guard range.contains(v) else {
            throw error("\(Self.clip(text)) is out of range; expected \(what)")
        }
        return v
    }

    /// A list of finite numbers in `range`.
    func numbers(in range: ClosedRange<Double>, _ what: String) throws -> [Double] {
        try list().map { try $0.number(in: range, what) }
    }

    /// One of `choices` (compared exactly).
    func choice(_ choices: [String]) throws -> String {
        let text = try string()
        guard choices.contains(text) else {
            throw error("\"\(Self.clip(text))\" is not one of \(choices.joined(separator: ", "))")
        }
        return text
    }

    /// `true`/`false` (also yes/no).
    func bool() throws -> Bool {
        switch try string().lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default: throw error("expected true or false")
        }
    }

    /// At most 60 characters of a value, for messages.
    static func clip(_ s: String) -> String {
        s.count <= 60 ? s : String(s.prefix(60)) + "… (\(s.utf8.count) bytes)"
    }
}

/// Writes plan YAML with plain decimals (`0.05`, `3`, never `5e-2`).
struct PlanYAMLWriter {
    private(set) var text = ""

    /// A scalar, quoted when YAML would read it as something else.
    static func scalar(_ s: String) -> String {
        let plainSafe = !s.isEmpty && s.allSatisfy { $0.isLetter || $0.isNumber || "_-. /()+".contains($0) }
            && !["true", "false", "yes", "no", "null", "~", "y", "n", "on", "off"].contains(s.lowercased())
            && !s.hasPrefix("-") && !s.hasPrefix(" ") && !s.hasSuffix(" ") && DecimalNumber.parse(s) == nil
        if plainSafe { return s }
        return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    mutating func line(_ indent: Int, _ s: String) { text += String(repeating: "  ", count: indent) + s + "\n" }
    mutating func comment(_ s: String) { text += "# " + s + "\n" }
    mutating func key(_ indent: Int, _ k: String, _ v: String) { line(indent, "\(k): \(v)") }
    mutating func key(_ indent: Int, _ k: String, number v: Double) { key(indent, k, NumberFormat.plain(v)) }
    mutating func key(_ indent: Int, _ k: String, numbers v: [Double]) {
        key(indent, k, "[" + v.map(NumberFormat.plain).joined(separator: ", ") + "]")
    }
    mutating func key(_ indent: Int, _ k: String, list v: [String]) {
        key(indent, k, "[" + v.map(Self.scalar).joined(separator: ", ") + "]")
    }
}
