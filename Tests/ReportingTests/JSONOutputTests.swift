import Foundation
import Testing
@testable import Reporting

/// The direct JSON writer gives exactly the bytes Foundation's `JSONEncoder` gives (the reference),
/// for hand-picked edge cases and for many random values.
@Suite struct JSONOutputTests {
    /// Empty when equal, else the text around the first difference.
    func difference(_ a: String, _ b: String) -> String {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard
            let i = (0..<min(x.count, y.count)).first(where: { x[$0] != y[$0] })
                ?? (x.count == y.count ? nil : min(x.count, y.count))
        else { return "" }
        let lo = max(0, i - 60)
        defer {
            print(
                "DIFF at \(i):\ndirect: " + String(decoding: x[lo..<min(x.count, i + 60)], as: UTF8.self)
                    + "\nFoundation: " + String(decoding: y[lo..<min(y.count, i + 60)], as: UTF8.self))
        }
        return "direct: " + String(decoding: x[lo..<min(x.count, i + 60)], as: UTF8.self)
            + "\nFoundation: " + String(decoding: y[lo..<min(y.count, i + 60)], as: UTF8.self)
    }

    struct Everything: Encodable {
        var empty: [Int] = []
        var emptyObject: [String: Int] = [:]
        var nested: [[String: [Double]]] = [[:], ["k": []], ["a": [1, 2.5]]]
        var optionalNone: Double? = nil
        var optionalSome: Double? = 0.1
        var nan = Double.nan
        var inf = -Double.infinity
        var text = "a/b\"\\\n\t\r\u{8}\u{c}\u{1}\u{1f}é😀\u{7f}\u{2028}"
        var doubles: [Double] = [1, 0.1, 1e16, 1e-5, 123456789012345680, -0.0, 0, 1.5e300, 5e-324, 0.0001, 2.5,
                                 1e15, 9007199254740992, 9007199254740993, 4503599627370497, 100, -100, 1e21,
                                 123456.789, -1.0 / 3, .greatestFiniteMagnitude, .leastNormalMagnitude,
                                 -.leastNonzeroMagnitude, 0.30000000000000004]
        var ints: [Int] = [0, -5, 7, .max, .min]
        var small: [Int8] = [-128, 127]
        var unsigned: [UInt64] = [0, .max]
        var float: [Float] = [0.1, 3, 1e-5, .nan, 16777216]
        var flag = true
        var keysOutOfOrder: [String: Int] = ["x10": 0, "x2": 1, "a_b": 2, "aB": 3, "Z": 4, "é": 5, "e": 6,
                                             "_a": 7, "b c": 8, "b-c": 9, "": 10]
        var byInt: [Int: String] = [10: "ten", 2: "two", -1: "minus one"]
        var none: Int? = nil
    }

    struct Manual: Encodable {
        enum K: String, CodingKey { case b, a, c }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            var inner = c.nestedContainer(keyedBy: K.self, forKey: .c)
            try c.encode(1, forKey: .b)
            try inner.encode("late", forKey: .a)   // written after a sibling
            var list = c.nestedUnkeyedContainer(forKey: .a)
            try list.encode(2)
            try list.encodeNil()
            try c.encode(3, forKey: .b)            // a key given twice keeps its last value
        }
    }

    struct Row: Encodable {
        var time: Double
        var label: String
        var counts: [Int]
        var nested: [String: Double]
    }

    final class Cell: Encodable {
        let value: Double
        init(_ value: Double) { self.value = value }
    }

    /// Arrays of 4096 elements or more are encoded and written in two halves on two threads: the text is
    /// still Foundation's, for structs, scalars, nested long arrays and class instances, compact and pretty.
    @Test func longArraysMatchFoundation() throws {
        struct Curve: Encodable {
            var rows: [Row]
            var times: [Double]
            var cells: [Cell]
            var grid: [[Double]]
        }
        let n = 3 * JSONOutput.parallelCount + 1
        let curve = Curve(
            rows: (0..<n).map { k in
                Row(time: Double(k) / 7, label: "r\(k)\"", counts: [k, -k], nested: ["b": 1 / Double(k + 1), "a": .nan])
            },
            times: (0..<n).map { Double($0) * 0.1 },
            cells: (0..<JSONOutput.parallelCount).map { Cell(Double($0) / 3) },
            grid: [(0..<n).map { Double($0) }, []])
        for pretty in [false, true] {
            let direct = try JSONOutput.string(curve, pretty: pretty)
            let reference = try JSONOutput.foundationString(curve, pretty: pretty)
            #expect(direct == reference, "\(difference(direct, reference))")
        }
    }

    /// A long array whose elements hold a type that only Foundation encodes (here `Date`) falls back to
    /// Foundation as a whole, from either half.
    @Test func longArraysWithSpecialTypesGoThroughFoundation() throws {
        struct Stamp: Encodable { var at: Date }
        let stamps = (0..<(JSONOutput.parallelCount + 10)).map { Stamp(at: Date(timeIntervalSince1970: Double($0))) }
        let direct = try JSONOutput.string(stamps, pretty: false)
        #expect(direct == (try JSONOutput.foundationString(stamps, pretty: false)))
    }

    @Test func matchesFoundationOnEdgeCases() throws {
        for pretty in [true, false] {
            #expect(
                try difference(
                    JSONOutput.string(Everything(), pretty: pretty),
                    JSONOutput.foundationString(Everything(), pretty: pretty)) == "")
            #expect(
                try difference(
                    JSONOutput.string(Manual(), pretty: pretty), JSONOutput.foundationString(Manual(), pretty: pretty))
                    == "")
            #expect(try JSONOutput.string(2.5, pretty: pretty) == "2.5")
            #expect(try JSONOutput.string([Double.nan], pretty: false) == "[null]")
        }
    }

    @Test func specialTypesGoThroughFoundation() throws {
        struct WithDate: Encodable {
            var d = Date(timeIntervalSinceReferenceDate: 12.5); var u = URL(string: "https://a.b/c")!
        }
        #expect(try JSONOutput.string(WithDate()) == JSONOutput.foundationString(WithDate(), pretty: true))
    }

    @Test func matchesFoundationOnRandomDoubles() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var values: [Double] = []
        for k in 0..<40_000 {
            switch k % 4 {
            case 0: values.append(Double(bitPattern: next()))                          // any bit pattern
            case 1: values.append(Double(next() >> 11) / Double(1 << 53))              // uniform [0, 1)
            case 2: values.append((Double(next() % 2_000_000) - 1_000_000) / 10_000)    // 4 decimals, ± whole numbers
            default: values.append(Double(Int64(bitPattern: next()) >> Int64(next() % 64)))
            }
        }
        for pretty in [true, false] {
            #expect(
                try difference(
                    JSONOutput.string(values, pretty: pretty), JSONOutput.foundationString(values, pretty: pretty))
                    == "")
        }
    }

    @Test func matchesFoundationOnRandomKeysAndStrings() throws {
        var state: UInt64 = 7
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        let alphabet: [Character] = [
            "a", "B", "_", " ", "/", "\"", "\\", "\n", "\u{1}", "é", "e\u{301}", "😀", "1", "0", "-", "z",
        ]
        var dict: [String: String] = [:]
        for _ in 0..<2000 {
            let key = String((0..<Int(next() % 6)).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] })
            let value = String((0..<Int(next() % 8)).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] })
            dict[key] = value
        }
        for pretty in [true, false] {
            #expect(
                try difference(
                    JSONOutput.string(dict, pretty: pretty), JSONOutput.foundationString(dict, pretty: pretty)) == "")
        }
    }
}
