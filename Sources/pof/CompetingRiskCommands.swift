import ArgumentParser
import Foundation
import Reporting
import Survival
import TableAnalysis

struct CumulativeIncidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cuminc",
        abstract: "Cumulative incidence per cause with Gray's test (R: cmprsk::cuminc).",
        discussion: """
        The event column holds a cause code per row (an integer); --censor-code marks censored rows.
        Example:
          pof cuminc melanoma.csv --time time --event status --group sex --at 1000,2000
        JSON keys: curves[{group, cause, at[{time, estimate, variance, lower95, upper95}]}],
        gray[{cause, statistic, df, p, not_possible}], gray_not_possible, warnings, excluded[...]. Limits use the
        log(-log) transform (cmprsk gives none). A censoring code that does not occur while code 0 does is an
        error (the censored rows would become "cause 0"). Where Gray's test is not possible (one group, groups
        nested in strata, singular variance) statistic and p are null, the reason is given, and the exit status is 2.
        Exit status: 0 done; 1 error in the input or an option; 2 a test not possible for these data.
        """)

    @Argument(help: "CSV file (or --db).") var file: String?
    @Option(help: "Time column.") var time: String
    @Option(help: "Cause-code column (integers).") var event: String
    @Option(help: "Grouping column (Gray's test compares its groups).") var group: String?
    @Option(
        name: .customLong("censor-code"), parsing: .unconditional,
        help: "Code of censored rows (default 0); it must occur in the column.") var censorCode: String = "0"
    @Option(parsing: .unconditional, help: "Comma-separated times for the estimates (default: every event time).")
    var at: String?
    @OptionGroup var output: OutputOptions
    @OptionGroup(title: "Database") var database: DatabaseOptions

    func run() throws {
        try runReporting {
            let code = try parseInteger(censorCode, option: "--censor-code")
            try database.validate(file: file)
            let r = try database.isActive
                ? database.cumulativeIncidence(time: time, event: event, group: group, censorCode: code,
                                               at: parseNumbers(at, option: "--at"))
                : CumulativeIncidenceAnalysis.run(table: readTable(file), time: time, event: event, group: group,
                                                  censorCode: code, at: parseNumbers(at, option: "--at"))
            switch output.format {
            case .text: return (r.text, r.notPossible)
            case .json: return (try JSONOutput.string(r), r.notPossible)
            case .csv:
                noteExclusions(r.excludedRows, r.rowsUsed, r.excluded)
                for w in r.warnings { FileHandle.standardError.write(Data("pof: warning: \(w)\n".utf8)) }
                return (r.csv, r.notPossible)
            }
        }
    }
}

struct FineGrayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finegray",
        abstract: "Fine-Gray subdistribution-hazard regression (R: cmprsk::crr).",
        discussion: """
        Example:
          pof finegray melanoma.csv --time time --event status --cause 1 --covariates age,sex,thickness
        JSON keys: n, terms[{term, coef, se, hr, lower95, upper95, p, estimability}], loglik, converged, status,
        excluded[...]. A term that is not estimable (monotone likelihood, aliased, a level without failures, a
        variance that is not positive) has null hr, limits, z and p; a model that is not estimable (fewer failures
        than terms, not converged) exits with status 2.
        """)

    @Argument(help: "CSV file.") var file: String
    @Option(help: "Time column.") var time: String
    @Option(help: "Cause-code column (integers).") var event: String
    @Option(parsing: .unconditional, help: "The cause of interest (an integer code).") var cause: String
    @Option(help: "Comma-separated covariate columns.") var covariates: String
    @Option(
        name: .customLong("censor-code"), parsing: .unconditional,
        help: "Code of censored rows (default 0); it must occur in the column.") var censorCode: String = "0"
    @Option(parsing: .singleValue, help: "Reference level of a categorical covariate, as column=level (repeatable).")
    var reference: [String] = []
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runReporting {
            let r = try FineGrayAnalysis.run(table: readTable(file), time: time, event: event,
                                             cause: parseInteger(cause, option: "--cause"),
                                             covariates: parseList(covariates),
                                             censorCode: parseInteger(censorCode, option: "--censor-code"),
                                             reference: parseReferences(reference))
            switch output.format {
            case .text: return (r.text, r.notPossible)
            case .json: return (try JSONOutput.string(r), r.notPossible)
            case .csv: noteExclusions(r.excludedRows, r.rowsUsed, r.excluded); return (r.csv, r.notPossible)
            }
        }
    }
}

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predicted survival for new covariate values from a Cox model (R: survfit(coxph, newdata)).",
        discussion: """
        Fits the Cox model on DATA.csv and predicts for each row of --new (same covariate columns; categorical
        values must be levels seen in the data).
        Example:
          pof predict lung.csv --time time --event status --covariates age,sex --new new.csv --at 180,365
        JSON keys: patients[{row, at[{time, surv, std_err, lower95, upper95}]}].
        """)

    @Argument(help: "CSV file to fit the model on.") var file: String
    @Option(help: "Time column.") var time: String
    @Option(help: "Event column: 1/0 or TRUE/FALSE.") var event: String
    @Option(help: "Comma-separated covariate columns.") var covariates: String
    @Option(name: .customLong("new"), help: "CSV file of new covariate values, one row per prediction.")
    var newData: String
    @Option(parsing: .unconditional, help: "Comma-separated times (default: every event time).") var at: String?
    @Option(help: "Tie handling: efron (default) or breslow.") var ties: String = "efron"
    @Option(parsing: .singleValue, help: "Reference level of a categorical covariate, as column=level (repeatable).")
    var reference: [String] = []
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runReporting {
            guard let tieMethod = CoxModel.Ties(rawValue: ties) else {
                throw ValidationError("--ties must be efron or breslow")
            }
            let r = try CoxPredictionAnalysis.run(table: readTable(file), time: time, event: event,
                                                  covariates: parseList(covariates), newData: readTable(newData),
                                                  at: parseNumbers(at, option: "--at"), ties: tieMethod,
                                                  reference: parseReferences(reference))
            switch output.format {
            case .text: return r.text
            case .json: return try JSONOutput.string(r)
            case .csv: noteExclusions(r.excludedRows, r.rowsUsed, r.excluded); return r.csv
            }
        }
    }
}

/// Parses repeated or comma-separated column=level pairs.
func parseReferences(_ values: [String]) throws -> [String: String] {
    var refs: [String: String] = [:]
    for r in values.flatMap(parseList) {
        let parts = r.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw ValidationError("--reference expects column=level, got \(quoted(r))") }
        if let earlier = refs[parts[0]], earlier != parts[1] {
            throw ValidationError("""
                --reference: column \(quoted(parts[0])) is given two reference levels, \(quoted(earlier)) and \
                \(quoted(parts[1]))
                """)
        }
        refs[parts[0]] = parts[1]
    }
    return refs
}
