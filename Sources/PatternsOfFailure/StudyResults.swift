import Foundation

/// Every number the study report shows, with provenance: the output of ``StudyAnalysis`` and the input of
/// the renderers. Codable, so `results.json` is this value at full precision.
public struct StudyResults: Codable, Sendable {
    /// Tool, version, time, plan and input files the results came from.
    public var provenance: Provenance
    /// Patient counts: alive, dead, with failure.
    public var cohort: CohortCounts
    /// Median follow-up, observed and by reverse Kaplan–Meier.
    public var followUp: FollowUp
    /// The patient-characteristics table (Table 1), line by line.
    public var table1: [CharacteristicRow]
    /// Tumour response at the landmark and best response.
    public var response: ResponseSummary
    /// Failure patterns: sites, exclusive combinations, first failure.
    public var patterns: PatternSummary
    /// Kaplan–Meier summary and curve per endpoint.
    public var survival: [EndpointSurvival]
    /// Per endpoint and factor: levels, rates, medians and the log-rank test.
    public var univariate: [UnivariateResult]
    /// Per endpoint: the multivariable Cox model (or Firth's when the plan asks).
    public var multivariate: [MultivariateResult]
    /// Survival curves by factor, as pre-specified in the plan's `figures` (never chosen by P value).
    public var factorFigures: [FactorCurves]
    /// Factor × subgroup analyses.
    public var subgroups: [SubgroupResult]
    /// Failure patterns within the landmark window by the levels of the plan's `patterns_by` factor.
    public var patternsByFactor: PatternsByFactor?
    /// Grade 3–5 toxicity counts in the plan's window.
    public var toxicity: ToxicitySummary
    /// Causes of death (patients.csv `cause_of_death`), when recorded for any patient.
    public var causesOfDeath: CausesOfDeath?
    /// Cumulative incidence, Gray's test, Fine–Gray and cause-specific Cox per failure type.
    public var competingRisks: [CompetingRiskResult]
    /// Everything the analysis could not do as planned, in words.
    public var warnings: [String]
    /// Patients left out of an analysis, per analysis and reason.
    public var exclusions: [ExclusionCount]
}

/// Where the results came from: tool, version, time, plan and inputs.
public struct Provenance: Codable, Sendable {
    /// "pof".
    public var tool: String
    /// The tool's version (``PofVersion``).
    public var version: String
    /// When the results were made (ISO 8601, UTC).
    public var generatedAt: String
    /// The plan the analyses followed.
    public var plan: StudyPlan
    /// Each input file: role, name, SHA-256 and rows read.
    public var inputs: [InputFile]
    /// True for the built-in synthetic demo cohort.
    public var synthetic: Bool
    /// A note for readers (the demo cohort is synthetic), or nil.
    public var note: String?
}

/// Counts of patients by vital status and failure.
public struct CohortCounts: Codable, Sendable {
    /// Patients in the cohort.
    public var patients: Int
    /// Patients known to have died.
    public var dead: Int
    /// Patients known to be alive at last contact.
    public var alive: Int
    /// Patients whose vital status is not recorded.
    public var unknown: Int
    /// Patients with at least one failure (any site).
    public var withAnyFailure: Int
    /// Deaths on or before origin + landmark.
    public var deathsWithinLandmark: Int
}

/// Median follow-up: of observed follow-up for all patients and for survivors, and by reverse Kaplan–Meier.
public struct FollowUp: Codable, Sendable {
    /// Median observed follow-up of all patients.
    public var medianAll: Double
    /// Shortest observed follow-up.
    public var minAll: Double
    /// Longest observed follow-up.
    public var maxAll: Double
    /// NaN (JSON null) when there are no survivors / the reverse-KM median is not reached.
    public var medianSurvivors: Double
    /// Shortest follow-up among survivors.
    public var minSurvivors: Double
    /// Longest follow-up among survivors.
    public var maxSurvivors: Double
    /// Median follow-up by reverse Kaplan–Meier (death censors, censoring is the event).
    public var reverseKM: Double
    /// Lower 95% limit of ``reverseKM``.
    public var reverseKMLower: Double
    /// Upper 95% limit of ``reverseKM``.
    public var reverseKMUpper: Double
    /// Time unit of every value ("months").
    public var unit: String
}

