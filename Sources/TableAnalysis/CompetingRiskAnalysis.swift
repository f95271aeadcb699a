import Survival
import Tabular

/// Cause codes of a table's event column: integers, one of them the censoring code.
struct CauseColumn {
    var rows: [Int]
    var time: [Double]
    var cause: [Int]
    var report: MissingValueReport
    var exclusions: [Exclusion] { report.exclusions }

    init(table: CSVTable, time timeColumn: String, event eventColumn: String, alsoRequired: [String]) throws {
        try checkColumnRoles([("--time", [timeColumn]), ("--event", [eventColumn])])
        let cc = try table.completeCases([timeColumn, eventColumn] + alsoRequired)
        guard !cc.rows.isEmpty else { throw AnalysisError.noRows(file: table.sourceName, reason: cc.report.summary) }
        let t = try table.numericColumn(timeColumn)
        let e = try table.numericColumn(eventColumn)
        let eIndex = try table.columnIndex(eventColumn), tIndex = try table.columnIndex(timeColumn)
        for r in cc.rows {
            if t[r]! < 0 {
                throw AnalysisError.negativeTime(file: table.sourceName, row: table.rowNumber(ofRow: r),
                                                 column: timeColumn, value: table.cell(row: r, column: tIndex))
            }
            if DecimalNumber.exactInteger(e[r]!) == nil || abs(e[r]!) > 1e9 {
                throw AnalysisError.invalidOption("""
                    \(table.sourceName), row \(table.rowNumber(ofRow: r)), column \"\(eventColumn)\": \
                    \(TabularError.quote(table.cell(row: r, column: eIndex))) is not a cause code (an integer)
                    """)
            }
        }
        rows = cc.rows
        time = cc.rows.map { t[$0]! }
        cause = cc.rows.map { DecimalNumber.exactInteger(e[$0]!)! }   // checked above
        report = cc.report
    }
}

extension CauseColumn {
    /// Checks that `censorCode` occurs among the codes. When it does not and code 0 does, the censored rows
    /// are almost surely coded 0 and would be counted as failures of "cause 0": an error naming the codes.
    /// When neither occurs, every row is a failure: returned as a warning.
    func checkCensorCode(_ censorCode: Int, table: CSVTable, column: String) throws -> [String] {
        let codes = Set(cause)
        guard !codes.contains(censorCode) else { return [] }
        let list = codes.sorted().map(String.init).joined(separator: ", ")
        if codes.contains(0) {
            throw AnalysisError.invalidOption("""
                \(table.sourceName), column \"\(column)\": the censoring code \(censorCode) does not occur \
                (codes found: \(list)); rows coded 0 would be counted as failures of cause 0. \
                Give the code of censored rows with --censor-code
                """)
        }
        return ["""
            no row has the censoring code \(censorCode) in column \"\(column)\" (codes found: \(list)): \
            every row is counted as a failure
            """]
    }
}

/// Cumulative incidence per cause (Aalen–Johansen, variance as `cmprsk::cuminc`) and Gray's test:
/// the `pof cuminc` analysis.
public enum CumulativeIncidenceAnalysis {
    /// A curve at one requested time (`cmprsk::timepoints`).
    public struct Point: Codable, Sendable {
        /// The requested time, in the time column's unit.
        public var time: Double
        /// Cumulative incidence at the time.
        public var estimate: Double
        /// Its variance (`cuminc`'s).
        public var variance: Double
        /// Lower 95% limit (log(−log) scale, as `cmprsk`).
        public var lower95: Double
        /// Upper 95% limit.
        public var upper95: Double
    }

    /// One cumulative-incidence curve: a cause within a group.
    public struct CurveSummary: Codable, Sendable {
        /// The group's value ("all" without a group column).
        public var group: String
        /// The failure cause code, as written in the event column.
        public var cause: Int
        /// Failures of the cause in the group.
        public var events: Int
        /// The curve at each requested time.
        public var at: [Point]
    }

    /// Gray's test for one cause.
    public struct GrayTest: Codable, Sendable {
        /// The failure cause code, as written in the event column.
        public var cause: Int
        /// NaN (JSON null) when the test is not possible.
        public var statistic: Double
        /// Degrees of freedom (groups − 1).
        public var df: Int
        /// NaN (JSON null) when the test is not possible.
        public var p: Double
        /// Why the test is not possible for this cause (groups nested in strata, singular variance), or nil.
        public var notPossible: String?
        enum CodingKeys: String, CodingKey {
            case cause, statistic, df, p
            case notPossible = "not_possible"
        }
    }

