//
//  FailurePatterns.swift
//  Oncology
//
//  Failure sites after liver-directed radiotherapy and the seven exclusive
//  combinations of them (patterns of first failure).
//
//  Convention (clinical-rules.md, "Patterns-of-failure statistics"):
//  - infield: recurrence inside the irradiated volume;
//  - intrahepatic-outfield: new or recurrent disease in the liver outside it;
//  - extrahepatic: any site outside the liver (lung, node, bone, peritoneum, ...).
//  "First failure" patterns are the 7 non-empty combinations of I/O/E seen at the
//  first failure date; "any failure" counts each site separately (non-exclusive).
//

/// Where a failure (recurrence or progression) occurred relative to the radiotherapy field.
///
/// ```swift
/// let site = FailureSite(parsing: "in-field")   // .infield
/// site?.code                                      // "I"
/// FailureSite.intrahepaticOutfield.rawValue       // "intrahepatic-outfield"
/// ```
public enum FailureSite: String, CaseIterable, Sendable, Hashable, Codable, Comparable {
    /// Inside the irradiated volume.
    case infield = "infield"
    /// In the liver, outside the irradiated volume.
    case intrahepaticOutfield = "intrahepatic-outfield"
    /// Outside the liver.
    case extrahepatic = "extrahepatic"

    /// The one-letter code used in pattern labels: "I", "O" or "E".
    ///
    /// ```swift
    /// FailureSite.extrahepatic.code   // "E"
    /// ```
    public var code: String {
        switch self {
        case .infield: return "I"
        case .intrahepaticOutfield: return "O"
        case .extrahepatic: return "E"
        }
    }

    /// Parses a site leniently (case-insensitive, surrounding whitespace ignored).
    ///
    /// Accepted spellings: "infield", "in-field", "in field", "I";
    /// "outfield", "out-field", "intrahepatic-outfield", "intrahepatic outfield", "O";
    /// "extrahepatic", "extra-hepatic", "E".
    ///
    /// ```swift
    /// FailureSite(parsing: " Intrahepatic-Outfield ")  // .intrahepaticOutfield
    /// FailureSite(parsing: "e")                        // .extrahepatic
    /// FailureSite(parsing: "marginal")                 // nil
    /// ```
    /// - Parameter text: The text to parse.
    /// - Returns: `nil` when the text is not a recognised spelling.
    ///
    /// - Complexity: O(length of `text`).
    public init?(parsing text: String) {
        let key = FailureSite.normalise(text)
        switch key {
        case "infield", "i":
            self = .infield
        case "outfield", "intrahepaticoutfield", "o":
            self = .intrahepaticOutfield
        case "extrahepatic", "e":
            self = .extrahepatic
        default:
            return nil
        }
    }

    /// Lower-cases and removes whitespace, hyphens and underscores.
    static func normalise(_ text: String) -> String {
        // ASCII fast path (category names are ASCII); Unicode text takes the general path
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count)
            for b in text.utf8 {
                switch b {
                case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x2D, 0x5F: continue   // whitespace, "-", "_"
                case 0x41...0x5A: bytes.append(b + 0x20)                       // A–Z → a–z
                default: bytes.append(b)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        return String(text.lowercased().filter { !$0.isWhitespace && $0 != "-" && $0 != "_" })
    }

    private var order: Int {
        switch self {
        case .infield: return 0
        case .intrahepaticOutfield: return 1
        case .extrahepatic: return 2
        }
    }

    /// Orders sites I < O < E (the order used in pattern labels).
    ///
    /// - Complexity: O(1).
    public static func < (lhs: FailureSite, rhs: FailureSite) -> Bool { lhs.order < rhs.order }
}

/// A combination of failure sites: one of the 7 exclusive first-failure patterns
/// ("I", "O", "E", "I+O", "I+E", "O+E", "I+O+E"), or the empty set (no failure).
///
/// ```swift
/// let p: FailurePattern = [.infield, .extrahepatic]
/// p.label                         // "I+E"
/// p.includes(.infield)            // true
/// FailurePattern(parsing: "O+E")  // [.intrahepaticOutfield, .extrahepatic]
/// FailurePattern.allPatterns.map(\.label)
/// // ["I", "O", "E", "I+O", "I+E", "O+E", "I+O+E"]
/// ```
public struct FailurePattern: OptionSet, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The bit mask: bit 0 = I, bit 1 = O, bit 2 = E.
    ///
    /// ```swift
    /// FailurePattern.extrahepatic.rawValue   // 4
    /// ```
    public let rawValue: UInt8

