import RealModule

/// Cox-model data sorted once by (stratum, time), with centred and scaled covariates in row-major order.
struct CoxData: Sendable {
    let n: Int
    let p: Int
    let efron: Bool
    /// Sorted position → input row.
    let order: [Int]
    /// Exit times after R's timefix, in input order.
    let fixedTime: [Double]
    // sorted arrays
    let time: [Double]
    let entry: [Double]?
    let status: [Bool]
    let weight: [Double]
    /// Row-major n×p, centred and scaled.
    let x: [Double]
    /// Sorted-position ranges of the strata.
    let strataRanges: [Range<Int>]
    /// Per stratum: sorted positions ordered by entry time, descending (counting-process data only).
    let entryOrder: [[Int]]
    let means: [Double]
    let scale: [Double]
    let totalEventWeight: Double
    let hasWeights: Bool

    /// Sorts and scales the data. With ``Parallelism/twoThreads`` the covariates are copied into row-major
    /// order and centred on two threads (each sum still formed in one thread, in the same order).
    init(time inTime: [Double], event: [Bool], covariates: [[Double]], entry inEntry: [Double]?,
         strata: [Int]?, weights: [Double]?, efron: Bool, parallelism: Parallelism = .serial) {
        let n = inTime.count, p = covariates.count
        self.n = n
        self.p = p
        self.efron = efron
        hasWeights = weights != nil
        // One sort of the times serves the time fix, the (stratum, time) order of the risk sets, the
        // entry-time order and (through `order`) the concordance.
        var strataIndex: [Int]? = nil
        if let strata {
            let levels = Array(Set(strata)).sorted()
            let map = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
            strataIndex = strata.map { map[$0]! }
        }
        var fixedExit = inTime
        var fixedEntry = inEntry
        var byTime: [Int]          // exit rows by fixed time, ties in input order
        var entryRank: [Int] = []  // per row: rank of its fixed entry time among the distinct ones
        var changed: Bool
        if let e = inEntry {
            // timefix over exit and entry times together, as aeqSurv does
            let all = inTime + e
            let both = RadixSort.order(all)
            var sorted = both.map { all[$0] }
            changed = TimeFix.apply(sorted: &sorted)
            var fe = e
            byTime = []
            byTime.reserveCapacity(n)
            entryRank = [Int](repeating: 0, count: n)
            var rank = -1
            var last = 0.0
            for (k, i) in both.enumerated() {
                if i < n {
                    fixedExit[i] = sorted[k]
                    byTime.append(i)
                } else {
                    fe[i - n] = sorted[k]
                    if rank < 0 || sorted[k] != last { rank += 1; last = sorted[k] }
                    entryRank[i - n] = rank
                }
            }
            fixedEntry = fe
        } else {
            byTime = RadixSort.order(inTime)
            var sorted = byTime.map { inTime[$0] }
            changed = TimeFix.apply(sorted: &sorted)
            if changed { for (k, i) in byTime.enumerated() { fixedExit[i] = sorted[k] } }
        }
        if changed {
            // times merged by the fix are ordered by their raw values: put each merged run in input order
            var lo = 0
            while lo < n {
                var hi = lo + 1
                let t = fixedExit[byTime[lo]]
                while hi < n && fixedExit[byTime[hi]] == t { hi += 1 }
                if hi - lo > 1 && inTime[byTime[lo]] != inTime[byTime[hi - 1]] { byTime[lo..<hi].sort() }
                lo = hi
            }
        }
        fixedTime = fixedExit
        // (stratum, time): a stable counting pass over the time order
        var ord = byTime
        if let strataIndex, let maxGroup = strataIndex.max(), maxGroup > 0 {
            var counts = [Int](repeating: 0, count: maxGroup + 2)
            for g in strataIndex { counts[g + 1] += 1 }
            for g in 0...maxGroup { counts[g + 1] += counts[g] }
            for i in byTime {
                let g = strataIndex[i]
                ord[counts[g]] = i
                counts[g] += 1
            }
        }
        order = ord
        self.time = ord.map { fixedExit[$0] }
        self.entry = fixedEntry.map { e in ord.map { e[$0] } }
        status = ord.map { event[$0] }
        let w = weights.map { w in ord.map { w[$0] } } ?? [Double](repeating: 1, count: n)
        weight = w
        var ranges: [Range<Int>] = []
        if let strataIndex {
            var start = 0
            for i in 1...n where i == n || strataIndex[ord[i]] != strataIndex[ord[i - 1]] {
                ranges.append(start..<i)
                start = i
            }
        } else {
            ranges = [0..<n]
        }
        strataRanges = ranges
        var noCenter = [Bool](repeating: true, count: p)
        for j in 0..<p { noCenter[j] = covariates[j].allSatisfy { $0 == 0 || $0 == 1 || $0 == -1 } }
        // Row-major copy in input order, transposed in blocks of rows that stay in cache; then one
        // contiguous row read per sorted position. Each half of the rows on its own thread.
        let byRow = DisjointWrites<Double>.array(rows: n, width: p, parallelism: parallelism) { rows, B in
            let block = 2048
            var start = rows.lowerBound
            while start < rows.upperBound {
                let end = min(start + block, rows.upperBound)
                for j in 0..<p {
                    covariates[j].withUnsafeBufferPointer { c in
                        for i in start..<end { B.base[i * p + j] = c[i] }
                    }
                }
                start = end
            }
        }
        let sortedOrder = ord
        var x = DisjointWrites<Double>.array(rows: n, width: p, parallelism: parallelism) { rows, X in
            byRow.withUnsafeBufferPointer { B in
                for k in rows {
                    let src = sortedOrder[k] * p, dst = k * p
                    for j in 0..<p { X.base[dst + j] = B[src + j] }
                }
            }
        }
        // centre and scale (coxfit6), skipping columns with values in {-1, 0, 1}: each column's sums in
        // sorted order, half of the columns on each thread; then the rows rewritten in halves
        let totalW = w.reduce(0, +)
        let centred = noCenter, sortedX = x
        @Sendable func columnSums(_ columns: Range<Int>, centres: [Double]?) -> [Double] {
            var sums = [Double](repeating: 0, count: p)
            sortedX.withUnsafeBufferPointer { X in
                w.withUnsafeBufferPointer { W in
                    if let m = centres {
                        for k in 0..<n { for j in columns { sums[j] += W[k] * abs(X[k * p + j] - m[j]) } }
                    } else {
                        for k in 0..<n { for j in columns where !centred[j] { sums[j] += W[k] * X[k * p + j] } }
                    }
                }
            }
            return sums
        }
        func bothHalves(centres: [Double]?) -> [Double] {
            let h = p / 2
            let (low, high) = parallelism.both({ columnSums(0..<h, centres: centres) },
                                               { columnSums(h..<p, centres: centres) })
            return (0..<p).map { $0 < h ? low[$0] : high[$0] }
        }
        var m = bothHalves(centres: nil)
        for j in 0..<p { m[j] = noCenter[j] ? 0 : m[j] / totalW }
        let sAbs = bothHalves(centres: m)
        var means = [Double](repeating: 0, count: p), scale = [Double](repeating: 1, count: p)
        for j in 0..<p {
            means[j] = m[j]
            scale[j] = noCenter[j] ? 1 : (sAbs[j] > 0 ? totalW / sAbs[j] : 1)
        }
        let (centre, factor) = (means, scale)
        x.withUnsafeMutableBufferPointer { X in
            guard let base = X.baseAddress else { return }
            let rows = DisjointWrites(base: base)
            parallelism.forHalves(n) { part in
                for k in part {
                    for j in 0..<p {
                        let v = rows.base[k * p + j] - centre[j]
                        rows.base[k * p + j] = factor[j] != 1 ? v * factor[j] : v
                    }
                }
            }
        }
        self.x = x
        self.means = means
        self.scale = scale
        totalEventWeight = zip(status, w).reduce(0) { $0 + ($1.0 ? $1.1 : 0) }
        if inEntry != nil {
            // per stratum, sorted positions by (entry time, position) descending: a counting pass over the
            // entry ranks from the one sort above
            let rankCount = (entryRank.max() ?? -1) + 1
            var counts = [Int](repeating: 0, count: rankCount + 1)
            for i in 0..<n { counts[entryRank[i] + 1] += 1 }
            for r in 0..<rankCount { counts[r + 1] += counts[r] }
            var byEntry = [Int](repeating: 0, count: n)
            for k in 0..<n {
                let r = entryRank[ord[k]]
                byEntry[counts[r]] = k
                counts[r] += 1
            }
            var stratumOf = [Int](repeating: 0, count: n)
            for (si, r) in ranges.enumerated() { for k in r { stratumOf[k] = si } }
            var lists = ranges.map { r -> [Int] in var a: [Int] = []; a.reserveCapacity(r.count); return a }
            for k in byEntry.reversed() { lists[stratumOf[k]].append(k) }
            entryOrder = lists
        } else {
            entryOrder = ranges.map { _ in [] }
        }
    }