/// A line of Table 1: a count with percentage, or a median with range.
public struct CharacteristicRow: Codable, Sendable {
    /// The characteristic (e.g. "Child-Pugh class").
    public var section: String
    /// The line's label (a level, or the variable).
    public var label: String
    /// Patients at this level, for a count line.
    public var n: Int?
    /// Patients with the characteristic recorded, for a count line.
    public var denominator: Int?
    /// Median, for a continuous line.
    public var median: Double?
    /// Minimum, for a continuous line.
    public var min: Double?
    /// Maximum, for a continuous line.
    public var max: Double?
    /// Unit of a continuous line.
    public var unit: String?
    /// n / denominator × 100, for a count line.
    public var percent: Double? { n.flatMap { n in denominator.map { Double(n) / Double($0) * 100 } } }
}

/// A count with its denominator.
public struct CategoryCount: Codable, Sendable {
    /// The category.
    public var category: String
    /// Patients in it.
    public var n: Int
    /// Patients it is a share of.
    public var denominator: Int
    /// n / denominator × 100 (NaN, JSON null, with no denominator).
    public var percent: Double { denominator > 0 ? Double(n) / Double(denominator) * 100 : .nan }
}

/// Tumour response: at the landmark and best, by category.
public struct ResponseSummary: Codable, Sendable {
    /// "recorded" (response_3m) or "lesions (mRECIST)".
    public var source: String
    /// Response at the landmark, by category.
    public var atLandmark: [CategoryCount]
    /// Best response, by category.
    public var best: [CategoryCount]
    /// Patients whose recorded and lesion-derived responses differ.
    public var disagreements: [String]
}

/// Patients failing at one site.
public struct SiteCount: Codable, Sendable {
    /// The failure site.
    public var site: String
    /// Patients failing there.
    public var n: Int
    /// n as a percentage of the patients counted in the window.
    public var percent: Double
    /// Of these, patients with another site failing in the same window ("7 of 12 … combined").
    public var combined: Int
}

/// Failure patterns in one window: sites and exclusive combinations.
public struct PatternCounts: Codable, Sendable {
    /// The window the counts are for ("within 3 months", "overall").
    public var window: String
    /// Patients with any failure in the window.
    public var patientsWithFailure: Int
    /// patientsWithFailure as a percentage of the patients counted.
    public var percent: Double
    /// Patients failing at each site.
    public var sites: [SiteCount]
    /// The 7 exclusive combinations of infield (I), intrahepatic-outfield (O) and extrahepatic (E).
    public var exclusive: [CategoryCount]
}

/// Failure patterns within the landmark window and over all follow-up.
public struct PatternSummary: Codable, Sendable {
    /// Patterns within the landmark window.
    public var landmark: PatternCounts
    /// Patterns over all follow-up.
    public var overall: PatternCounts
    /// Pattern of the first failure (sites failing on the first failure date).
    public var firstFailure: [CategoryCount]
    /// Extrahepatic sites, by number of patients, descending.
    public var extrahepaticOrgans: [CategoryCount]
}

/// A step curve (survival or cumulative incidence) with limits, censoring marks and numbers at risk.
public struct Curve: Codable, Sendable {
    /// The curve's legend label.
    public var label: String
    /// Step times, ascending.
    public var time: [Double]
    /// The estimate at each step time.
    public var value: [Double]
    /// Lower pointwise 95% limit at each step time.
    public var lower: [Double]
    /// Upper pointwise 95% limit at each step time.
    public var upper: [Double]
    /// Times of censoring marks.
    public var censorTimes: [Double]
    /// Times of the number-at-risk table.
    public var riskTimes: [Double]
    /// Number at risk at each of ``riskTimes``.
    public var atRisk: [Double]
}

/// An estimate at one time with its 95% limits.
public struct RateAtTime: Codable, Sendable {
    /// The time.
    public var time: Double
    /// The estimate (survival or cumulative incidence) at the time.
    public var estimate: Double
    /// Lower 95% limit.
    public var lower: Double
    /// Upper 95% limit.
    public var upper: Double
}

