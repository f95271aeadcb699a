import Survival
import Tabular

/// A Cox proportional-hazards model of a table's columns: the `pof cox` analysis.
///
/// ```swift
/// let r = try CoxAnalysis.run(table: table, time: "time", event: "status", covariates: ["age", "sex"])
/// r.terms.map(\.hr)
/// ```
///
/// Non-numeric covariates are dummy-coded against their first level in byte order unless a reference
/// level is given; terms are named `column=level`.
public enum CoxAnalysis {
    /// One coefficient, with R's `summary(coxph)` columns.
    public struct Term: Codable, Sendable {
        /// Term name: the column, or `column=level` for a dummy.
        public var term: String
        /// β (R's `coef`).
        public var coef: Double
        /// Model-based standard error (R's `se(coef)`).
        public var se: Double
        /// NaN (JSON null) unless robust standard errors were requested.
        public var robustSE: Double
        /// exp(β).
        public var hr: Double
        /// Lower 95% limit of the hazard ratio (from the robust se when robust, as R).
        public var lower95: Double
        /// Upper 95% limit of the hazard ratio.
        public var upper95: Double
        /// Wald z (robust when robust).
        public var z: Double
        /// Two-sided p of z.
        public var p: Double
        /// Whether the coefficient is an estimate, and if not why (JSON `{"estimable": false, "reason": code}`).
        /// A term that is not estimable has hr, limits, z and p NaN (JSON null); coef and se are R's values.
        public var estimability: Estimability
        enum CodingKeys: String, CodingKey {
            case term, coef, se, hr, lower95, upper95, z, p, estimability
            case robustSE = "robust_se"
        }
    }

    /// A χ² test as the JSON shows it.
    public struct Test: Codable, Sendable {
        /// The χ² statistic (NaN, JSON null, with no events).
        public var statistic: Double
        /// Degrees of freedom.
        public var df: Int
        /// Upper-tail p-value of the χ² statistic on `df` degrees of freedom.
        public var p: Double
    }

    /// The global tests of β = 0.
    public struct Tests: Codable, Sendable {
        /// Likelihood-ratio test. JSON `likelihood_ratio`.
        public var likelihoodRatio: Test
        /// Wald test (robust variance when robust).
        public var wald: Test
        /// Score (log-rank) test.
        public var score: Test
        /// Robust score test, with `--robust`. JSON `robust_score`.
        public var robustScore: Test?
        enum CodingKeys: String, CodingKey {
            case wald, score
            case likelihoodRatio = "likelihood_ratio", robustScore = "robust_score"
        }
    }

    /// Harrell's concordance and its standard error.
    public struct ConcordanceValue: Codable, Sendable {
        /// The concordance (NaN, JSON null, with no events).
        public var estimate: Double
        /// Its standard error.
        public var se: Double
    }

    /// One row of the proportional-hazards test (R's `cox.zph`).
    public struct ZPHTerm: Codable, Sendable {
        /// The covariate (all its dummies together), or "GLOBAL".
        public var term: String
        /// The χ² statistic.
        public var chisq: Double
        /// Degrees of freedom.
        public var df: Int
        /// Upper-tail p-value of the χ² statistic on `df` degrees of freedom.
        public var p: Double
    }

    /// The proportional-hazards test of each covariate and the global test, on Schoenfeld residuals (R's
    /// `cox.zph`).
    public struct ZPH: Codable, Sendable {
        /// Time transform ("km", as R's default).
        public var transform: String
        /// One row per covariate.
        public var terms: [ZPHTerm]
        /// The global test of proportional hazards over all covariates (R's `GLOBAL` row).
        public var global: ZPHTerm
    }

