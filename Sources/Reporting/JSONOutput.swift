import Foundation

/// JSON text for any `Encodable` value, with every non-finite number (NaN, ±∞) written as `null`.
///
/// ```swift
/// struct Row: Encodable { var median: Double }
/// try JSONOutput.string(Row(median: .nan))   // {"median":null}
/// ```
///
/// Numbers keep full precision (the shortest text that reads back as the same double). Keys keep
/// the names the types give them.
///
/// The text is exactly what Foundation's `JSONEncoder` writes with `.sortedKeys` (and, for `pretty`,
/// `.prettyPrinted` and `.withoutEscapingSlashes`): keys in byte order, a double as its shortest
/// round-trip `description` without a trailing `.0`, the same indentation and escapes. It is
/// produced by a direct writer (about ten times faster on large curves); a value holding a type
/// that `JSONEncoder` treats specially (`Date`, `Data`, `URL`, `Decimal`) goes through
/// `JSONEncoder` itself.
public enum JSONOutput {
    private static let marker = "\u{1}nonfinite"
    /// Arrays with at least this many elements are encoded and written in two halves on two threads.
    static let parallelCount = 4096

    /// Encodes `value`.
    ///
    /// - Parameters:
    ///   - value: The value.
    ///   - pretty: Indented output with sorted keys (for files people read); compact otherwise.
    /// - Returns: The JSON text.
    /// - Throws: An `EncodingError` from the value's own `encode(to:)`.
    /// - Complexity: O(size of the output).
    public static func string<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
        do {
            let node = try JSONTreeEncoder.encode(value)
            var writer = JSONTextWriter(pretty: pretty)
            writer.write(node, depth: 0)
            return String(decoding: writer.bytes, as: UTF8.self)
        } catch is JSONTreeEncoder.NeedsFoundation {
            return try foundationString(value, pretty: pretty)
        }
    }

    /// The same text by Foundation's `JSONEncoder` (the reference the direct writer matches).
    static func foundationString<T: Encodable>(_ value: T, pretty: Bool) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: marker, negativeInfinity: marker, nan: marker)
        let data = try encoder.encode(value)
        let text = String(decoding: data, as: UTF8.self)
        return text.replacingOccurrences(of: "\"\\u0001nonfinite\"", with: "null")
    }
}

// MARK: - Two halves side by side

/// Runs two closures on two threads and keeps their results: the halves of a long array, encoded or
/// written by separate encoders and writers that share nothing mutable (the tree they read is complete
/// and no longer changed). Unchecked because the tree's nodes are classes; each half only reads the nodes
/// it was given, or builds its own.
struct JSONHalves<T> {
    private(set) var first: T
    private(set) var second: T

    init(first makeFirst: () -> T, second makeSecond: () -> T) {
        var a: T?, b: T?
        withoutActuallyEscaping(makeFirst) { f in
            withoutActuallyEscaping(makeSecond) { g in
                let work = JSONUnchecked((f, g))
                let results = JSONUnchecked(JSONResultPair<T>())
                DispatchQueue.concurrentPerform(iterations: 2) { part in
                    if part == 0 { results.value.first = work.value.0() } else { results.value.second = work.value.1() }
                }
                a = results.value.first
                b = results.value.second
            }
        }
        first = a!
        second = b!
    }
}

/// A value handed to the two threads of ``JSONHalves``.
private struct JSONUnchecked<V>: @unchecked Sendable {
    let value: V
    init(_ value: V) { self.value = value }
}

/// The two results, each written by one thread only.
private final class JSONResultPair<T> {
    var first: T?
    var second: T?
}

// MARK: - Value tree

/// An encoded value. Objects and arrays are boxes so that a container handed out by the encoder can
/// still be filled after the call that made it returns (as `Encoder` allows).
enum JSONNode {
    case null
    case bool(Bool)
    case double(Double)
    case float(Float)
    case int(Int64)
    case uint(UInt64)
    case string(String)
    case array(JSONArrayBox)
    case object(JSONObjectBox)
    /// A slot that no container or value was ever put into (encoded as `{}` by `JSONEncoder`).
    case empty
    /// A value given to a `superEncoder()`, filled in later.
    case deferred(JSONNodeSlot)
}

