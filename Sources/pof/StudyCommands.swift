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
