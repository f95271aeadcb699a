//
//  CTCAE.swift
//  Oncology
//
//  Laboratory grading by the NCI Common Terminology Criteria for Adverse Events,
//  versions 3.0, 4.03 and 5.0, for the terms used in HCC chemoradiotherapy toxicity tables.
//
//  How boundaries are read. CTCAE writes ranges as "lower - upper" with the comparison sign of
//  the lower end, and each upper end is closed:
//  - increasing terms: ">3.0 - 5.0 x ULN" means 3.0 x ULN < value <= 5.0 x ULN -> grade 2;
//    ">ULN - 3.0 x ULN" means ULN < value <= 3.0 x ULN -> grade 1; the top grade is "> k x ULN".
//    A bound written without ">" is closed: v5 AST/ALT with abnormal baseline, grade 1
//    "1.5 - 3.0 x baseline" means 1.5 x baseline <= value <= 3.0 x baseline.
//  - decreasing terms: "<1500 - 1000/mm3" means 1000 <= value < 1500 -> grade 2;
//    "<LLN - 1500/mm3" means 1500 <= value < LLN -> grade 1; the top grade is "< k".
//  Values within a relative 1e-9 of a threshold count as on it (see Comparisons.swift).
//
//  Thresholds (units: counts per mm3 = per microlitre; haemoglobin and albumin g/dL):
//  | term                        | v3.0                        | v4.03                 | v5.0 (normal baseline) |
//  | Neutrophil count decreased  | <LLN-1500/<1500-1000/<1000-500/<500 (all versions)                       |
//  | Platelet count decreased    | <LLN-75000/<75000-50000/<50000-25000/<25000 (all versions)               |
//  | White blood cell decreased  | <LLN-3000/<3000-2000/<2000-1000/<1000 (all versions)                     |
//  | Anemia (haemoglobin)        | <LLN-10.0/<10.0-8.0/<8.0-6.5/<6.5 (v3.0)                                 |
//  |                             | <LLN-10.0/<10.0-8.0/<8.0/no number for G4 (v4.03, v5)                    |
//  | AST, ALT increased (x ULN)  | >ULN-2.5/>2.5-5.0/>5.0-20.0/>20.0 (v3.0)                                 |
//  |                             | >ULN-3.0/>3.0-5.0/>5.0-20.0/>20.0 (v4.03, v5)                            |
//  | Blood bilirubin increased   | >ULN-1.5/>1.5-3.0/>3.0-10.0/>10.0 (all versions)                         |
//  | Hypoalbuminemia (g/dL)      | <LLN-3/<3-2/<2/no number for G4 (all versions)                           |
//  v5.0 with baseline above ULN (multiples of baseline): AST/ALT G1 1.5-3.0, G2 >3.0-5.0,
//  G3 >5.0-20.0, G4 >20.0; bilirubin G1 >1.0-1.5, G2 >1.5-3.0, G3 >3.0-10.0, G4 >10.0.
//  Where a grade 4 has no numeric threshold ("life-threatening consequences"), a lab value
//  alone grades at most 3.
//
//  Verification (facts checked, sources):
//  - v3.0 AST/ALT >ULN-2.5 / >2.5-5.0 / >5.0-20.0 / >20.0 x ULN: toxicity table citing
//    "CTCAE v3.0, DCTD, NCI, Dec 12 2003" in Trials 2006;7:14 (doi:10.1186/1745-6215-7-14), Table 3.
//  - v3.0 haemoglobin G3 <8.0-6.5, G4 <6.5 g/dL: NCI anaemia grading table in Nat Clin Pract Oncol
//    (nature.com/articles/ncponc0451, Table 1: grade 3 6.5-7.9, grade 4 <6.5 g/dL). This is a
//    secondary source; the v3.0 document itself was not readable in the searched corpora, so the
//    grade-4 cut-off is configurable (`CTCAEGradingOptions.v3HemoglobinGrade4Below`, nil disables).
//  - v5 AST/ALT and bilirubin normal- and abnormal-baseline thresholds: open-source grading code
//    quoting the CTCAE v5 Quick Reference text (">3.0 - 5.0 x ULN if baseline was normal;
//    >3.0 - 5.0 x baseline if baseline was abnormal", same pattern for bilirubin 1.5/3.0/10.0);
//    normal-baseline liver multiples also in Front Pharmacol 2022;12:786174, Table 3. The grade-1
//    abnormal-baseline bounds (AST/ALT 1.5 x, bilirubin >1.0 x baseline) are from clinical-rules.md.
//  - v5 white blood cell decreased (<LLN-3000/<3000-2000/<2000-1000/<1000 per mm3) and
//    hypoalbuminemia (<LLN-3/<3-2/<2 g/dL): public code quoting the v5.0 term text. These
//    are the same in v3.0 ("Leukocytes", "Albumin, serum-low") and v4.03 to our knowledge, but
//    that equality was not separately confirmed against the v3.0/v4.03 documents.
//  - Neutrophil, platelet and v4.03/v5 haemoglobin thresholds are those of clinical-rules.md.
//

