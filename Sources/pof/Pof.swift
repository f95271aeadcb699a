import ArgumentParser
#if canImport(CMalloc)
import CMalloc
#endif
import Foundation
import PatternsOfFailure
import Reporting
import Survival
import Tabular
import TableAnalysis

@main
struct Pof: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pof",
        abstract: "PatternsOfFailure: survival statistics that agree with R, and the patterns-of-failure study.",
        discussion: """
            Each analysis command reads a CSV file (header row; an empty cell or NA is missing) and prints an
            R-like table, or JSON/CSV with --format. Rows missing a value in a column the analysis uses are
            excluded and reported.
            """,
        version: PofVersion.string,
        subcommands: [
            DemoCommand.self, ReportCommand.self, SimulateCommand.self, AssessCommand.self, KaplanMeierCommand.self,
            LogRankCommand.self, CoxCommand.self,
            CumulativeIncidenceCommand.self, FineGrayCommand.self, PredictCommand.self, SQLCommand.self,
            ServeCommand.self,
            RestrictedMeanCommand.self, PairwiseLogRankCommand.self,
        ]
    )

    /// Runs the command line, first telling the C allocator to keep freed memory for reuse.
    ///
    /// An analysis of a large file allocates and frees arrays of tens of megabytes in turn; by default
    /// glibc hands such memory back to the kernel, and the next array faults fresh zeroed pages in again
    /// (page faults were a visible share of `pof km`'s kernel time on 10⁷ rows). Arrays up to 32 MiB
    /// (glibc's limit) now come from the heap, and the heap is not trimmed while the process runs.
    static func main() {
        #if canImport(CMalloc)
        _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 1 << 30)
        #endif
        main(nil)
    }
}


/// How results are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, csv
}

/// Options every table command shares.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: text (R-like table), json or csv.")
    var format: OutputFormat = .text
}

/// Exit statuses of the table commands (documented in `pof help`, docs/reliability.md):
/// 0 results written and every requested test computed; 1 an error in the input or an option (message on
/// stderr, nothing on stdout); 2 results written, but a test or model is not possible for these data (the
/// reason is in the output and on stderr); 64 a command-line usage error.
enum TableExitStatus {
    static let notPossible = ExitCode(2)
}

/// Runs `body`, printing its output; any error becomes a one-line message on stderr and exit status 1.
func runReporting(_ body: () throws -> String) throws {
    try runReporting { () throws -> (String, [String]) in (try body(), []) }
}

/// Runs `body`, printing its output; when `body` also returns reasons why a test or model is not
/// possible, they are repeated on stderr and the exit status is 2. Errors: one line on stderr, status 1.
func runReporting(_ body: () throws -> (String, [String])) throws {
    let text: String, notPossible: [String]
    do {
        (text, notPossible) = try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        FileHandle.standardError.write(Data("pof: error: \(error)\n".utf8))
        throw ExitCode.failure
    }
    print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
    guard !notPossible.isEmpty else { return }
    for reason in notPossible { FileHandle.standardError.write(Data("pof: not possible: \(reason)\n".utf8)) }
    throw TableExitStatus.notPossible
}

/// With CSV output the rows excluded for missing values are reported on stderr, keeping stdout pure CSV.
func noteExclusions(_ excludedRows: Int, _ rowsUsed: Int, _ excluded: [Exclusion]) {
    guard excludedRows > 0 else { return }
    let parts = excluded.map { "\($0.column): \($0.rows)" }.joined(separator: ", ")
    FileHandle.standardError.write(
        Data("pof: \(excludedRows) of \(excludedRows + rowsUsed) rows excluded for missing values (\(parts))\n".utf8))
}

/// An input path that cannot be read as a table, said plainly (never a raw Foundation error).
struct InputPathError: Error, CustomStringConvertible {
    var path: String
    var problem: String
    var description: String { "\(path): \(problem)" }
}

/// Reads a CSV table, first checking that `path` names a readable file.
func readTable(_ path: String) throws -> CSVTable {
    try checkInputFile(path)
    return try CSVTable(contentsOf: URL(fileURLWithPath: path))
}

