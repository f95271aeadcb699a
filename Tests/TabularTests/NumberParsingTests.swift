import Foundation
import Testing
@testable import Tabular
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Random decimal strings of every kind the fast paths distinguish: short and long mantissas
/// (1–40 digits, so past the 19 that fit a UInt64), leading zeros, points anywhere, exponents across
/// and beyond the whole double range (subnormals, underflow to zero, overflow), exact halfway points
/// between neighbouring doubles, and the edges of the range.
struct DecimalStrings {
    var rng: SplitMix

    mutating func next() -> String {
        switch rng.below(10) {
        case 0...4: return plain()
        case 5: return shortest()
        case 6: return halfway()
        case 7: return nearSubnormal()
        case 8: return edge()
        default: return longDigits()
        }
    }

    mutating func digits(_ n: Int) -> String {
        String((0..<n).map { _ in Character(String(rng.below(10))) })
    }

    /// Random digits, point and exponent.
    mutating func plain() -> String {
        let n = 1 + Int(rng.below(rng.below(2) == 0 ? 19 : 40))
        var d = digits(n)
        if rng.below(2) == 0 { d.insert(".", at: d.index(d.startIndex, offsetBy: Int(rng.below(UInt64(n + 1))))) }
        if rng.below(5) == 0 { d = String(repeating: "0", count: Int(rng.below(5))) + d }
        let sign = ["", "-", "+"][Int(rng.below(3))]
        let exponent: String
        switch rng.below(4) {
        case 0: exponent = ""
        case 1: exponent = "e\(Int(rng.below(45)) - 22)"
        case 2: exponent = "E\(Int(rng.below(700)) - 350)"
        default: exponent = "e\(Int(rng.below(800)) - 400)"
        }
        return sign + d + exponent
    }

    /// A random double written with 17 significant digits, or shortest.
    mutating func shortest() -> String {
        let v = Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF)
        return rng.below(2) == 0 ? "\(v)" : String(format: "%.16e", v)
    }

    /// The exact decimal of the midpoint between two neighbouring doubles (a tie, or a hair off it).
    mutating func halfway() -> String {
        let v = Double(bitPattern: (rng.next() & 0x000F_FFFF_FFFF_FFFF) | (UInt64(900 + rng.below(250)) << 52))
        #if arch(x86_64)
        let mid = (Float80(v) + Float80(v.nextUp)) / 2   // exact in 64 bits of mantissa
        var text = String(format: "%.60Le", mid)
        #else
        var text = String(format: "%.40e", v)
        #endif
        if rng.below(3) == 0, let e = text.firstIndex(of: "e") {
            // Nudge the last mantissa digit: just above or just below the tie.
            let before = text.index(before: e)
            let digit = text[before].wholeNumberValue!
            text.replaceSubrange(before...before, with: String(digit == 9 ? 8 : digit + 1))
        }
        return text
    }

    mutating func nearSubnormal() -> String {
        let v = Double(bitPattern: rng.next() & 0x001F_FFFF_FFFF_FFFF)
        return String(format: rng.below(2) == 0 ? "%.17e" : "%.25e", v)
    }

    mutating func edge() -> String {
        let edges = [
            "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1.797693134862315807e308",
            "1.7976931348623157081e308", "1.79769313486231580793728971405301e308", "2e308", "1e309",
            "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "2.47032822920623272e-324",
            "3e-324", "1e-324", "5e-324", "2.2250738585072011e-308", "2.2250738585072012e-308",
            "2.2250738585072014e-308", "2.225073858507201136057409796709131975934819546351645648e-308",
            "9007199254740993", "9007199254740992.5", "9007199254740993.0000000000000000001", "1e23", "8.41e21",
            "0.000000000000000000000000000000000000000000001e350", "123456789012345678901234567890e-10",
            "7.2057594037927933e16", "4.35679e-5", "1.00000000000000011102230246251565404236316680908203125",
            "1.00000000000000011102230246251565404236316680908203124",
            "1.00000000000000011102230246251565404236316680908203126",
            "0e999", "0.0e-999", "-0", "1e-400", "1e400", "100000000000000000000000e-23",
        ]
        return edges[Int(rng.below(UInt64(edges.count)))]
    }

    mutating func longDigits() -> String {
        let n = 20 + Int(rng.below(60))
        return "\(rng.below(10)).\(digits(n))e\(Int(rng.below(600)) - 300)"
    }
}

/// `strtod`'s answer as our grammar reports it: nil where it overflows to infinity.
func strtodReference(_ text: String) -> Double? {
    let v = text.withCString { strtod($0, nil) }
    return v.isFinite ? v : nil
}

@Suite("Number parsing agrees with strtod")
struct NumberParsingTests {
    /// Cases in the test suite; `POF_NUMBER_CASES` (scripts/check-number-parsing) runs millions.
    static var caseCount: Int {
        ProcessInfo.processInfo.environment["POF_NUMBER_CASES"].flatMap { Int($0) } ?? 200_000
    }

    @Test("bit for bit on random decimal strings: long mantissas, subnormals, huge exponents, ties, edges")
    func randomAgreement() {
        var source = DecimalStrings(rng: SplitMix(state: 20_261_202))
        var mismatches: [String] = []
        let n = Self.caseCount
        for _ in 0..<n {
            let text = source.next()
            let ours = DecimalNumber.parse(text)
            let reference = strtodReference(text)
            if ours?.bitPattern != reference?.bitPattern {
                if mismatches.count < 20 {
                    mismatches.append(
                        "\(text): ours \(String(describing: ours)), strtod \(String(describing: reference))")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }

    @Test("the Eisel–Lemire path decides or declines, never answers wrongly, on its own")
    func eiselLemireDirect() {
        var rng = SplitMix(state: 99)
        var decided = 0
        for _ in 0..<50_000 {
            let w = rng.next() >> UInt64(rng.below(64))
            guard w != 0 else { continue }
            let q = Int(rng.below(700)) - 350
            guard let bits = eiselLemire(w, q) else { continue }
            decided += 1
            let reference = strtod("\(w)e\(q)", nil)
            #expect(bits == reference.bitPattern, "\(w)e\(q)")
        }
        #expect(decided > 45_000)
    }

    @Test("integers and exactInteger")
    func integers() {
        #expect(DecimalNumber.parseInteger(" 42 ") == 42)
        #expect(DecimalNumber.parseInteger("1e3") == 1000)
        #expect(DecimalNumber.parseInteger("2.5") == nil)
        #expect(DecimalNumber.exactInteger(.infinity) == nil)
        #expect(DecimalNumber.exactInteger(1e300) == nil)
        #expect(DecimalNumber.exactInteger(-0.0) == 0)
    }
}
