/// The version of `pof` and its libraries: printed by `pof --version`, written to every study's provenance
/// (``StudyResults``) and served by `pof serve`.
///
/// ```swift
/// print("pof \(PofVersion.string)")   // "pof 0.1.0"
/// ```
public enum PofVersion {
    /// The version, as semantic versioning's MAJOR.MINOR.PATCH.
    public static let string = "0.1.0"
}
