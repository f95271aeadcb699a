//
//  Staging.swift
//  Oncology
//
//  Modified UICC (mUICC) staging of HCC as used by the Korean Liver Cancer Association -
//  National Cancer Center (KLCA-NCC) 2022 practice guideline (rules from clinical-rules.md).
//
//  T stage counts how many of three criteria are met:
//    (1) solitary tumour, (2) largest diameter <= 2 cm, (3) no vascular or bile-duct invasion.
//    T1 = all three, T2 = two, T3 = one, T4 = none.
//  Size boundary: exactly 2.0 cm meets criterion 2 ("<= 2 cm").
//  Stage: I = T1 N0 M0; II = T2 N0 M0; III = T3 N0 M0; IVA = T4 N0 M0, or any T with N1 M0;
//  IVB = any T, any N, M1.
//

/// mUICC T category.
///
/// ```swift
/// MUICCTCategory(tumorCount: 1, largestDiameterCm: 2.0, vascularOrBileDuctInvasion: false)   // .t1
/// MUICCTCategory(parsing: "T3")                                                             // .t3
/// ```
public enum MUICCTCategory: Int, CaseIterable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// All three criteria met.
    case t1 = 1
    /// Two criteria met.
    case t2 = 2
    /// One criterion met.
    case t3 = 3
    /// No criterion met.
    case t4 = 4

    /// Derives T from the tumour findings.
    ///
    /// ```swift
    /// MUICCTCategory(tumorCount: 2, largestDiameterCm: 1.5, vascularOrBileDuctInvasion: false)  // .t2
    /// MUICCTCategory(tumorCount: 3, largestDiameterCm: 6, vascularOrBileDuctInvasion: true)     // .t4
    /// ```
    /// - Parameters:
    ///   - tumorCount: Number of tumours (>= 1).
    ///   - largestDiameterCm: Largest tumour diameter in cm (> 0).
    ///   - vascularOrBileDuctInvasion: Portal/hepatic vein or bile-duct invasion present.
    /// - Returns: `nil` if the count is < 1 or the size is not a positive finite number.
    ///
    /// - Complexity: O(1).
    public init?(tumorCount: Int, largestDiameterCm: Double, vascularOrBileDuctInvasion: Bool) {
        guard tumorCount >= 1, largestDiameterCm.isFinite, largestDiameterCm > 0 else { return nil }
        var met = 0
        if tumorCount == 1 { met += 1 }
        if largestDiameterCm <= 2.0 { met += 1 }
        if !vascularOrBileDuctInvasion { met += 1 }
        self.init(rawValue: 4 - met)
    }

    /// Parses "T1"..."T4" or "1"..."4" (case-insensitive).
    ///
    /// ```swift
    /// MUICCTCategory(parsing: "t4")   // .t4
    /// ```
    /// - Parameter text: The text to parse.
    /// - Returns: `nil` if unrecognised.
    ///
    /// - Complexity: O(length of `text`).
    public init?(parsing text: String) {
        var key = FailureSite.normalise(text)
        if key.hasPrefix("t") { key.removeFirst() }
        guard let n = Int(key) else { return nil }
        self.init(rawValue: n)
    }

    /// "T1" ... "T4".
    public var description: String { "T\(rawValue)" }

    /// Orders T1 < T2 < T3 < T4.
    ///
    /// - Complexity: O(1).
    public static func < (lhs: MUICCTCategory, rhs: MUICCTCategory) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// mUICC stage group.
