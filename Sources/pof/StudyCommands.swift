import ArgumentParser
import Foundation
import PatternsOfFailure
import StudyReport

/// Reads a plan file, or the paper's defaults.
func loadPlan(_ path: String?) throws -> StudyPlan {
    guard let path else { return StudyPlan() }
    let url = URL(fileURLWithPath: path)
    let text: String
    do { text = try String(contentsOf: url, encoding: .utf8) } catch {
        throw ValidationError("cannot read the plan \(path): \(error.localizedDescription)")
    }
    return try StudyPlan(yaml: text, source: url.lastPathComponent)
}

/// Validates, analyses and writes the report; prints a short summary. Errors list every problem.
func runStudy(_ reading: CohortReading, plan: StudyPlan, out: String, synthetic: Bool) throws -> String {
    let err = FileHandle.standardError
    if reading.hasErrors {
        var text = "pof: the input has \(reading.errors.count) error(s); nothing was analysed:\n"
        for e in reading.errors { text += "  error: \(e)\n" }
        for w in reading.warnings { text += "  warning: \(w)\n" }
        err.write(Data(text.utf8))
        throw ExitCode.failure
    }
    guard let cohort = reading.cohort else { throw ExitCode.failure }
    var analysis = StudyAnalysis(cohort: cohort, plan: plan)
    analysis.synthetic = synthetic
    analysis.toolVersion = PofVersion.string
    analysis.warnings = reading.warnings.map(\.description)
        + reading.exclusions.map { "\($0.file): \($0.count) value(s) not used (\($0.reason))" }
    let results = analysis.run()
    let dir = URL(fileURLWithPath: out)
    let written = try StudyReportWriter.write(results, to: dir)
    let l = results.patterns.landmark
    var s = synthetic ? "SYNTHETIC demo cohort (not patient data)\n" : ""
    s += "\(results.cohort.patients) patients; \(results.cohort.dead) died; median follow-up \(String(format: "%.1f", results.followUp.medianAll)) \(plan.timeUnit.rawValue)\n"
    s += "Failure within \(RiskFactorText.number(plan.landmarkMonths)) months: \(l.patientsWithFailure) patients ("
        + l.sites.map { "\($0.site) \($0.n)" }.joined(separator: ", ") + ")\n"
    if let os = results.survival.first(where: { $0.endpoint == .overallSurvival }) {
        let median: String = os.median.isNaN ? "not reached" : String(format: "%.1f", os.median)
        let rates: [String] = os.rates.map { r in
            RiskFactorText.number(r.time) + " " + plan.timeUnit.rawValue + ": " + String(format: "%.1f", r.estimate * 100) + "%"
        }
        s += "Overall survival: median \(median) \(plan.timeUnit.rawValue); " + rates.joined(separator: ", ") + "\n"
    }
    if !results.warnings.isEmpty { s += "\(results.warnings.count) warning(s): see the report\n" }
    s += "Wrote \(written.count) files to \(dir.path) (open \(dir.appendingPathComponent("report.html").path))\n"
    return s
}

enum RiskFactorText {
    static func number(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The patterns-of-failure study of a cohort: validation, derivations, every table and figure.",
        discussion: """
        Inputs are described in docs/input-format.md; the plan in docs/study-plan.md.
        Writes report.html (self-contained), report.md, tables/*.csv, figures/*.svg, results.json and plan.yaml
        to --out. Input errors are all listed (file, row, column, value) and stop the run with exit status 1;
        warnings go into the report.
        Example:
          pof report --patients patients.csv --failures failures.csv --labs labs.csv --out report
        """)

    @Option(help: "patients.csv: one row per patient.") var patients: String
    @Option(help: "failures.csv: one row per failure event.") var failures: String
    @Option(help: "lesions.csv: lesion measurements for mRECIST (optional).") var lesions: String?
    @Option(help: "labs.csv: laboratory values for CTCAE grading (optional).") var labs: String?
    @Option(help: "toxicities.csv: toxicity grades as assessed (optional).") var toxicities: String?
    @Option(help: "plan.yaml: the analysis plan (default: the paper's plan).") var plan: String?
    @Option(help: "Output directory.") var out: String = "pof-report"