/// A CTCAE version.
///
/// ```swift
/// CTCAEVersion(parsing: "v5")     // .v5
/// CTCAEVersion(parsing: "4.0")    // .v4_03 (lab thresholds of 4.0 and 4.03 are identical)
/// ```
public enum CTCAEVersion: String, CaseIterable, Sendable, Hashable, Codable {
    /// CTCAE v3.0 (2003, published 2006).
    case v3 = "3.0"
    /// CTCAE v4.03 (2010).
    case v4_03 = "4.03"
    /// CTCAE v5.0 (2017).
    case v5 = "5.0"

    /// Parses "3", "3.0", "v3", "v3.0", "4", "4.0", "4.03", "v4.03", "5", "5.0", "v5", "CTCAE v5.0" (case-insensitive).
    ///
    /// ```swift
    /// CTCAEVersion(parsing: "CTCAE v4.03")   // .v4_03
    /// ```
    /// - Parameter text: The text to parse.
    /// - Returns: `nil` if unrecognised.
    ///
    /// - Complexity: O(length of `text`).
    public init?(parsing text: String) {
        var key = FailureSite.normalise(text)
        if key.hasPrefix("ctcae") { key.removeFirst(5) }
        if key.hasPrefix("version") { key.removeFirst(7) }
        if key.hasPrefix("v") { key.removeFirst() }
        switch key {
        case "3", "3.0": self = .v3
        case "4", "4.0", "4.03": self = .v4_03
        case "5", "5.0": self = .v5
        default: return nil
        }
    }
}

/// Why a laboratory value could not be graded.
public enum CTCAEGradingError: Error, Sendable, Hashable {
    /// The value is NaN or infinite, or negative.
    case invalidValue(Double)
    /// The term is graded against the upper limit of normal, which was not given or is not positive.
    case missingUpperLimitOfNormal
    /// The value is at or above the grade-2 threshold, so grade 0 vs 1 depends on the lower limit of normal, which was
    /// not given.
    case missingLowerLimitOfNormal
}

/// Options for CTCAE grading.
///
/// ```swift
/// var options = CTCAEGradingOptions()
/// options.v3HemoglobinGrade4Below = nil   // never grade 4 from a v3.0 haemoglobin value
/// ```
public struct CTCAEGradingOptions: Sendable, Hashable, Codable {
    /// v3.0 haemoglobin grade-4 threshold in g/dL (value strictly below it -> grade 4); default 6.5.
    /// Verified only against a secondary source (see the file header); `nil` caps v3.0 anaemia at grade 3.
    public var v3HemoglobinGrade4Below: Double?

    /// Creates options.
    ///
    /// ```swift
    /// let o = CTCAEGradingOptions(v3HemoglobinGrade4Below: 6.5)
    /// ```
    /// - Parameter v3HemoglobinGrade4Below: v3.0 haemoglobin grade-4 threshold (g/dL), or `nil`.
    ///
    /// - Complexity: O(1).
    public init(v3HemoglobinGrade4Below: Double? = 6.5) {
        self.v3HemoglobinGrade4Below = v3HemoglobinGrade4Below
    }
}

/// One laboratory result with its reference range.
///
/// ```swift
/// let m = LabMeasurement(value: 95, uln: 40)
/// ```
public struct LabMeasurement: Sendable, Hashable, Codable {
    /// The measured value (units of the term, see `CTCAELabTerm.unit`).
    public var value: Double
    /// Lower limit of normal, when known.
    public var lln: Double?
    /// Upper limit of normal, when known.
    public var uln: Double?

    /// Creates a measurement.
    ///
    /// ```swift
    /// LabMeasurement(value: 1200, lln: 1800)
    /// ```
    /// - Parameters:
    ///   - value: Measured value.
    ///   - lln: Lower limit of normal.
    ///   - uln: Upper limit of normal.
    ///
    /// - Complexity: O(1).
    public init(value: Double, lln: Double? = nil, uln: Double? = nil) {
        self.value = value
        self.lln = lln
        self.uln = uln
    }
}

