/// The one grammar for numbers read from any source: CSV cells, plan values, command-line options.
///
/// A number is a decimal in the C locale, optionally signed, with an optional exponent: `63`, `-1.5`,
/// `.5`, `2.`, `1e-3`, `+4E2`. Not numbers: `inf`, `nan`, hex, digit-group separators, decimal commas,
/// empty text, and values that overflow a double. Conversion is correctly rounded (as `strtod`).
///
/// ```swift
/// DecimalNumber.parse("1.5e3")    // 1500.0
/// DecimalNumber.parse(" 7 ")      // 7.0 (surrounding spaces and tabs ignored)
/// DecimalNumber.parse("6O")       // nil
/// DecimalNumber.parse("1e999")    // nil (overflows)
/// ```
public enum DecimalNumber {
    /// The value of `text` under the grammar above, after trimming spaces and tabs; `nil` if it is not one.
    ///
    /// - Complexity: O(`text.utf8.count`).
    public static func parse<S: StringProtocol>(_ text: S) -> Double? {
        var copy = Array(text.utf8)
        return copy.withUnsafeMutableBufferPointer { m in
            let p = UnsafeBufferPointer(m)
            var s = 0, e = p.count
            while s < e && (p[s] == 0x20 || p[s] == 0x09) { s += 1 }
            while e > s && (p[e - 1] == 0x20 || p[e - 1] == 0x09) { e -= 1 }
            return parseDouble(p, s, e)
        }
    }

    /// `parse(text)` when the value is a whole number that fits in `Int`; `nil` otherwise (`2.5`, `1e300`).
    ///
    /// - Complexity: O(`text.utf8.count`).
    public static func parseInteger<S: StringProtocol>(_ text: S) -> Int? {
        guard let v = parse(text) else { return nil }
        return exactInteger(v)
    }

    /// `v` as an `Int` when it is finite, whole and within `Int`'s range; `nil` otherwise. Use this for
    /// every conversion of a read value to an integer (never `Int(v)`, which traps on `.inf` and `1e300`).
    ///
    /// - Complexity: O(1).
    public static func exactInteger(_ v: Double) -> Int? {
        guard v.isFinite, v == v.rounded(), abs(v) < 0x1p62 else { return nil }
        return Int(v)
    }
}

private let exactPowersOfTen: [Double] =  [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]


/// A C-locale decimal number in p[s..<e] (already trimmed), correctly rounded; nil if the text is
/// not one or the value overflows. Fast path (Clinger): ≤ 15 significant digits and a power of ten
/// ≤ 22 in magnitude need one exact-operand multiplication or division; everything else goes
/// through the standard library's correctly rounded conversion.
func parseDouble(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Double? {
    var i = s
    var negative = false
    if i < e && (p[i] == 0x2B || p[i] == 0x2D) {
        negative = p[i] == 0x2D
        i += 1
    }
    var mantissa: UInt64 = 0
    var significant = 0      // significant digits accumulated (leading zeros skipped)
    var digits = 0           // all mantissa digits seen
    var scale = 0            // power of ten to apply to mantissa
    while i < e, p[i] &- 0x30 < 10 {
        let d = UInt64(p[i] &- 0x30)
        if mantissa != 0 || d != 0 {
            if significant < 19 { mantissa = mantissa &* 10 &+ d } else { scale += 1 }
            significant += 1
        }
        digits += 1
        i += 1
    }
    if i < e && p[i] == 0x2E {
        i += 1
        while i < e, p[i] &- 0x30 < 10 {
            let d = UInt64(p[i] &- 0x30)
            if mantissa != 0 || d != 0 {
                if significant < 19 { mantissa = mantissa &* 10 &+ d; scale -= 1 }
                significant += 1
            } else {
                scale -= 1
            }
            digits += 1
            i += 1
        }
    }
    if digits == 0 { return nil }
    var exponent = 0
    if i < e && (p[i] == 0x65 || p[i] == 0x45) {
        i += 1
        var expNegative = false
        if i < e && (p[i] == 0x2B || p[i] == 0x2D) {
            expNegative = p[i] == 0x2D
            i += 1
        }
        var expDigits = 0
        while i < e, p[i] &- 0x30 < 10 {
            if exponent < 100_000 { exponent = exponent * 10 + Int(p[i] &- 0x30) }
            expDigits += 1
            i += 1
        }
        if expDigits == 0 { return nil }
        if expNegative { exponent = -exponent }
    }
    if i != e { return nil }
    if mantissa == 0 { return negative ? -0.0 : 0.0 }
    let k = scale + exponent
    if significant <= 15 && k >= -22 && k <= 22 {
        let m = Double(mantissa)
        let v = k >= 0 ? m * exactPowersOfTen[k] : m / exactPowersOfTen[-k]
        return negative ? -v : v
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: p[s..<e]), as: UTF8.self)
    guard let v = Double(text), v.isFinite else { return nil }
    return v
}