    /// The whole result (JSON keys as documented for `pof cox`).
    public struct Result: Codable, Sendable {
        /// Rows in the model.
        public var n: Int
        /// Number of events.
        public var events: Int
        /// Tie handling ("efron" or "breslow").
        public var ties: String
        /// The strata column, if any. JSON `strata_column`.
        public var strataColumn: String?
        /// Whether robust (sandwich) standard errors were requested.
        public var robust: Bool
        /// One row per coefficient.
        public var terms: [Term]
        /// Log partial likelihood at β = 0 and at the estimate.
        public var loglik: [Double]
        /// The global tests of β = 0: likelihood ratio, Wald and score (R's `summary(coxph)` bottom lines).
        public var tests: Tests
        /// Harrell's concordance of the linear predictor.
        public var concordance: ConcordanceValue
        /// Newton–Raphson iterations.
        public var iterations: Int
        /// Whether the fit converged.
        public var converged: Bool
        /// R's warnings, word for word, and the analysis's own.
        public var warnings: [String]
        /// Terms dropped as linear combinations of earlier ones (coefficient NA).
        public var aliased: [String]
        /// Events per estimated coefficient. JSON `events_per_variable`.
        public var eventsPerVariable: Double
        /// The proportional-hazards test, with `--zph`.
        public var zph: ZPH?
        /// Rows used (complete cases). JSON `rows_used`.
        public var rowsUsed: Int
        /// Rows left out for a missing value in a column used. JSON `excluded_rows`.
        public var excludedRows: Int
        /// Rows left out, per column with missing values.
        public var excluded: [Exclusion]
        /// Whether the model as a whole can be reported; when not (no events, fewer events than terms, not
        /// converged) the reason, and the exit status of `pof cox` is 2.
        public var status: Estimability

        /// Why the model is not possible for these data (empty when it is).
        public var notPossible: [String] {
            status.reason.map { ["Cox model: not estimable, \($0)"] } ?? []
        }

        enum CodingKeys: String, CodingKey {
            case n, events, ties, robust, terms, loglik, tests, concordance, iterations, converged, warnings
            case aliased, zph, excluded, status
            case strataColumn = "strata_column", eventsPerVariable = "events_per_variable"
            case rowsUsed = "rows_used", excludedRows = "excluded_rows"
        }
    }

