//
//  SeededGenerator.swift
//  PatternsOfFailure
//
//  A deterministic, seedable pseudo-random number generator (xoshiro256**, seeded through SplitMix64)
//  and the few distributions the cohort simulator needs.
//
//  Reproducibility across platforms. The same seed must give byte-identical output on macOS, Linux
//  and Windows, with any Swift version. Therefore nothing here calls the standard library's random
//  APIs (`shuffle(using:)`, `Int.random(in:using:)` are implementation-defined) or the C maths library
//  (`log`, `exp`, `cos` may differ in the last bit between libm implementations). Logarithm and
//  exponential are written out with IEEE-754 basic operations only (+, −, ×, ÷, which are correctly
//  rounded everywhere), and normal deviates use Marsaglia's polar method (log and square root only;
//  `squareRoot()` is correctly rounded by IEEE-754). Numbers are written with `FixedDecimal`, never
//  with `String(describing:)` of a Double.
//

/// xoshiro256** (Blackman & Vigna, 2018) seeded by SplitMix64: fast, 256 bits of state, and the same
/// sequence on every platform.
///
/// ```swift
/// var g = SeededGenerator(seed: 42)
/// let u = g.uniform()                    // in [0, 1)
/// let k = g.integer(in: 1...6)           // a die
/// var a = [1, 2, 3, 4]; g.shuffle(&a)    // Fisher–Yates
/// ```
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator whose 256-bit state is filled from SplitMix64 started at `seed`.
    /// - Parameter seed: Any 64-bit value (0 included).
    ///
    /// - Complexity: O(1).
    public init(seed: UInt64) {
        var sm = seed
        s0 = SeededGenerator.splitMix64(&sm)
        s1 = SeededGenerator.splitMix64(&sm)
        s2 = SeededGenerator.splitMix64(&sm)
        s3 = SeededGenerator.splitMix64(&sm)
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }   // the all-zero state is a fixed point
    }

    /// An independent stream for one part of a simulation: the seed mixed with the FNV-1a hash of `stream`,
    /// so that changing how many numbers one part draws does not shift the numbers of another part.
    ///
    /// ```swift
    /// var labs = SeededGenerator(seed: 20110501, stream: "labs")
    /// ```
    ///
    /// - Complexity: O(`stream.utf8.count`).
    public init(seed: UInt64, stream: String) {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in stream.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        var sm = seed ^ h
        self.init(seed: SeededGenerator.splitMix64(&sm))
    }

    /// SplitMix64 step (Steele, Lea & Flood 2014; Vigna's reference constants).
    static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state = state &+ 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// The next 64 random bits (xoshiro256**).
    ///
    /// - Complexity: O(1).
    public mutating func next() -> UInt64 {
        let result = SeededGenerator.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = SeededGenerator.rotl(s3, 45)
        return result
    }

    // MARK: Distributions

    /// Uniform on [0, 1) with 53 random bits.
    ///
    /// - Complexity: O(1).
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform on (0, 1]: never 0, for logarithms.
    ///
    /// - Complexity: O(1).
    public mutating func uniformPositive() -> Double { Double((next() >> 11) + 1) * 0x1p-53 }

    /// Uniform on [a, b).
    ///
    /// - Complexity: O(1).
    public mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * uniform() }

    /// A uniformly distributed integer in `range` (Lemire's unbiased multiply-and-reject).
    ///
    /// - Complexity: O(1) expected (a rejection happens with probability below (range count) / 2⁶⁴).
    public mutating func integer(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) &+ 1
        if span == 0 { return Int(truncatingIfNeeded: next()) }   // the whole 64-bit range
        var m = next().multipliedFullWidth(by: span)
        if m.low < span {
            let threshold = (0 &- span) % span
            while m.low < threshold { m = next().multipliedFullWidth(by: span) }
        }
        return range.lowerBound + Int(m.high)
    }

    /// `true` with probability `p`.
    ///
    /// - Complexity: O(1).
    public mutating func bernoulli(_ p: Double) -> Bool { uniform() < p }

    /// Exponential with the given rate (inverse CDF: −log U / rate).
    ///
    /// - Complexity: O(1).
    public mutating func exponential(rate: Double = 1) -> Double {
        -DeterministicMath.log(uniformPositive()) / rate
    }

    /// Standard Gumbel (maximum) deviate: −log(−log U). Adding it to log-weights and keeping the k
    /// largest is weighted sampling without replacement (the "Gumbel-top-k" trick).
    ///
    /// - Complexity: O(1).
    public mutating func gumbel() -> Double {
        var u = uniformPositive()
        if u >= 1 { u = 1 - 0x1p-53 }
        return -DeterministicMath.log(-DeterministicMath.log(u))
    }

    /// Normal deviate by Marsaglia's polar method (uses only log and square root).
    ///
    /// - Complexity: O(1) expected (the polar method accepts a pair with probability π/4).
    public mutating func normal(mean: Double = 0, sd: Double = 1) -> Double {
        while true {
            let x = 2 * uniform() - 1, y = 2 * uniform() - 1
            let r = x * x + y * y
            if r > 0 && r < 1 {
                return mean + sd * x * (-2 * DeterministicMath.log(r) / r).squareRoot()
            }
        }
    }

    /// Fisher–Yates shuffle in place.
    ///
    /// - Complexity: O(`a.count`).
    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = integer(in: 0...i)
            if i != j { a.swapAt(i, j) }
        }
    }

    /// A shuffled copy.
    ///
    /// - Complexity: O(`a.count`).
    public mutating func shuffled<T>(_ a: [T]) -> [T] {
        var b = a
        shuffle(&b)
        return b
    }

    /// An index drawn with probability proportional to `weights` (all ≥ 0, not all 0).
    ///
    /// - Complexity: O(`weights.count`).
    public mutating func weightedIndex(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        precondition(total > 0, "weights must not all be zero")
        var u = uniform() * total
        for (i, w) in weights.enumerated() {
            if u < w { return i }
            u -= w
        }
        return weights.lastIndex(where: { $0 > 0 })!
    }

    /// `k` of the indices `0..<logWeights.count`, sampled without replacement with probabilities
    /// proportional to `exp(logWeights)` (Gumbel-top-k), in the order drawn. Equivalent to giving each
    /// item an exponential latent time with rate `exp(logWeight)` and keeping the `k` earliest.
    ///
    /// - Complexity: O(*n* log *n*) in `logWeights.count` (the Gumbel keys are sorted).
    public mutating func sampleWithoutReplacement(logWeights: [Double], count k: Int) -> [Int] {
        let keys = logWeights.map { $0 + gumbel() }
        let order = keys.indices.sorted { keys[$0] != keys[$1] ? keys[$0] > keys[$1] : $0 < $1 }
        return Array(order.prefix(max(0, min(k, order.count))))
    }
}

