import Testing
@testable import Survival

/// Checks against closed forms and textbook identities (independent of R):
/// - Kaplan–Meier without censoring is the empirical survival function;
/// - without tied event times, the Cox score test for one binary covariate is the log-rank statistic (with
///   ties they differ by the hypergeometric (n−d)/(n−1) factor, which only the exact partial likelihood shares);
/// - Harrell's concordance equals a brute-force O(n²) count of the pairs, ties and strata included.
@Suite struct IdentityTests {
    struct LCG {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / 9007199254740992.0
        }
    }

    @Test func kaplanMeierWithoutCensoringIsTheEmpiricalSurvivalFunction() throws {
        var rng = LCG(state: 7)
        let time = (0..<200).map { _ in (rng.next() * 50).rounded() }   // heavy ties
        let fit = try KaplanMeier(time: time, event: time.map { _ in true })
        for (k, t) in fit.time.enumerated() {
            let survivors = Double(time.filter { $0 > t }.count) / Double(time.count)
            #expect(abs(fit.survival[k] - survivors) < 1e-12)
        }
    }

    @Test func coxScoreTestWithoutTiesIsTheLogRankTest() throws {
        var rng = LCG(state: 11)
        let n = 300
        let group = (0..<n).map { _ in rng.next() < 0.4 ? 1 : 0 }
        let time = group.map { g in -log(rng.next()) / (g == 1 ? 1.6 : 1.0) * 10 }   // continuous: no ties
        let event = (0..<n).map { _ in rng.next() < 0.75 }
        let logrank = try LogRankTest(time: time, event: event, group: group)
        for ties in CoxModel.Ties.allCases {
            let cox = try CoxModel(time: time, event: event, covariates: [group.map(Double.init)], ties: ties)
            #expect(abs(cox.tests.score.statistic - logrank.test.statistic) <= 1e-10 * logrank.test.statistic)
        }
    }

    @Test func concordanceEqualsBruteForce() throws {
        var rng = LCG(state: 3)
        let n = 150
        let time = (0..<n).map { _ in (rng.next() * 20).rounded() }
        let event = (0..<n).map { _ in rng.next() < 0.6 }
        let score = (0..<n).map { _ in (rng.next() * 8).rounded() }          // tied scores
        let weights = (0..<n).map { _ in 0.5 + rng.next() }
        let strata = (0..<n).map { _ in rng.next() < 0.5 ? 0 : 1 }
        var c = 0.0, d = 0.0, tx = 0.0
        for i in 0..<n where event[i] {
            for j in 0..<n where j != i && strata[i] == strata[j] {
                // j is at risk when i fails: later, or censored at the same time
                guard time[j] > time[i] || (time[j] == time[i] && !event[j]) else { continue }
                let w = weights[i] * weights[j]
                if score[i] > score[j] { c += w } else if score[i] < score[j] { d += w } else { tx += w }
            }
        }
        let result = try Concordance(time: time, event: event, score: score, strata: strata, weights: weights)
        #expect(
            abs(result.concordant - c) < 1e-9 && abs(result.discordant - d) < 1e-9 && abs(result.tiedScore - tx) < 1e-9)
        #expect(abs(result.estimate - (c + tx / 2) / (c + d + tx)) < 1e-12)
    }

    /// Pairs tied on time (both events at one time) and tied on both time and score, counted by brute
    /// force: small tied groups (scanned) and groups of more than 32 deaths (hashed by score).
    @Test func concordanceTiesOnTimeEqualBruteForce() throws {
        for (n, distinctTimes) in [(400, 60), (400, 4)] {
            var rng = LCG(state: UInt64(n + distinctTimes))
            let time = (0..<n).map { _ in (rng.next() * Double(distinctTimes)).rounded(.down) }
            let event = (0..<n).map { _ in rng.next() < 0.7 }
            let score = (0..<n).map { _ in (rng.next() * 5).rounded() }
            let weights = (0..<n).map { _ in 0.5 + rng.next() }
            var tiedTime = 0.0, tiedBoth = 0.0
            for i in 0..<n where event[i] {
                for j in (i + 1)..<n where event[j] && time[j] == time[i] {
                    if score[i] == score[j] { tiedBoth += weights[i] * weights[j] }
                    else { tiedTime += weights[i] * weights[j] }
                }
            }
            let result = try Concordance(time: time, event: event, score: score, weights: weights)
            #expect(abs(result.tiedTime - tiedTime) <= 1e-9 * tiedTime, "n \(n), \(distinctTimes) times")
            #expect(abs(result.tiedBoth - tiedBoth) <= 1e-9 * tiedBoth, "n \(n), \(distinctTimes) times")
        }
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
