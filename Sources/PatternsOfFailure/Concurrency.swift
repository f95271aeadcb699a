import Dispatch

/// Work started at once on a global queue; ``value()`` waits for it and returns its result (or rethrows its
/// error). Used to overlap independent steps of a report (hashing an input while it is parsed, writing the Word
/// document while the other files are written); the result does not depend on the timing.
///
/// ```swift
/// let digest = Background { SHA256.hexDigest(bytes) }
/// let table = try CSVTable(bytes: bytes, sourceName: name)   // meanwhile
/// let sha = try digest.value()
/// ```
package final class Background<T>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<T, Error>?
    private var waited = false   // touched only by the thread that calls value()

    /// Starts `work` on a global queue. The caller hands `work` over: it must not share mutable state with
    /// the calling thread.
    package init(_ work: @escaping () throws -> T) {
        let body = UncheckedSendable(work)
        DispatchQueue.global(qos: .userInitiated).async {
            self.result = Result { try body.value() }
            self.done.signal()
        }
    }

    /// Waits for the work (once; later calls return the same result).
    package func value() throws -> T {
        if !waited {
            done.wait()
            waited = true
        }
        return try result!.get()
    }
}

/// A value handed to another thread by a caller who guarantees it is not used concurrently.
package struct UncheckedSendable<T>: @unchecked Sendable {
    package let value: T
    package init(_ value: T) { self.value = value }
}

/// Consecutive chunks of `0..<count` transformed on all cores, the results returned in chunk order, so that
/// concatenating them gives the same result, bit for bit, as one pass in order.
///
/// - Parameters:
///   - count: Number of items.
///   - minimumChunk: Fewer items than twice this are done in one chunk on the calling thread.
///   - transform: The work for one range of items; it must only read shared state.
/// - Returns: One result per chunk, in order.
func parallelChunks<R>(_ count: Int, minimumChunk: Int = 2048, _ transform: (Range<Int>) -> R) -> [R] {
    let chunks = count < 2 * minimumChunk ? 1 : min(16, count / minimumChunk)
    if chunks == 1 { return [transform(0..<count)] }
    var out = [R?](repeating: nil, count: chunks)
    out.withUnsafeMutableBufferPointer { buffer in
        let target = UncheckedSendable(buffer)
        withoutActuallyEscaping(transform) { transform in
            let work = UncheckedSendable(transform)
            DispatchQueue.concurrentPerform(iterations: chunks) { k in
                target.value[k] = work.value(k * count / chunks ..< (k + 1) * count / chunks)
            }
        }
    }
    return out.map { $0! }
}

/// `transform(i)` for i in `0..<count`, each on its own thread of Dispatch's pool; the results in order.
///
/// - Parameter transform: The work for one item; it must only read shared state.
package func parallelMap<R>(_ count: Int, _ transform: (Int) -> R) -> [R] {
    if count <= 1 { return (0..<count).map(transform) }
    var out = [R?](repeating: nil, count: count)
    out.withUnsafeMutableBufferPointer { buffer in
        let target = UncheckedSendable(buffer)
        withoutActuallyEscaping(transform) { transform in
            let work = UncheckedSendable(transform)
            DispatchQueue.concurrentPerform(iterations: count) { k in target.value[k] = work.value(k) }
        }
    }
    return out.map { $0! }
}