    /// Case weights in input order (all 1 without weights).
    var inputWeights: [Double] {
        guard hasWeights else { return [Double](repeating: 1, count: n) }
        var w = [Double](repeating: 1, count: n)
        for (k, i) in order.enumerated() { w[i] = weight[k] }
        return w
    }

    struct Evaluation {
        var loglik: Double
        var score: [Double]
        var information: Matrix
    }

    /// Log partial likelihood, score and information at `beta` (on the centred, scaled covariates).
    ///
    /// One backward pass per stratum. With ``Parallelism/twoThreads`` and enough work, two threads make
    /// the same pass, each accumulating its own rows of the information's lower triangle; thread 0 also
    /// the log-likelihood and the score. Every sum is formed in the same order as
    /// on one thread, so the result is the same bit for bit whichever parallelism is chosen.
    ///
    /// - Complexity: O(n·p²).
    func evaluate(beta: [Double], parallelism: Parallelism = .serial) -> Evaluation {
        let p = self.p, n = self.n
        let tri = p * (p + 1) / 2
        // The linear predictor and risk weights, once per step (each half of the rows on its own thread).
        let eta = DisjointWrites<Double>.array(rows: n, parallelism: parallelism) { rows, out in
            x.withUnsafeBufferPointer { X in
                for k in rows {
                    var e = 0.0
                    for j in 0..<p { e += X[k * p + j] * beta[j] }
                    out.base[k] = e
                }
            }
        }
        let risk = DisjointWrites<Double>.array(rows: n, parallelism: parallelism) { rows, out in
            for k in rows { out.base[k] = Double.exp(eta[k]) * weight[k] }
        }
        // Split the triangle's rows so that both parts hold about half of its entries (row i has i + 1).
        let split = parallelism == .twoThreads && p >= 2 && n * tri >= 1 << 20
            ? (1..<p).min { abs($0 * ($0 + 1) - tri) < abs($1 * ($1 + 1) - tri) }! : p
        @Sendable func part(_ rows: Range<Int>) -> EvaluationPart {
            evaluationPart(rows: rows, scalars: rows.lowerBound == 0, eta: eta, risk: risk)
        }
        guard split < p else { return part(0..<p).evaluation(p: p) }
        let (first, second) = parallelism.both({ part(0..<split) }, { part(split..<p) })
        var merged = first
        for idx in split * (split + 1) / 2..<tri { merged.information[idx] = second.information[idx] }
        return merged.evaluation(p: p)
    }

