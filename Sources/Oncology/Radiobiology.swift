//
//  Radiobiology.swift
//  Oncology
//
//  Linear-quadratic dose conversions.
//    d    = D / n                         (dose per fraction, Gy)
//    BED  = n d (1 + d / (alpha/beta)) = D (1 + d / (alpha/beta))      (Gy_{alpha/beta})
//    EQD2 = BED / (1 + 2 / (alpha/beta))                               (Gy)
//  Example: 45 Gy in 25 fractions, alpha/beta 10: d = 1.8, BED10 = 45 x 1.18 = 53.1,
//  EQD2 = 53.1 / 1.2 = 44.25. Reports should state the alpha/beta used (default 10 for tumour).
//

/// A fractionation schedule: total dose and number of fractions.
///
/// ```swift
/// let rt = FractionationSchedule(totalDose: 45, fractions: 25)!
/// rt.dosePerFraction          // 1.8
/// rt.bed()                    // 53.1 (alpha/beta 10)
/// rt.eqd2(alphaBeta: 3)       // BED3 / (1 + 2/3)
/// ```
public struct FractionationSchedule: Sendable, Hashable, Codable {
    /// Total physical dose, Gy.
    public let totalDose: Double
    /// Number of fractions.
    public let fractions: Int

    /// Creates a schedule.
    ///
    /// ```swift
    /// FractionationSchedule(totalDose: 50, fractions: 10)
    /// ```
    /// - Parameters:
    ///   - totalDose: Total dose in Gy (> 0, finite).
    ///   - fractions: Number of fractions (>= 1).
    /// - Returns: `nil` for a non-positive dose or fewer than one fraction.
    ///
    /// - Complexity: O(1).
    public init?(totalDose: Double, fractions: Int) {
        guard totalDose.isFinite, totalDose > 0, fractions >= 1 else { return nil }
        self.totalDose = totalDose
        self.fractions = fractions
    }

    /// Dose per fraction, Gy (D / n).
    ///
    /// ```swift
    /// FractionationSchedule(totalDose: 45, fractions: 25)!.dosePerFraction   // 1.8
    /// ```
    public var dosePerFraction: Double { Radiobiology.dosePerFraction(totalDose: totalDose, fractions: fractions) }

    /// Biologically effective dose.
    ///
    /// ```swift
    /// FractionationSchedule(totalDose: 45, fractions: 25)!.bed()   // 53.1
    /// ```
    /// - Parameter alphaBeta: alpha/beta ratio in Gy (default 10).
    /// - Returns: BED in Gy_{alpha/beta}.
    ///
    /// - Complexity: O(1).
    public func bed(alphaBeta: Double = 10) -> Double {
        Radiobiology.bed(totalDose: totalDose, fractions: fractions, alphaBeta: alphaBeta)
    }

    /// Equivalent dose in 2 Gy fractions.
    ///
    /// ```swift
    /// FractionationSchedule(totalDose: 45, fractions: 25)!.eqd2()   // 44.25
    /// ```
    /// - Parameter alphaBeta: alpha/beta ratio in Gy (default 10).
    /// - Returns: EQD2 in Gy.
    ///
    /// - Complexity: O(1).
    public func eqd2(alphaBeta: Double = 10) -> Double {
        Radiobiology.eqd2(totalDose: totalDose, fractions: fractions, alphaBeta: alphaBeta)
    }
}

/// Linear-quadratic conversions (BED, EQD2).
///
/// ```swift
/// Radiobiology.bed(totalDose: 45, fractions: 25)    // 53.1
/// Radiobiology.eqd2(totalDose: 45, fractions: 25)   // 44.25
/// ```
public enum Radiobiology {
    /// Dose per fraction, D / n.
    ///
    /// ```swift
    /// Radiobiology.dosePerFraction(totalDose: 60, fractions: 30)   // 2.0
    /// ```
    /// - Parameters:
    ///   - totalDose: Total dose, Gy.
    ///   - fractions: Number of fractions (>= 1).
    /// - Returns: Dose per fraction, Gy.
    ///
    /// - Complexity: O(1).
    public static func dosePerFraction(totalDose: Double, fractions: Int) -> Double {
        precondition(fractions >= 1, "fractions must be >= 1")
        return totalDose / Double(fractions)
    }

    /// Biologically effective dose, D (1 + d / (alpha/beta)).
    ///
    /// ```swift
    /// Radiobiology.bed(totalDose: 45, fractions: 25, alphaBeta: 10)   // 53.1
    /// ```
    /// - Parameters:
    ///   - totalDose: Total dose D, Gy.
    ///   - fractions: Number of fractions n (>= 1).
    ///   - alphaBeta: alpha/beta ratio in Gy (> 0; default 10).
    /// - Returns: BED in Gy_{alpha/beta}.
    ///
    /// - Complexity: O(1).
    public static func bed(totalDose: Double, fractions: Int, alphaBeta: Double = 10) -> Double {
        precondition(alphaBeta > 0, "alpha/beta must be > 0")
        let d = dosePerFraction(totalDose: totalDose, fractions: fractions)
        return totalDose * (1 + d / alphaBeta)
    }

    /// Equivalent dose in 2 Gy fractions, BED / (1 + 2 / (alpha/beta)).
    ///
    /// ```swift
    /// Radiobiology.eqd2(totalDose: 45, fractions: 25, alphaBeta: 10)   // 44.25
    /// ```
    /// - Parameters:
    ///   - totalDose: Total dose D, Gy.
    ///   - fractions: Number of fractions n (>= 1).
    ///   - alphaBeta: alpha/beta ratio in Gy (> 0; default 10).
    /// - Returns: EQD2 in Gy.
    ///
    /// - Complexity: O(1).
    public static func eqd2(totalDose: Double, fractions: Int, alphaBeta: Double = 10) -> Double {
        bed(totalDose: totalDose, fractions: fractions, alphaBeta: alphaBeta) / (1 + 2 / alphaBeta)
    }
}