    /// The whole result (JSON keys as documented for `pof cuminc`).
    public struct Result: Codable, Sendable {
        /// The event-column code for censored rows. JSON `censor_code`.
        public var censorCode: Int
        /// The group column, if any. JSON `group_column`.
        public var groupColumn: String?
        /// One curve per cause and group, cause-major.
        public var curves: [CurveSummary]
        /// Gray's test per cause (with a group column).
        public var gray: [GrayTest]
        /// With a group column: why Gray's test is not possible at all (fewer than two groups, no failures).
        public var grayNotPossible: String?
        /// Warnings about the data or the fit.
        public var warnings: [String]
        /// Rows used (complete cases). JSON `rows_used`.
        public var rowsUsed: Int
        /// Rows left out for a missing value in a column used. JSON `excluded_rows`.
        public var excludedRows: Int
        /// Rows left out, per column with missing values.
        public var excluded: [Exclusion]
        enum CodingKeys: String, CodingKey {
            case curves, gray, warnings, excluded
            case censorCode = "censor_code", groupColumn = "group_column", grayNotPossible = "gray_not_possible"
            case rowsUsed = "rows_used", excludedRows = "excluded_rows"
        }

        /// Every reason a requested test is not possible (empty when all were computed).
        public var notPossible: [String] {
            (grayNotPossible.map { ["Gray's test: \($0)"] } ?? [])
                + gray.compactMap { t in t.notPossible.map { "Gray's test for cause \(t.cause): \($0)" } }
        }
    }

    /// Runs the analysis.
    ///
    /// - Parameters:
    ///   - table: The data.
    ///   - time: Time column (numbers ≥ 0).
    ///   - event: Column of integer cause codes; `censorCode` marks censored rows.
    ///   - censorCode: The code of censored rows (default 0).
    ///   - group: Optional grouping column (Gray's test compares its groups).
    ///   - at: Times at which estimates are reported (default: the distinct event times).
    /// - Throws: `TabularError` or ``AnalysisError`` naming file, row, column and value; in particular
    ///   when `censorCode` does not occur in the column while code 0 does (the censored rows would
    ///   otherwise be counted as failures of "cause 0").
    ///
    /// - Complexity: O(*n* log *n* + *n* · *c*) for *n* rows and *c* causes (Gray's test adds O(*n* · *g*²) for *g*
    /// groups).
    public static func run(table: CSVTable, time: String, event: String, group: String? = nil,
                           censorCode: Int = 0, at: [Double] = []) throws -> Result {
        let cols = try CauseColumn(table: table, time: time, event: event, alsoRequired: group.map { [$0] } ?? [])
        let warnings = try cols.checkCensorCode(censorCode, table: table, column: event)
        let g = try group.map { try GroupColumn(table: table, column: $0, rows: cols.rows) }
        let cif = try CumulativeIncidence(time: cols.time, cause: cols.cause, group: g?.index, censorCode: censorCode)
        var grayNotPossible: String? = nil
        if let g {
            if g.levels.count < 2 { grayNotPossible = TestNotPossible.fewerThanTwoGroups.description }
            else if cif.causes.isEmpty { grayNotPossible = "there are no failures (every row is censored)" }
        }
        let levels = g?.levels ?? ["all"]
        struct Cell: Hashable { var group: Int, cause: Int }
        var eventCount: [Cell: Int] = [:]
        for (i, c) in cols.cause.enumerated() { eventCount[Cell(group: g?.index[i] ?? 0, cause: c), default: 0] += 1 }
        let curves = cif.curves.map { c -> CurveSummary in
            let times = at.isEmpty ? c.time : at
            return CurveSummary(group: levels[c.group], cause: c.cause,
                                events: eventCount[Cell(group: c.group, cause: c.cause)] ?? 0,
                                at: c.estimates(at: times).map {
                                    Point(time: $0.time, estimate: $0.estimate, variance: $0.variance,
                                          lower95: $0.lower, upper95: $0.upper)
                                })
        }
        return Result(censorCode: censorCode, groupColumn: group, curves: curves,
                      gray: cif.tests.map {
                          GrayTest(cause: $0.cause, statistic: $0.test.statistic, df: $0.test.degreesOfFreedom,
                                   p: $0.test.pValue, notPossible: $0.notPossible?.description)
                      },
                      grayNotPossible: grayNotPossible, warnings: warnings,
                      rowsUsed: cols.rows.count, excludedRows: cols.report.excludedRows, excluded: cols.exclusions)
    }
}

/// Fine–Gray subdistribution-hazard regression as `cmprsk::crr`: the `pof finegray` analysis.
public enum FineGrayAnalysis {
    /// One coefficient, with `summary.crr`'s columns.
    public struct Term: Codable, Sendable {
        /// Term name: the column, or `column=level` for a dummy.
        public var term: String
        /// β, the log subdistribution hazard ratio.
        public var coef: Double
        /// `crr`'s (sandwich) standard error.
        public var se: Double
        /// exp(β).
        public var hr: Double
        /// Lower 95% limit of exp(β).
        public var lower95: Double
        /// Upper 95% limit of exp(β).
        public var upper95: Double
        /// Wald statistic z = β / SE(β).
        public var z: Double
        /// Two-sided p of z.
        public var p: Double
        /// Whether the coefficient is an estimate, and if not why (JSON `{"estimable": false, "reason": code}`).
        /// A term that is not estimable has hr, limits, z and p NaN (JSON null); coef and se are crr's values.
        public var estimability: Estimability
    }

