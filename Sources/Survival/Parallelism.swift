import Dispatch

/// Runs two independent computations on two threads and returns both results.
final class ResultBox<T>: @unchecked Sendable {
    var value: T?
    init() {}
}

func inParallel<A, B>(_ a: () -> A, _ b: () -> B) -> (A, B) {
    typealias Box = ResultBox
    let ra = Box<A>(), rb = Box<B>()
    withoutActuallyEscaping(a) { a in
        withoutActuallyEscaping(b) { b in
            nonisolated(unsafe) let fa = a, fb = b
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                if i == 0 { ra.value = fa() } else { rb.value = fb() }
            }
        }
    }
    return (ra.value!, rb.value!)
}