///
/// ```swift
/// MUICCStage(t: .t2, nodePositive: false, distantMetastasis: false)   // .ii
/// ```
public enum MUICCStage: String, CaseIterable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// T1 N0 M0.
    case i = "I"
    /// T2 N0 M0.
    case ii = "II"
    /// T3 N0 M0.
    case iii = "III"
    /// T4 N0 M0, or any T N1 M0.
    case iva = "IVA"
    /// Any T, any N, M1.
    case ivb = "IVB"

    /// Stage from T, N and M.
    ///
    /// ```swift
    /// MUICCStage(t: .t1, nodePositive: true, distantMetastasis: false)   // .iva
    /// MUICCStage(t: .t1, nodePositive: false, distantMetastasis: true)   // .ivb
    /// ```
    /// - Parameters:
    ///   - t: T category.
    ///   - nodePositive: Regional lymph-node metastasis (N1).
    ///   - distantMetastasis: Distant metastasis (M1).
    ///
    /// - Complexity: O(1).
    public init(t: MUICCTCategory, nodePositive: Bool, distantMetastasis: Bool) {
        if distantMetastasis {
            self = .ivb
        } else if nodePositive {
            self = .iva
        } else {
            switch t {
            case .t1: self = .i
            case .t2: self = .ii
            case .t3: self = .iii
            case .t4: self = .iva
            }
        }
    }

    /// Stage from the tumour findings plus N and M.
    ///
    /// ```swift
    /// MUICCStage(tumorCount: 1, largestDiameterCm: 5, vascularOrBileDuctInvasion: false,
    ///            nodePositive: false, distantMetastasis: false)   // .ii
    /// ```
    /// - Parameters:
    ///   - tumorCount: Number of tumours (>= 1).
    ///   - largestDiameterCm: Largest diameter in cm.
    ///   - vascularOrBileDuctInvasion: Vascular or bile-duct invasion present.
    ///   - nodePositive: N1.
    ///   - distantMetastasis: M1.
    /// - Returns: `nil` when T cannot be derived (see `MUICCTCategory`).
    ///
    /// - Complexity: O(1).
    public init?(tumorCount: Int, largestDiameterCm: Double, vascularOrBileDuctInvasion: Bool,
                 nodePositive: Bool, distantMetastasis: Bool) {
        guard let t = MUICCTCategory(tumorCount: tumorCount, largestDiameterCm: largestDiameterCm,
                                     vascularOrBileDuctInvasion: vascularOrBileDuctInvasion) else { return nil }
        self.init(t: t, nodePositive: nodePositive, distantMetastasis: distantMetastasis)
    }

    /// Stage from T, N and M given as text ("T2", "N0", "M1"; the prefixes are optional).
    ///
    /// ```swift
    /// MUICCStage(t: "T3", n: "N0", m: "M0")   // .iii
    /// ```
    /// - Parameters:
    ///   - t: "T1"..."T4".
    ///   - n: "N0" or "N1".
    ///   - m: "M0" or "M1".
    /// - Returns: `nil` if any part is unrecognised.
    ///
    /// - Complexity: O(1).
    public init?(t: String, n: String, m: String) {
        guard let tCat = MUICCTCategory(parsing: t),
              let nodePositive = MUICCStage.parseBinary(n, prefix: "n"),
              let metastasis = MUICCStage.parseBinary(m, prefix: "m") else { return nil }
        self.init(t: tCat, nodePositive: nodePositive, distantMetastasis: metastasis)
    }

    /// Parses "I", "II", "III", "IVA", "IVB", also "1", "2", "3", "4A", "4B", optionally prefixed by "stage".
    ///
    /// ```swift
    /// MUICCStage(parsing: "Stage IVa")   // .iva
    /// ```
    /// - Parameter text: The text to parse (case-insensitive).
    /// - Returns: `nil` if unrecognised.
    ///
    /// - Complexity: O(length of `text`).
    public init?(parsing text: String) {
        var key = FailureSite.normalise(text)
        if key.hasPrefix("stage") { key.removeFirst(5) }
        switch key {
        case "i", "1": self = .i
        case "ii", "2": self = .ii
        case "iii", "3": self = .iii
        case "iva", "4a": self = .iva
        case "ivb", "4b": self = .ivb
        default: return nil
        }
    }

    private static func parseBinary(_ text: String, prefix: Character) -> Bool? {
        var key = FailureSite.normalise(text)
        if key.first == prefix { key.removeFirst() }
        switch key {
        case "0": return false
        case "1": return true
        default: return nil
        }
    }

    private var order: Int { MUICCStage.allCases.firstIndex(of: self)! }

    /// "I", "II", "III", "IVA", "IVB".
    public var description: String { rawValue }

    /// Orders I < II < III < IVA < IVB.
    ///
    /// - Complexity: O(1).
    public static func < (lhs: MUICCStage, rhs: MUICCStage) -> Bool { lhs.order < rhs.order }
}
