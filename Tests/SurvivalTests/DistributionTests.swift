import Foundation
import Testing
@testable import Survival

/// Reference values from mpmath at 60 digits: Tests/Fixtures/distributions.json, written by
/// scripts/fixtures/make-distribution-fixtures.py. Inputs are exact doubles; outputs carry 25
/// significant digits and are parsed with one correctly rounded conversion.
private struct DistributionFixture: Decodable {
    struct NormalCDF: Decodable { let x: String; let cdf: String; let sf: String }
    struct NormalQuantile: Decodable { let p: String; let x: String }
    struct ChiSquare: Decodable { let df: String; let x: String; let sf: String; let cdf: String }
    struct Gamma: Decodable { let a: String; let x: String; let p: String; let q: String }
    let normal_cdf: [NormalCDF]
    let normal_quantile: [NormalQuantile]
    let chisq: [ChiSquare]
    let gamma: [Gamma]

    static let shared: DistributionFixture = {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Fixtures/distributions.json")
        do {
            return try JSONDecoder().decode(DistributionFixture.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot read fixture \(url.path): \(error)")
        }
    }()
}

private func fixtureValue(_ s: String) -> Double {
    guard let v = Double(s) else { fatalError("bad number in fixture: \(s)") }
    return v
}

/// Relative error against a reference; for references below 1e-300 (near or in the subnormal range,
/// where a double has fewer significant bits) an absolute error of 1e-310 is accepted instead.
private func matchesReference(_ value: Double, _ reference: Double, rel: Double = 1e-12) -> Bool {
    if reference == 0 { return abs(value) <= subnormalTolerance }
    if abs(reference) < 1e-300 { return abs(value - reference) <= subnormalTolerance }
    return abs(value - reference) <= rel * abs(reference)
}

/// 1e-310, spelled so that no literal underflows.
private let subnormalTolerance = 1e-300 / 1e10

private func relativeError(_ value: Double, _ reference: Double) -> Double {
    reference == 0 ? abs(value) : abs(value - reference) / abs(reference)
}

@Suite("Normal distribution")
struct NormalDistributionTests {
    @Test("cdf and survival match mpmath over x in [-38, 8] (rel. error ≤ 1e-12)")
    func cdfMatchesReference() {
        var worst = 0.0
        for row in DistributionFixture.shared.normal_cdf {
            let x = fixtureValue(row.x), cdf = fixtureValue(row.cdf), sf = fixtureValue(row.sf)
            #expect(matchesReference(Normal.cdf(x), cdf), "Φ(\(x)) = \(Normal.cdf(x)), reference \(cdf)")
            #expect(matchesReference(Normal.survival(x), sf), "1-Φ(\(x)) = \(Normal.survival(x)), reference \(sf)")
            if cdf > 1e-300 { worst = max(worst, relativeError(Normal.cdf(x), cdf)) }
            if sf > 1e-300 { worst = max(worst, relativeError(Normal.survival(x), sf)) }
        }
        // The implementation is far better than the 1e-12 contract; keep it that way.
        #expect(worst < 5e-15, "worst relative error \(worst)")
    }

    @Test("far tail: Φ(-38) ≈ 2.885e-316 (subnormal), Φ(-37.5) to full precision")
    func farTail() {
        let reference = fixtureValue("2.885428360068784308e-316")
        #expect(abs(Normal.cdf(-38) - reference) <= 2 * Double.leastNonzeroMagnitude)
        #expect(Normal.cdf(-39) == 0)
        #expect(Normal.survival(39) == 0)
        #expect(Normal.cdf(39) == 1)
    }

    @Test("quantile matches mpmath for p in [1e-300, 1 - 2^-53] (rel. error ≤ 1e-12)")
    func quantileMatchesReference() {
        var worst = 0.0
        for row in DistributionFixture.shared.normal_quantile {
            let p = fixtureValue(row.p), x = fixtureValue(row.x)
            #expect(matchesReference(Normal.quantile(p), x), "Φ⁻¹(\(p)) = \(Normal.quantile(p)), reference \(x)")
            worst = max(worst, relativeError(Normal.quantile(p), x))
        }
        #expect(worst < 1e-15, "worst relative error \(worst)")
    }

