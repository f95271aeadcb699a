import Foundation

/// Every number the study report shows, with provenance: the output of ``StudyAnalysis`` and the input of
/// the renderers. Codable, so `results.json` is this value at full precision.
public struct StudyResults: Codable, Sendable {
    public var provenance: Provenance
    public var cohort: CohortCounts
    public var followUp: FollowUp
    public var table1: [CharacteristicRow]
    public var response: ResponseSummary
    public var patterns: PatternSummary
    public var survival: [EndpointSurvival]
    public var univariate: [UnivariateResult]
    public var multivariate: [MultivariateResult]
    /// Survival curves by factor, as pre-specified in the plan's `figures` (never chosen by P value).
    public var factorFigures: [FactorCurves]
    /// Factor × subgroup analyses.
    public var subgroups: [SubgroupResult]
    /// Failure patterns within the landmark window by the levels of the plan's `patterns_by` factor.
    public var patternsByFactor: PatternsByFactor?
    public var toxicity: ToxicitySummary
    /// Causes of death (patients.csv `cause_of_death`), when recorded for any patient.
    public var causesOfDeath: CausesOfDeath?
    public var competingRisks: [CompetingRiskResult]
    public var warnings: [String]
    public var exclusions: [ExclusionCount]
    /// The failures under every dosimetric rule the data allow (failures.csv dose summaries), and the
    /// plan's rule; `nil` when there are no dose summaries and the plan names no rule.
    public var failureClassification: FailureClassificationSummary? = nil
}

public struct Provenance: Codable, Sendable {
    public var tool: String
    public var version: String
    public var generatedAt: String
    public var plan: StudyPlan
    public var inputs: [InputFile]
    /// True for the built-in synthetic demo cohort.
    public var synthetic: Bool
    public var note: String?
}

public struct CohortCounts: Codable, Sendable {
    public var patients: Int
    public var dead: Int
    public var alive: Int
    public var unknown: Int
    public var withAnyFailure: Int
    public var deathsWithinLandmark: Int
}

/// Median follow-up: of observed follow-up for all patients and for survivors, and by reverse Kaplan–Meier.
public struct FollowUp: Codable, Sendable {
    public var medianAll: Double
    public var minAll: Double
    public var maxAll: Double
    /// NaN (JSON null) when there are no survivors / the reverse-KM median is not reached.
    public var medianSurvivors: Double
    public var minSurvivors: Double
    public var maxSurvivors: Double
    public var reverseKM: Double
    public var reverseKMLower: Double
    public var reverseKMUpper: Double
    public var unit: String
}

/// A line of Table 1: a count with percentage, or a median with range.
public struct CharacteristicRow: Codable, Sendable {
    public var section: String
    public var label: String
    public var n: Int?
    public var denominator: Int?
    public var median: Double?
    public var min: Double?
    public var max: Double?
    public var unit: String?
    public var percent: Double? { n.flatMap { n in denominator.map { Double(n) / Double($0) * 100 } } }
}

public struct CategoryCount: Codable, Sendable {
    public var category: String
    public var n: Int
    public var denominator: Int
    public var percent: Double { denominator > 0 ? Double(n) / Double(denominator) * 100 : .nan }
}

public struct ResponseSummary: Codable, Sendable {
    /// "recorded" (response_3m) or "lesions (mRECIST)".
    public var source: String
    public var atLandmark: [CategoryCount]
    public var best: [CategoryCount]
    /// Patients whose recorded and lesion-derived responses differ.
    public var disagreements: [String]
}

public struct SiteCount: Codable, Sendable {
    public var site: String
    public var n: Int
    public var percent: Double
    /// Of these, patients with another site failing in the same window ("7 of 12 … combined").
    public var combined: Int
}

public struct PatternCounts: Codable, Sendable {
    public var window: String
    public var patientsWithFailure: Int
    public var percent: Double
    public var sites: [SiteCount]
    /// The 7 exclusive combinations of infield (I), intrahepatic-outfield (O) and extrahepatic (E).
    public var exclusive: [CategoryCount]
}

public struct PatternSummary: Codable, Sendable {
    public var landmark: PatternCounts
    public var overall: PatternCounts
    /// Pattern of the first failure (sites failing on the first failure date).
    public var firstFailure: [CategoryCount]
    /// Extrahepatic sites, by number of patients, descending.
    public var extrahepaticOrgans: [CategoryCount]
}

public struct Curve: Codable, Sendable {
    public var label: String
    public var time: [Double]
    public var value: [Double]
    public var lower: [Double]
    public var upper: [Double]
    public var censorTimes: [Double]
    public var riskTimes: [Double]
    public var atRisk: [Double]
}

public struct RateAtTime: Codable, Sendable {
    public var time: Double
    public var estimate: Double
    public var lower: Double
    public var upper: Double
}

public struct EndpointSurvival: Codable, Sendable {
    /// Endpoint name (plan).
    public var endpoint: String
    public var label: String
    public var n: Int
    public var events: Int
    /// NaN (JSON null) when not reached.
    public var median: Double
    public var medianLower: Double
    public var medianUpper: Double
    public var rates: [RateAtTime]
    public var curve: Curve
    /// What ended follow-up, counted ("death (censored)": 40, …).
    public var censoring: [CategoryCount]
}

public struct LevelSummary: Codable, Sendable {
    public var level: String
    public var n: Int
    public var events: Int
    /// Survival at the last rate time (2 years by default).
    public var rate: Double
    public var rateLower: Double
    public var rateUpper: Double
    /// NaN (JSON null) when not reached.
    public var median: Double
}

