import Tabular

//
//  DosimetricClassification.swift
//  Oncology
//
//  Classifying a recurrence by its relation to the planned dose, from the per-failure summaries a planning
//  or registration system computes (the recurrence volume, rGTV, mapped onto the planning CT). The
//  published rules disagree widely on the same failures (Ferreira et al., Radiat Oncol 2015,
//  doi 10.1186/s13014-015-0345-4: 7%, 43% and 50% in-field by three methods), so a study names its rule
//  and can show the same failures under every rule its data allow. What each source says, and which
//  thresholds the sources leave open, is written up in Guides/FailureClassification.md.
//
//  A rule whose inputs are missing for a failure gives `.notClassifiable` with the missing inputs named;
//  nothing is guessed.
//

/// How the recurrence images were registered to the planning CT.
///
/// ```swift
/// ImageRegistration(parsing: "Deformable")   // .deformable
/// ```
public enum ImageRegistration: String, CaseIterable, Sendable, Hashable, Codable {
    /// Rigid image registration (RIR) or deformable (DIR).
    case rigid, deformable

    /// Reads "rigid" / "deformable" (also "RIR", "DIR"; case ignored).
    ///
    /// - Parameter text: The cell text.
    /// - Returns: `nil` for any other text.
    ///
    /// - Complexity: O(length of `text`).
    public init?(parsing text: String) {
        switch FailureSite.normalise(text) {
        case "rigid", "rir": self = .rigid
        case "deformable", "dir": self = .deformable
        default: return nil
        }
    }
}

/// The per-failure dose summaries a planning system exports (all optional).
///
/// ```swift
/// let d = FailureDosimetry(percentInIsodose: 60, centroidInTarget: false, d95Gy: 40, prescriptionGy: 50)
/// DosimetricRule.volumeInIsodose.classify(d).label   // "Marginal"
/// ```
public struct FailureDosimetry: Sendable, Hashable, Codable {
    /// Percentage (0–100) of the recurrence volume (rGTV) inside the 95% isodose of the prescription.
    public var percentInIsodose: Double?
    /// Whether the rGTV centroid lies inside the high-dose target (PTV, or CTV as the study defines it).
    public var centroidInTarget: Bool?
    /// Whether the rGTV centroid lies inside an elective (lower-dose) target volume (MDACC types C/D).
    public var centroidInElectiveTarget: Bool?
    /// Planned dose at the rGTV centroid, Gy.
    public var centroidDoseGy: Double?
    /// Dose covering 95% of the rGTV (D95), Gy.
    public var d95Gy: Double?
    /// Prescription dose of the high-dose target, Gy.
    public var prescriptionGy: Double?
    /// Prescription dose of the elective target, Gy (MDACC types C/D); absent when there was none recorded.
    public var electiveDoseGy: Double?
    /// How the recurrence was registered to the planning CT.
    public var registration: ImageRegistration?

    /// Dose summaries; see the properties for what each argument holds (each `nil` = not recorded).
    ///
    /// - Complexity: O(1).
    public init(percentInIsodose: Double? = nil, centroidInTarget: Bool? = nil, centroidInElectiveTarget: Bool? = nil,
                centroidDoseGy: Double? = nil, d95Gy: Double? = nil, prescriptionGy: Double? = nil,
                electiveDoseGy: Double? = nil, registration: ImageRegistration? = nil) {
        self.percentInIsodose = percentInIsodose; self.centroidInTarget = centroidInTarget
        self.centroidInElectiveTarget = centroidInElectiveTarget; self.centroidDoseGy = centroidDoseGy
        self.d95Gy = d95Gy; self.prescriptionGy = prescriptionGy; self.electiveDoseGy = electiveDoseGy
        self.registration = registration
    }

    /// Whether no summary is recorded.
    public var isEmpty: Bool { self == FailureDosimetry() }
}

