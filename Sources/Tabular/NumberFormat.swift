/// The one number formatter: every number the package writes as text for people (tables, reports,
/// messages, labels, plan YAML, SVG coordinates) goes through it. JSON keeps full precision and is
/// written by the JSON encoder.
///
/// **Rounding rule.** A number is rounded from its exact binary value, never from an already rounded
/// product: `0.35` is stored as 0.34999999999999997779…, so one decimal gives `"0.3"`; `1.005` is
/// stored as 1.00499999999999989…, so two decimals give `"1.00"`. A value exactly halfway between two
/// candidates (only possible when it is exactly representable, such as `0.125` or `2.5`) goes to the one
/// whose last digit is even: `"0.12"`, `"2"`. This is the rule of C's `printf`, R's `sprintf` and
/// `round`, and IEEE 754's default, so every number here can be checked against R character for
/// character. (R's `signif` differs near ties: it rounds x·10^k after that product has itself been
/// rounded, so `signif(500.15, 4)` is 500.2 though the double 500.15 is 500.14999999999997726…;
/// ``significant(_:_:)`` follows `sprintf("%.3e")` and `round()` and gives `"500.1"`.) A negative number
/// that rounds to zero is written without a sign (`"0.0"`, not `"-0.0"`). The text does not depend on the
/// locale or the platform's `printf`.
///
/// Missing and infinite values are written as R writes them: `"NA"`, `"Inf"`, `"-Inf"`.
///
/// ```swift
/// NumberFormat.fixed(2.345, 2)          // "2.35" (2.345 is stored as 2.34500000000000019…)
/// NumberFormat.fixed(0.125, 2)          // "0.12" (an exact tie: to even)
/// NumberFormat.significant(0.0123456)   // "0.0123"
/// NumberFormat.significant(123456, 3)   // "123000"
/// NumberFormat.pValue(0.0004)           // "<0.001"
/// NumberFormat.plain(1.5e-5)            // "0.000015"
/// ```
public enum NumberFormat {
    /// `value` with exactly `decimals` digits after the point, as R's `sprintf("%.*f", decimals, value)`
    /// writes it (but never `"-0"`); values of magnitude 1e15 and above are written as
    /// ``significant(_:_:)`` with 3 digits would (in exponent form), since their digits past the
    /// 16th are not meaningful.
    ///
    /// - Parameters:
    ///   - value: The number.
    ///   - decimals: Digits after the point, 0 or more.
    /// - Returns: `"12.30"` for `(12.3, 2)`; `"NA"`, `"Inf"` or `"-Inf"` for non-finite values.
    /// - Complexity: O(1) for |`value`| ≥ 1e-280 and `decimals` ≤ 15; otherwise proportional to the number of
    ///   decimal digits of `value`'s exact binary expansion (at most about 770).
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        precondition(decimals >= 0, "decimals must not be negative")
        if let special = nonFinite(value) { return special }
        let magnitude = abs(value)
        if magnitude >= 1e15 { return exponential(ExactDecimal(magnitude), digits: 3, negative: value < 0) }
        if let (whole, fraction) = fastFixed(magnitude, decimals) {
            let negative = value < 0 && (whole != 0 || fraction != 0)
            var text = (negative ? "-" : "") + String(whole)
            if decimals > 0 { text += "." + zeroPadded(fraction, decimals) }
            return text
        }
        var d = ExactDecimal(magnitude)
        d.round(keeping: d.point + decimals)
        let negative = value < 0 && !d.isZero
        return (negative ? "-" : "") + d.fixedText(decimals: decimals)
    }

    /// `value` rounded to `digits` significant digits (by the rule above) and written as R's `format()`
    /// writes the rounded number: trailing zeros dropped, and exponent form (`"1.2e-05"`, `"1e+05"`) when that is
    /// narrower than the fixed form, as R decides with its default `scipen = 0`.
    ///
    /// - Parameters:
    ///   - value: The number.
    ///   - digits: Significant digits, 1 to 15.
    /// - Returns: `"0.0123"` for `(0.0123456, 3)`, `"123000"` for `(123456, 3)`; `"NA"`, `"Inf"` or
    ///   `"-Inf"` for non-finite values.
    /// - Complexity: Proportional to the number of decimal digits of `value`'s exact binary expansion (about
    ///   50 for values near 1, at most about 770).
    public static func significant(_ value: Double, _ digits: Int = 3) -> String {
        precondition((1...15).contains(digits), "significant digits must be 1 to 15")
        if let special = nonFinite(value) { return special }
        if value == 0 { return "0" }
        var d = ExactDecimal(abs(value))
        d.round(keeping: digits)
        d.trimTrailingZeros()
        let negative = value < 0
        let kept = d.digits.count            // significant digits shown (≥ 1)
        let power = d.point - 1              // decimal exponent of the first digit
        let sign = negative ? 1 : 0
        let fixedWidth = sign + max(power + 1, 1) + (kept - power - 1 > 0 ? kept - power : 0)
        let exponentWidth = sign + (kept > 1 ? kept + 1 : 1) + (abs(power) >= 100 ? 5 : 4)
        if fixedWidth <= exponentWidth {
            return (negative ? "-" : "") + d.fixedText(decimals: max(0, kept - power - 1))
        }
        return exponential(d, digits: kept, negative: negative)
    }

    /// A p-value as clinical tables print it: three decimals, `"<0.001"` below 0.001, `"NA"` when missing.
    ///
    /// - Complexity: O(1).
    public static func pValue(_ p: Double) -> String {
        if p.isNaN { return "NA" }
        return p < 0.001 ? "<0.001" : fixed(p, 3)
    }

    /// A p-value as a sentence states it: `"P = 0.023"`, `"P < 0.001"` (three decimals, as
    /// ``pValue(_:)``), `"P = NA"` when missing.
    ///
    /// - Parameters:
    ///   - p: The p-value.
    ///   - symbol: The letter written before the relation (`"P"` in reports, `"p"` in warnings).
    /// - Complexity: O(1).
    public static func pValueStatement(_ p: Double, symbol: String = "P") -> String {
        if !p.isNaN && p < 0.001 { return symbol + " < 0.001" }
        return symbol + " = " + pValue(p)
    }

    /// A proportion as a percentage with one decimal: `0.4614` → `"46.1"` (no percent sign).
    ///
    /// - Complexity: O(1).
    public static func percent(_ fraction: Double) -> String { fixed(fraction * 100, 1) }

    /// `value` with at most `decimals` digits after the point, trailing zeros and a bare point dropped:
    /// `(12.50, 2)` → `"12.5"`, `(99.996, 2)` → `"100"`; rounded as ``fixed(_:_:)``.
    ///
    /// - Complexity: As ``fixed(_:_:)``.
    public static func trimmed(_ value: Double, maxDecimals decimals: Int) -> String {
        let text = fixed(value, decimals)
        // On the bytes (drawing code calls this for every coordinate of a figure).
        guard value.isFinite, abs(value) < 1e15, text.utf8.contains(0x2E) else { return text }
        var bytes = Array(text.utf8)
        while bytes.last == 0x30 { bytes.removeLast() }
        if bytes.last == 0x2E { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `value` in full: the shortest decimal that reads back as exactly `value`, in plain notation (no
    /// exponent), whole numbers without a point: `0.05`, `3`, `1.5e-5` → `"0.000015"`, `1e20` →
    /// `"100000000000000000000"`. For plan YAML, labels and messages that quote a value.
    ///
    /// - Returns: The text; `"NA"`, `"Inf"` or `"-Inf"` for non-finite values.
    /// - Complexity: O(number of digits written), at most about 330.
    public static func plain(_ value: Double) -> String {
        if let special = nonFinite(value) { return special }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        let s = "\(value)"
        guard let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return s }
        let exponent = Int(s[s.index(after: e)...])!
        var mantissa = String(s[..<e])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0]), frac = parts.count > 1 ? String(parts[1]) : ""
        var digits = intPart + frac
        var point = intPart.count + exponent
        if point <= 0 { digits = String(repeating: "0", count: 1 - point) + digits; point = 1 }
        if point >= digits.count { digits += String(repeating: "0", count: point - digits.count) }
        var result = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
        while result.hasSuffix("0") { result.removeLast() }
        if result.hasSuffix(".") { result.removeLast() }
        return (negative ? "-" : "") + result
    }

    /// `value` in full for machine-read text (CSV cells): whole numbers below 1e15 without a point, others
    /// as the shortest decimal that reads back as exactly `value`, in exponent form when Swift would use
    /// it (`"0.1"`, `"1e-05"`, `"1.5e+20"`).
    ///
    /// - Returns: The text; `"NA"`, `"Inf"` or `"-Inf"` for non-finite values.
    /// - Complexity: O(1).
    public static func shortest(_ value: Double) -> String {
        if let special = nonFinite(value) { return special }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// An integer written with at least `minimumDigits` digits, zeros in front: `(7, 2)` → `"07"`,
    /// `(-7, 3)` → `"-007"`, `(2024, 2)` → `"2024"`.
    ///
    /// - Complexity: O(`minimumDigits` + number of digits).
    public static func integer(_ value: Int, minimumDigits: Int) -> String {
        let digits = String(value.magnitude)
        return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, minimumDigits - digits.count)) + digits
    }

    // MARK: - Implementation

    private static func nonFinite(_ value: Double) -> String? {
        if value.isNaN { return "NA" }
        if value.isInfinite { return value > 0 ? "Inf" : "-Inf" }
        return nil
    }

    private static func zeroPadded(_ n: UInt64, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// `magnitude` (finite, 0 ≤ magnitude < 1e15) rounded to `decimals` places under the rule above, as
    /// whole part and fraction digits; `nil` when the fast path does not apply (then the exact expansion is
    /// used). The fraction f = magnitude − ⌊magnitude⌋ is exact; f·10^d = p + e exactly (p the rounded
    /// product, e its error from a fused multiply-add, |e| ≤ ulp(p)/2 because 10^d is an exact double
    /// for d ≤ 22), and the comparison with the halfway point is decided on p and e without rounding.
    private static func fastFixed(_ magnitude: Double, _ decimals: Int) -> (UInt64, UInt64)? {
        guard decimals <= 15, magnitude == 0 || magnitude >= 1e-280 else { return nil }
        var whole = magnitude.rounded(.down)
        let fraction = magnitude - whole
        let scale = powersOfTen[decimals]
        let p = fraction * scale
        let e = (-p).addingProduct(fraction, scale)   // exact: fraction·10^d − p
        let a = p.rounded(.down)
        let fa = p - a                      // exact: a and p share p's grid (ulp(p) ≤ 1/2 as p < 10^15)
        var n = UInt64(a)
        if fa != 0 {
            let c = fa - 0.5                // exact when fa ≥ 1/4; clearly negative otherwise
            let up: Bool
            if c > 0 { up = true } else if c < 0 { up = false } else if e != 0 { up = e > 0 } else {
                // An exact tie: to the even last digit of the whole result.
                let last = decimals == 0 ? UInt64(whole) : n
                up = last % 2 == 1
            }
            if up { n += 1 }
        }
        // fa == 0: the product is a whole number to within |e| ≤ 1/4, which rounds to it.
        if n == UInt64(scale) { n = 0; whole += 1 }
        if decimals == 0 { return (UInt64(whole) + n, 0) }
        return (UInt64(whole), n)
    }

    private static let powersOfTen: [Double] = (0...22).map { k in
        var r = 1.0
        for _ in 0..<k { r *= 10 }
        return r
    }

    /// R's exponent form of an already rounded decimal: mantissa digits with trailing zeros dropped, then
    /// `e`, a sign and at least two exponent digits (`"1.23e-05"`, `"1e+100"`).
    private static func exponential(_ decimal: ExactDecimal, digits: Int, negative: Bool) -> String {
        var d = decimal
        d.round(keeping: digits)
        d.trimTrailingZeros()
        let power = d.point - 1
        var mantissa = String(UnicodeScalar(48 + d.digits[0]))
        if d.digits.count > 1 {
            mantissa += "." + String(String.UnicodeScalarView(d.digits.dropFirst().map { UnicodeScalar(48 + $0) }))
        }
        let exponent = (power < 0 ? "-" : "+") + zeroPadded(UInt64(abs(power)), 2)
        return (negative ? "-" : "") + mantissa + "e" + exponent
    }
}

