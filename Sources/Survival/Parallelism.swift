import Dispatch
import Synchronization

/// Whether an estimator may compute independent parts of its work on two threads.
///
/// Three estimators have parts that do not depend on each other: each Newton step of ``CoxModel`` makes
/// its pass over the risk sets on two threads, each accumulating half of the information matrix's entries;
/// ``Concordance`` (also the Cox model's) sweeps the event side and the at-risk side of its pair counts side
/// by side; ``KaplanMeier`` tallies the two halves of a large sample's rows side by side. Each part reads
/// only immutable inputs and returns its own value, and every sum is formed in the same order as on one
/// thread (the tallies are whole-number counts), so the results are the same, bit for bit, whichever is
/// chosen; only the wall-clock time differs.
///
/// ```swift
/// let fit = try CoxModel(time: t, event: e, covariates: [x], parallelism: .serial)   // one thread
/// let c = Concordance(time: t, event: e, score: s)                                   // default: two
/// ```
///
/// The default, ``twoThreads``, runs the two parts on Dispatch's global pool (on Apple platforms before
/// macOS 15 / iOS 18, where `Synchronization.Mutex` is missing, it falls back to ``serial``). Choose
/// ``serial`` when the caller already runs one fit per core, or needs the calling thread only.
public enum Parallelism: String, Sendable, Hashable, Codable, CaseIterable {
    /// Everything on the calling thread.
    case serial
    /// Two independent parts on two threads (the default).
    case twoThreads

    /// The default: ``twoThreads``.
    public static let `default`: Parallelism = .twoThreads

    /// Runs `first` and `second` and returns both results: side by side with ``twoThreads``, one after
    /// the other with ``serial``. The closures are `@Sendable` and their results `Sendable`, so the
    /// compiler checks that neither shares mutable state with the other.
    ///
    /// - Complexity: The cost of `first` plus the cost of `second` (their maximum in wall-clock time with
    ///   ``twoThreads``).
    func both<A: Sendable, B: Sendable>(_ first: @Sendable () -> A, _ second: @Sendable () -> B) -> (A, B) {
        guard self == .twoThreads else { return (first(), second()) }
        guard #available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *) else { return (first(), second()) }
        let results = Mutex<(A?, B?)>((nil, nil))
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            if part == 0 {
                let a = first()
                results.withLock { $0.0 = a }
            } else {
                let b = second()
                results.withLock { $0.1 = b }
            }
        }
        return results.withLock { ($0.0!, $0.1!) }
    }
}
