/// A chi-square test: its statistic, its degrees of freedom and the upper-tail probability.
///
/// Every χ² test in the library reports one: the likelihood-ratio, Wald and score tests of
/// ``CoxModel``, the pseudo likelihood-ratio test of ``FineGray``, the penalized likelihood-ratio test of
/// ``FirthCoxModel``, the log-rank test (``LogRankTest/test``), Gray's test
/// (``CumulativeIncidence/GrayTest/test``) and the proportional-hazards test
/// (``ProportionalHazardsTest/Term/test``).
///
/// ```swift
/// let t = ChiSquareTest(statistic: 3.84, degreesOfFreedom: 1)
/// t.pValue   // 0.0500…
/// ```
///
/// A test that could not be computed has a NaN statistic and p; the result that holds it says why.
public struct ChiSquareTest: Sendable, Hashable, Codable {
    /// The χ² statistic; NaN when the test could not be computed.
    public var statistic: Double
    /// Degrees of freedom of the reference χ² distribution.
    public var degreesOfFreedom: Int
    /// Upper-tail probability P(χ²_df ≥ statistic); NaN when the statistic is NaN or there are no degrees
    /// of freedom.
    public var pValue: Double

    /// A test from its statistic, with p from the χ² distribution on `degreesOfFreedom`.
    ///
    /// - Parameters:
    ///   - statistic: The χ² statistic (NaN when the test could not be computed).
    ///   - degreesOfFreedom: Degrees of freedom; p is NaN when this is not positive.
    /// - Complexity: O(1) (one regularized incomplete gamma function).
    public init(statistic: Double, degreesOfFreedom: Int) {
        self.statistic = statistic
        self.degreesOfFreedom = degreesOfFreedom
        pValue = degreesOfFreedom > 0 && !statistic.isNaN
            ? ChiSquared.survival(statistic, df: Double(degreesOfFreedom)) : .nan
    }

    /// A test with every field given (as decoded, or when p is computed elsewhere).
    ///
    /// - Parameters:
    ///   - statistic: The χ² statistic.
    ///   - degreesOfFreedom: Degrees of freedom.
    ///   - pValue: The upper-tail probability.
    /// - Complexity: O(1).
    public init(statistic: Double, degreesOfFreedom: Int, pValue: Double) {
        self.statistic = statistic
        self.degreesOfFreedom = degreesOfFreedom
        self.pValue = pValue
    }

    /// A test that could not be computed: NaN statistic and p on `degreesOfFreedom`.
    ///
    /// - Parameter degreesOfFreedom: The degrees of freedom the test would have had.
    /// - Returns: A test whose statistic and p are NaN.
    /// - Complexity: O(1).
    public static func notComputed(degreesOfFreedom: Int) -> ChiSquareTest {
        ChiSquareTest(statistic: .nan, degreesOfFreedom: degreesOfFreedom, pValue: .nan)
    }
}

/// A result that holds one χ² test as ``test``: ``LogRankTest``, ``CumulativeIncidence/GrayTest`` and
/// ``ProportionalHazardsTest/Term``.
///
/// ```swift
/// func line(_ r: some ChiSquareTestResult) -> String {
///     "χ² = \(r.test.statistic) on \(r.test.degreesOfFreedom) df, p = \(r.test.pValue)"
/// }
/// ```
public protocol ChiSquareTestResult {
    /// The χ² test.
    var test: ChiSquareTest { get }
}
