//
//  LiverFunction.swift
//  Oncology
//
//  Child-Pugh score/class and the ALBI score/grade.
//
//  Child-Pugh points (Pugh et al., Br J Surg 1973, with INR in place of prothrombin time;
//  boundaries as in clinical-rules.md):
//  | parameter            | 1 point  | 2 points          | 3 points        |
//  | bilirubin (mg/dL)    | < 2      | 2 - 3 (inclusive) | > 3             |
//  | albumin (g/dL)       | > 3.5    | 2.8 - 3.5 (incl.) | < 2.8           |
//  | INR                  | < 1.7    | 1.7 - 2.3 (incl.) | > 2.3           |
//  | ascites              | none     | mild              | moderate-severe |
//  | encephalopathy       | none     | grade 1-2         | grade 3-4       |
//  Class A 5-6, B 7-9, C 10-15.
//  The inputs are compared directly with the decimal thresholds (no arithmetic), so no
//  tolerance is applied.
//
//  ALBI (Johnson et al., J Clin Oncol 2015):
//    ALBI = 0.66 x log10(bilirubin, umol/L) - 0.085 x albumin (g/L)
//    grade 1: ALBI <= -2.60; grade 2: -2.60 < ALBI <= -1.39; grade 3: ALBI > -1.39.
//  Unit conversions: bilirubin 1 mg/dL = 17.1 umol/L; albumin 1 g/dL = 10 g/L.
//

#if canImport(Foundation)
import Foundation
#endif

/// Ascites grade for Child-Pugh.
///
/// ```swift
/// Ascites(parsing: "moderate")   // .moderateToSevere
/// ```
public enum Ascites: String, CaseIterable, Sendable, Hashable, Codable {
    /// No ascites (1 point).
    case none = "none"
    /// Mild ascites, or controlled with diuretics (2 points).
    case mild = "mild"
    /// Moderate to severe (tense or refractory) ascites (3 points).
    case moderateToSevere = "moderate-severe"

    /// Child-Pugh points: 1, 2 or 3.
    ///
    /// ```swift
    /// Ascites.mild.points   // 2
    /// ```
    public var points: Int {
        switch self {
        case .none: return 1
        case .mild: return 2
        case .moderateToSevere: return 3
        }
    }

    /// Parses "none"/"absent"/"no"/"0", "mild"/"slight"/"1", "moderate"/"severe"/"moderate-severe"/"tense"/"2"/"3"
    /// (case-insensitive).
    ///
    /// ```swift
    /// Ascites(parsing: "Absent")   // .none
    /// ```
    /// - Parameter text: The text to parse.
    /// - Returns: `nil` if unrecognised.
    ///
    /// - Complexity: O(length of `text`).
    public init?(parsing text: String) {
        switch FailureSite.normalise(text) {
        case "none", "absent", "no", "0": self = .none
        case "mild", "slight", "1": self = .mild
        case "moderate", "severe", "moderatesevere", "moderatetosevere", "tense", "2", "3": self = .moderateToSevere
        default: return nil
        }
    }
}

/// Hepatic encephalopathy grade for Child-Pugh.
///
/// ```swift
/// HepaticEncephalopathy(parsing: "grade 3")   // .grade3to4
/// ```
public enum HepaticEncephalopathy: String, CaseIterable, Sendable, Hashable, Codable {
    /// No encephalopathy (1 point).
    case none = "none"
    /// West Haven grade 1-2 (2 points).
    case grade1to2 = "grade 1-2"
    /// West Haven grade 3-4 (3 points).
    case grade3to4 = "grade 3-4"

    /// Child-Pugh points: 1, 2 or 3.
    ///
    /// ```swift
    /// HepaticEncephalopathy.grade3to4.points   // 3
    /// ```
    public var points: Int {
        switch self {
        case .none: return 1
        case .grade1to2: return 2
        case .grade3to4: return 3
        }
    }

    /// Parses "none"/"absent"/"no"/"0", "1", "2", "grade 1", "grade 1-2", "mild", "3", "4", "grade 3-4", "severe"
    /// (case-insensitive).
    ///
    /// ```swift
    /// HepaticEncephalopathy(parsing: "Grade 1-2")   // .grade1to2
    /// ```
    /// - Parameter text: The text to parse.
    /// - Returns: `nil` if unrecognised.
    ///
    /// - Complexity: O(length of `text`).
    public init?(parsing text: String) {
        switch FailureSite.normalise(text) {
        case "none", "absent", "no", "0", "grade0": self = .none
        case "1", "2", "12", "grade1", "grade2", "grade12", "mild", "minimal": self = .grade1to2
        case "3", "4", "34", "grade3", "grade4", "grade34", "severe": self = .grade3to4
        default: return nil
        }
    }
}