/// A CTCAE laboratory adverse-event term.
///
/// ```swift
/// let g = try CTCAELabTerm.alanineAminotransferaseIncreased
///     .grade(value: 130, uln: 40, version: .v5)   // 2 (3.25 x ULN)
/// ```
public enum CTCAELabTerm: String, CaseIterable, Sendable, Hashable, Codable {
    /// Neutrophil count decreased (/mm3).
    case neutrophilCountDecreased = "Neutrophil count decreased"
    /// Platelet count decreased (/mm3).
    case plateletCountDecreased = "Platelet count decreased"
    /// White blood cell decreased (/mm3).
    case whiteBloodCellDecreased = "White blood cell decreased"
    /// Anemia, graded from haemoglobin (g/dL).
    case anemia = "Anemia"
    /// Aspartate aminotransferase increased (any unit; graded as multiples of ULN).
    case aspartateAminotransferaseIncreased = "Aspartate aminotransferase increased"
    /// Alanine aminotransferase increased (any unit; graded as multiples of ULN).
    case alanineAminotransferaseIncreased = "Alanine aminotransferase increased"
    /// Blood bilirubin increased (any unit; graded as multiples of ULN).
    case bloodBilirubinIncreased = "Blood bilirubin increased"
    /// Hypoalbuminemia (g/dL).
    case hypoalbuminemia = "Hypoalbuminemia"

    /// The unit the value must be given in.
    ///
    /// ```swift
    /// CTCAELabTerm.anemia.unit   // "g/dL"
    /// ```
    public var unit: String {
        switch self {
        case .neutrophilCountDecreased, .plateletCountDecreased, .whiteBloodCellDecreased: return "/mm3"
        case .anemia, .hypoalbuminemia: return "g/dL"
        case .aspartateAminotransferaseIncreased, .alanineAminotransferaseIncreased, .bloodBilirubinIncreased:
            return "x ULN"
        }
    }

    /// Whether the term grades high values (against ULN) rather than low values.
    ///
    /// ```swift
    /// CTCAELabTerm.bloodBilirubinIncreased.isIncreasing   // true
    /// ```
    public var isIncreasing: Bool {
        switch self {
        case .aspartateAminotransferaseIncreased, .alanineAminotransferaseIncreased, .bloodBilirubinIncreased:
            return true
        default: return false
        }
    }

    /// Parses a term or a common lab name: "ANC", "neutrophils", "PLT", "platelets", "WBC",
    /// "leukocytes", "Hb", "Hgb", "hemoglobin", "haemoglobin", "anemia", "AST", "SGOT", "ALT",
    /// "SGPT", "bilirubin", "total bilirubin", "TBil", "albumin", "hypoalbuminemia", or the term name.
    ///
    /// ```swift
    /// CTCAELabTerm(parsing: "SGPT")   // .alanineAminotransferaseIncreased
    /// ```
    /// - Parameter text: The text to parse (case-insensitive).
    /// - Returns: `nil` if unrecognised.
    ///
    /// - Complexity: O(length of `text`).
    public init?(parsing text: String) {
        let key = FailureSite.normalise(text)
        if let match = CTCAELabTerm.byNormalisedName[key] {
            self = match
            return
        }
        switch key {
        case "anc", "neutrophil", "neutrophils", "neutrophilcount", "absoluteneutrophilcount":
            self = .neutrophilCountDecreased
        case "plt", "platelet", "platelets", "plateletcount": self = .plateletCountDecreased
        case "wbc", "leukocytes", "leucocytes", "whitebloodcell", "whitebloodcells", "whitebloodcellcount":
            self = .whiteBloodCellDecreased
        case "hb", "hgb", "hemoglobin", "haemoglobin", "anaemia": self = .anemia
        case "ast", "sgot", "aspartateaminotransferase": self = .aspartateAminotransferaseIncreased
        case "alt", "sgpt", "alanineaminotransferase": self = .alanineAminotransferaseIncreased
        case "bilirubin", "totalbilirubin", "tbil", "tbili", "bloodbilirubin": self = .bloodBilirubinIncreased
        case "albumin", "alb", "serumalbumin": self = .hypoalbuminemia
        default: return nil
        }
    }

    /// Each term by its normalised name (normalised once, not on every parse).
    private static let byNormalisedName: [String: CTCAELabTerm] = Dictionary(
        allCases.map { (FailureSite.normalise($0.rawValue), $0) }, uniquingKeysWith: { first, _ in first })