    func run() throws {
        try runReporting {
            let files = CohortFiles(patients: URL(fileURLWithPath: patients), failures: URL(fileURLWithPath: failures),
                                    lesions: lesions.map { URL(fileURLWithPath: $0) }, labs: labs.map { URL(fileURLWithPath: $0) },
                                    toxicities: toxicities.map { URL(fileURLWithPath: $0) })
            return try runStudy(CohortReader.read(files), plan: loadPlan(plan), out: out, synthetic: false)
        }
    }
}

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Runs the full study report on the built-in synthetic 138-patient demo cohort.",
        discussion: """
        The demo cohort is synthetic, generated by `pof simulate` and calibrated to the published summaries of
        the CCRT patterns-of-failure paper (docs/demo-cohort.md). It is not patient data.
        Example:
          swift run pof demo --out demo-report
        """)

    @Option(help: "plan.yaml (default: the paper's plan).") var plan: String?
    @Option(help: "Output directory.") var out: String = "pof-demo-report"

    func run() throws {
        try runReporting {
            try runStudy(CohortReader.read(DemoCohort.sources()), plan: loadPlan(plan), out: out, synthetic: true)
        }
    }
}

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Generates a synthetic cohort (seeded, deterministic) calibrated to the CCRT paper's summaries.",
        discussion: """
        Writes patients.csv, failures.csv, lesions.csv, labs.csv and toxicities.csv to --out. The default seed
        with 138 patients reproduces the built-in demo cohort byte for byte (docs/demo-cohort.md).
        Example:
          pof simulate --seed 7 --patients 276 --out cohort
        """)

    @Option(help: "Random seed (default 20110501, the demo cohort's).") var seed: UInt64 = 20110501
    @Option(help: "Number of patients; published proportions are scaled.") var patients: Int = 138
    @Option(help: "Output directory.") var out: String = "pof-simulated-cohort"

    func run() throws {
        try runReporting {
            guard patients >= 10 else { throw ValidationError("--patients must be at least 10") }
            let cohort = CohortSimulator(seed: seed, patients: patients).generate()
            let dir = URL(fileURLWithPath: out)
            try cohort.write(to: dir)
            return "Wrote a synthetic cohort of \(patients) patients (seed \(seed)) to \(dir.path)\n"
        }
    }
}