/// Kaplan–Meier summary of one endpoint.
public struct EndpointSurvival: Codable, Sendable {
    /// Endpoint name (plan).
    public var endpoint: String
    /// Endpoint label for readers.
    public var label: String
    /// Patients in the analysis.
    public var n: Int
    /// Events.
    public var events: Int
    /// NaN (JSON null) when not reached.
    public var median: Double
    /// Lower 95% limit of the median (NaN, JSON null, when not reached).
    public var medianLower: Double
    /// Upper 95% limit of the median (NaN, JSON null, when not reached).
    public var medianUpper: Double
    /// Survival at each of the plan's rate times.
    public var rates: [RateAtTime]
    /// The Kaplan–Meier curve.
    public var curve: Curve
    /// What ended follow-up, counted ("death (censored)": 40, …).
    public var censoring: [CategoryCount]
}

/// One level of a factor: patients, events, rate and median.
public struct LevelSummary: Codable, Sendable {
    /// The level.
    public var level: String
    /// Patients at the level.
    public var n: Int
    /// Events at the level.
    public var events: Int
    /// Survival at the last rate time (2 years by default).
    public var rate: Double
    /// Lower 95% limit of ``rate``.
    public var rateLower: Double
    /// Upper 95% limit of ``rate``.
    public var rateUpper: Double
    /// NaN (JSON null) when not reached.
    public var median: Double
}

/// One factor compared by log-rank on one endpoint.
public struct UnivariateResult: Codable, Sendable {
    /// Endpoint name (plan).
    public var endpoint: String
    /// Factor name (plan).
    public var factor: String
    /// Factor label for readers.
    public var label: String
    /// Levels in table order.
    public var levels: [LevelSummary]
    /// The time of each level's ``LevelSummary/rate``.
    public var rateTime: Double
    /// Log-rank statistic; NaN (JSON null) when the test could not be done (see `notTested`).
    public var chisq: Double
    /// Degrees of freedom of the log-rank test.
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
    /// Factor name (plan).
    public var factor: String
    /// Factor label for readers.
    public var label: String
    /// The level compared with the reference.
    public var level: String
    /// The reference level the ratio is against.
    public var reference: String
    /// log hazard ratio β (NaN, JSON null, when not estimable).
    public var coef: Double
    /// Hazard ratio exp(β).
    public var hr: Double
    /// Lower 95% limit of the hazard ratio.
    public var lower: Double
    /// Upper 95% limit of the hazard ratio.
    public var upper: Double
    /// Two-sided p for β = 0.
    public var p: Double
    /// Whether the term is an estimate the report shows.
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
    /// A reason with its code and sentence.
    /// 
    /// - Complexity: O(1).
    public init(code: String, explanation: String) { self.code = code; self.explanation = explanation }
}

/// One row of the proportional-hazards test (R's `cox.zph`).
public struct PHTest: Codable, Sendable {
    /// The model term (or "Global").
    public var term: String
    /// Score-test χ² of proportional hazards (R's `cox.zph`).
    public var chisq: Double
    /// Degrees of freedom.
    public var df: Int
    /// Upper-tail p.
    public var p: Double
}

/// The multivariable model of one endpoint.
public struct MultivariateResult: Codable, Sendable {
    /// Endpoint name (plan).
    public var endpoint: String
    /// `none` (R coxph) or `firth` (R coxphf).
    public var penalty: String
    /// Patients in the model (complete cases).
    public var n: Int
    /// Events in the model.
    public var events: Int
    /// One hazard ratio per factor level.
    public var terms: [HazardRatio]
    /// Events per estimated coefficient.
    public var eventsPerVariable: Double
    /// Harrell's concordance of the model.
    public var concordance: Double
    /// P of the global likelihood-ratio test (NaN, JSON null, when a term is not estimable).
    public var likelihoodRatioP: Double
    /// The proportional-hazards test per term and global.
    public var proportionalHazards: [PHTest]
    /// What the model could not do, in words.
    public var warnings: [String]
}