/// The exact decimal expansion of a finite non-negative double: value = 0.d₁d₂d₃… × 10^point, digits
/// most significant first, no leading zeros, no trailing zeros (empty for zero).
struct ExactDecimal {
    var digits: [UInt8]
    var point: Int

    var isZero: Bool { digits.isEmpty }

    /// The expansion of `x` (finite, ≥ 0): x = M·2^E exactly; for E ≥ 0 the digits of M·2^E, for E < 0
    /// those of M·5^(−E) with the point moved −E places left (M·2^E = M·5^(−E) / 10^(−E)).
    init(_ x: Double) {
        precondition(x.isFinite && x >= 0)
        if x == 0 { digits = []; point = 0; return }
        var m = x.significandBitPattern
        var e: Int
        if x.exponentBitPattern == 0 { e = -1074 } else { m |= 1 << 52; e = Int(x.exponentBitPattern) - 1075 }
        let zeros = m.trailingZeroBitCount
        m >>= UInt64(zeros); e += zeros
        var n = BigNatural(m)
        if e >= 0 {
            n.shiftLeft(e)
            digits = n.decimalDigits()
            point = digits.count
        } else {
            n.multiply(byPowerOfFive: -e)
            digits = n.decimalDigits()
            point = digits.count + e
        }
        trimTrailingZeros()
    }

