import Reporting
import Survival
import Tabular

/// Restricted mean survival time of a table's groups up to τ, and each group against a reference: the
/// `pof rmst` analysis.
///
/// ```swift
/// let r = try RestrictedMeanAnalysis.run(table: table, time: "time", event: "status", group: "x", tau: 30)
/// r.groups.map(\.rmst), r.difference?.estimate, r.ratio?.p
/// ```
///
/// Per group the RMST and its standard error are R survival's `summary(survfit, rmean = τ)$table`; the
/// difference and ratios are survRM2's (see `RestrictedMeanComparison`). A group whose curve ends
/// (censored, S > 0) before τ is not estimable unless `extrapolate` is set; its values are then R's
/// (the curve carried flat) and a warning says so.
public enum RestrictedMeanAnalysis {
    /// One group's restricted mean.
    public struct Group: Codable, Sendable {
        /// The group's label ("all" without a group column).
        public var group: String
        /// Rows in the group.
        public var n: Int
        /// Events in the group (over all follow-up, not only up to τ).
        public var events: Double
        /// RMST up to τ; NaN (JSON null) when not estimable.
        public var rmst: Double
        /// Its standard error.
        public var se: Double
        /// Lower confidence limit (level `conf_level`).
        public var lower95: Double
        /// Upper confidence limit.
        public var upper95: Double
        /// The group's last observed time.
        public var lastTime: Double
        /// Why the RMST is not reported (τ beyond the group's follow-up), or nil.
        public var notEstimable: String?
        enum CodingKeys: String, CodingKey {
            case group, n, events, rmst, se, lower95, upper95
            case lastTime = "last_time", notEstimable = "not_estimable"
        }
    }

    /// The difference RMST(group) − RMST(reference).
    public struct Difference: Codable, Sendable {
        /// RMST(group) − RMST(reference).
        public var estimate: Double
        /// Its standard error, √(v₁ + v₀).
        public var se: Double
        /// Lower confidence limit (level `conf_level`).
        public var lower95: Double
        /// Upper confidence limit.
        public var upper95: Double
        /// Two-sided p for no difference.
        public var p: Double
    }

    /// A ratio (RMST or restricted mean time lost), group over reference, with log-scale limits.
    public struct Ratio: Codable, Sendable {
        /// The ratio, group over reference; NaN (JSON null) when a term is 0.
        public var estimate: Double
        /// Standard error of the log ratio.
        public var logSE: Double
        /// Lower confidence limit, exp(log ratio − z·log_se).
        public var lower95: Double
        /// Upper confidence limit.
        public var upper95: Double
        /// Two-sided p for a ratio of 1.
        public var p: Double
        enum CodingKeys: String, CodingKey {
            case estimate, lower95, upper95, p
            case logSE = "log_se"
        }
    }

    /// One group compared with the reference group.
    public struct Comparison: Codable, Sendable {
        /// The group compared.
        public var group: String
        /// The reference group.
        public var reference: String
        /// Null when either group is not estimable.
        public var difference: Difference?
        /// RMST ratio, group over reference; null when either group is not estimable.
        public var ratio: Ratio?
        /// Ratio of restricted mean time lost (τ − RMST).
        public var rmtlRatio: Ratio?
        enum CodingKeys: String, CodingKey {
            case group, reference, difference, ratio
            case rmtlRatio = "rmtl_ratio"
        }
    }

    /// The whole result (the JSON of `pof rmst`).
    public struct Result: Codable, Sendable {
        /// Name of the time column, as given (every time in the result is in its unit).
        public var time: String
        /// Name of the event column, as given.
        public var event: String
        /// The grouping column, or nil for one curve.
        public var groupColumn: String?
        /// The horizon τ.
        public var tau: Double
        /// The confidence level of every interval.
        public var confLevel: Double
        /// Whether groups whose follow-up ends before τ were reported by carrying their curve flat.
        public var extrapolate: Bool
        /// One entry per group, in the order of the group column's levels.
        public var groups: [Group]
        /// The reference level of the comparisons (nil without a group column).
        public var reference: String?
        /// With exactly two groups: the other group minus the reference (survRM2's arm 1 − arm 0).
        public var difference: Difference?
        /// With exactly two groups: RMST ratio, the other group over the reference.
        public var ratio: Ratio?
        /// With exactly two groups: ratio of restricted mean time lost.
        public var rmtlRatio: Ratio?
        /// Every non-reference group against the reference.
        public var comparisons: [Comparison]
        /// Groups reported by extrapolation (with `extrapolate`).
        public var warnings: [String]
        /// Rows analysed.
        public var rowsUsed: Int
        /// Rows excluded for missing values.
        public var excludedRows: Int
        /// Excluded rows per column.
        public var excluded: [Exclusion]

        /// Reasons for the exit status 2: groups whose RMST is not reported.
        public var notPossible: [String] {
            groups.compactMap { g in g.notEstimable.map { "RMST of \(g.group): \($0)" } }
        }

