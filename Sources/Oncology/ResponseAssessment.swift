//
//  ResponseAssessment.swift
//  Oncology
//
//  Tumour response by mRECIST (Lencioni & Llovet, Semin Liver Dis 2010;30:52-60) and
//  RECIST 1.1 (Eisenhauer et al., Eur J Cancer 2009;45:228-247).
//
//  Target lesions (sum of longest diameters; for mRECIST the longest *viable*, i.e.
//  arterially enhancing, diameter):
//  - CR: mRECIST, no intratumoral arterial enhancement in any target (viable sum 0);
//        RECIST 1.1, disappearance of all targets (sum 0, or every nodal target < 10 mm
//        short axis: pass `targetsResolved: true`).
//  - PR: decrease >= 30% from the baseline sum. Exactly 30% is PR.
//  - PD: increase >= 20% over the nadir (smallest sum on study, baseline included).
//        Exactly 20% is PD. RECIST 1.1 also requires an absolute increase >= 5 mm
//        (exactly 5 mm qualifies); mRECIST has no absolute rule.
//        A nadir of 0 (after CR) with any re-growth is an unbounded relative increase.
//  - SD: neither PR nor PD. PD takes precedence over PR.
//  Boundary comparisons treat values within a relative 1e-9 as equal (see Comparisons.swift),
//  so 23.1 mm against a 33.0 mm baseline (exactly 30% in decimal) is PR.
//
//  Number of target lesions: RECIST 1.1 allows at most 5 in total and 2 per organ; RECIST 1.0
//  allowed 10 in total and 5 per organ. Both counts checked against secondary descriptions of the
//  two guidelines (radiologyassistant.nl "RECIST 1.1"; radiologykey.com "Therapeutic Response
//  Evaluation of HCC", table RECIST 1.0 vs 1.1; Eur Radiol review doi:10.1007/s00330-009-1685-y
//  for RECIST 1.0). NOT VERIFIED: which of the two the 2010 mRECIST paper quotes (its full text
//  was not available in the searched corpora). The limit is therefore a parameter
//  (`TargetLesionLimits`); the mRECIST default is the RECIST 1.1 rule, as clinical-rules.md says.
//
//  Overall response (RECIST 1.1 Table 1; mRECIST Table 3 has the same rows without NE):
//  | target | non-target           | new | overall |
//  | CR     | CR (or none present) | no  | CR      |
//  | CR     | IR/SD (non-CR/non-PD)| no  | PR      |
//  | CR     | not evaluated        | no  | PR      |
//  | PR     | non-PD or NE         | no  | PR      |
//  | SD     | non-PD or NE         | no  | SD      |
//  | NE     | non-PD               | no  | NE      |
//  | PD     | any                  | any | PD      |
//  | any    | PD                   | any | PD      |
//  | any    | any                  | yes | PD      |
//  HCC-specific amendments (cytology-proven effusions, porta hepatis nodes >= 2 cm, new nodule
//  >= 1 cm with typical hallmark) decide the *inputs* (is there a new lesion? is a non-target PD?)
//  and are the reader's call; they are not encoded here.
//
//  Not encoded: patients with non-target disease only (RECIST 1.1 Table 2, "non-CR/non-PD"),
//  confirmation of response, and minimum duration for SD.
//