    /// Grades one laboratory value (0 = not an adverse event, 1-4 = CTCAE grade).
    ///
    /// Boundaries follow the CTCAE text (see the file header): ">3.0 - 5.0 x ULN" is
    /// 3.0 x ULN < value <= 5.0 x ULN; "<1500 - 1000" is 1000 <= value < 1500.
    /// For v5 AST/ALT/bilirubin, a baseline above ULN switches to multiples of the baseline.
    /// Terms without a numeric grade 4 (v4.03/v5 anaemia, hypoalbuminemia) grade at most 3.
    ///
    /// ```swift
    /// try CTCAELabTerm.neutrophilCountDecreased.grade(value: 1000, lln: 2000, version: .v5)            // 2
    /// // 1 (exactly 3.0 x ULN)
    /// try CTCAELabTerm.aspartateAminotransferaseIncreased.grade(value: 120, uln: 40, version: .v5)
    /// // 2 (> 2.5 x ULN)
    /// try CTCAELabTerm.aspartateAminotransferaseIncreased.grade(value: 120, uln: 40, version: .v3)
    /// // 0 (1.25 x baseline)
    /// try CTCAELabTerm.alanineAminotransferaseIncreased.grade(value: 100, uln: 40, baseline: 80, version: .v5)
    /// ```
    /// - Parameters:
    ///   - value: The measured value, in the term's unit (`unit`); ULN-graded terms in any unit shared with `uln`.
    ///   - lln: Lower limit of normal (decreasing terms; needed only when the value is at or above the grade-2
    ///     threshold).
    ///   - uln: Upper limit of normal (required for AST, ALT, bilirubin).
    ///   - baseline: Pre-treatment value (used by v5 AST/ALT/bilirubin when above ULN).
    ///   - version: CTCAE version.
    ///   - options: Grading options (v3.0 haemoglobin grade-4 threshold).
    /// - Returns: The grade, 0...4.
    /// - Throws: `CTCAEGradingError` when the value is invalid or a needed normal limit is missing.
    ///
    /// - Complexity: O(1).
    public func grade(
        value: Double, lln: Double? = nil, uln: Double? = nil, baseline: Double? = nil,
        version: CTCAEVersion, options: CTCAEGradingOptions = CTCAEGradingOptions()
    ) throws(CTCAEGradingError) -> Int {
        guard value.isFinite, value >= 0 else { throw .invalidValue(value) }
        if isIncreasing {
            guard let uln, uln.isFinite, uln > 0 else { throw .missingUpperLimitOfNormal }
            return gradeIncreasing(value: value, uln: uln, baseline: baseline, version: version)
        }
        let cuts = decreasingThresholds(version: version, options: options)
        if let g4 = cuts.grade4Below, definitelyLess(value, g4) { return 4 }
        if definitelyLess(value, cuts.grade3Below) { return 3 }
        if definitelyLess(value, cuts.grade2Below) { return 2 }
        guard let lln, lln.isFinite else { throw .missingLowerLimitOfNormal }
        return definitelyLess(value, lln) ? 1 : 0
    }

    /// Worst (highest) grade over a series of measurements of this term.
    ///
    /// ```swift
    /// try CTCAELabTerm.plateletCountDecreased.worstGrade(
    ///     of: [LabMeasurement(value: 140_000, lln: 150_000), LabMeasurement(value: 48_000, lln: 150_000)],
    ///     version: .v5)   // 3
    /// ```
    /// - Parameters:
    ///   - measurements: The values with their normal limits.
    ///   - baseline: Pre-treatment value (v5 AST/ALT/bilirubin).
    ///   - version: CTCAE version.
    ///   - options: Grading options.
    /// - Returns: The highest grade, or `nil` for an empty series.
    /// - Throws: The first `CTCAEGradingError` met.
    ///
    /// - Complexity: O(*n*) in the number of values.
    public func worstGrade(
        of measurements: [LabMeasurement], baseline: Double? = nil,
        version: CTCAEVersion, options: CTCAEGradingOptions = CTCAEGradingOptions()
    ) throws(CTCAEGradingError) -> Int? {
        var worst: Int?
        for m in measurements {
            let g = try grade(
                value: m.value, lln: m.lln, uln: m.uln, baseline: baseline, version: version, options: options)
            worst = max(worst ?? g, g)
        }
        return worst
    }

    // MARK: Thresholds

    private struct DecreasingThresholds {
        var grade2Below: Double
        var grade3Below: Double
        var grade4Below: Double?
    }

