import RealModule

// Distributions.swift — the standard normal and chi-square distributions, and the regularized
// incomplete gamma function they rest on. Pure functions of doubles; no state, thread-safe.
//
// Accuracy, measured against mpmath at 60 digits (Tests/Fixtures/distributions.json, written by
// scripts/fixtures/make-distribution-fixtures.py); relative errors, worst case over the grid:
//   Normal.cdf / survival   2e-15 for results down to 1e-300 (x ≥ −37); below that, subnormal.
//   Normal.quantile         8e-16 for p in [1e-300, 1 − 2⁻⁵³].
//   ChiSquared (df 1…100, x 1e-8…1500)   7e-14 for results down to 1e-300.
//   IncompleteGamma (a 0.01…1000)        1e-13; 2e-13 for Q when a < 1 and x < 1 (Q = 1 − P there).


// MARK: - Normal

/// The standard normal distribution N(0, 1).
public enum Normal {
    /// 1/√(2π).
    static let invSqrt2Pi = 0.398_942_280_401_432_677_939_946_059_934_381_868_5

    /// Standard normal cumulative distribution function Φ(x) = ∫₋∞ˣ φ(t) dt.
    ///
    /// ```swift
    /// Normal.cdf(1.959963984540054)   // 0.975
    /// Normal.cdf(-38)                 // 2.885428360068784e-316 (subnormal)
    /// ```
    ///
    /// For |x| < 0.75 the result is ½ + φ(x)·Σₖ x^(2k+1)/(1·3·…·(2k+1)) (all terms positive); beyond,
    /// the tail is φ(|x|)·R(|x|) with the Mills ratio R from its continued fraction
    /// R(x) = 1/(x + 1/(x + 2/(x + 3/(x + …)))). The exponent x²/2 of φ is carried exactly
    /// (a fused multiply-add gives the rounding error of x·x), so far tails keep full relative
    /// accuracy (~1e-15) down to Φ ≈ 1e-300; below that the result is subnormal.
    ///
    /// - Parameter x: Any double. `-infinity` → 0, `+infinity` → 1, NaN → NaN.
    /// - Returns: Φ(x) in [0, 1].
    /// - Complexity: O(1); at most a few hundred arithmetic operations (fewest in the far tails).
    public static func cdf(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x < 0 { return upperTail(-x) }
        return 1 - upperTail(x)
    }

    /// Upper-tail probability 1 − Φ(x) = Φ(−x), computed without cancellation.
    ///
    /// ```swift
    /// Normal.survival(8)       // 6.220960574271785e-16
    /// Normal.survival(-1)      // 0.8413447460685429
    /// ```
    ///
    /// - Parameter x: Any double. `+infinity` → 0, `-infinity` → 1, NaN → NaN.
    /// - Returns: 1 − Φ(x) in [0, 1], with full relative accuracy when it is small.
    /// - Complexity: O(1).
    public static func survival(_ x: Double) -> Double {
        cdf(-x)
    }