/// Logarithm and exponential from IEEE-754 basic operations only, so that results are identical on every
/// platform (the C library's `log`/`exp` are not required to be correctly rounded and do differ).
/// Accuracy: a few ulp, ample for simulation.
public enum DeterministicMath {
    static let ln2 = 0.693_147_180_559_945_309_417_232_121_458

    /// Natural logarithm of a positive finite `x` (NaN for x ≤ 0 or non-finite).
    ///
    /// - Complexity: O(1).
    public static func log(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return x == 0 ? -.infinity : .nan }
        // x = m · 2^e with m in [√½, √2)
        var e = Int(x.exponent)
        var m = x.significand          // [1, 2), exact
        if m > 1.414_213_562_373_095_048_8 { m /= 2; e += 1 }
        // log m = 2 atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var term = s, sum = 0.0
        var k = 1.0
        while k < 60 {
            let add = term / k
            sum += add
            if abs(add) < 1e-18 * abs(sum) { break }
            term *= s2
            k += 2
        }
        return 2 * sum + Double(e) * ln2
    }

    /// e^x (0 below −745, +∞ above 709.8).
    ///
    /// - Complexity: O(1).
    public static func exp(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x > 709.78 { return .infinity }
        if x < -745.1 { return 0 }
        let k = (x / ln2).rounded()
        let r = x - k * ln2                   // |r| ≤ ln2/2
        var term = 1.0, sum = 1.0
        var n = 1.0
        while n < 40 {
            term *= r / n
            sum += term
            if abs(term) < 1e-18 * sum { break }
            n += 1
        }
        // scale by 2^k in two steps to stay finite near the ends of the range
        let ki = Int(k)
        let half = ki / 2
        return sum * Double(sign: .plus, exponent: half, significand: 1)
            * Double(sign: .plus, exponent: ki - half, significand: 1)
    }
}

/// Rounding of simulated measurements to the precision a clinic records them with (the simulator's
/// sampling step; their text is written by `NumberFormat.fixed`, which for an already rounded value gives
/// exactly the rounded decimal).
///
/// ```swift
/// FixedDecimal.round(570.4499, decimals: 1)   // 570.4
/// FixedDecimal.round(2.25, decimals: 1)       // 2.3 (half away from zero)
/// ```
public enum FixedDecimal {
    /// `value` × 10^`decimals` rounded half away from zero, divided back: the nearest double to a decimal
    /// with `decimals` places.
    ///
    /// - Complexity: O(`decimals`).
    public static func round(_ value: Double, decimals: Int) -> Double {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        return (value * scale).rounded(.toNearestOrAwayFromZero) / scale
    }
}
