import Foundation
import Testing
@testable import Survival

/// The per-time tally behind Kaplan–Meier is the same whichever way it is built: by hashing the times
/// (few distinct times), by radix-sorting them (many), or by the weighted path (unit weights); and the
/// reverse curve from a fit's own counts equals the reverse curve fitted from the data.
@Suite struct EventTablePathTests {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) + 0x1p-54 }
    }

    /// `n` exponential times, rounded to `decimals` places when given, with ~30% censoring.
    func data(_ n: Int, decimals: Int?, seed: UInt64) -> ([Double], [Bool]) {
        var g = Generator(state: seed)
        var time: [Double] = [], event: [Bool] = []
        for _ in 0..<n {
            let t = -log(g.uniform()), c = -log(g.uniform()) / 0.4
            var v = min(t, c)
            if let decimals {
                var scale = 1.0
                for _ in 0..<decimals { scale *= 10 }
                v = (v * scale).rounded(.up) / scale
            }
            time.append(v)
            event.append(t <= c)
        }
        return (time, event)
    }

    func same(_ a: KaplanMeier, _ b: KaplanMeier) -> Bool {
        a.time == b.time && a.atRisk == b.atRisk && a.events == b.events && a.censored == b.censored
            && a.survival == b.survival && a.logStandardError == b.logStandardError
            && zip(a.lower, b.lower).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
            && zip(a.upper, b.upper).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }

    @Test("hashed, sorted and weighted tallies give identical curves", arguments: [
        (20_000, 2), (50_000, 4), (40_000, nil), (3000, 3), (200_000, 3),
    ] as [(Int, Int?)])
    func pathsAgree(n: Int, decimals: Int?) throws {
        let (time, event) = data(n, decimals: decimals, seed: UInt64(n))
        let fit = try KaplanMeier(time: time, event: event)
        let weighted = try KaplanMeier(time: time, event: event, weights: [Double](repeating: 1, count: n))
        #expect(same(fit, weighted))
        let table = EventTable(time: time, event: event)
        let sortedPath = EventTable(time: time, cell: event.map { $0 ? 0 : 1 }, cellCount: 2,
                                    weights: [Double](repeating: 1, count: n))
        #expect(table.time == sortedPath.time && table.counts == sortedPath.counts)
        #expect(fit.observations == n)
        #expect(fit.events.reduce(0, +) + fit.censored.reduce(0, +) == Double(n))
    }

    @Test(
        "a fit's reversed() equals the reverse curve fitted from the data",
        arguments: [(30_000, 4), (500, 1), (40_000, nil)] as [(Int, Int?)])
    func reversedMatchesReverse(n: Int, decimals: Int?) throws {
        let (time, event) = data(n, decimals: decimals, seed: 99)
        let fit = try KaplanMeier(time: time, event: event)
        let direct = try KaplanMeier.reverse(time: time, event: event)
        #expect(same(fit.reversed(), direct))
        #expect(fit.reversed().median == direct.median)
    }

    @Test("−0 and +0 are one time, written −0 as the sorted merge writes it")
    func negativeZero() throws {
        var (time, event) = data(10_000, decimals: 2, seed: 5)
        time[17] = -0.0
        time[4000] = 0
        let hashed = EventTable(time: time, event: event)
        let sorted = EventTable(time: time, cell: event.map { $0 ? 0 : 1 }, cellCount: 2,
                                weights: [Double](repeating: 1, count: time.count))
        #expect(hashed.time.first == 0 && hashed.time.first?.sign == .minus)
        #expect(hashed.time.first?.sign == sorted.time.first?.sign)
        #expect(hashed.time == sorted.time && hashed.counts == sorted.counts)
    }
}
