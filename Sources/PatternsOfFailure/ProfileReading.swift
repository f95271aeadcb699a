import Oncology
import Tabular

/// Reads one new patient's values, typed as text (command-line options, a CSV row, a web form), into a
/// ``BaselineProfile``: numbers with the project's number grammar, stages as mUICC groups or T/N/M,
/// yes/no variables, and "unknown" (or "not known", "na", "n/a") for a value declared not known.
///
/// ```swift
/// let p = try ProfileReading.profile(["age": "45", "stage": "III", "pvt": "yes", "afp": "unknown"], source: "form")
/// p.values["muicc_stage"]   // .text("III")
/// p.unknown                 // ["afp"]
/// ```
public enum ProfileReading {
    /// Values that declare a variable not known.
    public static let unknownWords: Set<String> = ["unknown", "not known", "na", "n/a"]

    /// Reads text fields into a profile.
    ///
    /// - Parameters:
    ///   - fields: Variable name → typed value. `stage` is read as `muicc_stage`; `prior_treatment` is a
    ///     list of treatments separated by `;` (or `none`).
    ///   - source: Where the values came from, for messages ("options", "patient.csv", "form").
    /// - Returns: The profile.
    /// - Throws: ``StudyAnalysis/ProfileError`` naming the field and the value that cannot be read.
    /// - Complexity: O(fields).
    public static func profile(_ fields: [String: String], source: String) throws -> BaselineProfile {
        var p = BaselineProfile()
        for (rawName, rawValue) in fields.sorted(by: { $0.key < $1.key }) {
            let value = rawValue.trimmingCharacters(in: .whitespaces)
            let name = rawName == "stage" ? "muicc_stage" : rawName
            if unknownWords.contains(value.lowercased()) {
                p.setUnknown(name)
                if name == "muicc_stage" { p.setUnknown("m_stage"); p.setUnknown("n_stage"); p.setUnknown("t_stage") }
                continue
            }
            func bad(_ why: String) -> StudyAnalysis.ProfileError {
                StudyAnalysis.ProfileError(description: "\(source): \(rawName) \"\(value.prefix(60))\": \(why)")
            }
            switch name {
            case "age":
                guard let a = DecimalNumber.parse(value), (0...120).contains(a) else {
                    throw bad("not an age in years (0–120)")
                }
                p.set("age", .number(a))
            case "afp", "pivka":
                guard let x = DecimalNumber.parse(value), x >= 0, x <= 1e9 else {
                    throw bad("not a number from 0 to 10⁹")
                }
                p.set(name, .number(x))
            case "muicc_stage":
                guard let g = MUICCStage(parsing: value) else { throw bad("not one of I, II, III, IVA, IVB") }
                p.set("muicc_stage", .text(g.rawValue))
                if g == .ivb { p.set("m_stage", .text("M1")) }
            case "t_stage", "n_stage", "m_stage":
                p.set(name, .text(value.uppercased()))
            case "pvt", "vascular_invasion":
                switch value.lowercased() {
                case "yes", "y", "true", "1": p.set(name, .yes(true))
                case "no", "n", "false", "0": p.set(name, .yes(false))
                default: throw bad("write yes, no or unknown")
                }
            case "prior_treatment":
                // The cohort files' rule: treatments separated by ";" or a spelling of none; `yes`, `1`, `?` are
                // ambiguous.
                guard !value.isEmpty else { throw bad("write the treatments separated by \";\", none, or unknown") }
                switch CohortVocabulary.priorTreatments(value) {
                case .success(let (items, _)): p.set(name, .yes(!items.isEmpty))
                case .failure(let problem): throw bad(problem.message)
                }
            default:
                if let x = DecimalNumber.parse(value) { p.set(name, .number(x)) }
                else if StudyVariable.yesNo.contains(name) {
                    guard ["yes", "no"].contains(value.lowercased()) else { throw bad("write yes, no or unknown") }
                    p.set(name, .yes(value.lowercased() == "yes"))
                } else { p.set(name, .text(value)) }
            }
        }
        // A stage given as T/N/M: derive the group.
        if p.values["muicc_stage"] == nil, !p.unknown.contains("muicc_stage"),
           case .text(let t)? = p.values["t_stage"] {
            let n = { if case .text(let v)? = p.values["n_stage"] { return v } else { return "N0" } }()
            let m = { if case .text(let v)? = p.values["m_stage"] { return v } else { return "M0" } }()
            guard let g = MUICCStage(t: t, n: n, m: m) else {
                throw StudyAnalysis.ProfileError(description: "\(source): t_stage/n_stage/m_stage not understood")
            }
            p.set("muicc_stage", .text(g.rawValue))
        }
        return p
    }
}
