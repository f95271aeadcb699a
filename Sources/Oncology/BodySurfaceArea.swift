//
//  BodySurfaceArea.swift
//  Oncology
//
//  Body surface area (m^2) from height (cm) and weight (kg).
//    Mosteller (N Engl J Med 1987): sqrt(height x weight / 3600)
//    DuBois & DuBois (Arch Intern Med 1916): 0.007184 x weight^0.425 x height^0.725
//  Example: 170 cm, 65 kg -> Mosteller 1.752, DuBois 1.754 (rounded to 3 decimals).
//

#if canImport(Foundation)
import Foundation
#endif

/// Body surface area formulas.
///
/// ```swift
/// BodySurfaceArea.mosteller(heightCm: 170, weightKg: 65)   // 1.75198...
/// BodySurfaceArea.duBois(heightCm: 170, weightKg: 65)      // 1.75360...
/// ```
public enum BodySurfaceArea {
    /// A BSA formula.
    ///
    /// ```swift
    /// BodySurfaceArea.Formula.mosteller.area(heightCm: 170, weightKg: 65)
    /// ```
    public enum Formula: String, CaseIterable, Sendable, Hashable, Codable {
        /// Mosteller: sqrt(h w / 3600).
        case mosteller = "Mosteller"
        /// DuBois: 0.007184 w^0.425 h^0.725.
        case duBois = "DuBois"

        /// BSA by this formula.
        ///
        /// ```swift
        /// BodySurfaceArea.Formula.duBois.area(heightCm: 170, weightKg: 65)   // 1.7536...
        /// ```
        /// - Parameters:
        ///   - heightCm: Height, cm.
        ///   - weightKg: Weight, kg.
        /// - Returns: BSA, m^2.
        ///
        /// - Complexity: O(1).
        public func area(heightCm: Double, weightKg: Double) -> Double {
            switch self {
            case .mosteller: return BodySurfaceArea.mosteller(heightCm: heightCm, weightKg: weightKg)
            case .duBois: return BodySurfaceArea.duBois(heightCm: heightCm, weightKg: weightKg)
            }
        }
    }

    /// Mosteller BSA, sqrt(height x weight / 3600).
    ///
    /// ```swift
    /// BodySurfaceArea.mosteller(heightCm: 180, weightKg: 80)   // 2.0
    /// ```
    /// - Parameters:
    ///   - heightCm: Height, cm.
    ///   - weightKg: Weight, kg.
    /// - Returns: BSA, m^2.
    ///
    /// - Complexity: O(1).
    public static func mosteller(heightCm: Double, weightKg: Double) -> Double {
        (heightCm * weightKg / 3600).squareRoot()
    }

    /// DuBois BSA, 0.007184 x weight^0.425 x height^0.725.
    ///
    /// ```swift
    /// BodySurfaceArea.duBois(heightCm: 170, weightKg: 65)   // 1.7536
    /// ```
    /// - Parameters:
    ///   - heightCm: Height, cm.
    ///   - weightKg: Weight, kg.
    /// - Returns: BSA, m^2.
    ///
    /// - Complexity: O(1).
    public static func duBois(heightCm: Double, weightKg: Double) -> Double {
        0.007184 * pow(weightKg, 0.425) * pow(heightCm, 0.725)
    }
}