/// Thresholds of the dosimetric rules. Defaults and their sources: Guides/FailureClassification.md.
///
/// ```swift
/// var t = DosimetricThresholds()
/// t.inFieldAbovePercent = 80     // a study using 80% of the rGTV inside the 95% isodose
/// ```
public struct DosimetricThresholds: Sendable, Hashable, Codable {
    /// Volume rule: in-field when more than this percentage of the rGTV is inside the 95% isodose
    /// (Ferreira et al. 2015: "more than 95%"). Default 95.
    public var inFieldAbovePercent: Double = 95
    /// Volume rule: marginal from this percentage (inclusive) up to `inFieldAbovePercent`; out-of-field below
    /// it (Ferreira et al. 2015: 20–95%). Default 20.
    public var marginalFromPercent: Double = 20
    /// MDACC and centroid + D95: the rGTV is "high-dose" when D95 ≥ this fraction of the prescription;
    /// MDACC "elective-dose" when D95 ≥ this fraction of the elective dose. Default 0.95 (not stated in the
    /// abstracts found; see the guide).
    public var highDoseFraction: Double = 0.95
    /// Centroid rule: a centroid outside the target is marginal when the dose there is ≥ this fraction of the
    /// prescription, out-of-field otherwise. Default 0.95 (the centroid inside the 95% isodose; the sources
    /// found do not give the dose level, see the guide).
    public var centroidMarginalDoseFraction: Double = 0.95

    /// The default thresholds (each property's default, from the sources in Guides/FailureClassification.md).
    ///
    /// - Complexity: O(1).
    public init() {}
}

/// The result of classifying one failure under one rule.
///
/// ```swift
/// DosimetricRule.mdacc.classify(FailureDosimetry(centroidInTarget: true, d95Gy: 66, prescriptionGy: 70))
/// // .classified(.mdaccA)
/// ```
public enum DosimetricClass: Sendable, Hashable, Codable {
    /// A category of the rule.
    case classified(DosimetricCategory)
    /// The failure lacks inputs the rule needs (named, e.g. ["rgtv_d95_gy"]).
    case notClassifiable(missing: [String])

    /// The category, or `nil` when not classifiable.
    public var category: DosimetricCategory? {
        if case .classified(let c) = self { return c } else { return nil }
    }

    /// "In-field", "A (central high-dose)", "not classifiable".
    public var label: String { category?.label ?? "not classifiable" }
}

/// The categories the rules give.
public enum DosimetricCategory: String, CaseIterable, Sendable, Hashable, Codable {
    /// Volume and centroid rules.
    case inField = "in-field", marginal, outOfField = "out-of-field"
    /// MDACC types A–E (Mohamed et al. 2016).
    case mdaccA = "A", mdaccB = "B", mdaccC = "C", mdaccD = "D", mdaccE = "E"
    /// Centroid + D95 (lung SABR variant).
    case centralHighDose = "central-high-dose", peripheralHighDose = "peripheral-high-dose"

    /// Table label: "In-field", "A (central high-dose)", "In-field, central high-dose".
    public var label: String {
        switch self {
        case .inField: return "In-field"
        case .marginal: return "Marginal"
        case .outOfField: return "Out-of-field"
        case .mdaccA: return "A (central high-dose)"
        case .mdaccB: return "B (peripheral high-dose)"
        case .mdaccC: return "C (central elective-dose)"
        case .mdaccD: return "D (peripheral elective-dose)"
        case .mdaccE: return "E (extraneous dose)"
        case .centralHighDose: return "In-field, central high-dose"
        case .peripheralHighDose: return "In-field, peripheral high-dose"
        }
    }

    /// The in-field / marginal / out-of-field relation for the three-way rules (volume, centroid); `nil` for
    /// the others, whose categories are not that scale.
    public var fieldRelation: FailureSite? {
        switch self {
        case .inField: return .infield
        case .marginal: return .intrahepaticOutfield
        case .outOfField: return .extrahepatic
        default: return nil
        }
    }
}

