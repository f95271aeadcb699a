import Reporting
import Tabular

// Human-readable (R-like) and CSV renderings of the analysis results. Pure formatting: every number
// shown was computed by the analysis.

private func sig(_ x: Double, _ digits: Int = 3) -> String { NumberFormat.significant(x, digits) }

private func exclusionLine(_ excludedRows: Int, _ total: Int, _ excluded: [Exclusion]) -> String {
    if excludedRows == 0 { return "No rows excluded for missing values." }
    let parts = excluded.map { "\($0.column): \($0.rows)" }.joined(separator: ", ")
    return "\(excludedRows) of \(total) rows excluded for missing values (\(parts))."
}

extension KaplanMeierAnalysis.Result {
    /// R-like printout: one line per curve with n, events, median and its CI; then the curve at `at`.
    public var text: String {
        let pct = NumberFormat.significant(confLevel * 100, 3)
        var out = "Kaplan-Meier estimate of Surv(\(time), \(event))" + (groupColumn.map { " by \($0)" } ?? "") + "\n"
        out += "Confidence limits: \(confType), \(pct)%\n\n"
        let label = { (g: String) in groupColumn.map { "\($0)=\(g)" } ?? "" }
        out += TextTable(header: ["", "n", "events", "median", "\(NumberFormat.fixed(confLevel, 2))LCL",
                                  "\(NumberFormat.fixed(confLevel, 2))UCL"],
                         rows: strata.map { s in
                             [label(s.group), String(s.n), sig(s.events, 6), sig(s.median, 6),
                              sig(s.medianLower95, 6), sig(s.medianUpper95, 6)]
                         }).rendered + "\n"
        if strata.contains(where: { !$0.at.isEmpty }) {
            for s in strata {
                out += "\n" + (groupColumn == nil ? "" : "\(label(s.group))\n")
                out += TextTable(header: ["time", "n.risk", "n.event", "survival", "std.err", "lower \(pct)% CI",
                                          "upper \(pct)% CI"],
                                 rows: s.at.map { a in
                                     [sig(a.time, 6), sig(a.nRisk, 6), sig(a.nEvent, 6), sig(a.surv), sig(a.stdErr),
                                      sig(a.lower95), sig(a.upper95)]
                                 }).rendered + "\n"
            }
        }
        if medianFollowUp.isFinite {
            let f = medianFollowUp; out += "\nMedian follow-up (reverse Kaplan-Meier): \(sig(f, 6))\n"
        }
        out += exclusionLine(excludedRows, rowsUsed + excludedRows, excluded) + "\n"
        return out
    }

    /// CSV: the full curve table, one row per group and distinct time.
    public var csv: String {
        CSVOutput.string(
            header: ["group", "time", "n_risk", "n_event", "n_censor", "surv", "std_err", "lower95", "upper95"],
            rows: strata.flatMap { s in
                s.table.map { r in
                    [s.group] + [r.time, r.nRisk, r.nEvent, r.nCensor, r.surv, r.stdErr, r.lower95, r.upper95]
                        .map(CSVOutput.number)
                }
            })
    }
}

extension LogRankAnalysis.Result {
    /// R-like printout of `survdiff`.
    public var text: String {
        var out = (rho == 0 ? "Log-rank test" : "G-rho test (rho = \(sig(rho)))")
            + " of Surv(\(time), \(event)) by \(groupColumn)"
            + (strataColumn.map { ", stratified by \($0)" } ?? "") + "\n\n"
        let diag = variance.indices.map { variance[$0][$0] }
        out += TextTable(header: ["", "N", "Observed", "Expected", "(O-E)^2/E", "(O-E)^2/V"],
                         rows: groups.enumerated().map { k, g in
                             let d = g.observed - g.expected
                             return ["\(groupColumn)=\(g.group)", String(g.n), sig(g.observed, 6), sig(g.expected),
                                     sig(d * d / g.expected), sig(d * d / diag[k])]
                         }).rendered + "\n\n"
        if let notPossible {
            out += " Test not possible: \(notPossible).\n"
        } else {
            out += " Chisq= \(sig(chisq))  on \(df) degrees of freedom, p= \(sig(p, 2))\n"
        }
        out += exclusionLine(excludedRows, rowsUsed + excludedRows, excluded) + "\n"
        return out
    }

    /// CSV: one row per group; chisq, df and p empty and `not_possible` set when the test is not possible.
    public var csv: String {
        CSVOutput.string(header: ["group", "n", "observed", "expected", "chisq", "df", "p", "not_possible"],
                         rows: groups.map { g in
                             [g.group, String(g.n), CSVOutput.number(g.observed), CSVOutput.number(g.expected),
                              CSVOutput.number(chisq), notPossible == nil ? String(df) : "NA", CSVOutput.number(p),
                              notPossible ?? ""]
                         })
    }
}