/// Child-Pugh class.
///
/// ```swift
/// ChildPughClass(score: 7)   // .b
/// ```
public enum ChildPughClass: String, CaseIterable, Sendable, Hashable, Codable, Comparable {
    /// Class A (5-6 points).
    case a = "A"
    /// Class B (7-9 points).
    case b = "B"
    /// Class C (10-15 points).
    case c = "C"

    /// The class for a total score.
    ///
    /// ```swift
    /// ChildPughClass(score: 6)    // .a
    /// ChildPughClass(score: 10)   // .c
    /// ```
    /// - Parameter score: Total Child-Pugh points.
    /// - Returns: `nil` if the score is outside 5...15.
    ///
    /// - Complexity: O(1).
    public init?(score: Int) {
        switch score {
        case 5...6: self = .a
        case 7...9: self = .b
        case 10...15: self = .c
        default: return nil
        }
    }

    /// Parses "A", "B", "C", optionally prefixed by "Child-Pugh", "CP" or "class", or with a score such as "A5", "B7".
    ///
    /// ```swift
    /// ChildPughClass(parsing: "Child-Pugh B")   // .b
    /// ChildPughClass(parsing: "A6")             // .a
    /// ```
    /// - Parameter text: The text to parse (case-insensitive).
    /// - Returns: `nil` if unrecognised.
    ///
    /// - Complexity: O(length of `text`).
    public init?(parsing text: String) {
        var key = FailureSite.normalise(text)
        for prefix in ["childpugh", "childturcottepugh", "ctp", "cp", "class"] where key.hasPrefix(prefix) {
            key.removeFirst(prefix.count)
        }
        if key.hasPrefix("class") { key.removeFirst(5) }
        guard let letter = key.first else { return nil }
        let rest = key.dropFirst()
        switch letter {
        case "a": self = .a
        case "b": self = .b
        case "c": self = .c
        default: return nil
        }
        if !rest.isEmpty {
            guard let score = Int(rest), ChildPughClass(score: score) == self else { return nil }
        }
    }

    private var order: Int {
        switch self {
        case .a: return 0
        case .b: return 1
        case .c: return 2
        }
    }

    /// Orders A < B < C (worse liver function is greater).
    ///
    /// - Complexity: O(1).
    public static func < (lhs: ChildPughClass, rhs: ChildPughClass) -> Bool { lhs.order < rhs.order }
}

/// A Child-Pugh assessment: the points of each component, the total and the class.
///
/// ```swift
/// let cp = ChildPugh(bilirubinMgPerDL: 1.2, albuminGPerDL: 3.6, inr: 1.1, ascites: .none, encephalopathy: .none)
/// cp.score   // 5
/// cp.class   // .a
/// ```
public struct ChildPugh: Sendable, Hashable, Codable {
    /// Bilirubin points (1-3).
    public let bilirubinPoints: Int
    /// Albumin points (1-3).
    public let albuminPoints: Int
    /// INR points (1-3).
    public let inrPoints: Int
    /// Ascites points (1-3).
    public let ascitesPoints: Int
    /// Encephalopathy points (1-3).
    public let encephalopathyPoints: Int

    /// Total score, 5...15.
    ///
    /// ```swift
    /// ChildPugh(bilirubinMgPerDL: 2.0, albuminGPerDL: 3.5, inr: 1.1, ascites: .none,
    ///           encephalopathy: .none)!.score   // 7
    /// ```
    public var score: Int { bilirubinPoints + albuminPoints + inrPoints + ascitesPoints + encephalopathyPoints }

    /// Class A (5-6), B (7-9) or C (10-15).
    ///
    /// ```swift
    /// ChildPugh(bilirubinMgPerDL: 2.0, albuminGPerDL: 3.5, inr: 1.1, ascites: .none,
    ///           encephalopathy: .none)!.class   // .b
    /// ```
    public var `class`: ChildPughClass { ChildPughClass(score: score)! }