/// A response category: CR, PR, SD, PD or NE.
///
/// ```swift
/// ResponseCategory(parsing: "partial response")   // .partialResponse
/// ResponseCategory.completeResponse.rawValue      // "CR"
/// ```
public enum ResponseCategory: String, CaseIterable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Complete response.
    case completeResponse = "CR"
    /// Partial response.
    case partialResponse = "PR"
    /// Stable disease.
    case stableDisease = "SD"
    /// Progressive disease.
    case progressiveDisease = "PD"
    /// Not evaluable.
    case notEvaluable = "NE"

    /// Rank used for best response: CR 4 > PR 3 > SD 2 > PD 1 > NE 0.
    ///
    /// ```swift
    /// ResponseCategory.stableDisease.rank   // 2
    /// ```
    public var rank: Int {
        switch self {
        case .completeResponse: return 4
        case .partialResponse: return 3
        case .stableDisease: return 2
        case .progressiveDisease: return 1
        case .notEvaluable: return 0
        }
    }

    /// Whether the category counts as objective response (CR or PR).
    ///
    /// ```swift
    /// ResponseCategory.partialResponse.isObjectiveResponse   // true
    /// ```
    public var isObjectiveResponse: Bool { self == .completeResponse || self == .partialResponse }

    /// Whether the category counts as disease control (CR, PR or SD).
    ///
    /// ```swift
    /// ResponseCategory.stableDisease.isDiseaseControl   // true
    /// ```
    public var isDiseaseControl: Bool { isObjectiveResponse || self == .stableDisease }

    /// Parses "CR", "complete response", "PR", "partial response", "SD", "stable disease",
    /// "PD", "progressive disease", "progression", "NE", "not evaluable", "not evaluated"
    /// (case-insensitive; spaces, hyphens and underscores ignored).
    ///
    /// ```swift
    /// ResponseCategory(parsing: "pd")   // .progressiveDisease
    /// ```
    /// - Parameter text: The text to parse.
    /// - Returns: `nil` if unrecognised.
    ///
    /// - Complexity: O(length of `text`).
    public init?(parsing text: String) {
        switch FailureSite.normalise(text) {
        case "cr", "completeresponse": self = .completeResponse
        case "pr", "partialresponse": self = .partialResponse
        case "sd", "stabledisease": self = .stableDisease
        case "pd", "progressivedisease", "progression": self = .progressiveDisease
        case "ne", "notevaluable", "notevaluated", "unevaluable": self = .notEvaluable
        default: return nil
        }
    }

    /// The abbreviation ("CR", "PR", ...).
    public var description: String { rawValue }
}

/// The response criteria applied to target lesions.
///
/// ```swift
/// let c = ResponseCriteria.mRECIST
/// ```
public enum ResponseCriteria: String, CaseIterable, Sendable, Hashable, Codable {
    /// Modified RECIST for HCC (viable, arterially enhancing diameters; no absolute PD rule).
    case mRECIST = "mRECIST"
    /// RECIST 1.1 (whole-lesion diameters; PD also needs a 5 mm absolute increase).
    case recist11 = "RECIST 1.1"
}

/// Response of non-target lesions.
///
/// ```swift
/// let nt = ResponseAssessment.nonTargetResponse(allResolved: false, unequivocalProgression: false)
/// // .incompleteResponseOrStable
/// ```
public enum NonTargetResponse: String, CaseIterable, Sendable, Hashable, Codable {
    /// All non-target lesions resolved (mRECIST: no intratumoral arterial enhancement left).
    case completeResponse = "CR"
    /// Persistence of one or more non-target lesions (mRECIST "IR/SD"; RECIST 1.1 "non-CR/non-PD").
    case incompleteResponseOrStable = "IR/SD"
    /// Unequivocal progression of existing non-target lesions.
    case progressiveDisease = "PD"
    /// Non-target lesions present but not (all) assessed.
    case notEvaluated = "NE"
    /// No non-target lesions were recorded at baseline.
    case noneAtBaseline = "none"
}

/// Limits on the number of target lesions and on their size at baseline.
///
/// ```swift
/// let limits = TargetLesionLimits.recist11            // 5 total, 2 per organ, >= 10 mm
/// let chosen = limits.selectTargets(candidates)
/// ```
public struct TargetLesionLimits: Sendable, Hashable, Codable {
    /// Maximum number of target lesions in total.
    public var maximumTotal: Int
    /// Maximum number of target lesions in one organ.
    public var maximumPerOrgan: Int
    /// Minimum longest diameter (mm) of a measurable lesion (10 mm on CT/MRI in both guidelines).
    public var minimumLongestDiameterMM: Double