/// Checks that `path` names a readable regular file, saying plainly what it is otherwise.
func checkInputFile(_ path: String) throws {
    var isDirectory: ObjCBool = false
    guard !path.isEmpty else { throw InputPathError(path: "\"\"", problem: "no file name given") }
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw InputPathError(path: path, problem: "no such file")
    }
    if isDirectory.boolValue { throw InputPathError(path: path, problem: "is a directory, not a CSV file") }
    guard FileManager.default.isReadableFile(atPath: path) else {
        throw InputPathError(path: path, problem: "permission denied (the file is not readable)")
    }
    try requireRegularFile(path)
}

/// A named pipe could block forever and a device (`/dev/zero`) never ends: only regular files are read.
func requireRegularFile(_ path: String) throws {
    if let problem = InputPath.problem(reading: URL(fileURLWithPath: path)),
       problem.reason.hasPrefix("it is not a regular file") {
        throw InputPathError(path: path, problem: "is not a regular file (a pipe, device or socket); give a CSV file")
    }
}

/// An option's text shortened for a message (a pasted megabyte is not echoed whole).
func quoted(_ text: some StringProtocol) -> String {
    let limit = 40
    return text.count <= limit ? "\"\(text)\"" : "\"\(text.prefix(limit))…\" (\(text.utf8.count) bytes)"
}

/// Reads one number typed in an option with the project's number grammar (`DecimalNumber`), requiring
/// a finite value in `range`; `requirement` says what is allowed, for the message.
func parseNumber(
    _ text: String, option: String,
    in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude,
    open: Bool = false, requirement: String? = nil
) throws -> Double {
    guard let v = DecimalNumber.parse(text) else {
        throw ValidationError("\(option): \(quoted(text)) is not a number")
    }
    let inside = open ? (v > range.lowerBound && v < range.upperBound) : range.contains(v)
    guard inside else {
        throw ValidationError("\(option): \(quoted(text)) is out of range; it must be \(requirement ?? "in \(range)")")
    }
    return v
}

/// Reads an integer code typed in an option (`1`, `-1`, `2.0`; not `1.5`, `1e300`, `nan`).
func parseInteger(_ text: String, option: String) throws -> Int {
    guard let v = DecimalNumber.parse(text) else { throw ValidationError("\(option): \(quoted(text)) is not a number") }
    guard let i = DecimalNumber.exactInteger(v), abs(i) <= 1_000_000_000 else {
        throw ValidationError("\(option): \(quoted(text)) is not a whole number of at most 9 digits")
    }
    return i
}

/// Parses "365,730" into times (finite, ≥ 0), naming the option on failure. At most 10,000 times.
func parseNumbers(_ text: String?, option: String) throws -> [Double] {
    guard let text else { return [] }
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    if text.trimmingCharacters(in: .whitespaces).isEmpty {
        throw ValidationError("\(option): no times given; write them as 180,365")
    }
    guard parts.count <= 10_000 else { throw ValidationError("\(option): \(parts.count) times given; at most 10000") }
    return try parts.map { part in
        let item = part.trimmingCharacters(in: .whitespaces)
        guard !item.isEmpty else {
            throw ValidationError("\(option): an empty item in \(quoted(text)); write times as 180,365")
        }
        return try parseNumber(item, option: option, in: 0...Double.greatestFiniteMagnitude, requirement: "a time ≥ 0")
    }
}