struct AssessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "Risk stratification of one patient against a fitted study: risk factors, predicted failure-free probabilities, suggested direction.",
        discussion: """
        The study is the cohort given with --patients/--failures (as for `pof report`), or the built-in synthetic
        demo cohort with --demo. The patient is given by options or by --patient FILE (one row with columns
        age, stage or t_stage/n_stage/m_stage, pvt, prior_treatment, afp, pivka).
        Output is decision support with its level of evidence, not a treatment order.
        Example:
          pof assess --demo --age 45 --stage III --pvt yes --prior-treatment TACE --afp 350 --pivka 120
        """)

    @Flag(help: "Use the built-in synthetic demo cohort as the study.") var demo = false
    @Option(help: "patients.csv of the study cohort.") var patients: String?
    @Option(help: "failures.csv of the study cohort.") var failures: String?
    @Option(help: "plan.yaml (default: the paper's plan).") var plan: String?
    @Option(help: "CSV file with the patient's baseline (first data row used).") var patient: String?
    @Option(help: "Age in years.") var age: Double?
    @Option(help: "Modified UICC stage group: I, II, III, IVA, IVB.") var stage: String?
    @Option(help: "Portal vein thrombosis: yes/no.") var pvt: String?
    @Option(name: .customLong("prior-treatment"), help: "Treatments before CCRT separated by ';' (or none).") var priorTreatment: String?
    @Option(help: "Pre-CCRT AFP (IU/mL).") var afp: Double?
    @Option(help: "Pre-CCRT PIVKA-II (mAU/mL).") var pivka: Double?
    @OptionGroup var output: OutputOptions

    func profile() throws -> BaselineProfile {
        var fields: [String: String] = [:]
        if let patient {
            let table = try readTable(patient)
            guard table.rowCount > 0 else { throw ValidationError("\(patient): no data row") }
            for name in table.columnNames {
                let i = try table.columnIndex(name)
                if !table.isMissing(row: 0, column: i) { fields[name] = table.cell(row: 0, column: i) }
            }
        }
        if let age { fields["age"] = String(age) }
        if let stage { fields["stage"] = stage }
        if let pvt { fields["pvt"] = pvt }
        if let priorTreatment { fields["prior_treatment"] = priorTreatment }
        if let afp { fields["afp"] = String(afp) }
        if let pivka { fields["pivka"] = String(pivka) }
        let source = patient ?? "options"
        guard let ageText = fields["age"], let a = Double(ageText), (0...120).contains(a) else {
            throw ValidationError("\(source): age (0–120 years) is required")
        }
        var stageGroup: MUICCStageParse? = nil
        if let s = fields["stage"] {
            guard let g = MUICCStageParse(stage: s) else { throw ValidationError("\(source): stage \"\(s)\" is not one of I, II, III, IVA, IVB") }
            stageGroup = g
        } else if let t = fields["t_stage"] {
            guard let g = MUICCStageParse(t: t, n: fields["n_stage"] ?? "N0", m: fields["m_stage"] ?? "M0") else {
                throw ValidationError("\(source): t_stage/n_stage/m_stage not understood")
            }
            stageGroup = g
        }
        let yes = ["yes", "y", "true", "1"], no = ["no", "n", "false", "0"]
        guard let p = fields["pvt"]?.lowercased(), yes.contains(p) || no.contains(p) else {
            throw ValidationError("\(source): pvt (yes/no) is required")
        }
        func number(_ key: String) throws -> Double? {
            guard let v = fields[key] else { return nil }
            guard let d = Double(v), d >= 0 else { throw ValidationError("\(source): \(key) \"\(v)\" is not a number ≥ 0") }
            return d
        }
        let prior = (fields["prior_treatment"] ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && $0.lowercased() != "none" }
        return BaselineProfile(age: a, stage: stageGroup?.stage, portalVeinThrombosis: yes.contains(p),
                               priorTreatments: prior, afp: try number("afp"), pivka: try number("pivka"))
    }

    func run() throws {
        try runReporting {
            let reading: CohortReading
            if demo {
                reading = try CohortReader.read(DemoCohort.sources())
            } else {
                guard let patients, let failures else { throw ValidationError("give --demo, or --patients and --failures") }
                reading = CohortReader.read(CohortFiles(patients: URL(fileURLWithPath: patients), failures: URL(fileURLWithPath: failures)))
            }
            guard let cohort = reading.cohort else {
                throw ValidationError("the study cohort has errors; run `pof report` on it to see them")
            }
            var analysis = StudyAnalysis(cohort: cohort, plan: try loadPlan(plan))
            analysis.synthetic = demo
            let a = analysis.assess(try profile())
            switch output.format {
            case .json: return try JSONOutput.string(a)
            case .csv:
                return CSVOutput.string(header: ["endpoint", "time", "probability", "lower95", "upper95"], rows: a.predictions.map {
                    [$0.endpoint.rawValue, CSVOutput.number($0.time), CSVOutput.number($0.probability),
                     CSVOutput.number($0.lower95), CSVOutput.number($0.upper95)]
                })
            case .text:
                var s = "Risk assessment (decision support\(demo ? "; study = SYNTHETIC demo cohort" : ""))\n\nRisk factors:\n"
                for f in a.factors { s += "  \(f.label): \(f.level ?? "not available")\n" }
                s += "\nPredicted probability of remaining free of each failure type (95% CI):\n"
                s += TextTable(header: ["", "time (\(a.unit))", "probability", "95% CI"], rows: a.predictions.map {
                    [$0.label, NumberFormat.significant($0.time, 3), NumberFormat.percent($0.probability) + "%",
                     NumberFormat.percent($0.lower95) + "–" + NumberFormat.percent($0.upper95) + "%"]
                }).rendered + "\n\nSuggested direction:\n"
                for x in a.suggestions { s += "  - \(x)\n" }
                s += "\n\(a.evidence)\n"
                for c in a.caveats { s += "Note: \(c)\n" }
                return s
            }
        }
    }
}

import Oncology
import Reporting
import TableAnalysis

/// Stage parsing for `assess`.
struct MUICCStageParse {
    var stage: MUICCStage
    init?(stage text: String) {
        guard let s = MUICCStage(parsing: text) else { return nil }
        stage = s
    }
    init?(t: String, n: String, m: String) {
        guard let s = MUICCStage(t: t, n: n, m: m) else { return nil }
        stage = s
    }
}