    /// Creates limits.
    ///
    /// ```swift
    /// let custom = TargetLesionLimits(maximumTotal: 3, maximumPerOrgan: 3)
    /// ```
    /// - Parameters:
    ///   - maximumTotal: Maximum number of targets in total.
    ///   - maximumPerOrgan: Maximum number of targets per organ.
    ///   - minimumLongestDiameterMM: Minimum measurable longest diameter in mm (default 10).
    ///
    /// - Complexity: O(1).
    public init(maximumTotal: Int, maximumPerOrgan: Int, minimumLongestDiameterMM: Double = 10) {
        self.maximumTotal = maximumTotal
        self.maximumPerOrgan = maximumPerOrgan
        self.minimumLongestDiameterMM = minimumLongestDiameterMM
    }

    /// RECIST 1.1: at most 5 targets in total, 2 per organ.
    public static let recist11 = TargetLesionLimits(maximumTotal: 5, maximumPerOrgan: 2)
    /// RECIST 1.0: at most 10 targets in total, 5 per organ.
    public static let recist10 = TargetLesionLimits(maximumTotal: 10, maximumPerOrgan: 5)
    /// Default for mRECIST: the RECIST 1.1 limits (which version the 2010 mRECIST text quotes is unverified).
    public static let mRECISTDefault = recist11

    /// Chooses target lesions: eligible, measurable candidates by decreasing diameter
    /// (ties keep input order), skipping any that would exceed the per-organ or total limit.
    ///
    /// ```swift
    /// let picks = TargetLesionLimits.recist11.selectTargets([
    ///     CandidateLesion(id: "a", organ: "liver", longestDiameterMM: 40),
    ///     CandidateLesion(id: "b", organ: "liver", longestDiameterMM: 30),
    ///     CandidateLesion(id: "c", organ: "liver", longestDiameterMM: 20),
    /// ])   // a, b
    /// ```
    /// - Parameter candidates: Candidate lesions at baseline.
    /// - Returns: The selected targets, largest first.
    ///
    /// - Complexity: O(*n* log *n*) in the number of candidates (they are sorted by diameter).
    public func selectTargets(_ candidates: [CandidateLesion]) -> [CandidateLesion] {
        let eligible = candidates.enumerated()
            .filter {
                $0.element.isTargetEligible
                    && greaterOrNearlyEqual($0.element.longestDiameterMM, minimumLongestDiameterMM)
            }
            .sorted { lhs, rhs in
                lhs.element.longestDiameterMM != rhs.element.longestDiameterMM
                    ? lhs.element.longestDiameterMM > rhs.element.longestDiameterMM
                    : lhs.offset < rhs.offset
            }
            .map(\.element)
        var perOrgan: [String: Int] = [:]
        var chosen: [CandidateLesion] = []
        for lesion in eligible where chosen.count < maximumTotal {
            let organ = lesion.organ.lowercased()
            let n = perOrgan[organ, default: 0]
            guard n < maximumPerOrgan else { continue }
            perOrgan[organ] = n + 1
            chosen.append(lesion)
        }
        return chosen
    }

    /// Whether a set of targets respects the limits (size, per-organ and total counts).
    ///
    /// ```swift
    /// TargetLesionLimits.recist11.admits(picks)   // true
    /// ```
    /// - Parameter targets: The chosen target lesions.
    /// - Returns: `true` if every lesion is measurable and no count limit is exceeded.
    ///
    /// - Complexity: O(*n*) in the number of targets.
    public func admits(_ targets: [CandidateLesion]) -> Bool {
        guard targets.count <= maximumTotal else { return false }
        var perOrgan: [String: Int] = [:]
        for lesion in targets {
            guard greaterOrNearlyEqual(lesion.longestDiameterMM, minimumLongestDiameterMM) else { return false }
            perOrgan[lesion.organ.lowercased(), default: 0] += 1
        }
        return perOrgan.values.allSatisfy { $0 <= maximumPerOrgan }
    }
}

/// A lesion considered as a target at baseline.
///
/// ```swift
/// let l = CandidateLesion(id: "L1", organ: "liver", longestDiameterMM: 42)
/// ```
public struct CandidateLesion: Sendable, Hashable, Codable {
    /// Identifier of the lesion.
    public var id: String
    /// Organ (compared case-insensitively for the per-organ limit).
    public var organ: String
    /// Longest diameter in mm (mRECIST: longest viable, arterially enhancing diameter).
    public var longestDiameterMM: Double
    /// Reader's judgement that the lesion can be a target (mRECIST: well delineated,
    /// arterially enhancing, suitable for repeated measurement; infiltrative lesions are not).
    public var isTargetEligible: Bool