    /// Standard normal quantile Φ⁻¹(p): the x with Φ(x) = p.
    ///
    /// ```swift
    /// Normal.quantile(0.975)    // 1.959963984540054
    /// Normal.quantile(1e-300)   // -37.04709629936120
    /// ```
    ///
    /// Wichura's algorithm AS 241 (PPND16; *Applied Statistics* 37:477–484, 1988): a rational
    /// approximation of degree 7 in (p − ½)² for |p − ½| ≤ 0.425, and in r − 1.6 or r − 5 with
    /// r = √(−log min(p, 1 − p)) in the tails; relative error about 1e-16.
    ///
    /// - Parameter p: A probability. p = 0 → `-infinity`, p = 1 → `+infinity`; p outside [0, 1] or
    ///   NaN → NaN.
    /// - Returns: Φ⁻¹(p).
    /// - Complexity: O(1).
    public static func quantile(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            let num = (((((((2.509_080_928_730_122_672_7e3 * r + 3.343_057_558_358_812_810_5e4) * r
                + 6.726_577_092_700_870_085_3e4) * r + 4.592_195_393_154_987_145_7e4) * r
                + 1.373_169_376_550_946_112_5e4) * r + 1.971_590_950_306_551_442_7e3) * r
                + 1.331_416_678_917_843_774_5e2) * r + 3.387_132_872_796_366_608_0)
            let den = (((((((5.226_495_278_852_854_561_0e3 * r + 2.872_908_573_572_194_267_4e4) * r
                + 3.930_789_580_009_271_061_0e4) * r + 2.121_379_430_158_659_586_7e4) * r
                + 5.394_196_021_424_751_107_7e3) * r + 6.871_870_074_920_579_083_0e2) * r
                + 4.231_333_070_160_091_125_2e1) * r + 1.0)
            return q * num / den
        }
        // Tails: r = √(−log(min(p, 1 − p))). For p > ½, 1 − p is exact (Sterbenz).
        var r = (-Double.log(q < 0 ? p : 1 - p)).squareRoot()
        let x: Double
        if r <= 5 {
            r -= 1.6
            let num = (((((((7.745_450_142_783_414_076_4e-4 * r + 2.272_384_498_926_918_458_33e-2) * r
                + 2.417_807_251_774_506_117_7e-1) * r + 1.270_458_252_452_368_382_58) * r
                + 3.647_848_324_763_204_605_04) * r + 5.769_497_221_460_691_405_5) * r
                + 4.630_337_846_156_545_295_9) * r + 1.423_437_110_749_683_577_34)
            let den = (((((((1.050_750_071_644_416_843_24e-9 * r + 5.475_938_084_995_344_946e-4) * r
                + 1.519_866_656_361_645_719_66e-2) * r + 1.481_039_764_274_800_745_9e-1) * r
                + 6.897_673_349_851_000_045_5e-1) * r + 1.676_384_830_183_803_849_4) * r
                + 2.053_191_626_637_758_821_87) * r + 1.0)
            x = num / den
        } else {
            r -= 5
            let num = (((((((2.010_334_399_292_288_132_65e-7 * r + 2.711_555_568_743_487_578_15e-5) * r
                + 1.242_660_947_388_078_438_6e-3) * r + 2.653_218_952_657_612_309_3e-2) * r
                + 2.965_605_718_285_048_912_3e-1) * r + 1.784_826_539_917_291_335_8) * r
                + 5.463_784_911_164_114_369_9) * r + 6.657_904_643_501_103_777_2)
            let den = (((((((2.044_263_103_389_939_785_64e-15 * r + 1.421_511_758_316_445_888_7e-7) * r
                + 1.846_318_317_510_054_681_8e-5) * r + 7.868_691_311_456_132_591e-4) * r
                + 1.487_536_129_085_061_485_25e-2) * r + 1.369_298_809_227_358_053_1e-1) * r
                + 5.998_322_065_558_879_376_9e-1) * r + 1.0)
            x = num / den
        }
        return q < 0 ? -x : x
    }

    /// Two-sided p-value of a standard normal statistic: 2·(1 − Φ(|z|)).
    ///
    /// ```swift
    /// Normal.twoSidedP(1.959963984540054)   // 0.05
    /// Normal.twoSidedP(0)                    // 1
    /// ```
    ///
    /// - Parameter z: A z statistic (e.g. a Wald statistic β̂/SE). ±infinity → 0, NaN → NaN.
    /// - Returns: 2·Φ(−|z|) in [0, 1], accurate in the far tail (no 1 − Φ cancellation).
    /// - Complexity: O(1).
    public static func twoSidedP(_ z: Double) -> Double {
        if z.isNaN { return .nan }
        return 2 * upperTail(abs(z))
    }

    /// 1 − Φ(x) for x ≥ 0 (also correct for x = +infinity).
    static func upperTail(_ x: Double) -> Double {
        if x == .infinity { return 0 }
        if x > 38.5 { return 0 }  // Φ(−38.5) ≈ 2.6e-326 rounds to zero.
        if x < 0.75 {
            // ½ − φ(x)·S(x), S(x) = x + x³/3 + x⁵/15 + … (terms positive; loses < 1 bit for x < 0.75).
            return 0.5 - density(x) * centralSeries(x)
        }
        return density(x) * millsRatio(x)
    }

    /// φ(x) = exp(−x²/2)/√(2π) with x²/2 carried in double-double, so exp's argument is exact to
    /// ~1e-32 relative and φ has ~1 ulp relative error even at x = 38.
    static func density(_ x: Double) -> Double {
        let hi = x * x
        let lo = (-hi).addingProduct(x, x)  // exact rounding error of x·x (fma)
        // exp(−(hi + lo)/2) = exp(−hi/2)·exp(−lo/2), |lo/2| ≤ ulp(hi)/4, so exp(−lo/2) ≈ 1 − lo/2.
        // The factor < 1 multiplies last, so a subnormal exp(−hi/2) is rounded only once more.
        return Double.exp(-hi / 2) * (invSqrt2Pi * (1 - lo / 2))
    }

    /// S(x) = Σₖ x^(2k+1)/(2k+1)!!, so that Φ(x) = ½ + φ(x)·S(x).
    static func centralSeries(_ x: Double) -> Double {
        let x2 = x * x
        var term = x
        var sum = x
        var k = 1.0
        while true {
            term *= x2 / (2 * k + 1)
            let next = sum + term
            if next == sum { break }
            sum = next
            k += 1
        }
        return sum
    }

    /// Mills ratio R(x) = (1 − Φ(x))/φ(x) for x ≥ 0.75, by the continued fraction
    /// R(x) = 1/(x + 1/(x + 2/(x + 3/(x + …)))) evaluated with the modified Lentz method.
    static func millsRatio(_ x: Double) -> Double {
        let tiny = 1e-300
        var f = x
        var c = x
        var d = 0.0
        var k = 1.0
        while k < 5000 {
            d = x + k * d
            if d == 0 { d = tiny }
            c = x + k / c
            if c == 0 { c = tiny }
            d = 1 / d
            let delta = c * d
            f *= delta
            if abs(delta - 1) < 1e-16 { break }
            k += 1
        }
        return 1 / f
    }
}

