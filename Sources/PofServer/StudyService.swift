import Foundation
import PatternsOfFailure
import Reporting
import StudyReport
import ZIPFoundation

/// What the study page gets back: the validation problems, or the analysed study's summary.
public struct StudyOutcome: Codable, Sendable {
    /// One validation problem, as the page's table shows it.
    public struct Issue: Codable, Sendable {
        /// `error` or `warning`.
        public var severity: String
        /// The file name as uploaded.
        public var file: String
        /// Spreadsheet row (header = 1); 0 for a whole-file problem.
        public var row: Int
        /// The column concerned; `nil` for a whole-row or whole-file problem.
        public var column: String?
        /// The cell as written (shortened); `nil` when the problem is not about one cell.
        public var value: String?
        /// What is wrong, in words.
        public var message: String
    }
    /// An endpoint the explorer can show.
    public struct Endpoint: Codable, Sendable {
        /// The endpoint's name in the plan.
        public var name: String
        /// The endpoint's label.
        public var label: String
        /// Whether the cumulative-incidence view applies (a failure endpoint, with death competing).
        public var competing: Bool
    }
    /// A plan factor the explorer can group by.
    public struct Factor: Codable, Sendable {
        /// The factor's name in the plan.
        public var name: String
        /// The factor's label with its unit.
        public var label: String
        /// The factor's levels, in table order.
        public var levels: [String]
    }

    /// "invalid" (nothing analysed) or "analysed".
    public var status: String
    /// The input errors (nothing is analysed when there is any).
    public var errors: [Issue]
    /// The input warnings.
    public var warnings: [Issue]
    /// Messages about the plan (a plan that does not read, or does not fit the data).
    public var planError: String?
    /// Whether the cohort is the built-in synthetic demo.
    public var synthetic: Bool
    /// Number of patients analysed; `nil` when nothing was analysed.
    public var patients: Int?
    /// The endpoints the explorer can show (empty when nothing was analysed).
    public var endpoints: [Endpoint]
    /// The plan factors the explorer can group by.
    public var factors: [Factor]
    /// Variables that can be cut at a typed value (numeric) or grouped by value (categorical, yes/no).
    public var variables: [String]
    /// The plan's time unit (`months`); `nil` when the plan did not read.
    public var timeUnit: String?
    /// The plan's times for survival rates, in ``timeUnit``.
    public var rateTimes: [Double]
    /// Report files written, relative to the session's output directory.
    public var files: [String]
    /// The study's warnings (as the report lists them).
    public var studyWarnings: [String]

    enum CodingKeys: String, CodingKey {
        case status, errors, warnings, synthetic, patients, endpoints, factors, variables, files
        case planError = "plan_error", timeUnit = "time_unit", rateTimes = "rate_times"
        case studyWarnings = "study_warnings"
    }
}

/// The study page's work: read the uploaded (or demo) cohort and plan, validate, analyse, write the report.
public enum StudyService {
    static func issue(_ v: ValidationIssue) -> StudyOutcome.Issue {
        .init(severity: v.severity.rawValue, file: v.file, row: v.row, column: v.column, value: v.value,
              message: v.message)
    }

    static func invalid(errors: [ValidationIssue], warnings: [ValidationIssue],
                        planError: String? = nil) -> StudyOutcome {
        StudyOutcome(status: "invalid", errors: errors.map(issue), warnings: warnings.map(issue), planError: planError,
                     synthetic: false, patients: nil, endpoints: [], factors: [], variables: [], timeUnit: nil,
                     rateTimes: [], files: [], studyWarnings: [])
    }

