import Foundation
import Oncology
import Yams

/// The analysis plan: time origin and unit, landmark window, endpoint rules, cut-points, CTCAE version,
/// α/β. The defaults reproduce the analysis of the CCRT patterns-of-failure paper.
///
/// ```swift
/// let plan = StudyPlan()                       // the paper's plan
/// let custom = try StudyPlan(yaml: "origin: rt_start\nlandmark_months: 6\n")
/// ```
///
/// Every key is optional in YAML; an unknown key is an error (a misspelt key must not be silently ignored).
public struct StudyPlan: Codable, Sendable, Equatable {
    /// The day from which times are counted.
    public enum Origin: String, Codable, Sendable, CaseIterable {
        case rtEnd = "rt_end", rtStart = "rt_start"
    }

    /// The unit of reported times.
    public enum TimeUnit: String, Codable, Sendable, CaseIterable {
        case months, days, years
        /// Days per unit: months = 30.4375 (365.25/12), years = 365.25.
        public var days: Double {
            switch self {
            case .months: return 30.4375
            case .days: return 1
            case .years: return 365.25
            }
        }
    }

    /// What happens to a patient's follow-up for one failure type at death.
    public enum DeathHandling: String, Codable, Sendable, CaseIterable {
        /// Censored at death (the paper's failure-specific PFS).
        case censor
        /// Death counts as an event (classic progression-free survival).
        case event
    }

    /// What happens to follow-up for one failure type when another type occurs first.
    public enum OtherFailureHandling: String, Codable, Sendable, CaseIterable {
        /// Follow-up continues until this type occurs (the paper: event = that failure type).
        case ignore
        /// Censored at the first failure of another type (first-failure analysis).
        case censor
    }

    public var origin: Origin = .rtEnd
    public var timeUnit: TimeUnit = .months
    /// Failures within this many months after the origin form the landmark ("at 3 months") table.
    public var landmarkMonths: Double = 3
    /// Toxicity window: from RT start to this many months after RT end.
    public var toxicityWindowMonths: Double = 3
    /// Response at 3 months: the scan closest to origin + `responseMonths`, within ± `responseWindowMonths`.
    public var responseMonths: Double = 3
    public var responseWindowMonths: Double = 1.5
    public var responseCriteria: String = "mRECIST"
    public var deathHandling: DeathHandling = .censor
    public var otherFailures: OtherFailureHandling = .ignore
    public var ctcaeVersion: CTCAEVersion = .v3
    public var alphaBeta: Double = 10
    /// Cut-points of the risk factors.
    public var ageCutoff: Double = 50
    public var afpCutoff: Double = 200
    public var pivkaCutoff: Double = 60
    /// Risk factors in the univariate and multivariate analyses, in table order.
    public var factors: [RiskFactor.Kind] = RiskFactor.Kind.allCases
    /// Landmark times (in `timeUnit`) for survival rates (1 and 2 years).
    public var rateTimes: [Double] = [12, 24]
    /// Times (in `timeUnit`) of the number-at-risk table under the curves.
    public var riskTableTimes: [Double] = [0, 6, 12, 18, 24, 30, 36, 48, 60]
    /// Significance level for "significant" factors (Fig. 3).
    public var alpha: Double = 0.05

    public init() {}