        enum CodingKeys: String, CodingKey {
            case time, event, tau, extrapolate, groups, reference, difference, ratio, comparisons, warnings, excluded
            case groupColumn = "group_column", confLevel = "conf_level", rmtlRatio = "rmtl_ratio"
            case rowsUsed = "rows_used", excludedRows = "excluded_rows"
        }
    }

    /// Runs the analysis.
    ///
    /// - Parameters:
    ///   - table: The data.
    ///   - time: Time column (numbers ≥ 0).
    ///   - event: Event column (1/0, TRUE/FALSE).
    ///   - group: Optional grouping column.
    ///   - tau: The horizon τ > 0.
    ///   - reference: Reference level of the comparisons (default: the first level).
    ///   - confidenceLevel: Level of every interval.
    ///   - extrapolate: Report groups whose follow-up ends before τ (R survival's flat extension).
    /// - Returns: Per-group RMST and the comparisons with the reference.
    /// - Throws: `TabularError` or ``AnalysisError`` naming file, row and column, or an unknown reference.
    /// - Complexity: O(n log n).
    public static func run(table: CSVTable, time: String, event: String, group: String? = nil, tau: Double,
                           reference: String? = nil, confidenceLevel: Double = 0.95,
                           extrapolate: Bool = false) throws -> Result {
        guard tau.isFinite, tau > 0 else { throw AnalysisError.invalidOption("--tau must be a number > 0") }
        let cols = try SurvivalColumns(table: table, time: time, event: event, alsoRequired: group.map { [$0] } ?? [])
        var fits: [(String, KaplanMeier)]
        if let group {
            let g = try GroupColumn(table: table, column: group, rows: cols.rows)
            fits = try KaplanMeier.byGroup(time: cols.time, event: cols.event, group: g.index)
                .map { (g.levels[$0.group], $0.fit) }
        } else {
            fits = [("all", try KaplanMeier(time: cols.time, event: cols.event))]
        }
        if reference != nil && group == nil { throw AnalysisError.invalidOption("--reference needs --group") }
        if let reference, !fits.contains(where: { $0.0 == reference }) {
            throw AnalysisError.invalidOption("""
                --reference: \"\(reference)\" is not a level of \(group!) \
                (levels: \(fits.map(\.0).joined(separator: ", ")))
                """)
        }
        var warnings: [String] = []
        var means: [RestrictedMeanSurvival] = []
        var groups: [Group] = []
        for (label, fit) in fits {
            let r = try RestrictedMeanSurvival(fit, tau: tau, confidenceLevel: confidenceLevel)
            means.append(r)
            var reason: String? = nil
            if r.limitation == .beyondFollowUp {
                let why = """
                    tau \(NumberFormat.significant(tau, 6)) is beyond the last follow-up time \
                    \(NumberFormat.significant(r.lastTime, 6)), where S = \(NumberFormat.significant(r.lastSurvival, 3))
                    """
                if extrapolate {
                    warnings.append("\(label): \(why); the RMST carries the curve flat after it (as R's survival does)")
                } else {
                    reason = why
                        + " (use a smaller --tau, or --extrapolate to carry the curve flat as R's survival does)"
                }
            }
            let shown = reason == nil
            groups.append(Group(group: label, n: fit.observations, events: fit.totalEvents,
                                rmst: shown ? r.estimate : .nan, se: shown ? r.standardError : .nan,
                                lower95: shown ? r.lower : .nan, upper95: shown ? r.upper : .nan,
                                lastTime: r.lastTime, notEstimable: reason))
        }
        var comparisons: [Comparison] = []
        let referenceLabel = group == nil ? nil : (reference ?? fits.first?.0)
        if let referenceLabel, let k0 = fits.firstIndex(where: { $0.0 == referenceLabel }) {
            for k in fits.indices where k != k0 {
                var c = Comparison(group: fits[k].0, reference: referenceLabel)
                if groups[k].notEstimable == nil && groups[k0].notEstimable == nil {
                    let cmp = try RestrictedMeanComparison(
                        means[k], versus: means[k0], confidenceLevel: confidenceLevel)
                    let d = cmp.difference
                    c.difference = Difference(estimate: d.estimate, se: d.standardError, lower95: d.lower,
                                              upper95: d.upper, p: d.pValue)
                    c.ratio = ratio(cmp.ratio)
                    c.rmtlRatio = ratio(cmp.lostTimeRatio)
                }
                comparisons.append(c)
            }
        }
        let two = fits.count == 2 ? comparisons.first : nil
        return Result(time: time, event: event, groupColumn: group, tau: tau, confLevel: confidenceLevel,
                      extrapolate: extrapolate, groups: groups, reference: referenceLabel,
                      difference: two?.difference, ratio: two?.ratio, rmtlRatio: two?.rmtlRatio,
                      comparisons: comparisons, warnings: warnings, rowsUsed: cols.rows.count,
                      excludedRows: cols.report.excludedRows, excluded: cols.exclusions)
    }

