import ArgumentParser
import Foundation
import Reporting
import Survival
import TableAnalysis
import Tabular

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

    @Argument(help: "CSV file (or an ADTTE data set with --adtte).") var file: String
    @Option(help: "Time column (numbers ≥ 0; AVAL with --adtte).") var time: String?
    @Option(help: "Event column: 1/0 or TRUE/FALSE (not with --adtte).") var event: String?
    @Option(help: "Grouping column (one RMST per value).") var group: String?
    @Option(parsing: .unconditional, help: "The horizon tau > 0 (same unit as --time).") var tau: String
    @Option(help: "Reference level for the comparisons (default: the first level).") var reference: String?
    @Option(
        name: .customLong("conf-level"), parsing: .unconditional,
        help: "Confidence level, between 0 and 1 (default 0.95).") var confLevel: String = "0.95"
    @Flag(help: "Report groups whose follow-up ends before tau by carrying the curve flat (R survival's rule).")
    var extrapolate = false
    @OptionGroup(title: "Input") var input: AnalysisInputOptions
    @OptionGroup var output: OutputOptions

    func validate() throws { try input.validate(time: time, event: event) }

    func run() throws {
        try runReporting {
            let horizon = try parseNumber(tau, option: "--tau", in: 0...Double.greatestFiniteMagnitude, open: true,
                                          requirement: "a number > 0")
            let level = try parseNumber(confLevel, option: "--conf-level", in: 0...1, open: true,
                                        requirement: "strictly between 0 and 1")
            let prepared = try input.prepare(file: file, time: time, event: event)
            let r = try RestrictedMeanAnalysis.run(table: prepared.table!, time: prepared.time, event: prepared.event,
                                                   group: group, tau: horizon, reference: reference,
                                                   confidenceLevel: level, extrapolate: extrapolate)
            switch output.format {
            case .text: return (withPreparation(r.text, prepared.preparation), r.notPossible)
            case .json: return (try AnalysisJSON(base: r, preparation: prepared.preparation).string(), r.notPossible)
            case .csv:
                noteExclusions(r.excludedRows, r.rowsUsed, r.excluded)
                notePreparation(prepared.preparation)
                for w in r.warnings { FileHandle.standardError.write(Data("pof: warning: \(w)\n".utf8)) }
                return (r.csv, r.notPossible)
            }
        }
    }
}

struct PairwiseLogRankCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pairwise",
        abstract: "Log-rank tests between pairs of groups with adjusted p-values (R: survminer::pairwise_survdiff).",
        discussion: """
        Every pair of levels of --group, or each level against --reference, is tested with the log-rank
        (G-rho) test on the rows of the two groups only; the p-values are adjusted together (R's p.adjust).
        Example:
          pof pairwise lung.csv --time time --event status --group ecog --adjust holm
        JSON keys: adjustment, reference, pairs[{group1, group2, n, chisq, df, p, p_adjusted, not_possible}],
        excluded[...]. A pair whose test is not possible has null p values, is left out of the adjustment,
        and makes the exit status 2.
        Exit status: 0 done; 1 error in the input or an option; 2 a pair's test not possible for these data.
        """)

    @Argument(help: "CSV file (or an ADTTE data set with --adtte).") var file: String
    @Option(help: "Time column (AVAL with --adtte).") var time: String?
    @Option(help: "Event column: 1/0 or TRUE/FALSE (not with --adtte).") var event: String?
    @Option(help: "Grouping column (two or more values).") var group: String
    @Option(help: "Stratification column.") var strata: String?
    @Option(help: "Weight exponent ≥ 0: 0 = log-rank (default), 1 = Peto-Peto.") var rho: String = "0"
    @Option(help: "Compare each level with this level only (default: all pairs).") var reference: String?
    @Option(help: "P-value adjustment: holm, hochberg, bonferroni, BH (default, as survminer), BY or none.")
    var adjust: String = "BH"
    @OptionGroup(title: "Input") var input: AnalysisInputOptions
    @OptionGroup var output: OutputOptions

    func validate() throws { try input.validate(time: time, event: event) }

    func run() throws {
        try runReporting {
            let names = ["fdr": "BH", "bh": "BH", "by": "BY"]
            guard let method = PValueAdjustment(rawValue: names[adjust.lowercased()] ?? adjust.lowercased()) else {
                throw ValidationError("--adjust must be one of holm, hochberg, bonferroni, BH, BY, none")
            }
            let rhoValue = try parseNumber(rho, option: "--rho", in: 0...Double.greatestFiniteMagnitude,
                                           requirement: "a number ≥ 0")
            let prepared = try input.prepare(file: file, time: time, event: event)
            let r = try PairwiseLogRankAnalysis.run(table: prepared.table!, time: prepared.time, event: prepared.event,
                                                    group: group, strata: strata, rho: rhoValue, reference: reference,
                                                    adjustment: method)
            switch output.format {
            case .text: return (withPreparation(r.text, prepared.preparation), r.notPossible)
            case .json: return (try AnalysisJSON(base: r, preparation: prepared.preparation).string(), r.notPossible)
            case .csv:
                noteExclusions(r.excludedRows, r.rowsUsed, r.excluded)
                notePreparation(prepared.preparation)
                return (r.csv, r.notPossible)
            }
        }
    }
}