    /// The sums of ``evaluate(beta:parallelism:)`` restricted to rows `rows` of the information's lower
    /// triangle (packed by rows), with the log-likelihood and the score when `scalars` is true.
    private struct EvaluationPart: Sendable {
        var loglik: Double
        var score: [Double]
        /// Packed lower triangle: row i holds entries (i, 0)…(i, i).
        var information: [Double]

        func evaluation(p: Int) -> Evaluation {
            var info = Matrix(zeros: p)
            var idx = 0
            for i in 0..<p { for j in 0...i { info[i, j] = information[idx]; info[j, i] = information[idx]; idx += 1 } }
            return Evaluation(loglik: loglik, score: score, information: info)
        }
    }

    /// One backward pass accumulating the triangle rows `rows` (see ``evaluate(beta:parallelism:)``), given
    /// the linear predictor `eta` and risk weights `risk` in sorted order.
    private func evaluationPart(rows: Range<Int>, scalars: Bool, eta: [Double], risk: [Double]) -> EvaluationPart {
        let p = self.p
        let tri = p * (p + 1) / 2
        let (iLo, iHi) = (rows.lowerBound, rows.upperBound)
        let (idxLo, idxHi) = (iLo * (iLo + 1) / 2, iHi * (iHi + 1) / 2)
        var loglik = 0.0
        var u = [Double](repeating: 0, count: p)
        var imat = [Double](repeating: 0, count: tri)
        var s1 = [Double](repeating: 0, count: p), s2 = [Double](repeating: 0, count: tri)
        var d1 = [Double](repeating: 0, count: p), d2 = [Double](repeating: 0, count: tri)
        var a = [Double](repeating: 0, count: p)
        x.withUnsafeBufferPointer { X in
        time.withUnsafeBufferPointer { T in
        s1.withUnsafeMutableBufferPointer { S1 in
        s2.withUnsafeMutableBufferPointer { S2 in
        d1.withUnsafeMutableBufferPointer { D1 in
        d2.withUnsafeMutableBufferPointer { D2 in
        u.withUnsafeMutableBufferPointer { U in
        imat.withUnsafeMutableBufferPointer { I in
        a.withUnsafeMutableBufferPointer { A in
        status.withUnsafeBufferPointer { ST in
        weight.withUnsafeBufferPointer { WT in
        eta.withUnsafeBufferPointer { ETA in
        risk.withUnsafeBufferPointer { RISK in
            func add(_ k: Int, _ sign: Double, _ s0: inout Double) {
                let r = sign * RISK[k]
                s0 += r
                let xr = X.baseAddress! + k * p
                let s1 = S1.baseAddress!
                for i in 0..<p { s1[i] += r * xr[i] }
                var s2 = S2.baseAddress! + idxLo
                for i in iLo..<iHi {
                    let rx = r * xr[i]
                    var j = 0
                    while j <= i { s2[j] += rx * xr[j]; j += 1 }
                    s2 += i + 1
                }
            }
            for (si, range) in strataRanges.enumerated() {
                var s0 = 0.0
                for i in 0..<p { S1[i] = 0 }
                for i in idxLo..<idxHi { S2[i] = 0 }
                let removal = entryOrder[si]
                var rp = 0
                var k = range.upperBound - 1
                while k >= range.lowerBound {
                    let t = T[k]
                    var nd = 0, deadW = 0.0, ds0 = 0.0
                    var anyDeath = false
                    while k >= range.lowerBound && T[k] == t {
                        add(k, 1, &s0)
                        if ST[k] {
                            if !anyDeath {
                                anyDeath = true
                                for i in 0..<p { D1[i] = 0 }
                                for i in idxLo..<idxHi { D2[i] = 0 }
                            }
                            nd += 1
                            let w = WT[k]
                            deadW += w
                            let r = RISK[k]
                            ds0 += r
                            loglik += w * ETA[k]
                            let xr = X.baseAddress! + k * p
                            if scalars { for i in 0..<p { U[i] += w * xr[i] } }
                            // the deaths' own sums are needed only for Efron with tied deaths
                            if efron {
                                let d1 = D1.baseAddress!
                                for i in 0..<p { d1[i] += r * xr[i] }
                                var d2 = D2.baseAddress! + idxLo
                                for i in iLo..<iHi {
                                    let rx = r * xr[i]
                                    var j = 0
                                    while j <= i { d2[j] += rx * xr[j]; j += 1 }
                                    d2 += i + 1
                                }
                            }
                        }
                        k -= 1
                    }
                    if let e = entry {
                        while rp < removal.count && e[removal[rp]] >= t {
                            add(removal[rp], -1, &s0)
                            rp += 1
                        }
                    }
                    guard nd > 0 else { continue }
                    if !efron || nd == 1 {
                        if scalars { loglik -= deadW * Double.log(s0) }
                        let inv = 1 / s0
                        for i in 0..<p { A[i] = S1[i] * inv }
                        if scalars { for i in 0..<p { U[i] -= deadW * A[i] } }
                        var idx = idxLo
                        for i in iLo..<iHi {
                            let ai = A[i]
                            for j in 0...i { I[idx] += deadW * (S2[idx] * inv - ai * A[j]); idx += 1 }
                        }
                    } else {
                        // Σ_k over the d Efron steps, in closed form: with den_k = S0 − c_k·S0_D,
                        // Σ_k (S2 − c_k·D2)/den_k = S2·Σ1/den − D2·Σc/den, and Σ_k a_k a_kᵀ expands in
                        // Σ1/den², Σc/den², Σc²/den². O(p²) per tied group instead of O(d·p²).
                        let dd = Double(nd)
                        let wbar = deadW / dd
                        var r1 = 0.0, rc = 0.0, q0 = 0.0, q1 = 0.0, q2 = 0.0
                        for kk in 0..<nd {
                            let c = Double(kk) / dd
                            let den = s0 - c * ds0
                            let inv = 1 / den
                            if scalars { loglik -= wbar * Double.log(den) }
                            r1 += inv; rc += c * inv
                            q0 += inv * inv; q1 += c * inv * inv; q2 += c * c * inv * inv
                        }
                        if scalars { for i in 0..<p { U[i] -= wbar * (S1[i] * r1 - D1[i] * rc) } }
                        var idx = idxLo
                        for i in iLo..<iHi {
                            let si = S1[i], di = D1[i]
                            for j in 0...i {
                                let sj = S1[j], dj = D1[j]
                                let outer = si * sj * q0 - (si * dj + di * sj) * q1 + di * dj * q2
                                I[idx] += wbar * (S2[idx] * r1 - D2[idx] * rc - outer)
                                idx += 1
                            }
                        }
                    }
                }
            }
        } } } } } } } } } } } } }
        return EvaluationPart(loglik: scalars ? loglik : 0, score: u, information: imat)
    }