extension CoxAnalysis.Result {
    /// R-like printout of `summary(coxph(...))`.
    public var text: String {
        var out = "Cox proportional-hazards model (ties: \(ties)" + (strataColumn.map { "; strata: \($0)" } ?? "")
            + (robust ? "; robust standard errors" : "") + ")\n"
        out += "  n= \(n), number of events= \(events)\n\n"
        var header = ["", "coef", "exp(coef)", "se(coef)"]
        if robust { header.append("robust se") }
        header += ["z", "Pr(>|z|)"]
        if let reason = status.reason {
            out += "Model not estimable: \(reason).\n\n"
        }
        out += TextTable(header: header, rows: terms.map { t in
            guard t.estimability.isEstimable else {
                return [t.term, "not estimable: \(t.estimability.reason!)"]
                    + [String](repeating: "", count: header.count - 2)
            }
            var r = [t.term, sig(t.coef, 4), sig(t.hr, 4), sig(t.se, 4)]
            if robust { r.append(sig(t.robustSE, 4)) }
            return r + [sig(t.z, 3), sig(t.p, 3)]
        }).rendered + "\n\n"
        let estimable = terms.filter(\.estimability.isEstimable)
        if !estimable.isEmpty {
            out += TextTable(header: ["", "exp(coef)", "exp(-coef)", "lower .95", "upper .95"],
                             rows: estimable.map { t in
                                 [t.term, sig(t.hr, 4), sig(1 / t.hr, 4), sig(t.lower95, 4), sig(t.upper95, 4)]
                             }).rendered + "\n\n"
        }
        if status.reason == .noEvents {
            out += "Tests not possible: there are no events.\n"
        } else {
            out += "Concordance= \(sig(concordance.estimate))  (se = \(sig(concordance.se)) )\n"
            out += "Likelihood ratio test= \(sig(tests.likelihoodRatio.statistic, 4))"
                + "  on \(tests.likelihoodRatio.df) df,   p=\(sig(tests.likelihoodRatio.p, 2))\n"
            out += "Wald test            = \(sig(tests.wald.statistic, 4))  on \(tests.wald.df) df,   "
                + "p=\(sig(tests.wald.p, 2))\n"
            out += "Score (logrank) test = \(sig(tests.score.statistic, 4))  on \(tests.score.df) df,   "
                + "p=\(sig(tests.score.p, 2))\n"
            if let r = tests.robustScore {
                out += "Robust score test    = \(sig(r.statistic, 4))  on \(r.df) df,   p=\(sig(r.p, 2))\n"
            }
        }
        out += "Iterations: \(iterations)\(converged ? "" : " (did not converge)")\n"
        if let zph {
            out += "\nProportional-hazards test (cox.zph, transform \(zph.transform))\n"
            out += TextTable(header: ["", "chisq", "df", "p"], rows: (zph.terms + [zph.global]).map { t in
                [t.term, sig(t.chisq, 4), String(t.df), sig(t.p, 3)]
            }).rendered + "\n"
        }
        for w in warnings { out += "Warning: \(w)\n" }
        out += exclusionLine(excludedRows, rowsUsed + excludedRows, excluded) + "\n"
        return out
    }

    /// The result as CSV: one row per term or curve point, full precision.
    public var csv: String {
        CSVOutput.string(header: ["term", "coef", "se", "robust_se", "hr", "lower95", "upper95", "z", "p",
                                  "not_estimable"],
                         rows: terms.map { t in
                             [t.term] + [t.coef, t.se, t.robustSE, t.hr, t.lower95, t.upper95, t.z, t.p]
                                 .map(CSVOutput.number) + [t.estimability.reason?.rawValue ?? ""]
                         })
    }
}

extension CumulativeIncidenceAnalysis.Result {
    /// Printout in the layout of `print(cuminc(...))`: tests, then estimates and variances per curve.
    public var text: String {
        var out = "Cumulative incidence (Aalen-Johansen; variance as cmprsk::cuminc; censor code \(censorCode))\n"
        if !gray.isEmpty {
            out += "\nTests (Gray):\n" + TextTable(header: ["cause", "stat", "pv", "df"], rows: gray.map {
                $0.notPossible == nil ? [String($0.cause), sig($0.statistic, 6), sig($0.p, 6), String($0.df)]
                    : [String($0.cause), "not possible", "", ""]
            }).rendered + "\n"
            for t in gray {
                if let r = t.notPossible { out += "Gray's test for cause \(t.cause) not possible: \(r).\n" }
            }
        }
        if let grayNotPossible { out += "\nGray's test not possible: \(grayNotPossible).\n" }
        for w in warnings { out += "Warning: \(w)\n" }
        if curves.isEmpty { out += "\nNo failures: every row is censored, so there are no incidence curves.\n" }
        for c in curves {
            out += "\n\(c.group == "all" ? "" : "\(c.group) ")cause \(c.cause) (\(c.events) events)\n"
            out += TextTable(header: ["time", "est", "var", "lower 95%", "upper 95%"], rows: c.at.map {
                [sig($0.time, 6), sig($0.estimate, 6), sig($0.variance, 6), sig($0.lower95, 4), sig($0.upper95, 4)]
            }).rendered + "\n"
        }
        out += exclusionLine(excludedRows, rowsUsed + excludedRows, excluded) + "\n"
        return out
    }

