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
                throw AnalysisError.negativeTime(file: table.sourceName, row: table.rowNumber(ofRow: r), column: timeColumn,
                                                 value: table.cell(row: r, column: tIndex))
            }
            if DecimalNumber.exactInteger(e[r]!) == nil || abs(e[r]!) > 1e9 {
                throw AnalysisError.invalidOption("\(table.sourceName), row \(table.rowNumber(ofRow: r)), column \"\(eventColumn)\": \(TabularError.quote(table.cell(row: r, column: eIndex))) is not a cause code (an integer)")
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
            throw AnalysisError.invalidOption("\(table.sourceName), column \"\(column)\": the censoring code \(censorCode) does not occur (codes found: \(list)); rows coded 0 would be counted as failures of cause 0. Give the code of censored rows with --censor-code")
        }
        return ["no row has the censoring code \(censorCode) in column \"\(column)\" (codes found: \(list)): every row is counted as a failure"]
    }
}

/// Cumulative incidence per cause (Aalen–Johansen, variance as `cmprsk::cuminc`) and Gray's test:
/// the `pof cuminc` analysis.
public enum CumulativeIncidenceAnalysis {
    public struct Point: Codable, Sendable {
        public var time: Double
        public var estimate: Double
        public var variance: Double
        public var lower95: Double
        public var upper95: Double
    }

    public struct CurveSummary: Codable, Sendable {
        public var group: String
        public var cause: Int
        public var events: Int
        public var at: [Point]
    }

    public struct GrayTest: Codable, Sendable {
        public var cause: Int
        /// NaN (JSON null) when the test is not possible.
        public var statistic: Double
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

    public struct Result: Codable, Sendable {
        public var censorCode: Int
        public var groupColumn: String?
        public var curves: [CurveSummary]
        public var gray: [GrayTest]
        /// With a group column: why Gray's test is not possible at all (fewer than two groups, no failures).
        public var grayNotPossible: String?
        public var warnings: [String]
        public var rowsUsed: Int
        public var excludedRows: Int
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
    ///   - event: Column of integer cause codes; `censorCode` marks censored rows.
    ///   - group: Optional grouping column (Gray's test compares its groups).
    ///   - at: Times at which estimates are reported (default: the distinct event times).
    /// - Throws: ``TabularError`` or ``AnalysisError`` naming file, row, column and value; in particular
    ///   when `censorCode` does not occur in the column while code 0 does (the censored rows would
    ///   otherwise be counted as failures of "cause 0").
    public static func run(table: CSVTable, time: String, event: String, group: String? = nil,
                           censorCode: Int = 0, at: [Double] = []) throws -> Result {
        let cols = try CauseColumn(table: table, time: time, event: event, alsoRequired: group.map { [$0] } ?? [])
        var warnings = try cols.checkCensorCode(censorCode, table: table, column: event)
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
                                    Point(time: $0.time, estimate: $0.estimate, variance: $0.variance, lower95: $0.lower, upper95: $0.upper)
                                })
        }
        return Result(censorCode: censorCode, groupColumn: group, curves: curves,
                      gray: cif.tests.map {
                          GrayTest(cause: $0.cause, statistic: $0.statistic, df: $0.degreesOfFreedom, p: $0.pValue,
                                   notPossible: $0.notPossible?.description)
                      },
                      grayNotPossible: grayNotPossible, warnings: warnings,
                      rowsUsed: cols.rows.count, excludedRows: cols.report.excludedRows, excluded: cols.exclusions)
    }
}

/// Fine–Gray subdistribution-hazard regression as `cmprsk::crr`: the `pof finegray` analysis.
public enum FineGrayAnalysis {
    public struct Term: Codable, Sendable {
        public var term: String
        public var coef: Double
        public var se: Double
        public var hr: Double
        public var lower95: Double
        public var upper95: Double
        public var z: Double
        public var p: Double
        /// Whether the coefficient is an estimate, and if not why (JSON `{"estimable": false, "reason": code}`).
        /// A term that is not estimable has hr, limits, z and p NaN (JSON null); coef and se are crr's values.
        public var estimability: Estimability
    }

    public struct Result: Codable, Sendable {
        public var n: Int
        public var cause: Int
        public var censorCode: Int
        public var events: Int
        public var competingEvents: Int
        public var terms: [Term]
        public var loglik: Double
        public var loglikNull: Double
        public var converged: Bool
        public var iterations: Int
        public var warnings: [String]
        public var rowsUsed: Int
        public var excludedRows: Int
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

/// Predicted survival for new covariate values from a Cox model (R `survfit.coxph`): `pof predict`.
public enum CoxPredictionAnalysis {
    public struct Point: Codable, Sendable {
        public var time: Double
        public var surv: Double
        public var stdErr: Double
        public var lower95: Double
        public var upper95: Double
        enum CodingKeys: String, CodingKey { case time, surv, lower95, upper95, stdErr = "std_err" }
    }

