import Testing
@testable import Survival

/// The single sort in CoxData gives exactly the orders the separate sorts gave: the time fix applied to
/// the times alone (or with the entry times), the stable (stratum, fixed time) order, and each stratum's
/// positions by entry time descending.
@Suite struct CoxDataOrderTests {
    struct LCG { var s: UInt64
        mutating func next(_ k: Int) -> Int {
            s = s &* 6364136223846793005 &+ 1442695040888963407; return Int((s >> 33) % UInt64(k))
        }
    }

    static func check(n: Int, strataCount: Int, withEntry: Bool, seed: UInt64) {
        var g = LCG(s: seed)
        // coarse times so that ties are common; some near-ties that the time fix merges
        let time = (0..<n).map { _ -> Double in
            let t = Double(g.next(50) + 1)
            return g.next(10) == 0 ? t + 1e-10 : t
        }
        let entry: [Double]? =
            withEntry ? time.map { t in max(0, t - Double(g.next(30) + 1)) + (g.next(7) == 0 ? 1e-11 : 0) } : nil
        let strata: [Int]? = strataCount > 1 ? (0..<n).map { _ in g.next(strataCount) * 3 } : nil
        let event = (0..<n).map { _ in g.next(3) > 0 }
        let data = CoxData(time: time, event: event, covariates: [], entry: entry, strata: strata, weights: nil,
                           efron: true)
        // the separate sorts, as before
        var fixedExit = time, fixedEntry = entry
        if let e = entry {
            let both = TimeFix.applied(to: time + e)
            fixedExit = Array(both[0..<n]); fixedEntry = Array(both[n...])
        } else {
            fixedExit = TimeFix.applied(to: time)
        }
        let stratumIndex = strata.map { s in s.map { $0 / 3 } }
        let order = stratumIndex.map { RadixSort.order(group: $0, keys: fixedExit) } ?? RadixSort.order(fixedExit)
        #expect(data.fixedTime == fixedExit)
        #expect(data.order == order)
        #expect(data.time == order.map { fixedExit[$0] })
        if let fe = fixedEntry {
            let e = order.map { fe[$0] }
            #expect(data.entry == e)
            let expected = data.strataRanges.map { r in Array(r).sorted { (e[$0], $0) > (e[$1], $1) } }
            #expect(data.entryOrder == expected)
        }
    }

    @Test(arguments: [(10, 1, false), (500, 1, false), (3000, 1, false), (3000, 4, false),
                      (10, 1, true), (600, 3, true), (5000, 1, true), (5000, 5, true)])
    func sameOrders(n: Int, strata: Int, entry: Bool) {
        for seed in 1...3 { Self.check(n: n, strataCount: strata, withEntry: entry, seed: UInt64(seed * 7919 + n)) }
    }
}