// MARK: - Chi-square

/// The chi-square distribution χ²(df).
public enum ChiSquared {
    /// Upper-tail probability P(X > x) for X ~ χ²(df): Q(df/2, x/2), the regularized upper
    /// incomplete gamma function.
    ///
    /// ```swift
    /// ChiSquared.survival(3.841458820694124, df: 1)   // 0.05
    /// ChiSquared.survival(1500, df: 100)              // 2.525432028886370e-248
    /// ```
    ///
    /// This is the p-value of a chi-square test statistic (log-rank, Wald, score, likelihood-ratio).
    ///
    /// - Parameters:
    ///   - x: The statistic. x ≤ 0 → 1; `+infinity` → 0; NaN → NaN.
    ///   - df: Degrees of freedom, > 0 and finite (need not be an integer). df = 0 is the point
    ///     mass at 0 (result 0 for x ≥ 0, as R's `pchisq(x, 0, lower.tail = FALSE)`). Negative,
    ///     infinite or NaN df → NaN.
    /// - Returns: P(X > x), with full relative accuracy (~1e-13) when it is tiny (down to ~1e-300).
    /// - Complexity: O(√df) iterations near x ≈ df, O(1) far from it; see ``IncompleteGamma``.
    public static func survival(_ x: Double, df: Double) -> Double {
        if x.isNaN || df.isNaN || df < 0 || df.isInfinite { return .nan }
        if x <= 0 { return 1 }
        if df == 0 { return 0 }
        return IncompleteGamma.q(df / 2, x / 2)
    }

    /// Cumulative distribution function P(X ≤ x) for X ~ χ²(df): P(df/2, x/2).
    ///
    /// ```swift
    /// ChiSquared.cdf(3.841458820694124, df: 1)   // 0.95
    /// ChiSquared.cdf(1e-8, df: 2)                // 4.99999998750e-09
    /// ```
    ///
    /// - Parameters:
    ///   - x: The value. x ≤ 0 → 0 (except df = 0, where P(X ≤ 0) = 1); `+infinity` → 1; NaN → NaN.
    ///   - df: Degrees of freedom, ≥ 0 and finite; otherwise NaN.
    /// - Returns: P(X ≤ x), with full relative accuracy when it is tiny.
    /// - Complexity: as ``survival(_:df:)``.
    public static func cdf(_ x: Double, df: Double) -> Double {
        if x.isNaN || df.isNaN || df < 0 || df.isInfinite { return .nan }
        if df == 0 { return x >= 0 ? 1 : 0 }
        if x <= 0 { return 0 }
        return IncompleteGamma.p(df / 2, x / 2)
    }
}