func parseList(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

struct KaplanMeierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "km",
        abstract: "Kaplan-Meier survival curves (R: survfit), with medians, CIs and survival at given times.",
        discussion: """
        Example:
          pof km lung.csv --time time --event status --group sex --at 180,365
        JSON keys: strata[{group, n, events, median, median_lower95, median_upper95,
        at[{time, n_risk, n_event, surv, std_err, lower95, upper95}], table[...]}], excluded[...].
        std_err is the standard error of S(t) as R's summary.survfit reports it.
        --risk-table 0,180,365 adds risk_table[{group, time, interval_start, n_risk, n_event, n_censor}]
        (R's summary(survfit, times=) counts: at risk at the time, events and censored in (interval_start, time]);
        with --format csv the risk table is printed. --landmark and --adtte add input{landmark, adtte}.
        """)

    @Argument(help: "CSV file (or --db).") var file: String?
    @Option(help: "Time column (numbers ≥ 0; AVAL with --adtte).") var time: String?
    @Option(help: "Event column: 1/0 or TRUE/FALSE (not with --adtte).") var event: String?
    @Option(help: "Grouping column (one curve per value).") var group: String?
    @Option(parsing: .unconditional, help: "Comma-separated times at which to report survival, e.g. 365,730.")
    var at: String?
    @Option(
        name: .customLong("risk-table"), parsing: .unconditional,
        help: "Comma-separated times for the number at risk, events and censored per interval, e.g. 0,6,12.")
    var riskTable: String?
    @OptionGroup(title: "Input") var input: AnalysisInputOptions
    @Option(name: .customLong("conf-type"), help: "Confidence limits: log (default), log-log or plain.")
    var confType: String = "log"
    @Option(
        name: .customLong("conf-level"), parsing: .unconditional,
        help: "Confidence level, between 0 and 1 (default 0.95).") var confLevel: String = "0.95"
    @OptionGroup var output: OutputOptions
    @OptionGroup(title: "Database") var database: DatabaseOptions
    func validate() throws { try input.validate(time: time, event: event) }

    func run() throws {
        try runReporting {
            guard let type = KaplanMeier.ConfidenceType(rawValue: confType), type != .none else {
                throw ValidationError("--conf-type must be log, log-log or plain")
            }
            let level = try parseNumber(confLevel, option: "--conf-level", in: 0...1, open: true,
                                        requirement: "strictly between 0 and 1")
            try database.validate(file: file)
            let prepared = try input.prepare(file: file, time: time, event: event, database: database)
            let result = try database.isActive
                ? database.kaplanMeier(
                    time: prepared.time, event: prepared.event, group: group,
                    at: parseNumbers(at, option: "--at"), confidenceType: type, confidenceLevel: level)
                : KaplanMeierAnalysis.run(
                    table: prepared.table!, time: prepared.time, event: prepared.event, group: group,
                    at: parseNumbers(at, option: "--at"), confidenceType: type,
                    confidenceLevel: level)
            let risk = try riskTable.map {
                try RiskTableAnalysis.rows(result, at: parseNumbers($0, option: "--risk-table"))
            }
            switch output.format {
            case .text:
                return withPreparation(result.text, prepared.preparation)
                    + (risk.map { "\n" + RiskTableAnalysis.text($0, groupColumn: group) } ?? "")
            case .json:
                return try AnalysisJSON(base: result, preparation: prepared.preparation, riskTable: risk).string()
            case .csv:
                noteExclusions(result.excludedRows, result.rowsUsed, result.excluded)
                notePreparation(prepared.preparation)
                return risk.map(RiskTableAnalysis.csv) ?? result.csv
            }
        }
    }
}

struct LogRankCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logrank",
        abstract: "Log-rank / G-rho test between groups (R: survdiff), optionally stratified.",
        discussion: """
        Example:
          pof logrank lung.csv --time time --event status --group sex --strata ph.ecog
        JSON keys: chisq, df, p, not_possible, groups[{group, n, observed, expected}], variance, excluded[...].
        When the data hold no comparison (one group, no events, groups nested in strata, zero variance)
        chisq and p are null, not_possible says why, and the exit status is 2.
        Exit status: 0 done; 1 error in the input or an option; 2 test not possible for these data.
        """)

    @Argument(help: "CSV file (or --db).") var file: String?
    @Option(help: "Time column (AVAL with --adtte).") var time: String?
    @Option(help: "Event column: 1/0 or TRUE/FALSE (not with --adtte).") var event: String?
    @Option(help: "Grouping column.") var group: String
    @Option(help: "Stratification column.") var strata: String?
    @Option(parsing: .unconditional, help: "Weight exponent ≥ 0: 0 = log-rank (default), 1 = Peto-Peto.")
    var rho: String = "0"
    @OptionGroup(title: "Input") var input: AnalysisInputOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup(title: "Database") var database: DatabaseOptions
    func validate() throws { try input.validate(time: time, event: event) }

    func run() throws {
        try runReporting {
            let rhoValue = try parseNumber(rho, option: "--rho", in: 0...Double.greatestFiniteMagnitude,
                                           requirement: "a number ≥ 0")
            try database.validate(file: file)
            let prepared = try input.prepare(file: file, time: time, event: event, database: database)
            let result = try database.isActive
                ? database.logRank(
                    time: prepared.time, event: prepared.event, group: group, strata: strata, rho: rhoValue)
                : LogRankAnalysis.run(table: prepared.table!, time: prepared.time, event: prepared.event, group: group,
                                      strata: strata, rho: rhoValue)
            let reasons = result.notPossible.map { ["log-rank test: \($0)"] } ?? []
            switch output.format {
            case .text: return (withPreparation(result.text, prepared.preparation), reasons)
            case .json: return (try AnalysisJSON(base: result, preparation: prepared.preparation).string(), reasons)
            case .csv:
                noteExclusions(result.excludedRows, result.rowsUsed, result.excluded)
                notePreparation(prepared.preparation)
                return (result.csv, reasons)
            }
        }
    }
}