    /// The whole result (JSON keys as documented for `pof finegray`).
    public struct Result: Codable, Sendable {
        /// Rows in the model.
        public var n: Int
        /// The cause of interest.
        public var cause: Int
        /// The code of censored rows. JSON `censor_code`.
        public var censorCode: Int
        /// Failures of the cause of interest.
        public var events: Int
        /// Failures of other causes. JSON `competing_events`.
        public var competingEvents: Int
        /// One row per coefficient.
        public var terms: [Term]
        /// Log pseudo-likelihood at the estimate.
        public var loglik: Double
        /// Log pseudo-likelihood at β = 0. JSON `loglik_null`.
        public var loglikNull: Double
        /// Whether `crr`'s iterations converged.
        public var converged: Bool
        /// Newton steps taken.
        public var iterations: Int
        /// Warnings about the data or the fit.
        public var warnings: [String]
        /// Rows used (complete cases). JSON `rows_used`.
        public var rowsUsed: Int
        /// Rows left out for a missing value in a column used. JSON `excluded_rows`.
        public var excludedRows: Int
        /// Rows left out, per column with missing values.
        public var excluded: [Exclusion]
        /// Whether the model as a whole can be reported (fewer failures than terms, not converged: not), and
        /// then the exit status of `pof finegray` is 2.
        public var status: Estimability

        /// Why the model is not possible for these data (empty when it is).
        public var notPossible: [String] {
            status.reason.map { ["Fine-Gray model: not estimable, \($0)"] } ?? []
        }

        enum CodingKeys: String, CodingKey {
            case n, cause, events, terms, loglik, converged, iterations, warnings, excluded, status
            case censorCode = "censor_code", competingEvents = "competing_events", loglikNull = "loglik_null"
            case rowsUsed = "rows_used", excludedRows = "excluded_rows"
        }
    }

    /// Fits the model.
    /// 
    /// - Parameters:
    ///   - table: The data.
    ///   - time: Time column.
    ///   - event: Event column holding cause codes.
    ///   - cause: The cause of interest.
    ///   - covariates: Covariate columns (non-numeric ones dummy-coded).
    ///   - censorCode: The code of censored rows (default 0).
    ///   - reference: Reference level per categorical column.
    /// - Returns: The fit, with every term's estimability.
    /// - Throws: `TabularError` or ``AnalysisError`` naming file, row and column.
    /// - Complexity: O(n·m·p²) per Newton step for n rows, m failure times and p coefficients.
    public static func run(table: CSVTable, time: String, event: String, cause: Int, covariates: [String],
                           censorCode: Int = 0, reference: [String: String] = [:]) throws -> Result {
        guard !covariates.isEmpty else { throw AnalysisError.invalidOption("at least one covariate is needed") }
        guard cause != censorCode else { throw AnalysisError.invalidOption("--cause must differ from --censor-code") }
        try checkColumnRoles([("--time", [time]), ("--event", [event]), ("--covariates", covariates)])
        let cols = try CauseColumn(table: table, time: time, event: event, alsoRequired: covariates)
        let censorWarnings = try cols.checkCensorCode(censorCode, table: table, column: event)
        let matrix = try ModelMatrix.build(table: table, covariates: covariates, reference: reference, rows: cols.rows)
        let events = cols.cause.filter { $0 == cause }.count
        guard events > 0 else {
            throw AnalysisError.model("\(table.sourceName): no rows with cause \(cause) in column \"\(event)\"")
        }
        let model: FineGray
        do {
            model = try FineGray(time: cols.time, cause: cols.cause, covariates: matrix.columns, failureCode: cause,
                                 censorCode: censorCode)
        } catch {
            throw AnalysisError.model("\(table.sourceName): \(error)")
        }
        let (lo, hi) = model.hazardRatioInterval()
        let se = model.standardErrors, z = model.zScores, p = model.pValues
        var warnings: [String] = censorWarnings
        if !model.converged { warnings.append("Fine-Gray fit did not converge in \(model.iterations) iterations") }
        return Result(n: cols.rows.count, cause: cause, censorCode: censorCode, events: events,
                      competingEvents: cols.cause.filter { $0 != cause && $0 != censorCode }.count,
                      terms: matrix.termNames.indices.map { k in
                          let status = model.termStatus[k], ok = status.isEstimable
                          return Term(term: matrix.termNames[k], coef: model.coefficients[k], se: se[k],
                                      hr: ok ? model.hazardRatios[k] : .nan, lower95: ok ? lo[k] : .nan,
                                      upper95: ok ? hi[k] : .nan, z: ok ? z[k] : .nan, p: ok ? p[k] : .nan,
                                      estimability: status)
                      },
                      loglik: model.logLikelihood, loglikNull: model.nullLogLikelihood, converged: model.converged,
                      iterations: model.iterations, warnings: warnings, rowsUsed: cols.rows.count,
                      excludedRows: cols.report.excludedRows, excluded: cols.exclusions, status: model.status)
    }
}