    /// Creates a pattern from its bit mask (bit 0 = I, bit 1 = O, bit 2 = E; higher bits are dropped).
    ///
    /// ```swift
    /// FailurePattern(rawValue: 0b101).label   // "I+E"
    /// ```
    /// - Parameter rawValue: The bit mask.
    ///
    /// - Complexity: O(1).
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0b111 }

    /// In-field failure (I).
    public static let infield = FailurePattern(rawValue: 1 << 0)
    /// Intrahepatic out-of-field failure (O).
    public static let intrahepaticOutfield = FailurePattern(rawValue: 1 << 1)
    /// Extrahepatic failure (E).
    public static let extrahepatic = FailurePattern(rawValue: 1 << 2)

    /// The 7 non-empty patterns in reporting order: I, O, E, I+O, I+E, O+E, I+O+E.
    ///
    /// ```swift
    /// FailurePattern.allPatterns.count   // 7
    /// ```
    public static let allPatterns: [FailurePattern] = [
        .infield, .intrahepaticOutfield, .extrahepatic,
        [.infield, .intrahepaticOutfield], [.infield, .extrahepatic],
        [.intrahepaticOutfield, .extrahepatic],
        [.infield, .intrahepaticOutfield, .extrahepatic],
    ]

    /// The pattern consisting of one site.
    ///
    /// ```swift
    /// FailurePattern(site: .extrahepatic).label   // "E"
    /// ```
    /// - Parameter site: The failure site.
    ///
    /// - Complexity: O(1).
    public init(site: FailureSite) {
        switch site {
        case .infield: self = .infield
        case .intrahepaticOutfield: self = .intrahepaticOutfield
        case .extrahepatic: self = .extrahepatic
        }
    }

    /// The pattern formed by a collection of sites (duplicates are ignored; empty gives the empty pattern).
    ///
    /// ```swift
    /// FailurePattern(sites: [.extrahepatic, .infield, .infield]).label   // "I+E"
    /// ```
    /// - Parameter sites: The sites seen (for first failure: all sites at the first failure date).
    ///
    /// - Complexity: O(*n*) in the number of sites.
    public init<S: Sequence>(sites: S) where S.Element == FailureSite {
        self = []
        for site in sites { insert(FailurePattern(site: site)) }
    }

    /// Parses a label such as "I+O", "o + e", "infield+extrahepatic" (parts separated by "+", ",", "/" or ";").
    ///
    /// ```swift
    /// FailurePattern(parsing: "E+I")?.label   // "I+E"
    /// FailurePattern(parsing: "X")            // nil
    /// ```
    /// - Parameter text: The label.
    /// - Returns: `nil` if any part is not a recognised site or the text has no parts.
    ///
    /// - Complexity: O(length of `text`).
    public init?(parsing text: String) {
        let parts = text.split(whereSeparator: { "+,/;".contains($0) })
        guard !parts.isEmpty else { return nil }
        var sites: [FailureSite] = []
        for part in parts {
            guard let site = FailureSite(parsing: String(part)) else { return nil }
            sites.append(site)
        }
        self.init(sites: sites)
    }

    /// Whether the pattern includes a site.
    ///
    /// ```swift
    /// FailurePattern(parsing: "I+O")!.includes(.extrahepatic)   // false
    /// ```
    /// - Parameter site: The site to test.
    /// - Returns: `true` if the site is part of the pattern.
    ///
    /// - Complexity: O(1).
    public func includes(_ site: FailureSite) -> Bool { contains(FailurePattern(site: site)) }

    /// The sites in the pattern, in I, O, E order.
    ///
    /// ```swift
    /// FailurePattern(parsing: "E+O")!.sites   // [.intrahepaticOutfield, .extrahepatic]
    /// ```
    public var sites: [FailureSite] { FailureSite.allCases.filter(includes) }

    /// The label, sites joined by "+" in I, O, E order; "none" for the empty pattern.
    ///
    /// ```swift
    /// FailurePattern([.extrahepatic, .intrahepaticOutfield, .infield]).label   // "I+O+E"
    /// ```
    public var label: String { isEmpty ? "none" : sites.map(\.code).joined(separator: "+") }

    /// Same as `label`.
    public var description: String { label }
}

// The dose-based classification of a recurrence (volume in isodose, centroid, MDACC A–E, centroid + D95)
// is in DosimetricClassification.swift.
