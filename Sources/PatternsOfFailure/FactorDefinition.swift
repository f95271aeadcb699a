import Oncology
import Tabular

/// A risk factor as the plan declares it: which variable, how its values become levels, the label, the
/// unit and the reference level.
///
/// Four kinds:
/// - numeric with cut-points (`age` cut at 50: levels "< 50", "≥ 50"; a value equal to a cut-point falls
///   in the upper level);
/// - categorical with values grouped into levels (`muicc_stage`: II = {I, II}, III–IV = {III, IVA, IVB});
/// - yes/no (`pvt`);
/// - "all of" other binary factors (the paper's AFP ≥ 200 & PIVKA-II ≥ 60: present when every named factor
///   is at its upper level, absent otherwise, unknown when any of them is unknown — as the paper, whose
///   combined-marker rows count only patients with both markers).
///
/// ```swift
/// let f = FactorDefinition(name: "albi", label: "ALBI grade", variable: "albi_grade",
///                          rule: .groups([.init(label: "1", values: ["1"]), .init(label: "2–3", values: ["2", "3"])]))
/// f.levels   // ["1", "2–3"]
/// ```
public struct FactorDefinition: Sendable, Equatable, Codable {
    /// How values become levels.
    public enum Rule: Sendable, Equatable, Codable {
        /// Numeric variable cut at increasing points.
        case cutPoints([Double])
        /// Categorical variable; each level is a group of values (compared case-insensitively).
        case groups([LevelGroup])
        /// Yes/no variable: levels no, yes.
        case yesNo
        /// Present when all named binary factors are at their upper level.
        case allOf([String])
    }

    /// One level of a categorical factor: its label and the variable values it gathers.
    public struct LevelGroup: Sendable, Equatable, Codable {
        /// The level's label in tables ("II", "III–IV").
        public var label: String
        /// The variable values gathered in this level (compared case-insensitively).
        public var values: [String]
        /// A level group.
        ///
        /// - Complexity: O(1).
        public init(label: String, values: [String]) { self.label = label; self.values = values }
    }

    /// Identifier used in `analyses` (`age`, `child_pugh_b`).
    public var name: String
    /// Label in tables and figures ("Age").
    public var label: String
    /// Unit shown after the label ("years", "IU/mL").
    public var unit: String?
    /// The variable: a derived value (``StudyVariable``) or a column of patients.csv. Empty for `allOf`.
    public var variable: String
    /// How the variable's values become levels.
    public var rule: Rule
    /// Level labels replacing the generated ones (same count).
    public var levelLabels: [String]?
    /// The reference level's label (hazard ratios are against it); default the first level.
    public var reference: String?

    /// A factor; see the properties for what each argument holds (`levelLabels` and `reference` default to
    /// the generated labels and the first level).
    ///
    /// - Complexity: O(1).
    public init(name: String, label: String, unit: String? = nil, variable: String, rule: Rule,
                levelLabels: [String]? = nil, reference: String? = nil) {
        self.name = name; self.label = label; self.unit = unit; self.variable = variable; self.rule = rule
        self.levelLabels = levelLabels; self.reference = reference
    }

    /// Label with unit: "Pre-CCRT AFP (IU/mL)".
    public var labelWithUnit: String { unit.map { "\(label) (\($0))" } ?? label }

    /// Level labels before `levelLabels` overrides; `allOf` needs its components' levels.
    func generatedLevels(components: [FactorDefinition]) -> [String] {
        switch rule {
        case .cutPoints(let c):
            let t = c.map(NumberFormat.plain)
            if t.count == 1 { return ["< \(t[0])", "≥ \(t[0])"] }
            return ["< \(t[0])"] + (1..<t.count).map { "\(t[$0 - 1]) to < \(t[$0])" } + ["≥ \(t.last!)"]
        case .groups(let g): return g.map(\.label)
        case .yesNo: return ["No", "Yes"]
        case .allOf:
            let upper = components.map { $0.levels(components: []).last ?? "" }
            let lower = components.map { $0.levels(components: []).first ?? "" }
            return [lower.joined(separator: " or "), upper.joined(separator: " & ")]
        }
    }

    /// The level labels (overrides applied).
    ///
    /// - Complexity: O(number of levels + components).
    public func levels(components: [FactorDefinition]) -> [String] {
        levelLabels ?? generatedLevels(components: components)
    }
}

/// A factor resolved against the plan: its levels, reference and each patient's level.
public struct ResolvedFactor: Sendable {
    /// The factor as the plan declares it.
    public var definition: FactorDefinition
    /// The level labels, in level order.
    public var levels: [String]
    /// Index of the reference level.
    public var reference: Int
    /// Table order of the levels: natural, except that an "all of" factor shows its present level first
    /// (as the paper lists "both markers elevated" first).
    public var displayOrder: [Int]
    /// The factor's identifier (``FactorDefinition/name``).
    public var name: String { definition.name }
    /// The factor's label with its unit, as tables show it ("AFP (IU/mL)").
    public var label: String { definition.labelWithUnit }
}