final class JSONArrayBox {
    var items: [JSONNode] = []
}

final class JSONObjectBox {
    var keys: [String] = []
    var values: [JSONNode] = []
}

/// A place one value will be written to.
final class JSONNodeSlot {
    var node: JSONNode = .empty
    init() {}
    init(_ node: JSONNode) { self.node = node }
}

/// An `Encoder` that builds a `JSONNode` tree.
final class JSONTreeEncoder: Encoder {
    /// Thrown for values `JSONEncoder` encodes by special rules; the caller falls back to it.
    struct NeedsFoundation: Error {}

    let slot: JSONNodeSlot
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(slot: JSONNodeSlot, codingPath: [CodingKey]) {
        self.slot = slot
        self.codingPath = codingPath
    }

    static func encode<T: Encodable>(_ value: T) throws -> JSONNode {
        let slot = JSONNodeSlot()
        try encodeValue(value, into: slot, codingPath: [])
        return slot.node
    }

    /// Encodes `value` into `slot`, with the scalar types written directly.
    static func encodeValue<T: Encodable>(_ value: T, into slot: JSONNodeSlot, codingPath: [CodingKey]) throws {
        switch value {
        case let v as Double: slot.node = .double(v)
        case let v as String: slot.node = .string(v)
        case let v as Int: slot.node = .int(Int64(v))
        case let v as Bool: slot.node = .bool(v)
        case let v as Float: slot.node = .float(v)
        case is Date, is Data, is URL, is Decimal: throw NeedsFoundation()
        case let array as [any Encodable] where array.count >= JSONOutput.parallelCount:
            try encodeElements(array, into: slot, codingPath: codingPath)
        default:
            let encoder = JSONTreeEncoder(slot: slot, codingPath: codingPath)
            try value.encode(to: encoder)
        }
    }

