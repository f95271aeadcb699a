import Oncology
import Tabular

/// The optional failures.csv columns carrying the planning system's dose summaries.
enum FailureColumns {
    static let dosimetry = [
        "rgtv_in_isodose_pct", "centroid_in_target", "centroid_in_elective_target", "centroid_dose_gy",
        "rgtv_d95_gy", "prescription_gy", "elective_dose_gy", "registration",
    ]
}

/// The plan's dosimetric classification: the rule that classifies each failure, its thresholds, and
/// whether the rule decides the failure type of the endpoints and patterns.
///
/// ```yaml
/// failure_types: in_field_marginal_out_of_field
/// classification:
///   rule: volume_in_isodose      # volume_in_isodose | centroid | mdacc | centroid_d95
///   in_field_above_percent: 95
///   marginal_from_percent: 20
///   assign_failure_types: true
/// ```
public struct FailureClassificationPlan: Sendable, Equatable, Codable {
    /// The study's rule (named in the Methods and provenance).
    public var rule: DosimetricRule
    /// Its thresholds (defaults and sources: Guides/FailureClassification.md).
    public var thresholds: DosimetricThresholds
    /// Whether the rule's in-field / marginal / out-of-field replaces failures.csv `site` for the failures it
    /// can classify (needs `failure_types: in_field_marginal_out_of_field` and a three-way rule).
    public var assignFailureTypes: Bool

    /// A classification plan; see the properties for what each argument holds.
    ///
    /// - Complexity: O(1).
    public init(rule: DosimetricRule, thresholds: DosimetricThresholds = .init(), assignFailureTypes: Bool = false) {
        self.rule = rule; self.thresholds = thresholds; self.assignFailureTypes = assignFailureTypes
    }
}

extension DosimetricRule {
    /// Whether the rule's categories are in-field / marginal / out-of-field (it can set the failure type).
    public var assignsFieldRelation: Bool { self == .volumeInIsodose || self == .centroid }
}

extension StudyPlan {
    /// The thresholds used for every rule of the sensitivity table: the plan's, or the defaults.
    public var classificationThresholds: DosimetricThresholds { classification?.thresholds ?? .init() }

    /// The failures as the endpoints and patterns see them: with `assign_failure_types`, a failure the
    /// plan's rule classifies takes the rule's in-field / marginal / out-of-field; every other failure keeps
    /// its recorded `site`.
    ///
    /// - Parameter failures: The failures as read.
    /// - Returns: The failures with their types decided.
    /// - Complexity: O(failures).
    public func classifiedFailures(_ failures: [FailureEvent]) -> [FailureEvent] {
        guard let c = classification, c.assignFailureTypes else { return failures }
        return failures.map { f in
            var f = f
            if let d = f.dosimetry, let s = c.rule.classify(d, thresholds: c.thresholds).category?.fieldRelation {
                f.site = s
            }
            return f
        }
    }
}

/// The same failures counted under every dosimetric rule the data allow, with "not classifiable"
/// counted (never guessed), and the rule the plan names.
///
/// ```swift
/// let s = FailureClassificationSummary(failures: cohort.failures, plan: plan)
/// s?.rules.first?.notClassifiable      // failures lacking that rule's inputs
/// ```
public struct FailureClassificationSummary: Codable, Sendable {
    /// One rule's counts.
    public struct RuleCounts: Codable, Sendable {
        /// The rule.
        public var rule: DosimetricRule
        /// The rule's name as a table heading ("Volume in the 95% isodose").
        public var title: String
        /// Failures per category, in the rule's order (denominator: all failures).
        public var categories: [CategoryCount]
        /// Failures lacking an input the rule needs.
        public var notClassifiable: Int
        /// Of those, how many lacked each input (an input may be counted for several failures).
        public var missingInputs: [CategoryCount]
    }

    /// The plan's rule, when it names one.
    public var primaryRule: DosimetricRule?
    /// The thresholds used for every rule (the plan's, or the defaults).
    public var thresholds: DosimetricThresholds
    /// Failures counted (every row of failures.csv).
    public var failures: Int
    /// Failures with at least one dose summary.
    public var withDosimetry: Int
    /// Every rule that classifies at least one failure, plus the plan's rule in any case; plan's rule first.
    public var rules: [RuleCounts]
    /// Rules no failure has the inputs for (left out of the table).
    public var rulesNotApplicable: [DosimetricRule]
    /// Registration of the failures with dose summaries: rigid, deformable, not recorded.
    public var registration: [CategoryCount]
    /// With `assign_failure_types`: failures whose type the rule decided, and those that kept the recorded site.
    public var assigned: Int?
    /// With `assign_failure_types`: failures that kept their recorded site because the rule could not classify
    /// them; `nil` without it.
    public var keptRecordedSite: Int?

