/// Whether a fitted coefficient (or a whole model) is an estimate that can be reported, and if not, why.
///
/// ```swift
/// let fit = try CoxModel(time: t, event: e, covariates: [x, z])
/// switch fit.termStatus[0] {
/// case .estimable: print(fit.estimate(0)!.hazardRatio)
/// case .notEstimable(let reason): print("not estimable: \(reason)")   // e.g. "monotone likelihood …"
/// }
/// ```
///
/// A term that is not estimable has no hazard ratio, confidence interval, z or p: ``CoxModel/estimate(_:level:)``
/// and ``FineGray/estimate(_:level:)`` return `nil` for it. Encoded as JSON it is
/// `{"estimable": true}` or `{"estimable": false, "reason": "monotoneLikelihood"}`.
public enum Estimability: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// The coefficient (or model) is an estimate that can be reported.
    case estimable
    /// It cannot be reported, for the reason given.
    case notEstimable(Reason)

    /// Why a coefficient or a model cannot be estimated.
    public enum Reason: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
        /// The likelihood keeps increasing as the coefficient goes to ±∞ (separation; R's "Loglik converged
        /// before variable …; coefficient may be infinite").
        case monotoneLikelihood
        /// The iterations ran out before the fit converged.
        case notConverged
        /// The column is constant or a linear combination of other columns (singular design; R's NA).
        case aliased
        /// The variance of the coefficient is zero, negative or not finite at the estimate.
        case singular
        /// A two-valued (yes/no or dummy) column one of whose values has no events: the coefficient is
        /// infinite.
        case noEventsInLevel
        /// The model has no events (of the cause of interest).
        case noEvents
        /// The model has fewer events than coefficients.
        case fewerEventsThanTerms

        /// A plain-language reason, as tables print it.
        public var description: String {
            switch self {
            case .monotoneLikelihood: return "monotone likelihood (the coefficient may be infinite)"
            case .notConverged: return "the fit did not converge"
            case .aliased: return "constant or collinear with other terms"
            case .singular: return "the variance is not positive at the estimate"
            case .noEventsInLevel: return "one level has no events"
            case .noEvents: return "no events"
            case .fewerEventsThanTerms: return "fewer events than terms"
            }
        }
    }

    /// `true` for ``estimable``.
    public var isEstimable: Bool { self == .estimable }
    /// The reason, or `nil` when estimable.
    public var reason: Reason? {
        if case .notEstimable(let r) = self { return r }
        return nil
    }

    /// "estimable", or "not estimable: " and the reason.
    public var description: String {
        switch self {
        case .estimable: return "estimable"
        case .notEstimable(let r): return "not estimable: \(r)"
        }
    }

    private enum CodingKeys: String, CodingKey { case estimable, reason }

    /// Decodes `{"estimable": true}` or `{"estimable": false, "reason": "…"}`.
    ///
    /// - Parameter decoder: The decoder.
    /// - Throws: A decoding error for any other shape.
    /// - Complexity: O(1).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if try c.decode(Bool.self, forKey: .estimable) {
            self = .estimable
        } else {
            self = .notEstimable(try c.decode(Reason.self, forKey: .reason))
        }
    }

    /// Encodes as `{"estimable": true}` or `{"estimable": false, "reason": "…"}`.
    ///
    /// - Parameter encoder: The encoder.
    /// - Throws: An encoding error from the encoder.
    /// - Complexity: O(1).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(isEstimable, forKey: .estimable)
        if let reason { try c.encode(reason, forKey: .reason) }
    }
}

/// Data checks shared by the proportional-hazards fits.
enum EstimabilityCheck {
    /// Columns with exactly two distinct values among `rows` (all rows when nil) one of which no event has:
    /// the partial likelihood is monotone in such a coefficient whatever the others (the score
    /// Σ_events (x_i − x̄(t_i)) keeps one sign).
    static func columnsWithEventlessLevel(_ covariates: [[Double]], isEvent: (Int) -> Bool) -> [Int] {
        var out: [Int] = []
        for (j, c) in covariates.enumerated() {
            guard let first = c.first else { continue }
            var other: Double? = nil
            var twoValued = true
            var eventHasFirst = false, eventHasOther = false
            for (i, v) in c.enumerated() {
                if v != first {
                    if other == nil { other = v } else if other! != v { twoValued = false; break }
                }
                if isEvent(i) { if v == first { eventHasFirst = true } else { eventHasOther = true } }
            }
            guard twoValued, other != nil else { continue }
            if eventHasFirst != eventHasOther { out.append(j) }
        }
        return out
    }

    /// The one-more-Newton-step rule of R's `coxph.fit`: with score U and inverse information V at the
    /// converged estimate, term j is flagged when |(VU)_j| > ε and |(VU)_j| > √ε·|β_j|, or U_j is not
    /// finite — the step still wanted on β_j is not small beside β_j itself.
    static func monotoneTerms(score u: [Double], inverseInformation v: Matrix, coefficients: [Double],
                              epsilon: Double, infTolerance: Double) -> [Int] {
        let p = coefficients.count
        return (0..<p).filter { j in
            let inf = abs((0..<p).reduce(0.0) { $0 + u[$1] * v[$1, j] })
            return !u[j].isFinite || (inf > epsilon && inf > infTolerance * abs(coefficients[j]))
        }
    }
}