    /// Scores the five components.
    ///
    /// ```swift
    /// ChildPugh(bilirubinMgPerDL: 2.0, albuminGPerDL: 3.5, inr: 1.7, ascites: .none,
    ///           encephalopathy: .none).score   // 8
    /// ```
    /// - Parameters:
    ///   - bilirubinMgPerDL: Total bilirubin, mg/dL.
    ///   - albuminGPerDL: Serum albumin, g/dL.
    ///   - inr: International normalised ratio.
    ///   - ascites: Ascites grade.
    ///   - encephalopathy: Encephalopathy grade.
    /// - Returns: `nil` if a number is negative or not finite.
    ///
    /// - Complexity: O(1).
    public init?(bilirubinMgPerDL: Double, albuminGPerDL: Double, inr: Double,
                 ascites: Ascites, encephalopathy: HepaticEncephalopathy) {
        guard let b = ChildPugh.bilirubinPoints(mgPerDL: bilirubinMgPerDL),
              let a = ChildPugh.albuminPoints(gPerDL: albuminGPerDL),
              let i = ChildPugh.inrPoints(inr) else { return nil }
        bilirubinPoints = b
        albuminPoints = a
        inrPoints = i
        ascitesPoints = ascites.points
        encephalopathyPoints = encephalopathy.points
    }

    /// Bilirubin points: < 2 mg/dL -> 1; 2-3 -> 2; > 3 -> 3.
    ///
    /// ```swift
    /// ChildPugh.bilirubinPoints(mgPerDL: 3.0)   // 2
    /// ```
    /// - Parameter mgPerDL: Total bilirubin, mg/dL.
    /// - Returns: Points, or `nil` for a negative or non-finite value.
    ///
    /// - Complexity: O(1).
    public static func bilirubinPoints(mgPerDL: Double) -> Int? {
        guard mgPerDL.isFinite, mgPerDL >= 0 else { return nil }
        if mgPerDL < 2 { return 1 }
        if mgPerDL <= 3 { return 2 }
        return 3
    }

    /// Albumin points: > 3.5 g/dL -> 1; 2.8-3.5 -> 2; < 2.8 -> 3.
    ///
    /// ```swift
    /// ChildPugh.albuminPoints(gPerDL: 2.8)   // 2
    /// ```
    /// - Parameter gPerDL: Serum albumin, g/dL.
    /// - Returns: Points, or `nil` for a negative or non-finite value.
    ///
    /// - Complexity: O(1).
    public static func albuminPoints(gPerDL: Double) -> Int? {
        guard gPerDL.isFinite, gPerDL >= 0 else { return nil }
        if gPerDL > 3.5 { return 1 }
        if gPerDL >= 2.8 { return 2 }
        return 3
    }

    /// INR points: < 1.7 -> 1; 1.7-2.3 -> 2; > 2.3 -> 3.
    ///
    /// ```swift
    /// ChildPugh.inrPoints(2.3)   // 2
    /// ```
    /// - Parameter inr: International normalised ratio.
    /// - Returns: Points, or `nil` for a negative or non-finite value.
    ///
    /// - Complexity: O(1).
    public static func inrPoints(_ inr: Double) -> Int? {
        guard inr.isFinite, inr >= 0 else { return nil }
        if inr < 1.7 { return 1 }
        if inr <= 2.3 { return 2 }
        return 3
    }
}

/// ALBI grade.
///
/// ```swift
/// ALBIGrade(score: -2.60)   // .grade1
/// ```
public enum ALBIGrade: Int, CaseIterable, Sendable, Hashable, Codable, Comparable {
    /// ALBI <= -2.60.
    case grade1 = 1
    /// -2.60 < ALBI <= -1.39.
    case grade2 = 2
    /// ALBI > -1.39.
    case grade3 = 3

    /// The grade of an ALBI score (exact comparisons with -2.60 and -1.39).
    ///
    /// ```swift
    /// ALBIGrade(score: -1.39)   // .grade2
    /// ALBIGrade(score: -1.38)   // .grade3
    /// ```
    /// - Parameter score: The ALBI score.
    /// - Returns: `nil` if the score is not finite.
    ///
    /// - Complexity: O(1).
    public init?(score: Double) {
        guard score.isFinite else { return nil }
        if score <= -2.60 {
            self = .grade1
        } else if score <= -1.39 {
            self = .grade2
        } else {
            self = .grade3
        }
    }

    /// Orders grade 1 < 2 < 3.
    ///
    /// - Complexity: O(1).
    public static func < (lhs: ALBIGrade, rhs: ALBIGrade) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The albumin-bilirubin (ALBI) score.
///
/// ```swift
/// let albi = ALBI(bilirubinMicromolPerL: 10, albuminGPerL: 40)   // score -2.74, grade 1
/// let same = ALBI(bilirubinMgPerDL: 10 / 17.1, albuminGPerDL: 4.0)
/// ```
public struct ALBI: Sendable, Hashable, Codable {
    /// The score: 0.66 x log10(bilirubin umol/L) - 0.085 x albumin g/L.
    ///
    /// ```swift
    /// ALBI(bilirubinMicromolPerL: 10, albuminGPerL: 40)!.score   // -2.74
    /// ```
    public let score: Double