    enum CodingKeys: String, CodingKey {
        case origin, factors, alpha
        case timeUnit = "time_unit", landmarkMonths = "landmark_months", toxicityWindowMonths = "toxicity_window_months"
        case responseMonths = "response_months", responseWindowMonths = "response_window_months"
        case responseCriteria = "response_criteria", deathHandling = "death", otherFailures = "other_failures"
        case ctcaeVersion = "ctcae_version", alphaBeta = "alpha_beta", ageCutoff = "age_cutoff"
        case afpCutoff = "afp_cutoff", pivkaCutoff = "pivka_cutoff", rateTimes = "rate_times"
        case riskTableTimes = "risk_table_times"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = StudyPlan.defaultPlan
        origin = try c.decodeIfPresent(Origin.self, forKey: .origin) ?? d.origin
        timeUnit = try c.decodeIfPresent(TimeUnit.self, forKey: .timeUnit) ?? d.timeUnit
        landmarkMonths = try c.decodeIfPresent(Double.self, forKey: .landmarkMonths) ?? d.landmarkMonths
        toxicityWindowMonths = try c.decodeIfPresent(Double.self, forKey: .toxicityWindowMonths) ?? d.toxicityWindowMonths
        responseMonths = try c.decodeIfPresent(Double.self, forKey: .responseMonths) ?? d.responseMonths
        responseWindowMonths = try c.decodeIfPresent(Double.self, forKey: .responseWindowMonths) ?? d.responseWindowMonths
        responseCriteria = try c.decodeIfPresent(String.self, forKey: .responseCriteria) ?? d.responseCriteria
        deathHandling = try c.decodeIfPresent(DeathHandling.self, forKey: .deathHandling) ?? d.deathHandling
        otherFailures = try c.decodeIfPresent(OtherFailureHandling.self, forKey: .otherFailures) ?? d.otherFailures
        if c.contains(.ctcaeVersion) {
            let text = (try? c.decode(String.self, forKey: .ctcaeVersion))
                ?? (try? c.decode(Double.self, forKey: .ctcaeVersion)).map { String($0) } ?? ""
            guard let v = CTCAEVersion(parsing: text) else {
                throw DecodingError.dataCorruptedError(forKey: .ctcaeVersion, in: c,
                    debugDescription: "unknown CTCAE version \"\(text)\" (use v3, v4.03 or v5)")
            }
            ctcaeVersion = v
        } else {
            ctcaeVersion = d.ctcaeVersion
        }
        alphaBeta = try c.decodeIfPresent(Double.self, forKey: .alphaBeta) ?? d.alphaBeta
        ageCutoff = try c.decodeIfPresent(Double.self, forKey: .ageCutoff) ?? d.ageCutoff
        afpCutoff = try c.decodeIfPresent(Double.self, forKey: .afpCutoff) ?? d.afpCutoff
        pivkaCutoff = try c.decodeIfPresent(Double.self, forKey: .pivkaCutoff) ?? d.pivkaCutoff
        factors = try c.decodeIfPresent([RiskFactor.Kind].self, forKey: .factors) ?? d.factors
        rateTimes = try c.decodeIfPresent([Double].self, forKey: .rateTimes) ?? d.rateTimes
        riskTableTimes = try c.decodeIfPresent([Double].self, forKey: .riskTableTimes) ?? d.riskTableTimes
        alpha = try c.decodeIfPresent(Double.self, forKey: .alpha) ?? d.alpha
    }

    static let defaultPlan = StudyPlan()

    /// Errors in a plan file.
    public struct PlanError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads a plan from YAML text; keys not given keep their defaults.
    ///
    /// - Throws: ``PlanError`` naming the unknown key or the invalid value.
    public init(yaml: String, source: String = "plan.yaml") throws {
        let node: Any?
        do { node = try Yams.load(yaml: yaml) } catch { throw PlanError(description: "\(source): not valid YAML: \(error)") }
        if let dict = node as? [String: Any] {
            let known = Set(CodingKeys.allStrings)
            for key in dict.keys.sorted() where !known.contains(key) {
                throw PlanError(description: "\(source): unknown key \"\(key)\" (known keys: \(known.sorted().joined(separator: ", ")))")
            }
        } else if node != nil && !(node is NSNull) {
            throw PlanError(description: "\(source): expected a mapping of keys to values")
        }
        do {
            self = node == nil ? StudyPlan() : try YAMLDecoder().decode(StudyPlan.self, from: yaml)
        } catch let DecodingError.dataCorrupted(ctx) {
            throw PlanError(description: "\(source): \(ctx.codingPath.map(\.stringValue).joined(separator: ".")): \(ctx.debugDescription)")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw PlanError(description: "\(source): \(ctx.codingPath.map(\.stringValue).joined(separator: ".")): wrong type (\(ctx.debugDescription))")
        } catch {
            throw PlanError(description: "\(source): \(error)")
        }
        try validate(source: source)
    }

    func validate(source: String) throws {
        func check(_ ok: Bool, _ message: String) throws { if !ok { throw PlanError(description: "\(source): \(message)") } }
        try check(landmarkMonths > 0, "landmark_months must be > 0")
        try check(toxicityWindowMonths >= 0, "toxicity_window_months must be ≥ 0")
        try check(alphaBeta > 0, "alpha_beta must be > 0")
        try check(alpha > 0 && alpha < 1, "alpha must be between 0 and 1")
        try check(!rateTimes.isEmpty && rateTimes.allSatisfy { $0 > 0 }, "rate_times must be positive")
        try check(ResponseCriteria(rawValue: responseCriteria) != nil, "response_criteria must be mRECIST or RECIST 1.1")
        try check(Set(factors).count == factors.count, "factors are listed twice")
    }

    /// The plan as YAML (every key, with its value).
    public var yaml: String { (try? YAMLEncoder().encode(self)) ?? "" }

    /// Landmark window in days.
    public var landmarkDays: Double { landmarkMonths * TimeUnit.months.days }
}

extension StudyPlan.CodingKeys {
    static var allStrings: [String] {
        ["origin", "factors", "alpha", "time_unit", "landmark_months", "toxicity_window_months", "response_months",
         "response_window_months", "response_criteria", "death", "other_failures", "ctcae_version", "alpha_beta",
         "age_cutoff", "afp_cutoff", "pivka_cutoff", "rate_times", "risk_table_times"]
    }
}