    mutating func trimTrailingZeros() {
        while let last = digits.last, last == 0 { digits.removeLast() }
        if digits.isEmpty { point = 0 }
    }

    /// Rounds to the first `keep` digits (an absolute position: `point + d` keeps d decimals), ties to even.
    mutating func round(keeping keep: Int) {
        guard keep < digits.count else { return }
        if keep < 0 { digits = []; point = 0; return }
        let next = digits[keep]
        let restNonZero = digits[(keep + 1)...].contains { $0 != 0 }
        let lastKept = keep > 0 ? digits[keep - 1] : 0
        let up = next > 5 || (next == 5 && (restNonZero || lastKept % 2 == 1))
        digits.removeSubrange(keep...)
        if up {
            var i = keep - 1
            while i >= 0 && digits[i] == 9 { digits[i] = 0; i -= 1 }
            if i >= 0 { digits[i] += 1 } else { digits.insert(1, at: 0); point += 1 }
        }
        trimTrailingZeros()
    }

    /// The value in fixed notation with exactly `decimals` decimals (already rounded to them).
    func fixedText(decimals: Int) -> String {
        var out: [UInt8] = []
        if point <= 0 { out.append(0) } else {
            for i in 0..<point { out.append(i < digits.count ? digits[i] : 0) }
        }
        var text = String(String.UnicodeScalarView(out.map { UnicodeScalar(48 + $0) }))
        if decimals > 0 {
            var fraction: [UInt8] = []
            for k in 0..<decimals {
                let i = point + k
                fraction.append(i >= 0 && i < digits.count ? digits[i] : 0)
            }
            text += "." + String(String.UnicodeScalarView(fraction.map { UnicodeScalar(48 + $0) }))
        }
        return text
    }
}