/// The values a factor can be built on, per patient: derived clinical quantities and raw patients.csv
/// columns.
///
/// Numeric: `age`, `afp`, `pivka`, `icg_r15`, `bilirubin`, `albumin`, `albi_score`, `tumor_size_cm`,
/// `tumor_number`, `total_dose_gy`, `fractions`, `dose_per_fraction`, `bed`, `eqd2`, `bsa`.
/// Categorical: `sex`, `viral`, `child_pugh` (recorded or computed class), `albi_grade`, `muicc_stage`,
/// `t_stage`, `n_stage`, `m_stage`, `rt_technique`, `response_3m`.
/// Yes/no: `pvt`, `prior_treatment` (any treatment before RT), `vascular_invasion`.
public enum StudyVariable {
    /// A value of a variable for one patient.
    public enum Value: Sendable, Equatable {
        /// A numeric value, in the variable's unit (years, IU/mL, Gy, …).
        case number(Double)
        /// A category as text ("B", "III", "IMRT").
        case text(String)
        /// A yes/no value.
        case yes(Bool)
    }

    /// Names of the numeric variables.
    public static let numeric: [String] = ["age", "afp", "pivka", "icg_r15", "bilirubin", "albumin", "albi_score",
                                           "tumor_size_cm", "tumor_number", "total_dose_gy", "fractions",
                                           "dose_per_fraction", "bed", "eqd2", "bsa"]
    /// Names of the categorical variables.
    public static let categorical: [String] = ["sex", "viral", "child_pugh", "albi_grade", "muicc_stage", "t_stage",
                                               "n_stage", "m_stage", "rt_technique", "response_3m"]
    /// Names of the yes/no variables.
    public static let yesNo: [String] = ["pvt", "prior_treatment", "vascular_invasion"]
    /// Every variable name: numeric, then categorical, then yes/no.
    public static var all: [String] { numeric + categorical + yesNo }

    /// The value of `name` for a patient; `nil` when unknown. Columns of patients.csv that are not
    /// standard are read from `Patient.additional`.
    ///
    /// - Complexity: O(1) (a patients.csv column that is not standard: a dictionary look-up).
    public static func value(_ name: String, patient p: Patient, plan: StudyPlan, response: ResponseCategory?) -> Value?
    {
        switch name {
        case "age": return .number(p.age)
        case "afp": return p.afp.map(Value.number)
        case "pivka": return p.pivka.map(Value.number)
        case "icg_r15": return p.icgR15.map(Value.number)
        case "bilirubin": return (p.bilirubinMgPerDL ?? p.childPughComponents?.bilirubinMgPerDL).map(Value.number)
        case "albumin": return (p.albuminGPerDL ?? p.childPughComponents?.albuminGPerDL).map(Value.number)
        case "albi_score": return Derive.albi(p).map { .number($0.score) }
        case "tumor_size_cm": return p.tumor.map { .number($0.largestDiameterCm) }
        case "tumor_number": return p.tumor.map { .number(Double($0.number)) }
        case "total_dose_gy": return .number(p.totalDoseGy)
        case "fractions": return .number(Double(p.fractions))
        case "dose_per_fraction": return .number(Derive.dosePerFraction(p))
        case "bed": return .number(Derive.bed(p, alphaBeta: plan.alphaBeta))
        case "eqd2": return .number(Derive.eqd2(p, alphaBeta: plan.alphaBeta))
        case "bsa": return Derive.bsa(p).map(Value.number)
        case "sex": return .text(p.sex.rawValue)
        case "viral": return p.viral.map { .text($0.rawValue) }
        case "child_pugh": return Derive.childPugh(p).map { .text($0.rawValue) }
        case "albi_grade": return Derive.albi(p).map { .text(String($0.grade.rawValue)) }
        case "muicc_stage": return Derive.stage(p).map { .text($0.rawValue) }
        case "t_stage": return Derive.tCategory(p).map { .text("T\($0.rawValue)") }
        case "n_stage": return p.nodePositive.map { .text($0 ? "N1" : "N0") }
        case "m_stage": return p.metastasis.map { .text($0 ? "M1" : "M0") }
        case "rt_technique": return p.rtTechnique.map(Value.text)
        case "response_3m": return response.map { .text($0.rawValue) }
        case "pvt": return .yes(p.portalVeinThrombosis)
        case "prior_treatment": return .yes(!p.priorTreatments.isEmpty)
        case "vascular_invasion": return p.tumor.map { .yes($0.vascularInvasion) }
        default:
            guard let text = p.additional[name] else { return nil }
            return .text(text)
        }
    }
}