    /// Encodes a long array's elements in two halves side by side (the rows of a large curve), or one
    /// after the other when they are class instances, whose `encode(to:)` might share state.
    private static func encodeElements(_ array: [any Encodable], into slot: JSONNodeSlot,
                                       codingPath: [CodingKey]) throws {
        let box = JSONArrayBox()
        slot.node = .array(box)
        func encode(_ range: Range<Int>) throws -> [JSONNode] {
            try range.map { k in
                let item = JSONNodeSlot()
                try encodeValue(array[k], into: item, codingPath: codingPath + [JSONIndexKey(intValue: k)])
                return item.node
            }
        }
        if let first = array.first, type(of: first) is AnyClass {
            box.items = try encode(array.indices)
            return
        }
        let half = array.count / 2
        let parts = JSONHalves<Result<[JSONNode], Error>>(
            first: { Result { try encode(0..<half) } }, second: { Result { try encode(half..<array.count) } })
        box.items = try parts.first.get() + parts.second.get()
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: JSONObjectBox
        if case .object(let existing) = slot.node {
            box = existing
        } else {
            box = JSONObjectBox(); slot.node = .object(box)
        }
        return KeyedEncodingContainer(JSONKeyedContainer<Key>(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        let box: JSONArrayBox
        if case .array(let existing) = slot.node {
            box = existing
        } else {
            box = JSONArrayBox(); slot.node = .array(box)
        }
        return JSONUnkeyedContainer(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> SingleValueEncodingContainer {
        JSONSingleValueContainer(slot: slot, codingPath: codingPath)
    }
}

struct JSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: JSONObjectBox
    let codingPath: [CodingKey]

    private func put(_ node: JSONNode, _ key: Key) {
        box.keys.append(key.stringValue)
        box.values.append(node)
    }

    mutating func encodeNil(forKey key: Key) throws { put(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { put(.double(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { put(.float(value), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(.int(Int64(value)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(.int(Int64(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(.int(Int64(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(.int(Int64(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(.int(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(.uint(UInt64(value)), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(.uint(UInt64(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(.uint(UInt64(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(.uint(UInt64(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(.uint(value), key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let slot = JSONNodeSlot()
        try JSONTreeEncoder.encodeValue(value, into: slot, codingPath: codingPath + [key])
        put(slot.node, key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                        forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONObjectBox()
        put(.object(nested), key)
        return KeyedEncodingContainer(JSONKeyedContainer<NestedKey>(box: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        let nested = JSONArrayBox()
        put(.array(nested), key)
        return JSONUnkeyedContainer(box: nested, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> Encoder { superEncoder(key: "super") }
    mutating func superEncoder(forKey key: Key) -> Encoder { superEncoder(key: key.stringValue) }

    private func superEncoder(key: String) -> Encoder {
        let slot = JSONNodeSlot()
        box.keys.append(key)
        box.values.append(.deferred(slot))
        return JSONTreeEncoder(slot: slot, codingPath: codingPath)
    }
}

struct JSONUnkeyedContainer: UnkeyedEncodingContainer {
    let box: JSONArrayBox
    let codingPath: [CodingKey]
    var count: Int { box.items.count }

    private func put(_ node: JSONNode) { box.items.append(node) }

    mutating func encodeNil() throws { put(.null) }
    mutating func encode(_ value: Bool) throws { put(.bool(value)) }
    mutating func encode(_ value: String) throws { put(.string(value)) }
    mutating func encode(_ value: Double) throws { put(.double(value)) }
    mutating func encode(_ value: Float) throws { put(.float(value)) }
    mutating func encode(_ value: Int) throws { put(.int(Int64(value))) }
    mutating func encode(_ value: Int8) throws { put(.int(Int64(value))) }
    mutating func encode(_ value: Int16) throws { put(.int(Int64(value))) }
    mutating func encode(_ value: Int32) throws { put(.int(Int64(value))) }
    mutating func encode(_ value: Int64) throws { put(.int(value)) }
    mutating func encode(_ value: UInt) throws { put(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt8) throws { put(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt16) throws { put(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt32) throws { put(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt64) throws { put(.uint(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let slot = JSONNodeSlot()
        try JSONTreeEncoder.encodeValue(
            value, into: slot, codingPath: codingPath + [JSONIndexKey(intValue: box.items.count)])
        put(slot.node)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONObjectBox()
        put(.object(nested))
        return KeyedEncodingContainer(JSONKeyedContainer<NestedKey>(box: nested, codingPath: codingPath))
    }

    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
        let nested = JSONArrayBox()
        put(.array(nested))
        return JSONUnkeyedContainer(box: nested, codingPath: codingPath)
    }

    mutating func superEncoder() -> Encoder {
        let slot = JSONNodeSlot()
        box.items.append(.deferred(slot))
        return JSONTreeEncoder(slot: slot, codingPath: codingPath)
    }
}

struct JSONSingleValueContainer: SingleValueEncodingContainer {
    let slot: JSONNodeSlot
    let codingPath: [CodingKey]

    mutating func encodeNil() throws { slot.node = .null }
    mutating func encode(_ value: Bool) throws { slot.node = .bool(value) }
    mutating func encode(_ value: String) throws { slot.node = .string(value) }
    mutating func encode(_ value: Double) throws { slot.node = .double(value) }
    mutating func encode(_ value: Float) throws { slot.node = .float(value) }
    mutating func encode(_ value: Int) throws { slot.node = .int(Int64(value)) }
    mutating func encode(_ value: Int8) throws { slot.node = .int(Int64(value)) }
    mutating func encode(_ value: Int16) throws { slot.node = .int(Int64(value)) }
    mutating func encode(_ value: Int32) throws { slot.node = .int(Int64(value)) }
    mutating func encode(_ value: Int64) throws { slot.node = .int(value) }
    mutating func encode(_ value: UInt) throws { slot.node = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { slot.node = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { slot.node = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { slot.node = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { slot.node = .uint(value) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try JSONTreeEncoder.encodeValue(value, into: slot, codingPath: codingPath)
    }
}

struct JSONIndexKey: CodingKey {
    var stringValue: String { "Index \(intValue ?? 0)" }
    var intValue: Int?
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { return nil }
}

// MARK: - Text

/// Writes a `JSONNode` tree as `JSONEncoder` formats it.
struct JSONTextWriter {
    var bytes: [UInt8] = []
    let pretty: Bool
    private var lastKeys: [String] = []
    private var lastOrder: [Int] = []
    /// Each of `lastKeys` written as `"key" : ` (or `"key":`).
    private var lastKeyText: [[UInt8]] = []

    init(pretty: Bool, capacity: Int = 1 << 16) {
        self.pretty = pretty
        bytes.reserveCapacity(capacity)
    }

    mutating func write(_ node: JSONNode, depth: Int) {
        switch node {
        case .null: append("null")
        case .bool(let b): append(b ? "true" : "false")
        case .double(let v): writeDouble(v)
        case .float(let v):
            if v.isFinite { writeTrimmed(v.description) } else { append("null") }
        case .int(let v): writeInteger(v)
        case .uint(let v): writeUnsigned(v)
        case .string(let s): writeString(s)
        case .empty: writeObject(keys: [], values: [], depth: depth)
        case .deferred(let slot): write(slot.node, depth: depth)
        case .array(let box):
            let items = box.items
            if items.isEmpty { writeEmpty(open: 0x5B, close: 0x5D, depth: depth); return }
            bytes.append(0x5B)
            if items.count >= JSONOutput.parallelCount {
                // two halves written side by side, each by its own writer, then joined
                let half = items.count / 2, pretty = self.pretty
                let parts = JSONHalves<[UInt8]>(first: {
                    var w = JSONTextWriter(pretty: pretty, capacity: 1 << 20)
                    w.writeItems(items[0..<half], depth: depth, leadingComma: false)
                    return w.bytes
                }, second: {
                    var w = JSONTextWriter(pretty: pretty, capacity: 1 << 20)
                    w.writeItems(items[half...], depth: depth, leadingComma: true)
                    return w.bytes
                })
                bytes.append(contentsOf: parts.first)
                bytes.append(contentsOf: parts.second)
            } else {
                writeItems(items[...], depth: depth, leadingComma: false)
            }
            if pretty { newline(depth) }
            bytes.append(0x5D)
        case .object(let box):
            writeObject(keys: box.keys, values: box.values, depth: depth)
        }
    }

    /// An array's items, each after a comma (but the first unless `leadingComma`) and a new line.
    private mutating func writeItems(_ items: ArraySlice<JSONNode>, depth: Int, leadingComma: Bool) {
        for (k, item) in zip(items.indices, items) {
            if k > items.startIndex || leadingComma { bytes.append(0x2C) }
            if pretty { newline(depth + 1) }
            write(item, depth: depth + 1)
        }
    }

    /// The order in which to write an object's keys: sorted by their bytes; a key given twice keeps
    /// its last value (as a dictionary would). Objects of one type repeat the same keys (the rows of a
    /// table), so the last key list and its order are kept and reused.
    private mutating func keyOrder(_ keys: [String]) -> (order: [Int], keyText: [[UInt8]]) {
        if keys == lastKeys { return (lastOrder, lastKeyText) }
        lastKeyText = keys.map { key in
            var writer = JSONTextWriter(pretty: pretty, capacity: key.utf8.count + 6)
            writer.writeString(key)
            if pretty { writer.append(" : ") } else { writer.bytes.append(0x3A) }
            return writer.bytes
        }
        var order = Array(keys.indices)
        if !keys.indices.dropFirst().allSatisfy({ JSONTextWriter.less(keys[$0 - 1], keys[$0]) }) {
            order.sort { a, b in
                keys[a] == keys[b] ? a < b : JSONTextWriter.less(keys[a], keys[b])
            }
            order = order.indices.filter { $0 + 1 == order.count || keys[order[$0]] != keys[order[$0 + 1]] }.map {
                order[$0]
            }
        }
        lastKeys = keys
        lastOrder = order
        return (order, lastKeyText)
    }

    private mutating func writeObject(keys: [String], values: [JSONNode], depth: Int) {
        if keys.isEmpty { writeEmpty(open: 0x7B, close: 0x7D, depth: depth); return }
        // Held here: a nested object replaces the writer's cached keys.
        let (order, keyText) = keyOrder(keys)
        bytes.append(0x7B)
        for (k, i) in order.enumerated() {
            if k > 0 { bytes.append(0x2C) }
            if pretty { newline(depth + 1) }
            bytes.append(contentsOf: keyText[i])
            write(values[i], depth: depth + 1)
        }
        if pretty { newline(depth) }
        bytes.append(0x7D)
    }

    private static func less(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private mutating func writeEmpty(open: UInt8, close: UInt8, depth: Int) {
        bytes.append(open)
        if pretty { bytes.append(0x0A); newline(depth) }
        bytes.append(close)
    }

    private static let spaces = [UInt8](repeating: 0x20, count: 64)

    private mutating func newline(_ depth: Int) {
        bytes.append(0x0A)
        var left = 2 * depth
        while left > 0 {
            let n = min(left, JSONTextWriter.spaces.count)
            bytes.append(contentsOf: JSONTextWriter.spaces[0..<n])
            left -= n
        }
    }

    private mutating func append(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// `description` without a trailing `.0` (as `JSONEncoder` writes numbers).
    private mutating func writeTrimmed(_ s: String) {
        let u = s.utf8
        let trailingZero = u.count >= 2 && u.suffix(2).elementsEqual([0x2E, 0x30])
        bytes.append(contentsOf: trailingZero ? u.dropLast(2) : u[...])
    }

    private mutating func writeDouble(_ v: Double) {
        guard v.isFinite else { append("null"); return }
        // Whole numbers below 2^53 print as integers (`description` gives "12.0"; JSON text "12").
        if v == v.rounded(.towardZero) && abs(v) < 9_007_199_254_740_992 && abs(v) >= 1 {
            writeInteger(Int64(v))
            return
        }
        if v == 0 { if v.sign == .minus { append("-0") } else { bytes.append(0x30) }; return }
        writeShortest(v)
    }

    /// Shortest round-trip digits: `Double.description` itself, less a trailing `.0`.
    private mutating func writeShortest(_ v: Double) {
        var text = v.description
        text.withUTF8 { u in
            var end = u.count
            if end >= 2 && u[end - 2] == 0x2E && u[end - 1] == 0x30 { end -= 2 }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[0..<end]))
        }
    }

    private mutating func writeInteger(_ v: Int64) {
        if v < 0 {
            bytes.append(0x2D)
            writeUnsigned(v == .min ? UInt64(1) << 63 : UInt64(-v))
        } else {
            writeUnsigned(UInt64(v))
        }
    }

    private mutating func writeUnsigned(_ v: UInt64) {
        if v < 10 { bytes.append(0x30 + UInt8(v)); return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var k = 20, x = v
            while x > 0 { k -= 1; digits[k] = 0x30 + UInt8(x % 10); x /= 10 }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[k..<20]))
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func writeString(_ s: String) {
        bytes.append(0x22)
        var s = s
        s.withUTF8 { u in
            var runStart = 0
            for i in 0..<u.count {
                let c = u[i]
                let escape: UInt8
                switch c {
                case 0x22: escape = 0x22
                case 0x5C: escape = 0x5C
                case 0x2F: if pretty { continue }; escape = 0x2F
                case 0x0A: escape = 0x6E
                case 0x0D: escape = 0x72
                case 0x09: escape = 0x74
                case 0x08: escape = 0x62
                case 0x0C: escape = 0x66
                case 0..<0x20: escape = 0x75
                default: continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<i]))
                bytes.append(0x5C)
                bytes.append(escape)
                if escape == 0x75 {
                    bytes.append(contentsOf: [
                        0x30, 0x30, JSONTextWriter.hex[Int(c >> 4)], JSONTextWriter.hex[Int(c & 15)],
                    ])
                }
                runStart = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<u.count]))
        }
        bytes.append(0x22)
    }
}