    /// Fits the model.
    ///
    /// - Parameters:
    ///   - table: The data.
    ///   - time: Time column (the exit time with `start`).
    ///   - event: Event column (1/0, TRUE/FALSE).
    ///   - start: Optional entry-time column (counting-process data, R's `Surv(start, stop, event)`).
    ///   - covariates: Covariate columns.
    ///   - strata: Optional stratification column.
    ///   - weights: Optional case-weight column.
    ///   - ties: Efron (default) or Breslow.
    ///   - robust: Robust (sandwich) standard errors.
    ///   - reference: Reference level per categorical column.
    ///   - zph: Also run the proportional-hazards test (`cox.zph`).
    ///
    /// - Complexity: O(*n* · *p*² · *k*) for *n* rows, *p* terms and *k* Newton steps, plus O(*n* log *n*) to sort
    /// by time
    /// (and O(*n* · *p*²) for `cox.zph`).
    public static func run(table: CSVTable, time: String, event: String, covariates: [String],
                           start: String? = nil, strata: String? = nil, weights: String? = nil,
                           ties: CoxModel.Ties = .efron, robust: Bool = false,
                           reference: [String: String] = [:], zph: Bool = false) throws -> Result {
        guard !covariates.isEmpty else { throw AnalysisError.invalidOption("at least one covariate is needed") }
        try checkColumnRoles([("--time", [time]), ("--event", [event]), ("--start", [start]), ("--weights", [weights]),
                              ("--strata", [strata]), ("--covariates", covariates)])
        let extra = covariates + [start, strata, weights].compactMap { $0 }
        let cols = try SurvivalColumns(table: table, time: time, event: event, alsoRequired: extra,
                                       alsoReadAsNumbers: covariates.filter { reference[$0] == nil })
        let matrix = try ModelMatrix.build(table: table, covariates: covariates, reference: reference, rows: cols.rows,
                                           scanned: cols.numberScans)
        let entry = try start.map { c in let v = try table.numericColumn(c); return cols.rows.map { v[$0]! } }
        let w = try weights.map { c in let v = try table.numericColumn(c); return cols.rows.map { v[$0]! } }
        if let w, let weights, let bad = w.indices.first(where: { !(w[$0] > 0 && w[$0].isFinite) }) {
            let r = cols.rows[bad]
            let cell = table.cell(row: r, column: try table.columnIndex(weights))
            throw AnalysisError.model("""
                \(table.sourceName), row \(table.rowNumber(ofRow: r)), column \"\(weights)\": \
                weight \(Self.shortened(cell)) is not positive; case weights must be positive numbers
                """)
        }
        if let entry, let start, let bad = entry.indices.first(where: { !(entry[$0] < cols.time[$0]) }) {
            let r = cols.rows[bad]
            let cell = table.cell(row: r, column: try table.columnIndex(start))
            throw AnalysisError.model("""
                \(table.sourceName), row \(table.rowNumber(ofRow: r)), column \"\(start)\": \
                entry time \(Self.shortened(cell)) is not before the exit time \
                \(Self.shortened(table.cell(row: r, column: try table.columnIndex(time))))
                """)
        }
        let s = try strata.map { try GroupColumn(table: table, column: $0, rows: cols.rows).index }
        let model: CoxModel
        do {
            model = try CoxModel(time: cols.time, event: cols.event, covariates: matrix.columns, entry: entry,
                                 strata: s, weights: w, ties: ties, robust: robust)
        } catch {
            throw AnalysisError.model("\(table.sourceName): \(error)")
        }
        let terms = CoxAnalysis.terms(names: matrix.termNames, coefficients: model.coefficients,
                                      standardErrors: model.modelStandardErrors,
                                      robustStandardErrors: model.robustStandardErrors,
                                      hazardRatios: model.hazardRatios, interval: model.hazardRatioInterval(),
                                      z: model.zScores, p: model.pValues, status: model.termStatus)
        // With no events there is no test (R prints "Likelihood ratio test=0 on 0 df, p=1").
        let noEvents = model.status.reason == .noEvents
        func test(_ t: ChiSquareTest) -> Test { CoxAnalysis.test(t, noEvents: noEvents) }
        let notes = CoxAnalysis.notes(termNames: matrix.termNames, aliased: model.aliased, events: model.events,
                                      noEvents: noEvents)
        var warnings = model.warnings + notes.warnings
        let aliased = notes.aliased, epv = notes.eventsPerVariable
        var zphResult: ZPH? = nil
        if zph {
            if model.events < 2 {
                warnings.append("the proportional-hazards test needs at least two events; not run")
            } else {
                let groups = matrix.covariates.map { Array($0.terms) }
                let test = ProportionalHazardsTest(model: model, terms: groups)
                zphResult = ZPH(transform: test.transform.rawValue,
                                terms: test.terms.map { r in
                                    let cov = matrix.covariates.first { $0.terms.contains(r.columns[0]) }!
                                    return ZPHTerm(term: cov.name, chisq: r.test.statistic, df: r.test.degreesOfFreedom,
                                                   p: r.test.pValue)
                                },
                                global: ZPHTerm(term: "GLOBAL", chisq: test.global.test.statistic,
                                                df: test.global.test.degreesOfFreedom, p: test.global.test.pValue))
            }
        }
        return Result(n: model.observations, events: model.events, ties: ties.rawValue, strataColumn: strata,
                      robust: robust, terms: terms, loglik: [model.logLikelihood.initial, model.logLikelihood.final],
                      tests: Tests(likelihoodRatio: test(model.tests.likelihoodRatio), wald: test(model.tests.wald),
                                   score: test(model.tests.score), robustScore: model.tests.robustScore.map(test)),
                      concordance: ConcordanceValue(estimate: noEvents ? .nan : model.concordance.estimate,
                                                    se: model.concordance.standardError),
                      iterations: model.iterations, converged: model.converged, warnings: warnings,
                      aliased: aliased, eventsPerVariable: epv, zph: zphResult, rowsUsed: cols.rows.count,
                      excludedRows: cols.report.excludedRows, excluded: cols.exclusions, status: model.status)
    }
}