    // MARK: Per-death-time summaries on the original covariate scale

    /// Quantities at one distinct event time of one stratum, given a linear predictor.
    struct EventTime {
        var stratum: Int
        var time: Double
        var deaths: Int
        var deathWeight: Double
        /// Σ_k dΛ_k — the hazard increment for a subject at risk who does not die at this time.
        var hazard: Double
        /// Σ_k (1 − k/d) dΛ_k — the increment for one of the deaths (equals `hazard` for Breslow).
        var deathHazard: Double
        /// Σ_k x̄_k dΛ_k and Σ_k (1 − k/d) x̄_k dΛ_k.
        var xHazard: [Double]
        var xDeathHazard: [Double]
        /// (1/d) Σ_k x̄_k — the mean subtracted from a death's covariates (Schoenfeld residual).
        var xMean: [Double]
        /// Sum of risk weights in the risk set (all deaths in).
        var riskSum: Double
    }

    /// One backward pass per stratum giving the per-event-time quantities used by residuals, zph and
    /// predicted curves. `columns` are the covariates in input order, `lp` the linear predictor (input
    /// order). If `information` is given it is called with (event index, U_t, V_t) where U_t and V_t are the
    /// event time's contributions to the score and information.
    func eventTimes(lp: [Double], columns: [[Double]], centres: [Double]? = nil,
                    information: ((EventTime, [Double], Matrix) -> Void)? = nil) -> [EventTime] {
        let p = columns.count
        // centred columns in sorted order (centring changes no result, only rounding);
        // x̄ values in the result are relative to `centres` (default: the fit's means)
        let c0 = centres ?? means
        let centred: [[Double]] = columns.enumerated().map { j, c in order.map { c[$0] - c0[j] } }
        let r = order.enumerated().map { Double.exp(lp[$0.element]) * weight[$0.offset] }
        var out: [EventTime] = []
        for (si, range) in strataRanges.enumerated() {
            var s0 = 0.0
            var s1 = [Double](repeating: 0, count: p)
            var s2 = Matrix(zeros: information == nil ? 0 : p)
            let removal = entryOrder[si]
            var rp = 0
            var k = range.upperBound - 1
            var stratumTimes: [EventTime] = []
            func add(_ k: Int, _ sign: Double) {
                let rk = sign * r[k]
                s0 += rk
                for i in 0..<p {
                    s1[i] += rk * centred[i][k]
                    if information != nil { for j in 0..<p { s2[i, j] += rk * centred[i][k] * centred[j][k] } }
                }
            }
            while k >= range.lowerBound {
                let t = time[k]
                var nd = 0, deadW = 0.0, ds0 = 0.0
                var ds1 = [Double](repeating: 0, count: p)
                var ds2 = Matrix(zeros: information == nil ? 0 : p)
                var sumWX = [Double](repeating: 0, count: p)
                while k >= range.lowerBound && time[k] == t {
                    add(k, 1)
                    if status[k] {
                        nd += 1
                        deadW += weight[k]
                        ds0 += r[k]
                        for i in 0..<p {
                            ds1[i] += r[k] * centred[i][k]
                            sumWX[i] += weight[k] * centred[i][k]
                            if information != nil {
                                for j in 0..<p { ds2[i, j] += r[k] * centred[i][k] * centred[j][k] }
                            }
                        }
                    }
                    k -= 1
                }
                if let e = entry {
                    while rp < removal.count && e[removal[rp]] >= t { add(removal[rp], -1); rp += 1 }
                }
                guard nd > 0 else { continue }
                let steps = (efron && nd > 1) ? nd : 1
                let dd = Double(steps)
                let wbar = deadW / dd
                var ev = EventTime(stratum: si, time: t, deaths: nd, deathWeight: deadW, hazard: 0, deathHazard: 0,
                                   xHazard: [Double](repeating: 0, count: p),
                                   xDeathHazard: [Double](repeating: 0, count: p),
                                   xMean: [Double](repeating: 0, count: p), riskSum: s0)
                var uT = sumWX
                var vT = Matrix(zeros: information == nil ? 0 : p)
                for kk in 0..<steps {
                    let c = steps == 1 ? 0 : Double(kk) / dd
                    let den = s0 - c * ds0
                    let dl = wbar / den
                    ev.hazard += dl
                    ev.deathHazard += (1 - c) * dl
                    var xbar = [Double](repeating: 0, count: p)
                    for i in 0..<p {
                        xbar[i] = (s1[i] - c * ds1[i]) / den
                        ev.xHazard[i] += xbar[i] * dl
                        ev.xDeathHazard[i] += (1 - c) * xbar[i] * dl
                        ev.xMean[i] += xbar[i] / dd
                        uT[i] -= wbar * xbar[i]
                    }
                    if information != nil {
                        for i in 0..<p { for j in 0..<p {
                            vT[i, j] += wbar * ((s2[i, j] - c * ds2[i, j]) / den - xbar[i] * xbar[j])
                        } }
                    }
                }
                if let information { information(ev, uT, vT) }
                stratumTimes.append(ev)
            }
            out.append(contentsOf: stratumTimes.reversed())
        }
        return out
    }