/// A published rule for classifying a recurrence from dose summaries.
///
/// ```swift
/// let d = FailureDosimetry(percentInIsodose: 95)
/// DosimetricRule.volumeInIsodose.classify(d)    // .classified(.marginal): in-field needs more than 95%
/// DosimetricRule.centroid.classify(d)           // .notClassifiable(missing: ["centroid_in_target"])
/// ```
public enum DosimetricRule: String, CaseIterable, Sendable, Hashable, Codable {
    /// Share of the rGTV inside the 95% isodose: in-field > 95%, marginal 20–95%, out-of-field < 20%
    /// (Ferreira et al. 2015, methods CTV and TV; thresholds are parameters).
    case volumeInIsodose = "volume_in_isodose"
    /// Centroid (centre of mass) of the rGTV: in-field inside the target; outside it, marginal when the dose
    /// at the centroid reaches `centroidMarginalDoseFraction` of the prescription, else out-of-field
    /// (Ferreira et al. 2015, method COM; dose level a parameter).
    case centroid
    /// MDACC spatial + dosimetric types A–E (Mohamed et al. 2016): central/peripheral by the centroid,
    /// high-dose/elective-dose by the rGTV D95, E extraneous dose.
    case mdacc
    /// Centroid + D95 (lung SABR variant): D95 ≥ 95% of prescription is in-field, central or peripheral by the
    /// centroid; otherwise out-of-field.
    case centroidD95 = "centroid_d95"

    /// Human name for tables and the Methods text.
    public var title: String {
        switch self {
        case .volumeInIsodose: return "Volume in isodose"
        case .centroid: return "Centroid"
        case .mdacc: return "MDACC types A–E"
        case .centroidD95: return "Centroid + D95"
        }
    }

    /// The rule as named in running text: "the volume-in-isodose rule", "the MDACC types A–E".
    public var phrase: String {
        switch self {
        case .volumeInIsodose: return "the volume-in-isodose rule"
        case .centroid: return "the centroid rule"
        case .mdacc: return "the MDACC types A–E"
        case .centroidD95: return "the centroid + D95 rule"
        }
    }

    /// The categories of this rule, in table order.
    public var categories: [DosimetricCategory] {
        switch self {
        case .volumeInIsodose, .centroid: return [.inField, .marginal, .outOfField]
        case .mdacc: return [.mdaccA, .mdaccB, .mdaccC, .mdaccD, .mdaccE]
        case .centroidD95: return [.centralHighDose, .peripheralHighDose, .outOfField]
        }
    }

    /// The failures.csv columns the rule can use (for "the data allow this rule" checks and messages).
    public var inputColumns: [String] {
        switch self {
        case .volumeInIsodose: return ["rgtv_in_isodose_pct"]
        case .centroid: return ["centroid_in_target", "centroid_dose_gy", "prescription_gy"]
        case .mdacc:
            return [
                "centroid_in_target", "rgtv_d95_gy", "prescription_gy", "elective_dose_gy",
                "centroid_in_elective_target",
            ]
        case .centroidD95: return ["centroid_in_target", "rgtv_d95_gy", "prescription_gy"]
        }
    }