/// A natural number of any size, as 32-bit limbs (least significant first): just what ``ExactDecimal``
/// needs.
struct BigNatural {
    var limbs: [UInt32]

    init(_ v: UInt64) { limbs = [UInt32(truncatingIfNeeded: v), UInt32(truncatingIfNeeded: v >> 32)]; normalize() }

    private mutating func normalize() { while let last = limbs.last, last == 0 { limbs.removeLast() } }

    mutating func multiply(by factor: UInt32) {
        var carry: UInt64 = 0
        for i in limbs.indices {
            let t = UInt64(limbs[i]) * UInt64(factor) + carry
            limbs[i] = UInt32(truncatingIfNeeded: t)
            carry = t >> 32
        }
        if carry != 0 { limbs.append(UInt32(carry)) }
    }

    /// Multiplies by 5^k in steps of 5^13 (the largest power of five below 2^32).
    mutating func multiply(byPowerOfFive k: Int) {
        var k = k
        while k >= 13 { multiply(by: 1_220_703_125); k -= 13 }
        var f: UInt32 = 1
        for _ in 0..<k { f *= 5 }
        if f > 1 { multiply(by: f) }
    }

    mutating func shiftLeft(_ bits: Int) {
        let whole = bits / 32, part = bits % 32
        if part > 0 {
            var carry: UInt32 = 0
            for i in limbs.indices {
                let v = limbs[i]
                limbs[i] = (v << UInt32(part)) | carry
                carry = v >> UInt32(32 - part)
            }
            if carry != 0 { limbs.append(carry) }
        }
        if whole > 0 { limbs.insert(contentsOf: repeatElement(0, count: whole), at: 0) }
    }

    /// The decimal digits, most significant first (by repeated division by 10^9).
    func decimalDigits() -> [UInt8] {
        var n = limbs
        var chunks: [UInt32] = []
        while !n.isEmpty {
            var remainder: UInt64 = 0
            for i in n.indices.reversed() {
                let t = (remainder << 32) | UInt64(n[i])
                n[i] = UInt32(t / 1_000_000_000)
                remainder = t % 1_000_000_000
            }
            chunks.append(UInt32(remainder))
            while let last = n.last, last == 0 { n.removeLast() }
        }
        var out: [UInt8] = []
        for (k, chunk) in chunks.reversed().enumerated() {
            var c = chunk
            var nine = [UInt8](repeating: 0, count: 9)
            for j in stride(from: 8, through: 0, by: -1) { nine[j] = UInt8(c % 10); c /= 10 }
            if k == 0 { out += nine.drop { $0 == 0 } } else { out += nine }
        }
        return out
    }
}
