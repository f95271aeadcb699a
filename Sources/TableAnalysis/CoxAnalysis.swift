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
    public struct Term: Codable, Sendable {
        public var term: String
        public var coef: Double
        public var se: Double
        /// NaN (JSON null) unless robust standard errors were requested.
        public var robustSE: Double
        public var hr: Double
        public var lower95: Double
        public var upper95: Double
        public var z: Double
        public var p: Double
        /// Whether the coefficient is an estimate, and if not why (JSON `{"estimable": false, "reason": code}`).
        /// A term that is not estimable has hr, limits, z and p NaN (JSON null); coef and se are R's values.
        public var estimability: Estimability
        enum CodingKeys: String, CodingKey {
            case term, coef, se, hr, lower95, upper95, z, p, estimability
            case robustSE = "robust_se"
        }
    }

    public struct Test: Codable, Sendable {
        public var statistic: Double
        public var df: Int
        public var p: Double
    }

    public struct Tests: Codable, Sendable {
        public var likelihoodRatio: Test
        public var wald: Test
        public var score: Test
        public var robustScore: Test?
        enum CodingKeys: String, CodingKey {
            case wald, score
            case likelihoodRatio = "likelihood_ratio", robustScore = "robust_score"
        }
    }

    public struct ConcordanceValue: Codable, Sendable {
        public var estimate: Double
        public var se: Double
    }

    public struct ZPHTerm: Codable, Sendable {
        public var term: String
        public var chisq: Double
        public var df: Int
        public var p: Double
    }

    public struct ZPH: Codable, Sendable {
        public var transform: String
        public var terms: [ZPHTerm]
        public var global: ZPHTerm
    }

    public struct Result: Codable, Sendable {
        public var n: Int
        public var events: Int
        public var ties: String
        public var strataColumn: String?
        public var robust: Bool
        public var terms: [Term]
        public var loglik: [Double]
        public var tests: Tests
        public var concordance: ConcordanceValue
        public var iterations: Int
        public var converged: Bool
        public var warnings: [String]
        /// Terms dropped as linear combinations of earlier ones (coefficient NA).
        public var aliased: [String]
        public var eventsPerVariable: Double
        public var zph: ZPH?
        public var rowsUsed: Int
        public var excludedRows: Int
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
    ///   - time, event: Survival columns; `start` an optional entry-time column (counting process).
    ///   - covariates: Covariate columns.
    ///   - strata: Optional stratification column.
    ///   - weights: Optional case-weight column.
    ///   - ties: Efron (default) or Breslow.
    ///   - robust: Robust (sandwich) standard errors.
    ///   - reference: Reference level per categorical column.
    ///   - zph: Also run the proportional-hazards test (`cox.zph`).
    public static func run(table: CSVTable, time: String, event: String, covariates: [String],
                           start: String? = nil, strata: String? = nil, weights: String? = nil,
                           ties: CoxModel.Ties = .efron, robust: Bool = false,
                           reference: [String: String] = [:], zph: Bool = false) throws -> Result {
        guard !covariates.isEmpty else { throw AnalysisError.invalidOption("at least one covariate is needed") }
        let extra = covariates + [start, strata, weights].compactMap { $0 }
        let cols = try SurvivalColumns(table: table, time: time, event: event, alsoRequired: extra)
        let matrix = try ModelMatrix.build(table: table, covariates: covariates, reference: reference, rows: cols.rows)
        let entry = try start.map { c in let v = try table.numericColumn(c); return cols.rows.map { v[$0]! } }
        let w = try weights.map { c in let v = try table.numericColumn(c); return cols.rows.map { v[$0]! } }
        if let w, let weights, let bad = w.indices.first(where: { !(w[$0] > 0 && w[$0].isFinite) }) {
            let r = cols.rows[bad]
            let cell = table.cell(row: r, column: try table.columnIndex(weights))
            throw AnalysisError.model("\(table.sourceName), row \(table.rowNumber(ofRow: r)), column \"\(weights)\": weight \(Self.shortened(cell)) is not positive; case weights must be positive numbers")
        }
        if let entry, let start, let bad = entry.indices.first(where: { !(entry[$0] < cols.time[$0]) }) {
            let r = cols.rows[bad]
            let cell = table.cell(row: r, column: try table.columnIndex(start))
            throw AnalysisError.model("\(table.sourceName), row \(table.rowNumber(ofRow: r)), column \"\(start)\": entry time \(Self.shortened(cell)) is not before the exit time \(Self.shortened(table.cell(row: r, column: try table.columnIndex(time))))")
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
                                      standardErrors: model.standardErrors, robustStandardErrors: model.robustStandardErrors,
                                      hazardRatios: model.hazardRatios, interval: model.hazardRatioInterval(),
                                      z: model.zScores, p: model.pValues, status: model.termStatus)
        // With no events there is no test (R prints "Likelihood ratio test=0 on 0 df, p=1").
        let noEvents = model.status.reason == .noEvents
        func test(_ t: CoxModel.Test) -> Test { CoxAnalysis.test(t, noEvents: noEvents) }
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
                                    return ZPHTerm(term: cov.name, chisq: r.chiSquare, df: r.degreesOfFreedom, p: r.pValue)
                                },
                                global: ZPHTerm(term: "GLOBAL", chisq: test.global.chiSquare,
                                                df: test.global.degreesOfFreedom, p: test.global.pValue))
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
        let cols = try SurvivalColumns(table: table, time: time, event: event, alsoRequired: covariates)
        let matrix = try ModelMatrix.build(table: table, covariates: covariates, reference: reference, rows: cols.rows)
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

enum NumberText {
    static func short(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
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
    static func test(_ t: CoxModel.Test, noEvents: Bool) -> Test {
        noEvents ? Test(statistic: .nan, df: 0, p: .nan) : Test(statistic: t.statistic, df: t.degreesOfFreedom, p: t.pValue)
    }

    /// The aliased terms' names, the warnings about them and about few events per estimated coefficient,
    /// and the events per coefficient.
    static func notes(termNames: [String], aliased: [Int], events: Int, noEvents: Bool)
        -> (aliased: [String], warnings: [String], eventsPerVariable: Double) {
        let names = noEvents ? [] : aliased.map { termNames[$0] }
        var warnings = names.map { "\($0) is a linear combination of earlier terms (collinear); its coefficient is not estimable (NA)" }
        let epv = Double(events) / Double(max(1, termNames.count - names.count))
        if epv < 10 && !noEvents {
            warnings.append("only \(NumberText.short(epv)) events per estimated coefficient (fewer than 10): estimates may be unstable")
        }
        return (names, warnings, epv)
    }
}