/// Survival curves by the levels of one factor.
public struct FactorCurves: Codable, Sendable {
    /// Endpoint name (plan).
    public var endpoint: String
    /// Endpoint label for readers.
    public var endpointLabel: String
    /// Factor name (plan).
    public var factor: String
    /// Factor label for readers.
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
    /// Endpoint name (plan).
    public var endpoint: String
    /// Endpoint label for readers.
    public var endpointLabel: String
    /// The factor compared.
    public var factor: String
    /// Its label.
    public var factorLabel: String
    /// The factor whose levels make the subgroups.
    public var within: String
    /// Its label.
    public var withinLabel: String
    /// One comparison per level of ``within``.
    public var subgroups: [Subgroup]

    /// One level of `within`: the factor's levels there and the log-rank test.
    public struct Subgroup: Codable, Sendable {
        /// The level of ``SubgroupResult/within``.
        public var level: String
        /// The factor's levels in this subgroup.
        public var levels: [LevelSummary]
        /// Log-rank χ² (NaN, JSON null, when not tested).
        public var chisq: Double
        /// Log-rank p (NaN, JSON null, when not tested).
        public var p: Double
        /// Why no test was done, or nil.
        public var notTested: String?
    }
}

/// Failure patterns within the landmark window by the levels of one factor.
public struct PatternsByFactor: Codable, Sendable {
    /// Factor name (plan).
    public var factor: String
    /// Factor label for readers.
    public var label: String
    /// Failure patterns per level, in level order.
    public var groups: [PatternCounts]
}

/// Grade 3–5 counts of one toxicity.
public struct ToxicityRow: Codable, Sendable {
    /// The toxicity (CTCAE term).
    public var term: String
    /// Patients whose worst grade is 3.
    public var grade3: Int
    /// Patients whose worst grade is 4.
    public var grade4: Int
    /// Patients whose worst grade is 5.
    public var grade5: Int
    /// Patients assessed for this term.
    public var denominator: Int
}

/// Toxicity in the plan's window.
public struct ToxicitySummary: Codable, Sendable {
    /// The CTCAE version grades are given in.
    public var ctcaeVersion: String
    /// The window toxicity is counted in.
    public var window: String
    /// One row per term.
    public var rows: [ToxicityRow]
    /// Where the grades came from, in words.
    public var source: String
    /// Records that could not be graded, in words.
    public var problems: [String]
    /// Toxicity records and lab values dated outside the window: read, not graded, counted.
    public var outsideWindow: Int
}

/// Cumulative incidence of one failure type with death (and the other types, for first-failure) as
/// competing events, beside the paper's 1 − KM.
public struct CompetingRiskResult: Codable, Sendable {
    /// Endpoint name (plan).
    public var endpoint: String
    /// Endpoint label for readers.
    public var endpointLabel: String
    /// The competing events, in words.
    public var competing: String
    /// The plan's rate times.
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
    /// Gray's test per factor.
    public var grayTests: [GrayTestResult]
    /// Fine–Gray subdistribution hazard ratios.
    public var fineGray: [HazardRatio]
    /// Cause-specific Cox hazard ratios on the same patients.
    public var causeSpecificCox: [HazardRatio]
}

/// Gray's test of one factor.
public struct GrayTestResult: Codable, Sendable {
    /// Factor name (plan).
    public var factor: String
    /// Factor label for readers.
    public var label: String
    /// NaN (JSON null) when the test could not be done.
    public var statistic: Double
    /// Degrees of freedom (levels − 1).
    public var df: Int
    /// Upper-tail p (NaN, JSON null, when not tested).
    public var p: Double
    /// Why no test was done, or nil.
    public var notTested: String?
}

/// Causes of death among all deaths and among deaths within the early window (the paper: "20 had died 3
/// months after CCRT, and hepatic failure was the cause of death in 13").
public struct CausesOfDeath: Codable, Sendable {
    /// Every death, by cause; "not recorded" for deaths without a cause.
    public var all: [CategoryCount]
    /// Deaths on or before origin + landmark, by cause.
    public var early: [CategoryCount]
    /// The early window, in months after origin.
    public var earlyWindowMonths: Double
}

/// Patients left out of one analysis for one reason.
public struct ExclusionCount: Codable, Sendable {
    /// The analysis patients were left out of.
    public var analysis: String
    /// Why.
    public var reason: String
    /// How many.
    public var n: Int
}