    /// Counts the failures; `nil` when no failure has a dose summary and the plan names no rule.
    ///
    /// - Parameters:
    ///   - failures: The failures as read (recorded sites).
    ///   - plan: The plan (its rule and thresholds).
    /// - Complexity: O(failures × rules).
    public init?(failures: [FailureEvent], plan: StudyPlan) {
        let withDose = failures.filter { $0.dosimetry != nil }
        guard !withDose.isEmpty || plan.classification != nil else { return nil }
        let t = plan.classificationThresholds
        primaryRule = plan.classification?.rule
        thresholds = t
        self.failures = failures.count
        withDosimetry = withDose.count
        var order = DosimetricRule.allCases
        if let p = primaryRule { order = [p] + order.filter { $0 != p } }
        rules = []
        rulesNotApplicable = []
        for rule in order {
            let classes = failures.map { rule.classify($0.dosimetry ?? FailureDosimetry(), thresholds: t) }
            let classified = classes.compactMap(\.category)
            guard !classified.isEmpty || rule == primaryRule else { rulesNotApplicable.append(rule); continue }
            var missing: [String: Int] = [:]
            for c in classes { if case .notClassifiable(let m) = c { for x in m { missing[x, default: 0] += 1 } } }
            rules.append(
                RuleCounts(
                    rule: rule, title: rule.title,
                    categories: rule.categories.map { c in
                        CategoryCount(
                            category: c.label, n: classified.filter { $0 == c }.count, denominator: failures.count)
                    },
                    notClassifiable: classes.count - classified.count,
                    missingInputs: rule.inputColumns.compactMap { x in
                        missing[x].map { CategoryCount(category: x, n: $0, denominator: failures.count) }
                    }))
        }
        let reg = withDose.map { $0.dosimetry?.registration }
        registration = [
            CategoryCount(category: "rigid", n: reg.filter { $0 == .rigid }.count, denominator: withDose.count),
            CategoryCount(
                category: "deformable", n: reg.filter { $0 == .deformable }.count, denominator: withDose.count),
            CategoryCount(category: "not recorded", n: reg.filter { $0 == nil }.count, denominator: withDose.count),
        ]
        if let c = plan.classification, c.assignFailureTypes {
            let n = failures.filter { f in
                f.dosimetry.flatMap { c.rule.classify($0, thresholds: c.thresholds).category?.fieldRelation } != nil
            }.count
            assigned = n
            keptRecordedSite = failures.count - n
        }
    }

    /// One row per failure: the recorded columns, the dose summaries, and the class under every rule
    /// ("not classifiable (missing: …)" when inputs are missing), for `data/failures.csv`.
    ///
    /// - Parameters:
    ///   - failures: The failures as read.
    ///   - plan: The plan (vocabulary and thresholds).
    /// - Returns: Header and rows as text.
    /// - Complexity: O(failures × rules).
    public static func failureTable(_ failures: [FailureEvent], plan: StudyPlan) -> (header: [String], rows: [[String]])
    {
        let v = plan.failureVocabulary, t = plan.classificationThresholds
        let assigned = plan.classifiedFailures(failures)
        let header = ["id", "date", "site", "organ"] + FailureColumns.dosimetry
            + DosimetricRule.allCases.map { "class_" + $0.rawValue } + ["failure_type_used"]
        func num(_ x: Double?) -> String { x.map(NumberFormat.plain) ?? "" }
        func yn(_ x: Bool?) -> String { x.map { $0 ? "yes" : "no" } ?? "" }
        let rows = zip(failures, assigned).map { f, used -> [String] in
            let d = f.dosimetry ?? FailureDosimetry()
            let classes = DosimetricRule.allCases.map { rule -> String in
                switch rule.classify(d, thresholds: t) {
                case .classified(let c): return c.label
                case .notClassifiable(let m): return "not classifiable (missing: \(m.joined(separator: ", ")))"
                }
            }
            return [
                f.patientID, f.date.iso, v.name(f.site), f.organ ?? "",
                num(d.percentInIsodose), yn(d.centroidInTarget), yn(d.centroidInElectiveTarget), num(d.centroidDoseGy),
                num(d.d95Gy), num(d.prescriptionGy), num(d.electiveDoseGy), d.registration?.rawValue ?? "",
            ]
                + classes + [v.name(used.site)]
        }
        return (header, rows)
    }
}