    private static func ratio(_ r: RestrictedMeanComparison.Ratio) -> Ratio {
        Ratio(estimate: r.estimate, logSE: r.logStandardError, lower95: r.lower, upper95: r.upper, p: r.pValue)
    }
}

extension RestrictedMeanAnalysis.Comparison {
    init(group: String, reference: String) {
        self.init(group: group, reference: reference, difference: nil, ratio: nil, rmtlRatio: nil)
    }
}

extension RestrictedMeanAnalysis.Result {
    /// R-like printout: one line per group as `print(survfit, rmean = τ)`, then the comparisons.
    public var text: String {
        let sig = { (x: Double, d: Int) in NumberFormat.significant(x, d) }
        let pct = NumberFormat.significant(confLevel * 100, 3)
        var out = "Restricted mean survival time of Surv(\(time), \(event))" + (groupColumn.map { " by \($0)" } ?? "")
            + ", tau = \(sig(tau, 6))\n\n"
        let label = { (g: String) in groupColumn.map { "\($0)=\(g)" } ?? g }
        out += TextTable(header: ["", "n", "events", "rmst", "se(rmst)", "lower \(pct)%", "upper \(pct)%"],
                         rows: groups.map { g in
                             g.notEstimable == nil
                                 ? [label(g.group), String(g.n), sig(g.events, 6), sig(g.rmst, 6), sig(g.se, 4),
                                    sig(g.lower95, 6), sig(g.upper95, 6)]
                                 : [label(g.group), String(g.n), sig(g.events, 6), "not estimable", "", "", ""]
                         }).rendered + "\n"
        for g in groups { if let r = g.notEstimable { out += "\(label(g.group)): not estimable: \(r).\n" } }
        if !comparisons.isEmpty {
            out += "\nComparisons with \(label(reference ?? "")) (survRM2's formulas; ratios on the log scale)\n"
            var rows: [[String]] = []
            for c in comparisons {
                guard let d = c.difference, let r = c.ratio, let l = c.rmtlRatio else {
                    rows.append([label(c.group), "not estimable", "", "", ""]); continue
                }
                rows.append([label(c.group) + " vs " + label(c.reference), "", "", "", ""])
                rows.append(
                    ["  RMST difference", sig(d.estimate, 5), sig(d.lower95, 5), sig(d.upper95, 5), sig(d.p, 3)])
                rows.append(["  RMST ratio", sig(r.estimate, 5), sig(r.lower95, 5), sig(r.upper95, 5), sig(r.p, 3)])
                rows.append(["  RMTL ratio", sig(l.estimate, 5), sig(l.lower95, 5), sig(l.upper95, 5), sig(l.p, 3)])
            }
            out += TextTable(
                header: ["", "estimate", "lower \(pct)%", "upper \(pct)%", "p"], rows: rows).rendered + "\n"
        }
        for w in warnings { out += "Warning: \(w)\n" }
        out += excludedLine(excludedRows, rowsUsed + excludedRows, excluded) + "\n"
        return out
    }

    /// CSV: one row per group, then one row per comparison measure.
    public var csv: String {
        var rows: [[String]] = groups.map { g in
            ["rmst", g.group, ""] + [g.rmst, g.se, g.lower95, g.upper95, .nan].map(CSVOutput.number)
                + [g.notEstimable ?? ""]
        }
        for c in comparisons {
            let measures: [(String, Double, Double, Double, Double, Double)] = [
                ("difference", c.difference?.estimate ?? .nan, c.difference?.se ?? .nan, c.difference?.lower95 ?? .nan,
                 c.difference?.upper95 ?? .nan, c.difference?.p ?? .nan),
                ("ratio", c.ratio?.estimate ?? .nan, c.ratio?.logSE ?? .nan, c.ratio?.lower95 ?? .nan,
                 c.ratio?.upper95 ?? .nan, c.ratio?.p ?? .nan),
                ("rmtl_ratio", c.rmtlRatio?.estimate ?? .nan, c.rmtlRatio?.logSE ?? .nan, c.rmtlRatio?.lower95 ?? .nan,
                 c.rmtlRatio?.upper95 ?? .nan, c.rmtlRatio?.p ?? .nan),
            ]
            for m in measures {
                rows.append([m.0, c.group, c.reference] + [m.1, m.2, m.3, m.4, m.5].map(CSVOutput.number)
                            + [c.difference == nil ? "not estimable" : ""])
            }
        }
        return CSVOutput.string(header: ["measure", "group", "reference", "estimate", "se", "lower95", "upper95", "p",
                                         "not_estimable"], rows: rows)
    }
}

/// The sentence on rows excluded for missing values that ends every text printout.
func excludedLine(_ excludedRows: Int, _ total: Int, _ excluded: [Exclusion]) -> String {
    if excludedRows == 0 { return "No rows excluded for missing values." }
    let parts = excluded.map { "\($0.column): \($0.rows)" }.joined(separator: ", ")
    return "\(excludedRows) of \(total) rows excluded for missing values (\(parts))."
}
