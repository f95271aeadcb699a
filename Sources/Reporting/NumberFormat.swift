import Foundation

/// Number formatting for human-facing tables (JSON and CSV keep full precision).
public enum NumberFormat {
    /// `value` with `digits` significant digits as R's `format(signif(x, digits))` would show it;
    /// "NA" for NaN, "Inf"/"-Inf" for infinities.
    public static func significant(_ value: Double, _ digits: Int = 3) -> String {
        if value.isNaN { return "NA" }
        if value.isInfinite { return value > 0 ? "Inf" : "-Inf" }
        if value == 0 { return "0" }
        let magnitude = Int((abs(value)).log10Floor)
        if magnitude >= 15 || magnitude < -4 {
            return formatExponential(value, digits)
        }
        let decimals = max(0, digits - 1 - magnitude)
        var s = fixed(value, decimals)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// `value` with exactly `decimals` digits after the point ("NA" for NaN).
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        if value.isNaN { return "NA" }
        if value.isInfinite { return value > 0 ? "Inf" : "-Inf" }
        if abs(value) >= 1e15 { return formatExponential(value, 3) }
        let scale = pow10(decimals)
        let rounded = (abs(value) * scale).rounded() / scale
        let sign = value < 0 && rounded != 0 ? "-" : ""
        let whole = rounded.rounded(.down)
        var s = sign + String(Int64(whole))
        if decimals > 0 {
            let frac = Int64(((rounded - whole) * scale).rounded())
            var f = String(frac)
            while f.count < decimals { f = "0" + f }
            s += "." + f
        }
        return s
    }

    /// A p-value as clinical tables print it: three decimals, "<0.001" below.
    public static func pValue(_ p: Double) -> String {
        if p.isNaN { return "NA" }
        return p < 0.001 ? "<0.001" : fixed(p, 3)
    }

    /// A percentage with one decimal ("46.1").
    public static func percent(_ fraction: Double) -> String { fixed(fraction * 100, 1) }

    private static func pow10(_ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<n { r *= 10 }
        return r
    }

    private static func formatExponential(_ value: Double, _ digits: Int) -> String {
        var exponent = Int(abs(value).log10Floor)
        var mantissa = value / pow(10.0, Double(exponent))
        mantissa = (mantissa * pow10(digits - 1)).rounded() / pow10(digits - 1)
        if abs(mantissa) >= 10 { mantissa /= 10; exponent += 1 }
        var m = fixed(mantissa, digits - 1)
        if m.contains(".") {
            while m.hasSuffix("0") { m.removeLast() }
            if m.hasSuffix(".") { m.removeLast() }
        }
        let e = exponent < 0 ? "-" + (abs(exponent) < 10 ? "0" : "") + String(abs(exponent))
            : "+" + (exponent < 10 ? "0" : "") + String(exponent)
        return m + "e" + e
    }
}

extension Double {
    fileprivate var log10Floor: Double { Foundation.log10(self).rounded(.down) }
}