extension FactorDefinition.Rule {
    /// The level index of a variable value; `nil` when unknown or outside every group.
    ///
    /// - Throws: ``StudyPlan/PlanError`` when the value has the wrong kind for the rule (a non-number for
    ///   cut-points), naming the patient row.
    func level(of value: StudyVariable.Value, factor: FactorDefinition, source: SourceRow) throws -> Int? {
        switch (self, value) {
        case (.cutPoints(let c), .number(let x)):
            return c.firstIndex(where: { x < $0 }) ?? c.count
        case (.cutPoints(let c), .text(let t)):
            guard let x = DecimalNumber.parse(t) else {
                throw StudyPlan.PlanError(
                    description: """
                        \(source.file), row \(source.row), column \"\(factor.variable)\" (\"\(PlanNode.clip(t))\"): \
                        factor \(factor.name) has cut-points, so the value must be a number
                        """)
            }
            return c.firstIndex(where: { x < $0 }) ?? c.count
        case (.groups(let g), .text(let t)):
            let key = t.lowercased()
            return g.firstIndex { $0.values.contains { $0.lowercased() == key } }
        case (.groups(let g), .number(let x)):
            return g.firstIndex { $0.values.contains { DecimalNumber.parse($0) == x } }
        case (.groups(let g), .yes(let b)):
            let names = b ? ["yes", "true", "1"] : ["no", "false", "0"]
            return g.firstIndex { $0.values.contains { names.contains($0.lowercased()) } }
        case (.yesNo, .yes(let b)): return b ? 1 : 0
        case (.yesNo, .text(let t)):
            switch t.lowercased() {
            case "yes", "y", "true", "1": return 1
            case "no", "n", "false", "0": return 0
            default:
                throw StudyPlan.PlanError(
                    description: """
                        \(source.file), row \(source.row), column \"\(factor.variable)\" (\"\(PlanNode.clip(t))\"): \
                        factor \(factor.name) is yes/no; write yes or no (or leave it empty when unknown)
                        """)
            }
        case (.yesNo, .number(let x)):
            if x == 0 { return 0 }
            if x == 1 { return 1 }
            throw StudyPlan.PlanError(
                description: """
                    \(source.file), row \(source.row), column \"\(factor.variable)\" (\(x)): factor \(factor.name) is \
                    yes/no
                    """)
        case (.cutPoints, .yes):
            throw StudyPlan.PlanError(
                description: "plan: factor \(factor.name): \(factor.variable) is yes/no; it cannot have cut-points")
        case (.allOf, _): return nil
        }
    }
}

/// The paper's seven risk factors (its Table 3), built with the plan's cut-points.
public enum PaperFactors {
    /// The factors' names, in the paper's order.
    public static let names = ["age", "stage", "pvt", "history", "afp", "pivka", "markers"]

    /// The paper's factor `name` with the given cut-points; `nil` for another name.
    ///
    /// - Complexity: O(1).
    public static func definition(_ name: String, age: Double, afp: Double, pivka: Double) -> FactorDefinition? {
        switch name {
        case "age": return .init(name: "age", label: "Age", unit: "y", variable: "age", rule: .cutPoints([age]))
        case "stage":
            return .init(
                name: "stage", label: "Stage", variable: "muicc_stage",
                rule: .groups([
                    .init(label: "II", values: ["I", "II"]), .init(label: "III–IV", values: ["III", "IVA", "IVB"]),
                ]))
        case "pvt": return .init(name: "pvt", label: "Portal vein thrombosis", variable: "pvt", rule: .yesNo)
        case "history":
            return .init(
                name: "history", label: "Pre-CCRT treatment history", variable: "prior_treatment", rule: .yesNo,
                levelLabels: ["Primary treatment group", "Recurrence treatment group"])
        case "afp":
            return .init(name: "afp", label: "Pre-CCRT AFP", unit: "IU/ml", variable: "afp", rule: .cutPoints([afp]))
        case "pivka":
            return .init(
                name: "pivka", label: "Pre-CCRT PIVKA-II", unit: "mAU/ml", variable: "pivka", rule: .cutPoints([pivka]))
        case "markers":
            let a = NumberFormat.plain(afp), p = NumberFormat.plain(pivka)
            return .init(
                name: "markers", label: "Pre-CCRT AFP & PIVKA-II", variable: "", rule: .allOf(["afp", "pivka"]),
                levelLabels: ["AFP < \(a) or PIVKA-II < \(p)", "AFP ≥ \(a) & PIVKA-II ≥ \(p)"])
        default: return nil
        }
    }
}