    /// The grade of `score`.
    ///
    /// ```swift
    /// ALBI(bilirubinMicromolPerL: 10, albuminGPerL: 40)!.grade   // .grade1
    /// ```
    public var grade: ALBIGrade { ALBIGrade(score: score)! }

    /// Computes ALBI from SI units.
    ///
    /// ```swift
    /// ALBI(bilirubinMicromolPerL: 100, albuminGPerL: 30)?.score   // 0.66 x 2 - 2.55 = -1.23
    /// ```
    /// - Parameters:
    ///   - bilirubinMicromolPerL: Total bilirubin, umol/L (must be > 0).
    ///   - albuminGPerL: Albumin, g/L (must be >= 0).
    /// - Returns: `nil` for non-positive bilirubin, negative albumin, or non-finite input.
    ///
    /// - Complexity: O(1).
    public init?(bilirubinMicromolPerL: Double, albuminGPerL: Double) {
        guard bilirubinMicromolPerL.isFinite, albuminGPerL.isFinite,
              bilirubinMicromolPerL > 0, albuminGPerL >= 0 else { return nil }
        score = 0.66 * log10(bilirubinMicromolPerL) - 0.085 * albuminGPerL
    }

    /// Computes ALBI from conventional units (converted with `bilirubinMicromolPerL(fromMgPerDL:)`
    /// and `albuminGPerL(fromGPerDL:)`).
    ///
    /// ```swift
    /// ALBI(bilirubinMgPerDL: 1.0, albuminGPerDL: 3.5)?.grade   // .grade2
    /// ```
    /// - Parameters:
    ///   - bilirubinMgPerDL: Total bilirubin, mg/dL.
    ///   - albuminGPerDL: Albumin, g/dL.
    /// - Returns: `nil` for non-positive bilirubin, negative albumin, or non-finite input.
    ///
    /// - Complexity: O(1).
    public init?(bilirubinMgPerDL: Double, albuminGPerDL: Double) {
        self.init(bilirubinMicromolPerL: ALBI.bilirubinMicromolPerL(fromMgPerDL: bilirubinMgPerDL),
                  albuminGPerL: ALBI.albuminGPerL(fromGPerDL: albuminGPerDL))
    }

    /// Bilirubin umol/L from mg/dL (x 17.1).
    ///
    /// ```swift
    /// ALBI.bilirubinMicromolPerL(fromMgPerDL: 1.0)   // 17.1
    /// ```
    /// - Parameter mgPerDL: Bilirubin, mg/dL.
    /// - Returns: Bilirubin, umol/L.
    ///
    /// - Complexity: O(1).
    public static func bilirubinMicromolPerL(fromMgPerDL mgPerDL: Double) -> Double { mgPerDL * 17.1 }

    /// Bilirubin mg/dL from umol/L (/ 17.1).
    ///
    /// ```swift
    /// ALBI.bilirubinMgPerDL(fromMicromolPerL: 34.2)   // 2.0
    /// ```
    /// - Parameter micromolPerL: Bilirubin, umol/L.
    /// - Returns: Bilirubin, mg/dL.
    ///
    /// - Complexity: O(1).
    public static func bilirubinMgPerDL(fromMicromolPerL micromolPerL: Double) -> Double { micromolPerL / 17.1 }

    /// Albumin g/L from g/dL (x 10).
    ///
    /// ```swift
    /// ALBI.albuminGPerL(fromGPerDL: 3.5)   // 35
    /// ```
    /// - Parameter gPerDL: Albumin, g/dL.
    /// - Returns: Albumin, g/L.
    ///
    /// - Complexity: O(1).
    public static func albuminGPerL(fromGPerDL gPerDL: Double) -> Double { gPerDL * 10 }

    /// Albumin g/dL from g/L (/ 10).
    ///
    /// ```swift
    /// ALBI.albuminGPerDL(fromGPerL: 35)   // 3.5
    /// ```
    /// - Parameter gPerL: Albumin, g/L.
    /// - Returns: Albumin, g/dL.
    ///
    /// - Complexity: O(1).
    public static func albuminGPerDL(fromGPerL gPerL: Double) -> Double { gPerL / 10 }
}
