import ArgumentParser
import Foundation
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
        subcommands: [DemoCommand.self, ReportCommand.self, SimulateCommand.self, AssessCommand.self, KaplanMeierCommand.self, LogRankCommand.self, CoxCommand.self,
                      CumulativeIncidenceCommand.self, FineGrayCommand.self, PredictCommand.self, SQLCommand.self]
    )
}

enum PofVersion {
    static let string = "0.1.0"
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

/// Runs `body`, printing its output; any error becomes a one-line message on stderr and exit status 1.
func runReporting(_ body: () throws -> String) throws {
    do {
        let text = try body()
        print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
    } catch let error as ExitCode {
        throw error
    } catch {
        FileHandle.standardError.write(Data("pof: error: \(error)\n".utf8))
        throw ExitCode.failure
    }
}

/// With CSV output the rows excluded for missing values are reported on stderr, keeping stdout pure CSV.
func noteExclusions(_ excludedRows: Int, _ rowsUsed: Int, _ excluded: [Exclusion]) {
    guard excludedRows > 0 else { return }
    let parts = excluded.map { "\($0.column): \($0.rows)" }.joined(separator: ", ")
    FileHandle.standardError.write(Data("pof: \(excludedRows) of \(excludedRows + rowsUsed) rows excluded for missing values (\(parts))\n".utf8))
}

func readTable(_ path: String) throws -> CSVTable {
    try CSVTable(contentsOf: URL(fileURLWithPath: path))
}

/// Parses "365,730" into numbers, naming the option on failure.
func parseNumbers(_ text: String?, option: String) throws -> [Double] {
    guard let text, !text.isEmpty else { return [] }
    return try text.split(separator: ",").map {
        guard let v = Double($0.trimmingCharacters(in: .whitespaces)) else {
            throw ValidationError("\(option): \"\($0)\" is not a number")
        }
        return v
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
        """)

    @Argument(help: "CSV file (or --db).") var file: String?
    @Option(help: "Time column (numbers ≥ 0).") var time: String
    @Option(help: "Event column: 1/0 or TRUE/FALSE.") var event: String
    @Option(help: "Grouping column (one curve per value).") var group: String?
    @Option(help: "Comma-separated times at which to report survival, e.g. 365,730.") var at: String?
    @Option(name: .customLong("conf-type"), help: "Confidence limits: log (default), log-log or plain.")
    var confType: String = "log"
    @Option(name: .customLong("conf-level"), help: "Confidence level (default 0.95).") var confLevel: Double = 0.95
    @OptionGroup var output: OutputOptions
    @OptionGroup(title: "Database") var database: DatabaseOptions

    func run() throws {
        try runReporting {
            guard let type = KaplanMeier.ConfidenceType(rawValue: confType), type != .none else {
                throw ValidationError("--conf-type must be log, log-log or plain")
            }
            guard confLevel > 0 && confLevel < 1 else { throw ValidationError("--conf-level must be between 0 and 1") }
            try database.validate(file: file)
            let result = try database.isActive
                ? database.kaplanMeier(time: time, event: event, group: group, at: parseNumbers(at, option: "--at"),
                                       confidenceType: type, confidenceLevel: confLevel)
                : KaplanMeierAnalysis.run(table: readTable(file), time: time, event: event, group: group,
                                          at: parseNumbers(at, option: "--at"), confidenceType: type,
                                          confidenceLevel: confLevel)
            switch output.format {
            case .text: return result.text
            case .json: return try JSONOutput.string(result)
            case .csv: noteExclusions(result.excludedRows, result.rowsUsed, result.excluded); return result.csv
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
        JSON keys: chisq, df, p, groups[{group, n, observed, expected}], variance, excluded[...].
        """)

    @Argument(help: "CSV file (or --db).") var file: String?
    @Option(help: "Time column.") var time: String
    @Option(help: "Event column: 1/0 or TRUE/FALSE.") var event: String
    @Option(help: "Grouping column.") var group: String
    @Option(help: "Stratification column.") var strata: String?
    @Option(help: "Weight exponent: 0 = log-rank (default), 1 = Peto-Peto.") var rho: Double = 0
    @OptionGroup var output: OutputOptions
    @OptionGroup(title: "Database") var database: DatabaseOptions

    func run() throws {
        try runReporting {
            try database.validate(file: file)
            let result = try database.isActive
                ? database.logRank(time: time, event: event, group: group, strata: strata, rho: rho)
                : LogRankAnalysis.run(table: readTable(file), time: time, event: event, group: group,
                                      strata: strata, rho: rho)
            switch output.format {
            case .text: return result.text
            case .json: return try JSONOutput.string(result)
            case .csv: noteExclusions(result.excludedRows, result.rowsUsed, result.excluded); return result.csv
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
        tests{likelihood_ratio, wald, score}, concordance{estimate, se}, iterations, warnings, excluded[...].
        """)

    @Argument(help: "CSV file (or --db).") var file: String?
    @Option(help: "Time (exit) column.") var time: String
    @Option(help: "Event column: 1/0 or TRUE/FALSE.") var event: String
    @Option(help: "Comma-separated covariate columns.") var covariates: String
    @Option(help: "Entry-time column for counting-process data (at risk on (start, time]).") var start: String?
    @Option(help: "Stratification column (separate baseline hazards).") var strata: String?
    @Option(help: "Case-weight column (positive numbers).") var weights: String?
    @Option(help: "Tie handling: efron (default) or breslow.") var ties: String = "efron"
    @Flag(help: "Robust (sandwich) standard errors.") var robust = false
    @Option(parsing: .singleValue, help: "Reference level of a categorical covariate, as column=level (repeatable).")
    var reference: [String] = []
    @Flag(help: "Also test proportional hazards (R: cox.zph, km transform).") var zph = false
    @OptionGroup var output: OutputOptions
    @OptionGroup(title: "Database") var database: DatabaseOptions

    func run() throws {
        try runReporting {
            guard let tieMethod = CoxModel.Ties(rawValue: ties) else { throw ValidationError("--ties must be efron or breslow") }
            let refs = try parseReferences(reference)
            try database.validate(file: file)
            let result = try database.isActive
                ? database.cox(time: time, event: event, covariates: parseList(covariates), start: start, strata: strata,
                               weights: weights, ties: tieMethod, robust: robust, reference: refs, zph: zph)
                : CoxAnalysis.run(table: readTable(file), time: time, event: event,
                                  covariates: parseList(covariates), start: start, strata: strata,
                                  weights: weights, ties: tieMethod, robust: robust, reference: refs, zph: zph)
            switch output.format {
            case .text: return result.text
            case .json: return try JSONOutput.string(result)
            case .csv: noteExclusions(result.excludedRows, result.rowsUsed, result.excluded); return result.csv
            }
        }
    }
}