/// Input options of `pof km`, `pof logrank`, `pof cox`, `pof rmst` and `pof pairwise`: CDISC ADTTE data sets
/// and a landmark.
struct AnalysisInputOptions: ParsableArguments {
    @Flag(help: """
        The file is a CDISC ADTTE data set (CSV, SAS transport v5 .xpt, or Dataset-JSON .json): time AVAL, event when \
        CNSR = 0.
        """)
    var adtte = false
    @Option(help: "With --adtte: the endpoint to analyse (a PARAMCD value, e.g. OS).") var paramcd: String?
    @Option(
        parsing: .unconditional, help: "Landmark time: keep the rows still at risk after it and measure times from it.")
    var landmark: String?

    /// The table to analyse and its time and event columns; `table` is nil for a database.
    struct Prepared {
        var table: CSVTable?
        var time: String
        var event: String
        var preparation: InputPreparation
    }

    /// The usage checks (exit status 64): the time and event columns are given, or come from --adtte.
    func validate(time: String?, event: String?) throws {
        if paramcd != nil && !adtte { throw ValidationError("--paramcd needs --adtte") }
        if adtte && event != nil {
            throw ValidationError("with --adtte the event is derived from CNSR (0 = event); leave out --event")
        }
        guard adtte || time != nil else { throw ValidationError("missing --time (or --adtte, which uses AVAL)") }
        guard adtte || event != nil else { throw ValidationError("missing --event (or --adtte, which uses CNSR)") }
    }

    func prepare(file: String?, time: String?, event: String?, database: DatabaseOptions? = nil) throws -> Prepared {
        let databaseActive = database?.isActive ?? false
        try validate(time: time, event: event)
        let t0 = try landmark.map {
            try parseNumber($0, option: "--landmark", in: 0...Double.greatestFiniteMagnitude, requirement: "a time ≥ 0")
        }
        if databaseActive {
            if adtte || t0 != nil {
                throw ValidationError("--adtte and --landmark read a file; they cannot be combined with --db")
            }
        }
        if databaseActive {
            return Prepared(table: nil, time: time!, event: event!, preparation: InputPreparation())
        }
        guard let file else { throw ValidationError("give a file to analyse (or --db)") }
        var prepared: PreparedTable
        if adtte {
            let lower = file.lowercased()
            let isCSV = !(lower.hasSuffix(".xpt") || lower.hasSuffix(".json") || lower.hasSuffix(".ndjson"))
            if !isCSV { try checkReadableFile(file) }
            prepared = try AnalysisInput.adtte(path: file, table: isCSV ? readTable(file) : nil, time: time ?? "AVAL",
                                               paramcd: paramcd)
        } else {
            prepared = AnalysisInput.csv(try readTable(file), time: time!, event: event!)
        }
        if let t0 { prepared = try AnalysisInput.landmark(prepared, at: t0) }
        return Prepared(table: prepared.table, time: prepared.time, event: prepared.event,
                        preparation: prepared.preparation)
    }
}

/// Checks that `path` names a readable file (the messages of `readTable`).
func checkReadableFile(_ path: String) throws {
    var isDirectory: ObjCBool = false
    guard !path.isEmpty else { throw InputPathError(path: "\"\"", problem: "no file name given") }
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw InputPathError(path: path, problem: "no such file")
    }
    if isDirectory.boolValue { throw InputPathError(path: path, problem: "is a directory, not a file") }
    guard FileManager.default.isReadableFile(atPath: path) else {
        throw InputPathError(path: path, problem: "permission denied (the file is not readable)")
    }
    try requireRegularFile(path)
}

/// A command's JSON: the analysis result's keys plus `input` (ADTTE mapping, landmark) and `risk_table`
/// when they apply.
struct AnalysisJSON<Base: Encodable>: Encodable {
    var base: Base
    var preparation: InputPreparation
    var riskTable: [RiskTableAnalysis.Row]? = nil

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: Encoder) throws {
        try base.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        if preparation != InputPreparation() { try c.encode(preparation, forKey: Key("input")) }
        if let riskTable { try c.encode(riskTable, forKey: Key("risk_table")) }
    }

    func string() throws -> String { try JSONOutput.string(self) }
}

/// The text printout with the input steps (ADTTE mapping, landmark) said after the title.
func withPreparation(_ text: String, _ preparation: InputPreparation) -> String {
    let lines = preparation.lines
    guard !lines.isEmpty, let firstBreak = text.firstIndex(of: "\n") else { return text }
    return String(text[...firstBreak]) + lines.joined(separator: "\n") + "\n"
        + String(text[text.index(after: firstBreak)...])
}

/// With CSV output the input steps are said on stderr.
func notePreparation(_ preparation: InputPreparation) {
    for line in preparation.lines { FileHandle.standardError.write(Data("pof: \(line)\n".utf8)) }
}
