import ArgumentParser
import Foundation
import Reporting
import Survival
import TableAnalysis

struct RestrictedMeanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rmst",
        abstract: "Restricted mean survival time up to tau (R: print(survfit, rmean = tau); survRM2 for comparisons).",
        discussion: """
        Example:
          pof rmst aml.csv --time time --event status --group x --tau 30
        JSON keys: tau, conf_level, groups[{group, n, events, rmst, se, lower95, upper95, last_time,
        not_estimable}], reference, difference{estimate, se, lower95, upper95, p}, ratio{estimate, log_se,
        lower95, upper95, p}, rmtl_ratio{...}, comparisons[{group, reference, difference, ratio, rmtl_ratio}],
        warnings, excluded[...]. difference/ratio/rmtl_ratio are present with exactly two groups (the other
        group against the reference, default the first level); comparisons lists every group against it.
        A group whose follow-up ends (censored) before tau is not estimable (exit status 2) unless
        --extrapolate carries its curve flat as R's survival does (survRM2 refuses such a tau).
        Exit status: 0 done; 1 error in the input or an option; 2 an RMST not estimable for these data.
        """)

    @Argument(help: "CSV file.") var file: String
    @Option(help: "Time column (numbers ≥ 0).") var time: String
    @Option(help: "Event column: 1/0 or TRUE/FALSE.") var event: String
    @Option(help: "Grouping column (one RMST per value).") var group: String?
    @Option(help: "The horizon tau > 0 (same unit as --time).") var tau: String
    @Option(help: "Reference level for the comparisons (default: the first level).") var reference: String?
    @Option(name: .customLong("conf-level"), help: "Confidence level, between 0 and 1 (default 0.95).") var confLevel: String = "0.95"
    @Flag(help: "Report groups whose follow-up ends before tau by carrying the curve flat (R survival's rule).")
    var extrapolate = false
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runReporting {
            let horizon = try parseNumber(tau, option: "--tau", in: 0...Double.greatestFiniteMagnitude, open: true,
                                          requirement: "a number > 0")
            let level = try parseNumber(confLevel, option: "--conf-level", in: 0...1, open: true,
                                        requirement: "strictly between 0 and 1")
            let r = try RestrictedMeanAnalysis.run(table: readTable(file), time: time, event: event, group: group,
                                                   tau: horizon, reference: reference, confidenceLevel: level,
                                                   extrapolate: extrapolate)
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