    private func decreasingThresholds(version: CTCAEVersion, options: CTCAEGradingOptions) -> DecreasingThresholds {
        switch self {
        case .neutrophilCountDecreased:
            return DecreasingThresholds(grade2Below: 1500, grade3Below: 1000, grade4Below: 500)
        case .plateletCountDecreased:
            return DecreasingThresholds(grade2Below: 75_000, grade3Below: 50_000, grade4Below: 25_000)
        case .whiteBloodCellDecreased:
            return DecreasingThresholds(grade2Below: 3000, grade3Below: 2000, grade4Below: 1000)
        case .anemia:
            let g4: Double? = version == .v3 ? options.v3HemoglobinGrade4Below : nil
            return DecreasingThresholds(grade2Below: 10.0, grade3Below: 8.0, grade4Below: g4)
        case .hypoalbuminemia:
            return DecreasingThresholds(grade2Below: 3.0, grade3Below: 2.0, grade4Below: nil)
        case .aspartateAminotransferaseIncreased, .alanineAminotransferaseIncreased, .bloodBilirubinIncreased:
            preconditionFailure("increasing term has no decreasing thresholds")
        }
    }

    private func gradeIncreasing(value: Double, uln: Double, baseline: Double?, version: CTCAEVersion) -> Int {
        let isTransaminase = self != .bloodBilirubinIncreased
        if version == .v5, let baseline, baseline.isFinite, definitelyGreater(baseline, uln) {
            // v5.0, baseline abnormal: multiples of baseline.
            let grade1AtLeast = isTransaminase ? 1.5 : 1.0
            let (g2, g3, g4) = isTransaminase ? (3.0, 5.0, 20.0) : (1.5, 3.0, 10.0)
            if definitelyGreater(value, g4 * baseline) { return 4 }
            if definitelyGreater(value, g3 * baseline) { return 3 }
            if definitelyGreater(value, g2 * baseline) { return 2 }
            if isTransaminase {
                // "1.5 - 3.0 x baseline": closed lower bound.
                return greaterOrNearlyEqual(value, grade1AtLeast * baseline) ? 1 : 0
            }
            // ">1.0 - 1.5 x baseline": open lower bound.
            return definitelyGreater(value, grade1AtLeast * baseline) ? 1 : 0
        }
        let (g2, g3, g4): (Double, Double, Double)
        if isTransaminase {
            (g2, g3, g4) = version == .v3 ? (2.5, 5.0, 20.0) : (3.0, 5.0, 20.0)
        } else {
            (g2, g3, g4) = (1.5, 3.0, 10.0)
        }
        if definitelyGreater(value, g4 * uln) { return 4 }
        if definitelyGreater(value, g3 * uln) { return 3 }
        if definitelyGreater(value, g2 * uln) { return 2 }
        if definitelyGreater(value, uln) { return 1 }
        return 0
    }
}

/// CTCAE helpers that do not depend on a term.
///
/// ```swift
/// CTCAE.worstGrade([0, 2, 1])   // 2
/// ```
public enum CTCAE {
    /// The worst (highest) grade in a series, as used for "worst grade per patient per term" tables.
    ///
    /// ```swift
    /// CTCAE.worstGrade([Int]())   // nil
    /// ```
    /// - Parameter grades: Grades (0...5).
    /// - Returns: The maximum, or `nil` if the series is empty.
    ///
    /// - Complexity: O(*n*) in the number of grades.
    public static func worstGrade<S: Sequence>(_ grades: S) -> Int? where S.Element == Int {
        grades.max()
    }

    /// Converts a count in 10^9/L (= 10^3/microlitre) to the per-mm3 count CTCAE thresholds use.
    ///
    /// ```swift
    /// CTCAE.perCubicMillimetre(fromGigaPerLitre: 1.5)   // 1500
    /// ```
    /// - Parameter value: Count in 10^9/L.
    /// - Returns: Count per mm3 (value x 1000).
    ///
    /// - Complexity: O(1).
    public static func perCubicMillimetre(fromGigaPerLitre value: Double) -> Double { value * 1000 }

    /// Converts a concentration in g/L to g/dL (haemoglobin, albumin).
    ///
    /// ```swift
    /// CTCAE.gramsPerDecilitre(fromGramsPerLitre: 95)   // 9.5
    /// ```
    /// - Parameter value: Concentration in g/L.
    /// - Returns: Concentration in g/dL (value / 10).
    ///
    /// - Complexity: O(1).
    public static func gramsPerDecilitre(fromGramsPerLitre value: Double) -> Double { value / 10 }
}
