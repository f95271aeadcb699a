/// A bad argument given to one of the survival estimators: what is wrong, in which argument, and where.
///
/// Every estimator of the module that checks its input (``KaplanMeier``, ``LogRankTest``,
/// ``CumulativeIncidence``, ``CoxPrediction``, ``Concordance``, ``Matrix``, ``CoxModel``, ``FineGray``,
/// ``FirthCoxModel``) throws this type rather than
/// trapping, so a mismatched array or a non-finite value cannot crash the program that calls it:
///
/// ```swift
/// do {
///     let fit = try KaplanMeier(time: [1, 2, 3], event: [true, false])
/// } catch {
///     print(error)   // "event has 2 values but time has 3"
/// }
/// ```
///
/// Positions (`index`) are 0-based offsets into the named argument. Arguments are named as the
/// initializers name them (`time`, `event`, `weights`, `group`, `strata`, `cause`, `covariates`, …).
///
/// Data that are valid but carry no information for a test (one group, no events, groups nested in
/// strata) are not errors: the estimators return a result that says why the test is not possible
/// (for instance ``LogRankTest/notPossible``).
public enum SurvivalError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `argument` has `count` values where `expected` were required (the length of `reference`).
    case lengthMismatch(argument: String, count: Int, reference: String, expected: Int)
    /// No observations were given (an estimator that needs at least one).
    case noObservations
    /// A value of `argument` is NaN or infinite.
    case notFinite(argument: String, index: Int, value: Double)
    /// A time is negative (survival times start at 0).
    case negativeTime(argument: String, index: Int, value: Double)
    /// A case weight is zero, negative, NaN or infinite.
    case invalidWeight(index: Int, value: Double)
    /// A group (or stratum) index is outside `0..<count`.
    case indexOutOfRange(argument: String, index: Int, value: Int, count: Int)
    /// A scalar parameter is outside its domain (`requirement` says what is allowed).
    case invalidParameter(name: String, value: Double, requirement: String)
    /// `argument` has more distinct values than the estimator accepts (a resource limit).
    case tooManyValues(argument: String, count: Int, limit: Int)

    /// Equal when the cases and their values are equal (a NaN value equals NaN).
    ///
    /// - Complexity: O(1).
    public static func == (lhs: SurvivalError, rhs: SurvivalError) -> Bool {
        func same(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }
        switch (lhs, rhs) {
        case let (.lengthMismatch(a1, c1, r1, e1), .lengthMismatch(a2, c2, r2, e2)):
            return a1 == a2 && c1 == c2 && r1 == r2 && e1 == e2
        case (.noObservations, .noObservations):
            return true
        case let (.notFinite(a1, i1, v1), .notFinite(a2, i2, v2)),
             let (.negativeTime(a1, i1, v1), .negativeTime(a2, i2, v2)):
            return a1 == a2 && i1 == i2 && same(v1, v2)
        case let (.invalidWeight(i1, v1), .invalidWeight(i2, v2)):
            return i1 == i2 && same(v1, v2)
        case let (.indexOutOfRange(a1, i1, v1, c1), .indexOutOfRange(a2, i2, v2, c2)):
            return a1 == a2 && i1 == i2 && v1 == v2 && c1 == c2
        case let (.invalidParameter(n1, v1, r1), .invalidParameter(n2, v2, r2)):
            return n1 == n2 && same(v1, v2) && r1 == r2
        case let (.tooManyValues(a1, c1, l1), .tooManyValues(a2, c2, l2)):
            return a1 == a2 && c1 == c2 && l1 == l2
        default:
            return false
        }
    }

    /// The message, naming the argument, the index and the value.
    public var description: String {
        switch self {
        case let .lengthMismatch(argument, count, reference, expected):
            return "\(argument) has \(count) values but \(reference) has \(expected)"
        case .noObservations:
            return "no observations"
        case let .notFinite(argument, index, value):
            return "\(argument)[\(index)] is \(value), not a finite number"
        case let .negativeTime(argument, index, value):
            return "\(argument)[\(index)] is \(value); times must be ≥ 0"
        case let .invalidWeight(index, value):
            return "weights[\(index)] is \(value); weights must be positive and finite"
        case let .indexOutOfRange(argument, index, value, count):
            return "\(argument)[\(index)] is \(value), outside 0..<\(count)"
        case let .invalidParameter(name, value, requirement):
            return "\(name) is \(value); it must be \(requirement)"
        case let .tooManyValues(argument, count, limit):
            return "\(argument) has \(count) distinct values; at most \(limit) are accepted"
        }
    }
}

/// Shared argument checks (each throws the first problem found, scanning in index order).
enum Check {
    static func length<T>(_ a: [T], _ name: String, as n: Int, of reference: String) throws(SurvivalError) {
        if a.count != n { throw .lengthMismatch(argument: name, count: a.count, reference: reference, expected: n) }
    }

    static func finite(_ a: [Double], _ name: String) throws(SurvivalError) {
        for (i, v) in a.enumerated() where !v.isFinite { throw .notFinite(argument: name, index: i, value: v) }
    }

    /// Finite and ≥ 0.
    static func times(_ a: [Double], _ name: String = "time") throws(SurvivalError) {
        for (i, v) in a.enumerated() {
            if !v.isFinite { throw .notFinite(argument: name, index: i, value: v) }
            if v < 0 { throw .negativeTime(argument: name, index: i, value: v) }
        }
    }

    static func weights(_ w: [Double]?, count n: Int) throws(SurvivalError) {
        guard let w else { return }
        try length(w, "weights", as: n, of: "time")
        for (i, v) in w.enumerated() where !(v > 0 && v.isFinite) { throw .invalidWeight(index: i, value: v) }
    }

    static func indices(_ a: [Int], _ name: String, count k: Int) throws(SurvivalError) {
        for (i, v) in a.enumerated() where v < 0 || v >= k {
            throw .indexOutOfRange(argument: name, index: i, value: v, count: k)
        }
    }

    static func confidenceLevel(_ level: Double) throws(SurvivalError) {
        if !(level > 0 && level < 1) {
            throw .invalidParameter(name: "confidenceLevel", value: level, requirement: "strictly between 0 and 1")
        }
    }

    static func rho(_ rho: Double) throws(SurvivalError) {
        if !(rho >= 0 && rho.isFinite) {
            throw .invalidParameter(name: "rho", value: rho, requirement: "a finite number ≥ 0")
        }
    }
}