struct CoxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cox",
        abstract: "Cox proportional-hazards model (R: coxph), with tests, concordance and optional cox.zph.",
        discussion: """
        Non-numeric covariates are dummy-coded against their first level in sorted order (or --reference);
        terms are named column=level.
        Example:
          pof cox lung.csv --time time --event status --covariates age,sex,ph.ecog --zph
        JSON keys: n, events, ties, terms[{term, coef, se, hr, lower95, upper95, z, p}], loglik,
        tests{likelihood_ratio, wald, score}, concordance{estimate, se}, iterations, warnings, status, excluded[...].
        A term that is not estimable (monotone likelihood, aliased, a level without events, …) has
        estimability {estimable: false, reason} and null hr, limits, z and p. A model that is not estimable
        (no events, fewer events than terms, not converged) has status {estimable: false, reason}; with no
        events the tests are null. Exit status: 0 done; 1 error in the input or an option; 2 model not estimable.
        """)

    @Argument(help: "CSV file (or --db).") var file: String?
    @Option(help: "Time (exit) column (AVAL with --adtte).") var time: String?
    @Option(help: "Event column: 1/0 or TRUE/FALSE (not with --adtte).") var event: String?
    @Option(help: "Comma-separated covariate columns.") var covariates: String
    @Option(help: "Entry-time column for counting-process data (at risk on (start, time]).") var start: String?
    @Option(help: "Stratification column (separate baseline hazards).") var strata: String?
    @Option(help: "Case-weight column (positive numbers).") var weights: String?
    @Option(help: "Tie handling: efron (default) or breslow.") var ties: String = "efron"
    @Flag(help: "Robust (sandwich) standard errors.") var robust = false
    @Option(parsing: .singleValue, help: "Reference level of a categorical covariate, as column=level (repeatable).")
    var reference: [String] = []
    @Flag(help: "Also test proportional hazards (R: cox.zph, km transform).") var zph = false
    @OptionGroup(title: "Input") var input: AnalysisInputOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup(title: "Database") var database: DatabaseOptions
    func validate() throws { try input.validate(time: time, event: event) }

    func run() throws {
        try runReporting {
            guard let tieMethod = CoxModel.Ties(rawValue: ties) else {
                throw ValidationError("--ties must be efron or breslow")
            }
            let refs = try parseReferences(reference)
            try database.validate(file: file)
            if input.landmark != nil && start != nil {
                throw ValidationError("--landmark restarts the clock; it cannot be combined with --start (entry times)")
            }
            let prepared = try input.prepare(file: file, time: time, event: event, database: database)
            let result = try database.isActive
                ? database.cox(
                    time: prepared.time, event: prepared.event, covariates: parseList(covariates), start: start,
                    strata: strata, weights: weights, ties: tieMethod, robust: robust, reference: refs, zph: zph)
                : CoxAnalysis.run(table: prepared.table!, time: prepared.time, event: prepared.event,
                                  covariates: parseList(covariates), start: start, strata: strata,
                                  weights: weights, ties: tieMethod, robust: robust, reference: refs, zph: zph)
            switch output.format {
            case .text: return (withPreparation(result.text, prepared.preparation), result.notPossible)
            case .json:
                return (try AnalysisJSON(base: result, preparation: prepared.preparation).string(), result.notPossible)
            case .csv:
                noteExclusions(result.excludedRows, result.rowsUsed, result.excluded)
                notePreparation(prepared.preparation)
                return (result.csv, result.notPossible)
            }
        }
    }
}