    @Test("quantile inverts cdf")
    func roundTrip() {
        for x in stride(from: -37.0, through: 8.0, by: 0.37) {
            let back = Normal.quantile(Normal.cdf(x))
            // For x > 0, Φ(x) is near 1 where doubles are 1.1e-16 apart: x can only come back to
            // within a few spacings divided by the density.
            let cdf = Normal.cdf(x)
            let tol = max(1e-12 * max(1, abs(x)), 4 * cdf.ulp / Normal.density(x))
            #expect(abs(back - x) <= tol, "x = \(x), Φ⁻¹(Φ(x)) = \(back)")
        }
    }

    @Test("edge cases: 0, ±infinity, NaN, probabilities outside [0, 1]")
    func edgeCases() {
        #expect(Normal.cdf(0) == 0.5)
        #expect(Normal.survival(0) == 0.5)
        #expect(Normal.cdf(-.infinity) == 0)
        #expect(Normal.cdf(.infinity) == 1)
        #expect(Normal.survival(.infinity) == 0)
        #expect(Normal.survival(-.infinity) == 1)
        #expect(Normal.cdf(.nan).isNaN)
        #expect(Normal.survival(.nan).isNaN)
        #expect(Normal.quantile(0.5) == 0)
        #expect(Normal.quantile(0) == -.infinity)
        #expect(Normal.quantile(1) == .infinity)
        #expect(Normal.quantile(-0.1).isNaN)
        #expect(Normal.quantile(1.1).isNaN)
        #expect(Normal.quantile(.nan).isNaN)
        #expect(Normal.quantile(.leastNonzeroMagnitude) < -38)
        #expect(Normal.twoSidedP(0) == 1)
        #expect(Normal.twoSidedP(.infinity) == 0)
        #expect(Normal.twoSidedP(-.infinity) == 0)
        #expect(Normal.twoSidedP(.nan).isNaN)
        // Symmetry: Φ(x) + Φ(-x) = 1 and quantile(1 - p) = -quantile(p) for exact 1 - p.
        for x in [0.1, 0.74, 0.76, 1, 2.5, 5] {
            #expect(abs(Normal.cdf(x) + Normal.cdf(-x) - 1) < 2e-16)
        }
        for p in [0.3, 0.1, 0.01, 0.25] {
            #expect(Normal.quantile(1 - p) == -Normal.quantile(p))
        }
    }

    @Test("two-sided p-values: 1.96 → 0.05, symmetric, far tail without cancellation")
    func twoSided() {
        #expect(abs(Normal.twoSidedP(1.959963984540054) - 0.05) < 1e-15)
        #expect(Normal.twoSidedP(-2.5) == Normal.twoSidedP(2.5))
        for row in DistributionFixture.shared.normal_cdf {
            let x = fixtureValue(row.x), cdf = fixtureValue(row.cdf)
            guard x <= 0 else { continue }
            #expect(matchesReference(Normal.twoSidedP(x), 2 * cdf), "twoSidedP(\(x))")
        }
    }
}

@Suite("Chi-square and incomplete gamma")
struct ChiSquaredDistributionTests {
    @Test("chi-square survival and cdf match mpmath: df 1…100, x 1e-8…1500 (rel. error ≤ 1e-12)")
    func chiSquareMatchesReference() {
        var worst = 0.0
        for row in DistributionFixture.shared.chisq {
            let df = fixtureValue(row.df), x = fixtureValue(row.x), sf = fixtureValue(row.sf),
                cdf = fixtureValue(row.cdf)
            let s = ChiSquared.survival(x, df: df), c = ChiSquared.cdf(x, df: df)
            #expect(matchesReference(s, sf), "P(χ²(\(df)) > \(x)) = \(s), reference \(sf)")
            #expect(matchesReference(c, cdf), "P(χ²(\(df)) ≤ \(x)) = \(c), reference \(cdf)")
            if sf > 1e-300 { worst = max(worst, relativeError(s, sf)) }
            if cdf > 1e-300 { worst = max(worst, relativeError(c, cdf)) }
        }
        #expect(worst < 1e-12, "worst relative error \(worst)")
    }