extension CoxAnalysis {
    /// A fitted model with the coding of its covariates (for prediction).
    struct Fitted {
        var model: CoxModel
        var matrix: ModelMatrix
        var rows: Int
        var report: MissingValueReport
    }

    static func fitModel(table: CSVTable, time: String, event: String, covariates: [String], ties: CoxModel.Ties,
                         reference: [String: String]) throws -> Fitted {
        guard !covariates.isEmpty else { throw AnalysisError.invalidOption("at least one covariate is needed") }
        try checkColumnRoles([("--time", [time]), ("--event", [event]), ("--covariates", covariates)])
        let cols = try SurvivalColumns(table: table, time: time, event: event, alsoRequired: covariates,
                                       alsoReadAsNumbers: covariates.filter { reference[$0] == nil })
        let matrix = try ModelMatrix.build(table: table, covariates: covariates, reference: reference, rows: cols.rows,
                                           scanned: cols.numberScans)
        do {
            let model = try CoxModel(time: cols.time, event: cols.event, covariates: matrix.columns, ties: ties)
            return Fitted(model: model, matrix: matrix, rows: cols.rows.count, report: cols.report)
        } catch {
            throw AnalysisError.model("\(table.sourceName): \(error)")
        }
    }
}

extension CoxAnalysis {
    /// A cell quoted for a message, cut to 40 characters (a huge cell is not echoed whole).
    static func shortened(_ cell: String) -> String {
        cell.count <= 40 ? "\"\(cell)\"" : "\"\(cell.prefix(40))…\" (\(cell.utf8.count) bytes)"
    }
}

extension CoxAnalysis {
    /// The output terms of a fit: numbers as R reports them, with hazard ratio, limits, z and p only for the
    /// estimable terms (shared by the file mode and the fit from per-time sums).
    static func terms(names: [String], coefficients: [Double], standardErrors se: [Double],
                      robustStandardErrors rse: [Double]?, hazardRatios: [Double],
                      interval: (lower: [Double], upper: [Double]), z: [Double], p: [Double],
                      status: [Estimability]) -> [Term] {
        names.indices.map { k in
            let ok = status[k].isEstimable
            return Term(term: names[k], coef: coefficients[k], se: se[k], robustSE: rse?[k] ?? .nan,
                        hr: ok ? hazardRatios[k] : .nan, lower95: ok ? interval.lower[k] : .nan,
                        upper95: ok ? interval.upper[k] : .nan, z: ok ? z[k] : .nan, p: ok ? p[k] : .nan,
                        estimability: status[k])
        }
    }

    /// A test as reported: none (NaN, 0 df) when there are no events.
    static func test(_ t: ChiSquareTest, noEvents: Bool) -> Test {
        noEvents
            ? Test(statistic: .nan, df: 0, p: .nan)
            : Test(statistic: t.statistic, df: t.degreesOfFreedom, p: t.pValue)
    }

    /// The aliased terms' names, the warnings about them and about few events per estimated coefficient,
    /// and the events per coefficient.
    static func notes(termNames: [String], aliased: [Int], events: Int, noEvents: Bool)
        -> (aliased: [String], warnings: [String], eventsPerVariable: Double) {
        let names = noEvents ? [] : aliased.map { termNames[$0] }
        var warnings = names.map {
            "\($0) is a linear combination of earlier terms (collinear); its coefficient is not estimable (NA)"
        }
        let epv = Double(events) / Double(max(1, termNames.count - names.count))
        if epv < 10 && !noEvents {
            warnings.append("""
                only \(NumberFormat.trimmed(epv, maxDecimals: 1)) events per estimated coefficient (fewer than 10): \
                estimates may be unstable
                """)
        }
        return (names, warnings, epv)
    }
}