    /// Creates a candidate lesion.
    ///
    /// ```swift
    /// CandidateLesion(id: "L2", organ: "lung", longestDiameterMM: 12, isTargetEligible: true)
    /// ```
    /// - Parameters:
    ///   - id: Identifier.
    ///   - organ: Organ name.
    ///   - longestDiameterMM: Longest (viable) diameter in mm.
    ///   - isTargetEligible: Whether the lesion qualifies as a target apart from size (default true).
    ///
    /// - Complexity: O(1).
    public init(id: String, organ: String, longestDiameterMM: Double, isTargetEligible: Bool = true) {
        self.id = id
        self.organ = organ
        self.longestDiameterMM = longestDiameterMM
        self.isTargetEligible = isTargetEligible
    }
}

/// Response rules: target, non-target, overall and best overall response.
///
/// ```swift
/// let t = ResponseAssessment.targetResponse(baselineSum: 50, nadirSum: 50, currentSum: 35, criteria: .mRECIST)  // PR
/// let o = ResponseAssessment.overallResponse(target: t, nonTarget: .noneAtBaseline, newLesions: false)       // PR
/// ```
public enum ResponseAssessment {
    /// Target-lesion response from the baseline, nadir and current sums of diameters (mm).
    ///
    /// See the file header for the rules and boundaries (exactly 30% decrease = PR, exactly 20%
    /// increase = PD; RECIST 1.1 PD also needs >= 5 mm absolute increase; PD precedes PR).
    /// The nadir is the smallest sum recorded on study including baseline; a nadir above the
    /// baseline is replaced by the baseline.
    ///
    /// ```swift
    /// // .partialResponse
    /// ResponseAssessment.targetResponse(baselineSum: 100, nadirSum: 100, currentSum: 70, criteria: .mRECIST)
    /// // .progressiveDisease
    /// ResponseAssessment.targetResponse(baselineSum: 100, nadirSum: 20, currentSum: 24, criteria: .mRECIST)
    /// // .partialResponse (only +4 mm)
    /// ResponseAssessment.targetResponse(baselineSum: 100, nadirSum: 20, currentSum: 24, criteria: .recist11)
    /// // .completeResponse
    /// ResponseAssessment.targetResponse(baselineSum: 60, nadirSum: 60, currentSum: 0, criteria: .mRECIST)
    /// ```
    /// - Parameters:
    ///   - baselineSum: Sum of target diameters at baseline (mm); must be > 0.
    ///   - nadirSum: Smallest sum on study before this assessment, baseline included (mm).
    ///   - currentSum: Sum at this assessment (mm); mRECIST uses viable (enhancing) diameters.
    ///   - criteria: mRECIST or RECIST 1.1.
    ///   - targetsResolved: `true` when the targets meet the CR definition although the sum is not 0
    ///     (RECIST 1.1: non-nodal targets gone and every nodal target < 10 mm short axis). Default `false`.
    /// - Returns: CR, PR, SD or PD; NE if any sum is negative or not finite, or the baseline sum is 0.
    ///
    /// - Complexity: O(*n*) in the number of target lesions.
    public static func targetResponse(
        baselineSum: Double, nadirSum: Double, currentSum: Double,
        criteria: ResponseCriteria, targetsResolved: Bool = false
    ) -> ResponseCategory {
        guard baselineSum.isFinite, nadirSum.isFinite, currentSum.isFinite,
              baselineSum > 0, nadirSum >= 0, currentSum >= 0 else { return .notEvaluable }
        if currentSum == 0 || targetsResolved { return .completeResponse }
        let nadir = min(nadirSum, baselineSum)
        let relativePD = nadir == 0 ? true : greaterOrNearlyEqual(currentSum, nadir * 1.2)
        let absolutePD: Bool
        switch criteria {
        case .mRECIST: absolutePD = true
        case .recist11: absolutePD = greaterOrNearlyEqual(currentSum - nadir, 5)
        }
        if relativePD && absolutePD { return .progressiveDisease }
        if lessOrNearlyEqual(currentSum, baselineSum * 0.7) { return .partialResponse }
        return .stableDisease
    }