    @Test("incomplete gamma P and Q match mpmath for a in [0.01, 1000] (rel. error ≤ 1e-12)")
    func gammaMatchesReference() {
        for row in DistributionFixture.shared.gamma {
            let a = fixtureValue(row.a), x = fixtureValue(row.x), p = fixtureValue(row.p), q = fixtureValue(row.q)
            let pv = IncompleteGamma.p(a, x), qv = IncompleteGamma.q(a, x)
            // Whichever of P and Q is ≥ ½ is 1 minus the other; when the other is computed with
            // relative error ε, this one has absolute error ≤ ε/2 — still ≤ 1e-12 relative.
            #expect(matchesReference(pv, p), "P(\(a), \(x)) = \(pv), reference \(p)")
            #expect(matchesReference(qv, q), "Q(\(a), \(x)) = \(qv), reference \(q)")
        }
    }

    @Test("known closed forms: Q(1, x) = e^-x, χ²(2) survival = e^(-x/2), 3.841 → 0.05")
    func closedForms() {
        for x in [0.001, 0.5, 1, 2, 10, 100, 600] {
            #expect(matchesReference(IncompleteGamma.q(1, x), exp(-x), rel: 1e-14), "Q(1, \(x))")
            #expect(matchesReference(ChiSquared.survival(x, df: 2), exp(-x / 2), rel: 1e-14), "χ²(2) > \(x)")
        }
        #expect(abs(ChiSquared.survival(3.841458820694124, df: 1) - 0.05) < 1e-15)
        #expect(abs(ChiSquared.cdf(3.841458820694124, df: 1) - 0.95) < 1e-15)
        // χ²(1) survival = twoSidedP(√x).
        for x in [0.01, 1, 4, 25, 400, 1400] {
            #expect(matchesReference(ChiSquared.survival(x, df: 1), Normal.twoSidedP(x.squareRoot()), rel: 1e-12))
        }
    }

    @Test("edge cases: x = 0, x < 0, infinities, NaN, df = 0, invalid df and a")
    func edgeCases() {
        #expect(ChiSquared.survival(0, df: 1) == 1)
        #expect(ChiSquared.cdf(0, df: 1) == 0)
        #expect(ChiSquared.survival(-1, df: 3) == 1)
        #expect(ChiSquared.cdf(-1, df: 3) == 0)
        #expect(ChiSquared.survival(.infinity, df: 5) == 0)
        #expect(ChiSquared.cdf(.infinity, df: 5) == 1)
        #expect(ChiSquared.survival(.nan, df: 1).isNaN)
        #expect(ChiSquared.survival(1, df: .nan).isNaN)
        #expect(ChiSquared.survival(1, df: -1).isNaN)
        #expect(ChiSquared.survival(1, df: .infinity).isNaN)
        #expect(ChiSquared.cdf(1, df: -1).isNaN)
        #expect(ChiSquared.survival(1, df: 0) == 0)
        #expect(ChiSquared.survival(0, df: 0) == 1)
        #expect(ChiSquared.cdf(0, df: 0) == 1)
        #expect(ChiSquared.survival(5000, df: 1) == 0)
        #expect(IncompleteGamma.p(2, 0) == 0)
        #expect(IncompleteGamma.q(2, 0) == 1)
        #expect(IncompleteGamma.p(2, .infinity) == 1)
        #expect(IncompleteGamma.q(2, .infinity) == 0)
        #expect(IncompleteGamma.p(0, 1).isNaN)
        #expect(IncompleteGamma.q(-1, 1).isNaN)
        #expect(IncompleteGamma.p(.infinity, 1).isNaN)
        #expect(IncompleteGamma.p(1, -1).isNaN)
        #expect(IncompleteGamma.q(1, .nan).isNaN)
        #expect(IncompleteGamma.q(.nan, 1).isNaN)
    }

    @Test("P + Q = 1 and monotone in x")
    func consistency() {
        for a in [0.5, 1.5, 3, 20, 150] {
            var previous = 0.0
            for x in stride(from: 0.0, through: 400.0, by: 0.5) {
                let p = IncompleteGamma.p(a, x), q = IncompleteGamma.q(a, x)
                #expect(abs(p + q - 1) < 1e-15)
                #expect(p >= previous)
                previous = p
            }
        }
    }
}
