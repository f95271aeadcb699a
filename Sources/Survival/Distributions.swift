// Placeholder until the accurate implementation lands (same API).
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
public enum Normal {
    public static func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
    public static func survival(_ x: Double) -> Double { 0.5 * erfc(x / 2.0.squareRoot()) }
    public static func twoSidedP(_ z: Double) -> Double { 2 * survival(abs(z)) }
    public static func quantile(_ p: Double) -> Double {
        // bisection placeholder
        var lo = -40.0, hi = 40.0
        for _ in 0..<200 { let m = (lo + hi) / 2; if cdf(m) < p { lo = m } else { hi = m } }
        return (lo + hi) / 2
    }
}
public enum ChiSquared {
    public static func survival(_ x: Double, df: Double) -> Double { IncompleteGamma.q(df / 2, x / 2) }
    public static func cdf(_ x: Double, df: Double) -> Double { IncompleteGamma.p(df / 2, x / 2) }
}
public enum IncompleteGamma {
    public static func p(_ a: Double, _ x: Double) -> Double { 1 - q(a, x) }
    public static func q(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 1 }
        if x < a + 1 {
            var sum = 1 / a, term = 1 / a, ap = a
            for _ in 0..<1000 { ap += 1; term *= x / ap; sum += term; if abs(term) < abs(sum) * 1e-16 { break } }
            return 1 - sum * exp(-x + a * log(x) - lgamma(a))
        }
        var b = x + 1 - a, c = 1 / 1e-300, d = 1 / b, h = d
        for i in 1..<1000 {
            let an = -Double(i) * (Double(i) - a); b += 2
            d = an * d + b; if abs(d) < 1e-300 { d = 1e-300 }
            c = b + an / c; if abs(c) < 1e-300 { c = 1e-300 }
            d = 1 / d; let del = d * c; h *= del
            if abs(del - 1) < 1e-16 { break }
        }
        return exp(-x + a * log(x) - lgamma(a)) * h
    }
}
