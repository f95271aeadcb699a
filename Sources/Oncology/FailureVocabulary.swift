//
//  FailureVocabulary.swift
//  Oncology
//
//  The words a study uses for its three failure types. The paper classifies a failure as infield,
//  intrahepatic-outfield or extrahepatic; other disease sites use local / regional / distant, and dosimetric
//  studies in-field / marginal / out-of-field. Each vocabulary names the three ordered categories that
//  `FailureSite` stands for (nearest to the treated volume first), so endpoints, patterns, tables and the
//  Methods text follow the vocabulary while the counting stays the same.
//

/// The names of the three failure types a study uses.
///
/// `FailureSite`'s three cases are the three ordered categories (first = nearest to the treated volume);
/// a vocabulary gives them their names, one-letter codes, labels, accepted spellings and definitions.
///
/// ```swift
/// let v = FailureVocabulary.localRegionalDistant
/// v.name(.infield)                        // "local"
/// v.site(parsing: "Distant")              // .extrahepatic (the third category)
/// v.patternLabel([.infield, .extrahepatic]) // "L+D"
/// FailureVocabulary.paper.name(.intrahepaticOutfield)   // "intrahepatic-outfield"
/// ```
public enum FailureVocabulary: String, CaseIterable, Sendable, Hashable, Codable {
    /// The paper's: infield, intrahepatic-outfield, extrahepatic (liver-directed RT).
    case paper = "infield_outfield_extrahepatic"
    /// Local, regional, distant (e.g. head and neck, lung, rectum).
    case localRegionalDistant = "local_regional_distant"
    /// In-field, marginal, out-of-field (relation of the recurrence to the high-dose volume).
    case fieldRelation = "in_field_marginal_out_of_field"

    /// The name of a failure type as written in failures.csv, the plan's `events` and the JSON results.
    ///
    /// ```swift
    /// FailureVocabulary.fieldRelation.name(.extrahepatic)   // "out-of-field"
    /// ```
    /// - Parameter site: The failure type (category position).
    /// - Returns: The vocabulary's name for it.
    ///
    /// - Complexity: O(1).
    public func name(_ site: FailureSite) -> String {
        switch (self, site) {
        case (.paper, _): return site.rawValue
        case (.localRegionalDistant, .infield): return "local"
        case (.localRegionalDistant, .intrahepaticOutfield): return "regional"
        case (.localRegionalDistant, .extrahepatic): return "distant"
        case (.fieldRelation, .infield): return "in-field"
        case (.fieldRelation, .intrahepaticOutfield): return "marginal"
        case (.fieldRelation, .extrahepatic): return "out-of-field"
        }
    }

    /// The name with a capital first letter, for table rows: "Infield", "Local", "Out-of-field".
    ///
    /// ```swift
    /// FailureVocabulary.paper.label(.intrahepaticOutfield)   // "Intrahepatic-outfield"
    /// ```
    /// - Parameter site: The failure type.
    /// - Returns: The label.
    ///
    /// - Complexity: O(1).
    public func label(_ site: FailureSite) -> String {
        let n = name(site)
        return n.prefix(1).uppercased() + n.dropFirst()
    }

    /// A short label for figure legends and column headers (the paper's figures say "Outfield").
    ///
    /// ```swift
    /// FailureVocabulary.paper.shortLabel(.intrahepaticOutfield)   // "Outfield"
    /// ```
    /// - Parameter site: The failure type.
    /// - Returns: The short label.
    ///
    /// - Complexity: O(1).
    public func shortLabel(_ site: FailureSite) -> String {
        self == .paper && site == .intrahepaticOutfield ? "Outfield" : label(site)
    }

    /// The one-letter code used in pattern labels: I/O/E, L/R/D or I/M/O.
    ///
    /// ```swift
    /// FailureVocabulary.fieldRelation.code(.intrahepaticOutfield)   // "M"
    /// ```
    /// - Parameter site: The failure type.
    /// - Returns: One capital letter.
    ///
    /// - Complexity: O(1).
    public func code(_ site: FailureSite) -> String {
        switch self {
        case .paper: return site.code
        case .localRegionalDistant: return ["L", "R", "D"][Self.position(site)]
        case .fieldRelation: return ["I", "M", "O"][Self.position(site)]
        }
    }

    /// The label of a pattern in this vocabulary's codes: "I+E", "L+D"; "none" for the empty pattern.
    ///
    /// ```swift
    /// FailureVocabulary.localRegionalDistant.patternLabel(.init(site: .intrahepaticOutfield))   // "R"
    /// ```
    /// - Parameter pattern: The combination of failure types.
    /// - Returns: The codes joined by "+" in category order.
    ///
    /// - Complexity: O(1).
    public func patternLabel(_ pattern: FailurePattern) -> String {
        pattern.isEmpty ? "none" : pattern.sites.map(code).joined(separator: "+")
    }

    /// The key to pattern codes: "I = infield, O = intrahepatic-outfield, E = extrahepatic".
    public var legend: String {
        FailureSite.allCases.map { "\(code($0)) = \(name($0))" }.joined(separator: ", ")
    }