    public struct Patient: Codable, Sendable {
        /// Spreadsheet row of the new-data file (header = row 1).
        public var row: Int
        public var linearPredictor: Double
        public var at: [Point]
        enum CodingKeys: String, CodingKey { case row, at, linearPredictor = "linear_predictor" }
    }

    public struct Result: Codable, Sendable {
        public var ties: String
        public var terms: [String]
        public var coefficients: [Double]
        public var patients: [Patient]
        public var warnings: [String]
        public var rowsUsed: Int
        public var excludedRows: Int
        public var excluded: [Exclusion]
        enum CodingKeys: String, CodingKey {
            case ties, terms, coefficients, patients, warnings, excluded
            case rowsUsed = "rows_used", excludedRows = "excluded_rows"
        }
    }

    /// Fits the model on `table` and predicts for each row of `newData`.
    ///
    /// New rows are coded like the fitting data: a numeric column as its value, a categorical column by
    /// its levels (a level not seen in the data is an error naming file, row and column).
    public static func run(table: CSVTable, time: String, event: String, covariates: [String], newData: CSVTable,
                           at: [Double], ties: CoxModel.Ties = .efron, reference: [String: String] = [:]) throws -> Result {
        let fit = try CoxAnalysis.fitModel(table: table, time: time, event: event, covariates: covariates, ties: ties,
                                           reference: reference)
        let matrix = fit.matrix
        if let reason = fit.model.status.reason {
            throw AnalysisError.model("\(table.sourceName): the Cox model is not estimable (\(reason)); no prediction is possible")
        }
        if let k = fit.model.termStatus.firstIndex(where: { !$0.isEstimable }) {
            throw AnalysisError.model("\(table.sourceName): the term \(matrix.termNames[k]) is not estimable"
                                      + " (\(fit.model.termStatus[k].reason.map { "\($0)" } ?? "")); no prediction is possible")
        }
        guard newData.rowCount > 0 else {
            throw AnalysisError.noRows(file: newData.sourceName, reason: "the file has a header but no rows to predict for")
        }
        var patients: [Patient] = []
        let columns = try matrix.covariates.map { try newData.stringColumn($0.name) }
        for r in 0..<newData.rowCount {
            var x: [Double] = []
            for (c, cov) in matrix.covariates.enumerated() {
                guard let value = columns[c][r] else {
                    throw AnalysisError.model("\(newData.sourceName), row \(newData.rowNumber(ofRow: r)), column \"\(cov.name)\": a value is required")
                }
                if cov.isCategorical {
                    guard cov.levels.contains(value) else {
                        throw AnalysisError.model("\(newData.sourceName), row \(newData.rowNumber(ofRow: r)), column \"\(cov.name)\": \(CoxAnalysis.shortened(value)) is not a level of the fitted data (\(cov.levels.joined(separator: ", ")))")
                    }
                    for level in cov.levels where level != cov.reference { x.append(value == level ? 1 : 0) }
                } else {
                    guard let v = DecimalNumber.parse(value) else {
                        throw AnalysisError.model("\(newData.sourceName), row \(newData.rowNumber(ofRow: r)), column \"\(cov.name)\": \(CoxAnalysis.shortened(value)) is not a number")
                    }
                    x.append(v)
                }
            }
            let prediction = try CoxPrediction(model: fit.model, covariates: x)
            let lp = zip(fit.model.coefficients, zip(x, fit.model.means)).reduce(0.0) { $0 + ($1.0.isNaN ? 0 : $1.0 * ($1.1.0 - $1.1.1)) }
            let curve = prediction.curves[0]
            let times = at.isEmpty ? curve.time : at
            patients.append(Patient(row: newData.rowNumber(ofRow: r), linearPredictor: lp,
                                    at: curve.estimates(at: times).map {
                                        Point(time: $0.time, surv: $0.survival, stdErr: $0.standardError, lower95: $0.lower, upper95: $0.upper)
                                    }))
        }
        return Result(ties: ties.rawValue, terms: matrix.termNames, coefficients: fit.model.coefficients, patients: patients,
                      warnings: fit.model.warnings, rowsUsed: fit.rows, excludedRows: fit.report.excludedRows,
                      excluded: fit.report.exclusions)
    }
}