    /// Non-target response from the reader's findings.
    ///
    /// Precedence: no non-target lesions at baseline -> `.noneAtBaseline`; unequivocal
    /// progression -> PD (even if not all were assessed); not evaluated -> NE; all resolved
    /// -> CR; otherwise IR/SD.
    ///
    /// ```swift
    /// ResponseAssessment.nonTargetResponse(allResolved: true, unequivocalProgression: false)   // .completeResponse
    /// ```
    /// - Parameters:
    ///   - presentAtBaseline: Whether any non-target lesion was recorded at baseline (default true).
    ///   - allResolved: All non-target lesions gone (mRECIST: no intratumoral arterial enhancement).
    ///   - unequivocalProgression: Unequivocal progression of existing non-target lesions.
    ///   - evaluated: Whether all non-target lesions were assessed (default true).
    /// - Returns: The non-target response.
    ///
    /// - Complexity: O(*n*) in the number of non-target lesions.
    public static func nonTargetResponse(
        presentAtBaseline: Bool = true, allResolved: Bool, unequivocalProgression: Bool, evaluated: Bool = true
    ) -> NonTargetResponse {
        guard presentAtBaseline else { return .noneAtBaseline }
        if unequivocalProgression { return .progressiveDisease }
        if !evaluated { return .notEvaluated }
        return allResolved ? .completeResponse : .incompleteResponseOrStable
    }

    /// Overall response at one time point (target x non-target x new lesions), per the table
    /// in the file header.
    ///
    /// ```swift
    /// ResponseAssessment.overallResponse(target: .completeResponse, nonTarget: .incompleteResponseOrStable,
    ///                                    newLesions: false)  // .partialResponse
    /// ResponseAssessment.overallResponse(target: .stableDisease, nonTarget: .completeResponse,
    ///                                    newLesions: true)   // .progressiveDisease
    /// ```
    /// - Parameters:
    ///   - target: Target-lesion response.
    ///   - nonTarget: Non-target response.
    ///   - newLesions: Whether a new lesion was found (per the HCC amendments for mRECIST).
    /// - Returns: The overall response.
    ///
    /// - Complexity: O(1).
    public static func overallResponse(
        target: ResponseCategory, nonTarget: NonTargetResponse, newLesions: Bool
    ) -> ResponseCategory {
        if newLesions || target == .progressiveDisease || nonTarget == .progressiveDisease {
            return .progressiveDisease
        }
        switch target {
        case .notEvaluable, .progressiveDisease:
            return .notEvaluable
        case .completeResponse:
            switch nonTarget {
            case .completeResponse, .noneAtBaseline: return .completeResponse
            case .incompleteResponseOrStable, .notEvaluated, .progressiveDisease: return .partialResponse
            }
        case .partialResponse:
            return .partialResponse
        case .stableDisease:
            return .stableDisease
        }
    }

    /// Best overall response over time-ordered assessments.
    ///
    /// Ordering CR > PR > SD > PD > NE. Assessments after the first PD are ignored, so a PD
    /// following a response leaves the best response so far (PR, PD -> PR), and a PD first
    /// gives PD even if later assessments look better (PD, PR -> PD). No confirmation of CR/PR
    /// and no minimum SD duration are applied. An empty sequence, or only NE, gives NE.
    ///
    /// ```swift
    /// ResponseAssessment.bestOverallResponse([.stableDisease, .partialResponse,
    ///                                         .progressiveDisease, .completeResponse])  // .partialResponse
    /// ```
    /// - Parameter responses: Overall responses in chronological order.
    /// - Returns: The best overall response.
    ///
    /// - Complexity: O(*n*) in the number of responses.
    public static func bestOverallResponse<S: Sequence>(_ responses: S) -> ResponseCategory
    where S.Element == ResponseCategory {
        var best = ResponseCategory.notEvaluable
        for response in responses {
            if response.rank > best.rank { best = response }
            if response == .progressiveDisease { break }
        }
        return best
    }
}