// MARK: - Incomplete gamma

/// The regularized incomplete gamma functions
/// P(a, x) = γ(a, x)/Γ(a) = (1/Γ(a)) ∫₀ˣ t^(a−1) e^(−t) dt and Q(a, x) = 1 − P(a, x).
///
/// Both share the factor x^a·e^(−x)/Γ(a), computed as √(a/2π)·exp(−D − S(a)) with
/// D = a·log(a/x) + x − a evaluated by a series when x ≈ a (Loader's deviance trick) and S(a) the
/// Stirling-series remainder of log Γ(a) — so the exponent carries no catastrophic cancellation.
/// For x < a + 1 (x < 1 when a < 1), P comes from the series
/// P = x^a e^(−x)/Γ(a+1) · Σₙ xⁿ/((a+1)…(a+n)) and Q = 1 − P; otherwise Q comes from Legendre's
/// continued fraction (modified Lentz) and P = 1 − Q. So a tiny P or Q is computed directly, not as
/// a difference (Numerical Recipes §6.2 describes the same split; DiDonato & Morris, ACM TOMS 12,
/// 1986, and R's `pgamma` add asymptotic expansions for very large a, not needed here).
public enum IncompleteGamma {
    /// Regularized lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a).
    ///
    /// ```swift
    /// IncompleteGamma.p(1, 2)      // 1 − e⁻² = 0.8646647167633873
    /// IncompleteGamma.p(0.5, 2)    // erf(√2) = 0.9544997361036416
    /// ```
    ///
    /// - Parameters:
    ///   - a: Shape, > 0 and finite; otherwise NaN.
    ///   - x: Upper limit of integration, ≥ 0. x = 0 → 0, `+infinity` → 1; x < 0 or NaN → NaN.
    /// - Returns: P(a, x) in [0, 1]; relative error ~1e-13 or better (when P is tiny, too).
    /// - Complexity: O(1) far from the transition x ≈ a; about O(√a) iterations near it.
    ///   Intended for a up to ~1e5.
    public static func p(_ a: Double, _ x: Double) -> Double {
        guard let (lower, _) = both(a, x) else { return .nan }
        return lower
    }

    /// Regularized upper incomplete gamma function Q(a, x) = Γ(a, x)/Γ(a) = 1 − P(a, x).
    ///
    /// ```swift
    /// IncompleteGamma.q(1, 2)       // e⁻² = 0.1353352832366127
    /// IncompleteGamma.q(0.5, 700)   // erfc(√700) ≈ 2.1e-306
    /// ```
    ///
    /// - Parameters:
    ///   - a: Shape, > 0 and finite; otherwise NaN.
    ///   - x: Lower limit of integration, ≥ 0. x = 0 → 1, `+infinity` → 0; x < 0 or NaN → NaN.
    /// - Returns: Q(a, x) in [0, 1]; relative error ~1e-13 or better down to ~1e-300.
    /// - Complexity: as ``p(_:_:)``.
    public static func q(_ a: Double, _ x: Double) -> Double {
        guard let (_, upper) = both(a, x) else { return .nan }
        return upper
    }

    /// (P, Q), each computed directly where it is the smaller one; nil for invalid arguments.
    static func both(_ a: Double, _ x: Double) -> (Double, Double)? {
        if a.isNaN || x.isNaN || !(a > 0) || a.isInfinite || x < 0 { return nil }
        if x == 0 { return (0, 1) }
        if x == .infinity { return (1, 0) }
        // Series below the transition x = a + 1, continued fraction above — for a < 1 already from
        // x = 1 on, where Q is the smaller one and 1 − P would cancel; the CF converges fast there.
        if x < (a < 1 ? 1 : a + 1) {
            let lower = lowerSeries(a, x)
            return (lower, 1 - lower)
        } else {
            let upper = upperContinuedFraction(a, x)
            return (1 - upper, upper)
        }
    }