    /// Martingale residuals δ_i − exp(η_i)·ΔΛ_i (input order), with Efron's tie adjustment as R's coxmart.
    func martingaleResiduals(linearPredictor lp: [Double]) -> [Double] {
        let times = eventTimes(lp: lp, columns: [])
        return residuals(lp: lp, times: times, columns: []).martingale
    }

    /// Score residuals (one array per covariate, input order), as R's `residuals(type = "score")`.
    func scoreResiduals(linearPredictor lp: [Double], covariates: [[Double]]) -> [[Double]] {
        let times = eventTimes(lp: lp, columns: covariates)
        return residuals(lp: lp, times: times, columns: covariates).score
    }

    private func residuals(lp: [Double], times: [EventTime], columns: [[Double]])
        -> (martingale: [Double], score: [[Double]]) {
        let p = columns.count
        var mart = [Double](repeating: 0, count: n)
        var score = [[Double]](repeating: [Double](repeating: 0, count: n), count: p)
        // cumulative sums per stratum over event times
        var byStratum = [[Int]](repeating: [], count: strataRanges.count)
        for (i, e) in times.enumerated() { byStratum[e.stratum].append(i) }
        for (si, range) in strataRanges.enumerated() {
            let idx = byStratum[si]
            let tt = idx.map { times[$0].time }
            var cumH = [0.0], cumXH = [[Double](repeating: 0, count: p)]
            for i in idx {
                cumH.append(cumH.last! + times[i].hazard)
                cumXH.append((0..<p).map { cumXH.last![$0] + times[i].xHazard[$0] })
            }
            for k in range {
                let row = order[k]
                let risk = Double.exp(lp[row])
                let hi = upperBound(tt, time[k])   // event times ≤ exit
                let lo = entry.map { upperBound(tt, $0[k]) } ?? 0   // event times ≤ entry
                var h = cumH[hi] - cumH[lo]
                var xh = (0..<p).map { cumXH[hi][$0] - cumXH[lo][$0] }
                let xi = (0..<p).map { columns[$0][row] - means[$0] }
                if status[k] {
                    let e = times[idx[hi - 1]]
                    h += e.deathHazard - e.hazard
                    for j in 0..<p {
                        xh[j] += e.xDeathHazard[j] - e.xHazard[j]
                        score[j][row] += xi[j] - e.xMean[j]
                    }
                }
                mart[row] = (status[k] ? 1 : 0) - risk * h
                for j in 0..<p { score[j][row] -= risk * (xi[j] * h - xh[j]) }
            }
        }
        return (mart, score)
    }
}
