import Foundation
import PatternsOfFailure
import Reporting
import Tabular

/// The one entry point from input files and a plan to the written report: validate, derive, analyse,
/// write. `pof report`, `pof demo`, the server and the tests all use it.
///
/// ```swift
/// let summary = try StudyRun.run(reading: CohortReader.read(files), plan: StudyPlan(), output: url)
/// summary.results.cohort.patients      // 138
/// ```
public enum StudyRun {
    /// Why a run stopped before writing anything.
    public enum Failure: Error, CustomStringConvertible {
        /// The input has errors (every issue listed, errors and warnings).
        case invalidInput(errors: [ValidationIssue], warnings: [ValidationIssue])
        /// The plan does not fit the data, or the cohort cannot be analysed.
        case plan(String)

        /// The reason in words: each input error and warning on its own line, or the plan problem.
        public var description: String {
            switch self {
            case let .invalidInput(errors, warnings):
                var text = "the input has \(errors.count) error(s); nothing was analysed:\n"
                for e in errors { text += "  error: \(e)\n" }
                for w in warnings { text += "  warning: \(w)\n" }
                return text
            case .plan(let s): return s
            }
        }
    }

    /// What a run produced.
    public struct Summary: Sendable {
        /// The study's results (also written as `results.json`).
        public var results: StudyResults
        /// Files written, relative to the output directory.
        public var files: [String]
        /// The output directory the files were written to.
        public var directory: URL
    }

    /// Analyses a cohort reading with a plan and writes the report to `output`.
    ///
    /// - Parameters:
    ///   - reading: The cohort as read (errors stop the run).
    ///   - plan: The study plan.
    ///   - output: Directory to write to (created when missing).
    ///   - synthetic: Whether the cohort is the synthetic demo cohort (marks every output).
    ///   - toolVersion: Version written to the provenance.
    /// - Throws: ``Failure`` for input errors and plans that do not fit the data; file-system errors
    ///   when the output cannot be written.
    /// - Complexity: Dominated by the model fits, O(patients × terms² × iterations) per model.
    public static func run(reading: CohortReading, plan: StudyPlan, output: URL, synthetic: Bool = false,
                           toolVersion: String = PofVersion.string) throws -> Summary {
        let (results, data) = try analyseKeepingData(reading: reading, plan: plan, synthetic: synthetic,
                                                     toolVersion: toolVersion)
        // The derived data the analyses used, for recomputation elsewhere (made while the report is written).
        let derived = Background { () -> String in
            // A block of rows at a time, so that the table's cells are never all held at once: each block after
            // the first is written with its first row in the header's place (quoted the same way).
            let n = data.records.count, block = 5000
            var text = CSVOutput.string(header: data.derivedHeader, rows: data.derivedRows(0..<min(n, block)))
            for start in stride(from: block, to: n, by: block) {
                let rows = data.derivedRows(start..<min(n, start + block))
                text += CSVOutput.string(header: rows[0], rows: Array(rows.dropFirst()))
            }
            return text
        }
        var files = try StudyReportWriter.write(results, to: output)
        if let cohort = reading.cohort {
            try OutputDirectory.prepare(output, subdirectories: ["data"])
            try derived.value().write(to: output.appendingPathComponent("data/derived.csv"), atomically: true,
                                      encoding: .utf8)
            files.append("data/derived.csv")
            // The failures with their dose summaries and class under each rule.
            if results.failureClassification != nil {
                let f = FailureClassificationSummary.failureTable(cohort.failures, plan: plan)
                try CSVOutput.string(header: f.header, rows: f.rows)
                    .write(to: output.appendingPathComponent("data/failures.csv"), atomically: true, encoding: .utf8)
                files.append("data/failures.csv")
            }
        }
        return Summary(results: results, files: files, directory: output)
    }

    /// Validates and analyses without writing.
    ///
    /// - Throws: ``Failure``.
    ///
    /// - Complexity: As `StudyAnalysis.run()`: dominated by the Cox and Fine–Gray fits.
    public static func analyse(reading: CohortReading, plan: StudyPlan, synthetic: Bool = false,
                               toolVersion: String = PofVersion.string) throws -> StudyResults {
        try analyseKeepingData(reading: reading, plan: plan, synthetic: synthetic, toolVersion: toolVersion).results
    }

    /// ``analyse(reading:plan:synthetic:toolVersion:)``, also returning the derived data the analyses used.
    static func analyseKeepingData(reading: CohortReading, plan: StudyPlan, synthetic: Bool,
                                   toolVersion: String) throws -> (results: StudyResults, data: StudyData) {
        guard !reading.hasErrors, let cohort = reading.cohort else {
            throw Failure.invalidInput(errors: reading.errors, warnings: reading.warnings)
        }
        var analysis = StudyAnalysis(cohort: cohort, plan: plan)
        analysis.synthetic = synthetic
        analysis.toolVersion = toolVersion
        // Non-standard columns the plan uses are not "unused".
        let used = Set(plan.patientColumns)
        analysis.warnings =
            reading.warnings.filter {
                !($0.column.map(used.contains) ?? false) || $0.severity != .warning || $0.row != 1
            }
            .map(\.description)
            + reading.exclusions.filter { !($0.column.map(used.contains) ?? false) }
                .map { "\($0.file): \($0.count) value(s) not used (\($0.reason))" }
        do {
            if cohort.patients.isEmpty { _ = try analysis.run() }   // throws: the cohort has no patients
            let data = try analysis.data()
            return (try analysis.run(with: data), data)
        } catch let e as StudyPlan.PlanError { throw Failure.plan(e.description) }
    }

    /// The short text summary the command line prints.
    ///
    /// - Complexity: O(number of endpoints).
    public static func text(_ s: Summary) -> String {
        let r = s.results, plan = r.provenance.plan
        let unit = plan.timeUnit.rawValue
        let l = r.patterns.landmark
        var t = r.provenance.synthetic ? "SYNTHETIC demo cohort (not patient data)\n" : ""
        t += """
            \(r.cohort.patients) patients; \(r.cohort.dead) died; median follow-up \
            \(NumberFormat.fixed(r.followUp.medianAll, 1)) \(unit)\n
            """
        t += "Failure within \(NumberFormat.plain(plan.landmarkMonths)) months: \(l.patientsWithFailure) patients ("
            + l.sites.map { "\($0.site) \($0.n)" }.joined(separator: ", ") + ")\n"
        if let os = r.survival.first(where: { plan.endpoint(named: $0.endpoint)?.isOverallSurvival ?? false }) {
            let median = os.median.isNaN ? "not reached" : NumberFormat.fixed(os.median, 1)
            let rates = os.rates.map {
                NumberFormat.plain($0.time) + " " + unit + ": " + NumberFormat.percent($0.estimate) + "%"
            }
            t += "Overall survival (Kaplan–Meier): median \(median) \(unit); " + rates.joined(separator: ", ") + "\n"
        }
        let notEstimable = r.multivariate.flatMap(\.terms).filter { !$0.estimable }.count
            + r.competingRisks.flatMap { $0.fineGray + $0.causeSpecificCox }.filter { !$0.estimable }.count
        if notEstimable > 0 { t += "\(notEstimable) model term(s) not estimable: shown as such, with the reason\n" }
        if !r.warnings.isEmpty { t += "\(r.warnings.count) warning(s): see the report\n" }
        t += """
            Wrote \(s.files.count) files to \(s.directory.path) (open \
            \(s.directory.appendingPathComponent("report.html").path))\n
            """
        return t
    }
}