public struct UnivariateResult: Codable, Sendable {
    public var endpoint: String
    public var factor: String
    public var label: String
    /// Levels in table order.
    public var levels: [LevelSummary]
    public var rateTime: Double
    /// Log-rank statistic; NaN (JSON null) when the test could not be done (see `notTested`).
    public var chisq: Double
    public var df: Int
    /// NaN (JSON null) when the test could not be done.
    public var p: Double
    /// Patients without a known level (excluded from this comparison).
    public var missing: Int
    /// Why no test was done (one level with patients, no events), or nil.
    public var notTested: String?
}

/// One term of a Cox or Fine–Gray model: a factor level against the reference level.
///
/// A term that is not estimable has `estimable == false`, a reason, and NaN (JSON null) in every number:
/// it is never shown as a finding.
public struct HazardRatio: Codable, Sendable {
    public var factor: String
    public var label: String
    public var level: String
    /// The reference level the ratio is against.
    public var reference: String
    public var coef: Double
    public var hr: Double
    public var lower: Double
    public var upper: Double
    public var p: Double
    public var estimable: Bool
    /// Why the term is not estimable (``TermEstimability``), or nil.
    public var notEstimable: TermEstimability?
}

/// Why a model term has no estimate the report can stand behind.
public struct TermEstimability: Codable, Sendable, Equatable {
    /// `monotone_likelihood`, `no_events_in_level`, `collinear`, `not_converged`, `too_few_events`.
    public var code: String
    /// A sentence for readers: "no events among patients at this level: the hazard ratio is infinite or 0".
    public var explanation: String
    public init(code: String, explanation: String) { self.code = code; self.explanation = explanation }
}

public struct PHTest: Codable, Sendable {
    public var term: String
    public var chisq: Double
    public var df: Int
    public var p: Double
}

public struct MultivariateResult: Codable, Sendable {
    public var endpoint: String
    /// `none` (R coxph) or `firth` (R coxphf).
    public var penalty: String
    public var n: Int
    public var events: Int
    public var terms: [HazardRatio]
    public var eventsPerVariable: Double
    public var concordance: Double
    public var likelihoodRatioP: Double
    public var proportionalHazards: [PHTest]
    public var warnings: [String]
}

public struct FactorCurves: Codable, Sendable {
    public var endpoint: String
    public var endpointLabel: String
    public var factor: String
    public var label: String
    /// Log-rank P; NaN (JSON null) when not tested.
    public var p: Double
    /// One curve per level, in level order (reference first when it is the first level).
    public var curves: [Curve]
    /// Index in `curves` of the reference level.
    public var reference: Int
}

/// A factor compared within each level of another factor (e.g. the markers within treatment history).
public struct SubgroupResult: Codable, Sendable {
    public var endpoint: String
    public var endpointLabel: String
    public var factor: String
    public var factorLabel: String
    public var within: String
    public var withinLabel: String
    public var subgroups: [Subgroup]

    /// One level of `within`: the factor's levels there and the log-rank test.
    public struct Subgroup: Codable, Sendable {
        public var level: String
        public var levels: [LevelSummary]
        public var chisq: Double
        public var p: Double
        public var notTested: String?
    }
}

/// Failure patterns within the landmark window by the levels of one factor.
public struct PatternsByFactor: Codable, Sendable {
    public var factor: String
    public var label: String
    public var groups: [PatternCounts]
}

public struct ToxicityRow: Codable, Sendable {
    public var term: String
    public var grade3: Int
    public var grade4: Int
    public var grade5: Int
    public var denominator: Int
}

public struct ToxicitySummary: Codable, Sendable {
    public var ctcaeVersion: String
    public var window: String
    public var rows: [ToxicityRow]
    public var source: String
    public var problems: [String]
    /// Toxicity records and lab values dated outside the window: read, not graded, counted.
    public var outsideWindow: Int
}

/// Cumulative incidence of one failure type with death (and the other types, for first-failure) as
/// competing events, beside the paper's 1 − KM.
public struct CompetingRiskResult: Codable, Sendable {
    public var endpoint: String
    public var endpointLabel: String
    public var competing: String
    public var times: [Double]
    /// Aalen–Johansen cumulative incidence of the failure.
    public var incidence: [RateAtTime]
    /// 1 − Kaplan–Meier (competing events censored), the paper's estimate.
    public var oneMinusKM: [RateAtTime]
    /// Aalen–Johansen cumulative incidence of the competing event.
    public var competingIncidence: [RateAtTime]
    /// The failure's cumulative incidence curve, extended to the end of follow-up.
    public var curve: Curve
    /// The competing event's cumulative incidence curve.
    public var competingCurve: Curve
    public var grayTests: [GrayTestResult]
    public var fineGray: [HazardRatio]
    public var causeSpecificCox: [HazardRatio]
}

public struct GrayTestResult: Codable, Sendable {
    public var factor: String
    public var label: String
    /// NaN (JSON null) when the test could not be done.
    public var statistic: Double
    public var df: Int
    public var p: Double
    public var notTested: String?
}

/// Causes of death among all deaths and among deaths within the early window (the paper: "20 had died 3
/// months after CCRT, and hepatic failure was the cause of death in 13").
public struct CausesOfDeath: Codable, Sendable {
    /// Every death, by cause; "not recorded" for deaths without a cause.
    public var all: [CategoryCount]
    /// Deaths on or before origin + landmark, by cause.
    public var early: [CategoryCount]
    public var earlyWindowMonths: Double
}

public struct ExclusionCount: Codable, Sendable {
    public var analysis: String
    public var reason: String
    public var n: Int
}