    /// x^a·e^(−x)/Γ(a) = √(a/2π)·exp(−D(a, x) − S(a)) (see the type's documentation).
    ///
    /// When x ≫ a the exponent is dominated by −x, and rounding −D to a double would cost up to
    /// x·2⁻⁵³ relative error (6e-14 at x = 700). There the exact part is split off:
    /// exp(−D − S) = exp(a − a·log(a/x) − S)·exp(−x/2ᵏ)^(2ᵏ), each factor rounded once.
    static func prefactor(_ a: Double, _ x: Double) -> Double {
        let scale = (a / (2 * Double.pi)).squareRoot()
        let s = stirlingRemainder(a)
        if x > 3 * a {
            let rest = a - a * Double.log(a / x) - s
            if rest < 700 && rest > -700 {
                var piece = x
                var count = 1
                while piece > 700 { piece /= 2; count *= 2 }  // exact halvings
                if count <= 8 {
                    var result = Double.exp(rest) * scale
                    let factor = Double.exp(-piece)
                    for _ in 0..<count { result *= factor }
                    return result
                }
            }
        }
        let exponent = -deviance(a, x) - s
        if exponent < -700 && scale > 1 {
            // Keep the intermediate out of the subnormal range as long as possible.
            return Double.exp(exponent + Double.log(scale))
        }
        return Double.exp(exponent) * scale
    }

    /// D(a, x) = a·log(a/x) + x − a ≥ 0, accurate also when x ≈ a (then a series in v = (a−x)/(a+x):
    /// D = (a−x)·v + 2a·Σⱼ v^(2j+1)/(2j+1)).
    static func deviance(_ a: Double, _ x: Double) -> Double {
        let diff = a - x
        if abs(diff) < 0.1 * (a + x) {
            let v = diff / (a + x)
            var sum = diff * v
            var ej = 2 * a * v
            let v2 = v * v
            var j = 1.0
            while j < 1000 {
                ej *= v2
                let next = sum + ej / (2 * j + 1)
                if next == sum { break }
                sum = next
                j += 1
            }
            return sum
        }
        return a * Double.log(a / x) + x - a
    }

    /// S(a) = log Γ(a) − [(a − ½)·log a − a + ½·log 2π] (Stirling's remainder).
    static func stirlingRemainder(_ a: Double) -> Double {
        let halfLog2Pi = 0.918_938_533_204_672_741_780_329_736_405_617_639_9
        if a >= 15 {
            // Asymptotic series Σ B₂ₖ/(2k(2k−1)a^(2k−1)); the first omitted term is < 3e-16·S(a).
            let r = 1 / a
            let r2 = r * r
            return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680
                - r2 * (1.0 / 1188 - r2 * (691.0 / 360_360 - r2 / 156))))))
        }
        // Shift up: log Γ(a) = log Γ(a + n) − log(a(a+1)…(a+n−1)), with a + n ≥ 15 in the series.
        if a > 1e-8 {
            var shifted = a
            var product = 1.0
            while shifted < 15 {
                product *= shifted
                shifted += 1
            }
            // S(a) = S(a+n) + (a+n−½)log(a+n) − (a−½)log a − n − log(product)
            let n = shifted - a
            return stirlingRemainder(shifted) + (shifted - 0.5) * Double.log(shifted) - (a - 0.5) * Double.log(a)
                - n - Double.log(product)
        }
        let lg = Double.logGamma(a)
        return lg - ((a - 0.5) * Double.log(a) - a + halfLog2Pi)
    }

    /// P(a, x) by its power series; for x < a + 1.
    static func lowerSeries(_ a: Double, _ x: Double) -> Double {
        var term = 1.0
        var sum = 1.0
        var n = 1.0
        let limit = 100 + 50 * a.squareRoot()
        while n < limit * 10 {
            term *= x / (a + n)
            let next = sum + term
            if next == sum { break }
            sum = next
            n += 1
        }
        return prefactor(a, x) / a * sum
    }

    /// Q(a, x) by Legendre's continued fraction
    /// Γ(a,x)/(x^a e^(−x)) = 1/(x+1−a − 1(1−a)/(x+3−a − 2(2−a)/(x+5−a − …))); for x ≥ a + 1.
    static func upperContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var f = d
        var i = 1.0
        let limit = 10 * (100 + 50 * a.squareRoot())
        while i < limit {
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            f *= delta
            if abs(delta - 1) < 1e-16 { break }
            i += 1
        }
        return prefactor(a, x) * f
    }
}