    /// The endpoint name of the failure-specific PFS for a type: "pfs_infield", "pfs_local", "pfs_out_of_field".
    ///
    /// ```swift
    /// FailureVocabulary.paper.endpointName(.intrahepaticOutfield)   // "pfs_intrahepatic_outfield"
    /// ```
    /// - Parameter site: The failure type.
    /// - Returns: A plan identifier (letters, digits, `_`).
    ///
    /// - Complexity: O(1).
    public func endpointName(_ site: FailureSite) -> String {
        "pfs_" + name(site).replacingOccurrences(of: "-", with: "_")
    }

    /// One clause defining a failure type, for the Methods text.
    ///
    /// ```swift
    /// FailureVocabulary.localRegionalDistant.definition(.infield)
    /// // "local failure, recurrence or progression at the treated primary site"
    /// ```
    /// - Parameter site: The failure type.
    /// - Returns: "name failure, definition".
    ///
    /// - Complexity: O(1).
    public func definition(_ site: FailureSite) -> String { "\(name(site)) failure, \(meaning(site))" }

    /// What a failure type means, without its name: "recurrence in the regional lymph nodes".
    ///
    /// - Parameter site: The failure type.
    /// - Returns: A lower-case clause.
    ///
    /// - Complexity: O(1).
    public func meaning(_ site: FailureSite) -> String {
        let what: String
        switch (self, site) {
        case (.paper, .infield):
            what = "progression of tumour within the radiation field that covered the planning target volume"
        case (.paper, .intrahepaticOutfield):
            what = "progression of tumour within the liver but outside the radiation field"
        case (.paper, .extrahepatic): what = "metastasis outside the liver (e.g. lung, bone, lymph nodes)"
        case (.localRegionalDistant, .infield): what = "recurrence or progression at the treated primary site"
        case (.localRegionalDistant, .intrahepaticOutfield): what = "recurrence in the regional lymph nodes"
        case (.localRegionalDistant, .extrahepatic): what = "metastasis beyond the regional lymph nodes"
        case (.fieldRelation, .infield): what = "recurrence inside the high-dose volume"
        case (.fieldRelation, .intrahepaticOutfield):
            what = "recurrence partly inside, at the edge of, the high-dose volume"
        case (.fieldRelation, .extrahepatic): what = "recurrence outside the high-dose volume"
        }
        return what
    }

    /// The spellings failures.csv may use, for messages.
    public var accepted: String {
        switch self {
        case .paper: return "infield, intrahepatic-outfield, extrahepatic (also in-field, outfield, I, O, E)"
        case .localRegionalDistant: return "local, regional, distant (also L, R, D)"
        case .fieldRelation: return "in-field, marginal, out-of-field (also infield, outfield, I, M, O)"
        }
    }

    /// Reads a failure type in this vocabulary (case, spaces, hyphens and underscores ignored).
    ///
    /// ```swift
    /// FailureVocabulary.fieldRelation.site(parsing: "Out of field")   // .extrahepatic
    /// FailureVocabulary.fieldRelation.site(parsing: "extrahepatic")   // nil
    /// ```
    /// - Parameter text: The cell text.
    /// - Returns: The failure type, or `nil` when the text is not one of ``accepted``.
    ///
    /// - Complexity: O(length of `text`).
    public func site(parsing text: String) -> FailureSite? {
        switch self {
        case .paper: return FailureSite(parsing: text)
        case .localRegionalDistant:
            switch FailureSite.normalise(text) {
            case "local", "l": return .infield
            case "regional", "r": return .intrahepaticOutfield
            case "distant", "d": return .extrahepatic
            default: return nil
            }
        case .fieldRelation:
            switch FailureSite.normalise(text) {
            case "infield", "i": return .infield
            case "marginal", "m": return .intrahepaticOutfield
            case "outoffield", "outfield", "o": return .extrahepatic
            default: return nil
            }
        }
    }

    /// Reads a failure type by its exact ``name(_:)`` (the plan's `events`).
    ///
    /// - Parameter name: "infield", "local", "out-of-field", …
    /// - Returns: The type, or `nil`.
    ///
    /// - Complexity: O(1).
    public func site(named name: String) -> FailureSite? {
        FailureSite.allCases.first { self.name($0) == name }
    }

    /// The label of a type given by its name; the text itself when it is not a name of this vocabulary.
    ///
    /// ```swift
    /// FailureVocabulary.paper.label(named: "extrahepatic")   // "Extrahepatic"
    /// ```
    ///
    /// - Complexity: O(1).
    public func label(named name: String) -> String { site(named: name).map(label) ?? name }

    /// Whether the third type is a site outside the treated organ or region, for which failures.csv
    /// `organ` names where it was (true for the paper's and local/regional/distant).
    public var thirdTypeHasOrgan: Bool { self != .fieldRelation }

    static func position(_ s: FailureSite) -> Int {
        switch s {
        case .infield: return 0
        case .intrahepaticOutfield: return 1
        case .extrahepatic: return 2
        }
    }
}