    /// Validates and analyses the session's inputs; on success writes the report into the session.
    ///
    /// - Parameter session: The session (demo, or patients.csv and failures.csv uploaded).
    /// - Returns: The outcome (status "invalid" lists every problem and analyses nothing).
    /// - Throws: ``ServerError`` when required files are missing.
    /// - Complexity: That of ``StudyRun/run(reading:plan:output:synthetic:toolVersion:)``.
    public static func run(_ session: StudySession,
                           toolVersion: String = PofVersion.string) async throws -> StudyOutcome {
        let demo = await session.isDemo
        // The plan is read first: its `failure_types` says which vocabulary failures.csv's `site` is in.
        var plan = StudyPlan()
        var planError: String?
        if let planURL = await session.url(.plan) {
            do {
                let text = try String(contentsOf: planURL, encoding: .utf8)
                plan = try StudyPlan(yaml: text, source: "plan.yaml")
            } catch let e as StudyPlan.PlanError {
                planError = e.description
            } catch {
                planError = "plan.yaml: not UTF-8 text"
            }
        }
        let reading: CohortReading
        if demo {
            do { reading = CohortReader.read(try DemoCohort.sources(), failureTypes: plan.failureVocabulary) } catch {
                throw ServerError(500, "the demo cohort could not be read: \(error)")
            }
        } else {
            guard let patients = await session.url(.patients), let failures = await session.url(.failures) else {
                let missing = [StudySession.Input.patients, .failures]
                var have: [String] = []
                for m in missing where await session.url(m) != nil { have.append(m.fileName) }
                let need = missing.map(\.fileName).filter { !have.contains($0) }
                throw ServerError(ServerError.badRequest,
                                  "upload \(need.joined(separator: " and ")) first (or start from the demo cohort)")
            }
            reading = CohortReader.read(CohortFiles(patients: patients, failures: failures,
                                                    lesions: await session.url(.lesions),
                                                    labs: await session.url(.labs),
                                                    toxicities: await session.url(.toxicities)),
                                        failureTypes: plan.failureVocabulary)
        }
        if let planError {
            return invalid(errors: reading.errors, warnings: reading.warnings, planError: planError)
        }
        let output = session.directory.appendingPathComponent("output")
        try? FileManager.default.removeItem(at: output)
        let summary: StudyRun.Summary
        do {
            summary = try StudyRun.run(reading: reading, plan: plan, output: output, synthetic: demo,
                                       toolVersion: toolVersion)
        } catch let StudyRun.Failure.invalidInput(errors, warnings) {
            return invalid(errors: errors, warnings: warnings)
        } catch let StudyRun.Failure.plan(message) {
            return invalid(errors: [], warnings: reading.warnings, planError: message)
        }
        guard let cohort = reading.cohort else {
            throw ServerError(500, "the cohort was analysed but is not available")
        }
        let data: StudyData
        do { data = try StudyAnalysis(cohort: cohort, plan: plan).data() } catch {
            return invalid(errors: [], warnings: reading.warnings, planError: "\(error)")
        }
        let study = StudySession.Study(results: summary.results, data: data, cohort: cohort, plan: plan,
                                       synthetic: demo, output: output, files: summary.files)
        await session.setStudy(study)
        return outcome(study, warnings: reading.warnings)
    }

    static func outcome(_ s: StudySession.Study, warnings: [ValidationIssue]) -> StudyOutcome {
        let present = Set(s.data.records.map { Array($0.patient.additional.keys) }.joined())
        let variables = StudyVariable.all + present.sorted().filter { !StudyVariable.all.contains($0) }
        return StudyOutcome(
            status: "analysed", errors: [], warnings: warnings.map(issue), planError: nil, synthetic: s.synthetic,
            patients: s.results.cohort.patients,
            endpoints: s.data.endpoints.map { .init(name: $0.definition.name, label: $0.definition.label,
                                                    competing: !$0.definition.isOverallSurvival) },
            factors: s.data.factors.map {
                .init(name: $0.factor.name, label: $0.factor.label, levels: $0.factor.levels)
            },
            variables: variables, timeUnit: s.plan.timeUnit.rawValue, rateTimes: s.plan.rateTimes, files: s.files,
            studyWarnings: s.results.warnings)
    }

    /// The report's files as one zip archive (HTML, Markdown, Word, CSV tables, SVG figures, JSON, plan).
    ///
    /// - Returns: The archive's bytes.
    /// - Throws: ``ServerError`` when no study was analysed; the archiver's error.
    ///
    /// - Complexity: O(total size of the report's files) (they are compressed).
    public static func zip(_ study: StudySession.Study, in session: StudySession) throws -> Data {
        let zipURL = session.directory.appendingPathComponent("pof-report.zip")
        try? FileManager.default.removeItem(at: zipURL)
        try FileManager.default.zipItem(at: study.output, to: zipURL, shouldKeepParent: false)
        defer { try? FileManager.default.removeItem(at: zipURL) }
        return try Data(contentsOf: zipURL)
    }
}