    /// The result as CSV: one row per term or curve point, full precision.
    public var csv: String {
        CSVOutput.string(header: ["group", "cause", "time", "estimate", "variance", "lower95", "upper95"],
                         rows: curves.flatMap { c in c.at.map { p in
                             [c.group, String(c.cause)]
                                 + [p.time, p.estimate, p.variance, p.lower95, p.upper95].map(CSVOutput.number)
                         } })
    }
}

extension FineGrayAnalysis.Result {
    /// Printout in the layout of `summary(crr(...))`.
    public var text: String {
        var out = "Competing-risks regression (Fine-Gray, as cmprsk::crr): cause \(cause), censor code \(censorCode)\n"
        out += "  n= \(n), events= \(events), competing events= \(competingEvents)\n\n"
        if let reason = status.reason { out += "Model not estimable: \(reason).\n\n" }
        let header = ["", "coef", "exp(coef)", "se(coef)", "z", "p-value"]
        out += TextTable(header: header, rows: terms.map {
            guard $0.estimability.isEstimable else {
                return [$0.term, "not estimable: \($0.estimability.reason!)"]
                    + [String](repeating: "", count: header.count - 2)
            }
            return [$0.term, sig($0.coef, 4), sig($0.hr, 4), sig($0.se, 4), sig($0.z, 3), sig($0.p, 3)]
        }).rendered + "\n\n"
        let estimable = terms.filter(\.estimability.isEstimable)
        if !estimable.isEmpty {
            out += TextTable(header: ["", "exp(coef)", "exp(-coef)", "2.5%", "97.5%"], rows: estimable.map {
                [$0.term, sig($0.hr, 4), sig(1 / $0.hr, 4), sig($0.lower95, 4), sig($0.upper95, 4)]
            }).rendered + "\n\n"
        }
        out += "Log-pseudo likelihood: \(sig(loglik, 6)) (null \(sig(loglikNull, 6))); iterations: \(iterations)\n"
        for w in warnings { out += "Warning: \(w)\n" }
        out += exclusionLine(excludedRows, rowsUsed + excludedRows, excluded) + "\n"
        return out
    }

    /// The result as CSV: one row per term or curve point, full precision.
    public var csv: String {
        CSVOutput.string(header: ["term", "coef", "se", "hr", "lower95", "upper95", "z", "p", "not_estimable"],
                         rows: terms.map { t in
                             [t.term] + [t.coef, t.se, t.hr, t.lower95, t.upper95, t.z, t.p].map(CSVOutput.number)
                                 + [t.estimability.reason?.rawValue ?? ""]
                         })
    }
}

extension CoxPredictionAnalysis.Result {
    /// Predicted survival per new row at the requested times.
    public var text: String {
        var out = "Predicted survival from a Cox model (\(ties) ties; R: survfit(coxph, newdata))\n"
        out += "Terms: " + zip(terms, coefficients).map { "\($0) = \(sig($1, 4))" }.joined(separator: ", ") + "\n"
        for p in patients {
            out += "\nrow \(p.row) (linear predictor \(sig(p.linearPredictor, 4)))\n"
            out += TextTable(header: ["time", "survival", "std.err", "lower 95% CI", "upper 95% CI"], rows: p.at.map {
                [sig($0.time, 6), sig($0.surv), sig($0.stdErr), sig($0.lower95), sig($0.upper95)]
            }).rendered + "\n"
        }
        for w in warnings { out += "Warning: \(w)\n" }
        out += exclusionLine(excludedRows, rowsUsed + excludedRows, excluded) + "\n"
        return out
    }

    /// The result as CSV: one row per term or curve point, full precision.
    public var csv: String {
        CSVOutput.string(header: ["row", "time", "surv", "std_err", "lower95", "upper95"], rows: patients.flatMap { p in
            p.at.map { a in [String(p.row)] + [a.time, a.surv, a.stdErr, a.lower95, a.upper95].map(CSVOutput.number) }
        })
    }
}