    /// Classifies one failure.
    ///
    /// Boundaries: the volume rule puts exactly `inFieldAbovePercent` in marginal and exactly
    /// `marginalFromPercent` in marginal; dose comparisons are "at least" (D95 exactly 95% of the
    /// prescription is high-dose). Values equal in decimal compare equal (relative 1e-9).
    ///
    /// ```swift
    /// DosimetricRule.volumeInIsodose.classify(FailureDosimetry(percentInIsodose: 19.9))   // out-of-field
    /// ```
    /// - Parameters:
    ///   - d: The failure's dose summaries.
    ///   - t: The thresholds (default: the defaults stated on ``DosimetricThresholds``).
    /// - Returns: The category, or not classifiable with the missing inputs named.
    /// - Complexity: O(1).
    public func classify(_ d: FailureDosimetry, thresholds t: DosimetricThresholds = .init()) -> DosimetricClass {
        switch self {
        case .volumeInIsodose:
            guard let p = d.percentInIsodose else { return .notClassifiable(missing: ["rgtv_in_isodose_pct"]) }
            if definitelyGreater(p, t.inFieldAbovePercent) { return .classified(.inField) }
            if greaterOrNearlyEqual(p, t.marginalFromPercent) { return .classified(.marginal) }
            return .classified(.outOfField)
        case .centroid:
            guard let inside = d.centroidInTarget else { return .notClassifiable(missing: ["centroid_in_target"]) }
            if inside { return .classified(.inField) }
            let missing =
                (d.centroidDoseGy == nil ? ["centroid_dose_gy"] : [])
                + (d.prescriptionGy == nil ? ["prescription_gy"] : [])
            guard let dose = d.centroidDoseGy, let rx = d.prescriptionGy else {
                return .notClassifiable(missing: missing)
            }
            return .classified(
                greaterOrNearlyEqual(dose, t.centroidMarginalDoseFraction * rx) ? .marginal : .outOfField)
        case .mdacc:
            var missing =
                (d.centroidInTarget == nil ? ["centroid_in_target"] : []) + (d.d95Gy == nil ? ["rgtv_d95_gy"] : [])
            missing += d.prescriptionGy == nil ? ["prescription_gy"] : []
            guard let inside = d.centroidInTarget, let d95 = d.d95Gy, let rx = d.prescriptionGy else {
                return .notClassifiable(missing: missing)
            }
            if greaterOrNearlyEqual(d95, t.highDoseFraction * rx) { return .classified(inside ? .mdaccA : .mdaccB) }
            guard let elective = d.electiveDoseGy else { return .notClassifiable(missing: ["elective_dose_gy"]) }
            guard greaterOrNearlyEqual(d95, t.highDoseFraction * elective) else { return .classified(.mdaccE) }
            let central = inside ? true : d.centroidInElectiveTarget
            guard let central else { return .notClassifiable(missing: ["centroid_in_elective_target"]) }
            return .classified(central ? .mdaccC : .mdaccD)
        case .centroidD95:
            var missing =
                (d.centroidInTarget == nil ? ["centroid_in_target"] : []) + (d.d95Gy == nil ? ["rgtv_d95_gy"] : [])
            missing += d.prescriptionGy == nil ? ["prescription_gy"] : []
            guard let inside = d.centroidInTarget, let d95 = d.d95Gy, let rx = d.prescriptionGy else {
                return .notClassifiable(missing: missing)
            }
            guard greaterOrNearlyEqual(d95, t.highDoseFraction * rx) else { return .classified(.outOfField) }
            return .classified(inside ? .centralHighDose : .peripheralHighDose)
        }
    }

    /// One sentence for the Methods text naming the rule and its thresholds.
    ///
    /// - Parameter t: The thresholds used.
    /// - Returns: A sentence ending with a period.
    ///
    /// - Complexity: O(1).
    public func methodsSentence(_ t: DosimetricThresholds) -> String {
        func n(_ x: Double) -> String { NumberFormat.plain(x) }
        let hd = n(t.highDoseFraction * 100)
        switch self {
        case .volumeInIsodose:
            return """
                by the share of the recurrence volume (rGTV) inside the 95% isodose: in-field above \
                \(n(t.inFieldAbovePercent))%, marginal from \(n(t.marginalFromPercent))% to \
                \(n(t.inFieldAbovePercent))%, out-of-field below \(n(t.marginalFromPercent))% (Ferreira et al. 2015).
                """
        case .centroid:
            return """
                by the position of the rGTV centroid: in-field when inside the target; outside it, marginal when the \
                planned dose at the centroid was at least \(n(t.centroidMarginalDoseFraction * 100))% of the \
                prescription, otherwise out-of-field (centroid method, Ferreira et al. 2015).
                """
        case .mdacc:
            return """
                by the MDACC spatial and dosimetric types (Mohamed et al. 2016): central or peripheral by whether the \
                rGTV centroid lay inside the target, high-dose when the rGTV D95 was at least \(hd)% of the \
                prescription, elective-dose when at least \(hd)% of the elective dose; A central high-dose, B \
                peripheral high-dose, C central elective-dose, D peripheral elective-dose, E extraneous dose.
                """
        case .centroidD95:
            return """
                by the centroid + D95 rule used for lung SABR: in-field when the rGTV D95 was at least \(hd)% of the \
                prescription (central when the centroid lay inside the PTV, peripheral otherwise), out-of-field \
                otherwise.
                """
        }
    }
}
