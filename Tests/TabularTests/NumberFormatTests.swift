import Foundation
import Testing
@testable import Tabular

/// R's text for the same doubles: Tests/Fixtures/r/number_format.json, written by
/// scripts/fixtures/make-number-format-fixtures.R (`sprintf("%.*f")`, and `format()` of the number rounded
/// by `sprintf("%.*e")` for significant digits).
private struct NumberFormatFixture: Decodable {
    struct Case: Decodable { let x: String; let fixed: [String?]; let significant: [String] }
    let fixed_decimals: [Int]
    let significant_digits: [Int]
    let cases: [Case]

    static let shared: NumberFormatFixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/r/number_format.json")
        do { return try JSONDecoder().decode(NumberFormatFixture.self, from: Data(contentsOf: url)) } catch {
            fatalError("cannot read fixture \(url.path): \(error)")
        }
    }()
}

@Suite struct NumberFormatTests {
    @Test func fixedMatchesRSprintf() throws {
        let f = NumberFormatFixture.shared
        var compared = 0
        for c in f.cases {
            let x = try #require(Double(c.x))
            for (k, d) in f.fixed_decimals.enumerated() {
                guard var expected = c.fixed[k] else { continue }
                // R writes "-0.00" for a negative number that rounds to zero; the formatter writes no sign.
                if expected.hasPrefix("-") && expected.allSatisfy({ "-0.".contains($0) }) { expected.removeFirst() }
                #expect(NumberFormat.fixed(x, d) == expected, "fixed(\(c.x), \(d))")
                compared += 1
            }
        }
        #expect(compared > 5000)
    }

    @Test func significantMatchesRFormatOfRoundedValue() throws {
        let f = NumberFormatFixture.shared
        for c in f.cases {
            let x = try #require(Double(c.x))
            for (k, d) in f.significant_digits.enumerated() {
                #expect(NumberFormat.significant(x, d) == c.significant[k], "significant(\(c.x), \(d))")
            }
        }
    }

    /// The C library's printf rounds the exact binary value with ties to even, the rule stated for
    /// `fixed`: 200,000 random doubles and decimal counts, through the fast path and the exact expansion.
    @Test func fixedMatchesPrintfOnRandomDoubles() {
        var rng = SplitMix(state: 2026)
        for _ in 0..<200_000 {
            let magnitude = Double.random(in: -12...14, using: &rng)
            var x = Foundation.pow(10, magnitude) * (Bool.random(using: &rng) ? 1 : -1)
            if Int.random(in: 0..<4, using: &rng) == 0 {
                // a decimal with a 5 at a rounding place: a hair above or below the tie, or on it
                x = Double(Int.random(in: 0..<1_000_000, using: &rng) * 10 + 5)
                    / Foundation.pow(10, Double(Int.random(in: 1...8, using: &rng)))
            }
            let d = Int.random(in: 0...18, using: &rng)
            var expected = String(format: "%.*f", d, x)
            if expected.hasPrefix("-") && expected.allSatisfy({ "-0.".contains($0) }) { expected.removeFirst() }
            #expect(NumberFormat.fixed(x, d) == expected, "fixed(\(x), \(d))")
        }
    }

    @Test func documentedExamples() {
        #expect(NumberFormat.fixed(2.345, 2) == "2.35")
        #expect(NumberFormat.fixed(0.125, 2) == "0.12")
        #expect(NumberFormat.fixed(0.35, 1) == "0.3")
        #expect(NumberFormat.fixed(1.005, 2) == "1.00")
        #expect(NumberFormat.fixed(2.5, 0) == "2" && NumberFormat.fixed(3.5, 0) == "4")
        #expect(NumberFormat.fixed(-0.04, 1) == "0.0")
        #expect(NumberFormat.fixed(.nan, 1) == "NA" && NumberFormat.fixed(-.infinity, 1) == "-Inf")
        #expect(NumberFormat.fixed(570.44999, 1) == "570.4" && NumberFormat.fixed(0.05, 1) == "0.1")
        #expect(NumberFormat.fixed(1641, 0) == "1641" && NumberFormat.fixed(-2.5, 2) == "-2.50")
        #expect(NumberFormat.fixed(2e15, 1) == "2e+15")
        #expect(NumberFormat.significant(0.0123456) == "0.0123")
        #expect(NumberFormat.significant(123456, 3) == "123000")
        #expect(NumberFormat.significant(1e5, 3) == "1e+05" && NumberFormat.significant(1e-4, 3) == "1e-04")
        #expect(NumberFormat.significant(9.9996, 4) == "10")
        #expect(NumberFormat.pValue(0.0004) == "<0.001" && NumberFormat.pValue(0.0234) == "0.023")
        #expect(NumberFormat.pValueStatement(0.0004) == "P < 0.001")
        #expect(NumberFormat.pValueStatement(0.0234, symbol: "p") == "p = 0.023")
        #expect(NumberFormat.percent(0.4614) == "46.1")
        #expect(
            NumberFormat.trimmed(12.50, maxDecimals: 2) == "12.5"
                && NumberFormat.trimmed(99.996, maxDecimals: 2) == "100")
        #expect(NumberFormat.trimmed(-0.001, maxDecimals: 2) == "0")
        #expect(NumberFormat.plain(1e20) == "100000000000000000000")
        #expect(NumberFormat.plain(1.5e-5) == "0.000015" && NumberFormat.plain(-2.5e-7) == "-0.00000025")
        #expect(NumberFormat.plain(0.05) == "0.05" && NumberFormat.plain(3) == "3" && NumberFormat.plain(1.5) == "1.5")
        #expect(
            NumberFormat.shortest(1e-5) == "1e-05" && NumberFormat.shortest(42) == "42"
                && NumberFormat.shortest(0.1) == "0.1")
        #expect(
            NumberFormat.integer(7, minimumDigits: 2) == "07" && NumberFormat.integer(-7, minimumDigits: 3) == "-007")
        #expect(NumberFormat.integer(2024, minimumDigits: 2) == "2024")
    }

    /// `plain` reads back as exactly the value, for doubles of every magnitude.
    @Test func plainRoundTrips() {
        var rng = SplitMix(state: 1202)
        for _ in 0..<20_000 {
            let x = Double(bitPattern: UInt64.random(in: 0..<0x7FF0_0000_0000_0000, using: &rng))
            #expect(DecimalNumber.parse(NumberFormat.plain(x)) == x, "plain(\(x))")
            #expect(DecimalNumber.parse(NumberFormat.plain(-x)) == -x)
        }
    }
}

extension SplitMix: RandomNumberGenerator {}
