/// Sorting primitives for the estimators: a stable LSD radix sort on `Double` keys.
///
/// Every estimator in this module sorts its input once and then makes single passes. A comparison sort
/// of 10⁷ doubles costs about a second on a laptop core; the radix sort here costs a fraction of that.
enum RadixSort {
    /// Maps a `Double` to a `UInt64` whose unsigned order is the numeric order (−0 and +0 differ, NaN last).
    @inline(__always)
    static func sortableBits(_ x: Double) -> UInt64 {
        let b = x.bitPattern
        return (b & (1 << 63)) != 0 ? ~b : b | (1 << 63)
    }

    @inline(__always)
    static func double(fromSortable k: UInt64) -> Double {
        Double(bitPattern: (k & (1 << 63)) != 0 ? k & ~(1 << 63) : ~k)
    }

    /// Sorts `values` ascending, in place.
    ///
    /// - Complexity: O(n) passes of 11 bits (at most six), skipping a pass whose digit is constant.
    static func sort(_ values: inout [Double]) {
        let n = values.count
        if n < 2048 { values.sort(); return }
        var keys = [UInt64](unsafeUninitializedCapacity: n) { buf, count in
            values.withUnsafeBufferPointer { v in
                for i in 0..<n { buf[i] = sortableBits(v[i]) }
            }
            count = n
        }
        var scratch = [UInt64](repeating: 0, count: n)
        var dummyA: [UInt32] = []
        var dummyB: [UInt32] = []
        lsd(&keys, &scratch, payload: &dummyA, payloadScratch: &dummyB, hasPayload: false)
        keys.withUnsafeBufferPointer { k in
            values.withUnsafeMutableBufferPointer { v in
                for i in 0..<n { v[i] = double(fromSortable: k[i]) }
            }
        }
    }

    /// The stable permutation that sorts `keys` ascending (ties keep input order).
    ///
    /// - Returns: `order` with `keys[order[0]] <= keys[order[1]] <= …`.
    static func order(_ keys: [Double]) -> [Int] {
        let n = keys.count
        // comparison sort for small inputs, and for inputs too long for the 32-bit radix payload
        if n < 2048 || n >= Int(UInt32.max) {
            return Array(0..<n).sorted { (keys[$0], $0) < (keys[$1], $1) }
        }
        var k = keys.map(sortableBits)
        var kScratch = [UInt64](repeating: 0, count: n)
        var p = [UInt32](unsafeUninitializedCapacity: n) { buf, c in
            for i in 0..<n { buf[i] = UInt32(i) }
            c = n
        }
        var pScratch = [UInt32](repeating: 0, count: n)
        lsd(&k, &kScratch, payload: &p, payloadScratch: &pScratch, hasPayload: true)
        return p.map { Int($0) }
    }

    /// The stable permutation that sorts rows by `(group, key)`; groups are small non-negative integers.
    static func order(group: [Int], keys: [Double]) -> [Int] {
        let byKey = order(keys)
        guard let maxGroup = group.max(), maxGroup > 0 else { return byKey }
        var counts = [Int](repeating: 0, count: maxGroup + 2)
        for g in group { counts[g + 1] += 1 }
        for g in 0...maxGroup { counts[g + 1] += counts[g] }
        var out = [Int](repeating: 0, count: keys.count)
        for i in byKey {
            let g = group[i]
            out[counts[g]] = i
            counts[g] += 1
        }
        return out
    }

    private static func lsd(_ keys: inout [UInt64], _ scratch: inout [UInt64],
                            payload: inout [UInt32], payloadScratch: inout [UInt32], hasPayload: Bool) {
        let n = keys.count
        let bits = 11, radix = 1 << 11, mask = UInt64(radix - 1), passes = 6
        var hist = [Int](repeating: 0, count: radix * passes)
        keys.withUnsafeBufferPointer { k in
            hist.withUnsafeMutableBufferPointer { h in
                for i in 0..<n {
                    var v = k[i]
                    for p in 0..<passes {
                        h[p * radix + Int(v & mask)] += 1
                        v >>= UInt64(bits)
                    }
                }
            }
        }
        var inKeys = true  // data currently lives in `keys`
        for p in 0..<passes {
            // Skip a pass whose digit takes one value only.
            var skip = false
            for b in 0..<radix where hist[p * radix + b] != 0 {
                skip = hist[p * radix + b] == n
                break
            }
            if skip { continue }
            var offsets = [Int](repeating: 0, count: radix)
            var sum = 0
            for b in 0..<radix { offsets[b] = sum; sum += hist[p * radix + b] }
            let shift = UInt64(p * bits)
            func pass(_ src: UnsafeBufferPointer<UInt64>, _ dst: UnsafeMutableBufferPointer<UInt64>,
                      _ ps: UnsafeBufferPointer<UInt32>, _ pd: UnsafeMutableBufferPointer<UInt32>) {
                offsets.withUnsafeMutableBufferPointer { off in
                    if hasPayload {
                        for i in 0..<n {
                            let v = src[i]
                            let b = Int((v >> shift) & mask)
                            let o = off[b]
                            dst[o] = v
                            pd[o] = ps[i]
                            off[b] = o + 1
                        }
                    } else {
                        for i in 0..<n {
                            let v = src[i]
                            let b = Int((v >> shift) & mask)
                            dst[off[b]] = v
                            off[b] += 1
                        }
                    }
                }
            }
            if inKeys {
                keys.withUnsafeBufferPointer { s in scratch.withUnsafeMutableBufferPointer { d in
                    payload.withUnsafeBufferPointer { ps in payloadScratch.withUnsafeMutableBufferPointer { pd in
                        pass(s, d, ps, pd) } } } }
            } else {
                scratch.withUnsafeBufferPointer { s in keys.withUnsafeMutableBufferPointer { d in
                    payloadScratch.withUnsafeBufferPointer { ps in payload.withUnsafeMutableBufferPointer { pd in
                        pass(s, d, ps, pd) } } } }
            }
            inKeys.toggle()
        }
        if !inKeys {
            swap(&keys, &scratch)
            if hasPayload { swap(&payload, &payloadScratch) }
        }
    }
}
