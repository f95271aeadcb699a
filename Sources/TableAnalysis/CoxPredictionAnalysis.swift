import Survival
import Tabular

/// Predicted survival for new covariate values from a Cox model (R `survfit.coxph`): `pof predict`.
public enum CoxPredictionAnalysis {
    /// The predicted curve at one requested time.
    public struct Point: Codable, Sendable {
        /// The requested time, in the time column's unit.
        public var time: Double
        /// Predicted S(t).
        public var surv: Double
        /// Standard error of S(t). JSON `std_err`.
        public var stdErr: Double
        /// Lower 95% limit of S(t).
        public var lower95: Double
        /// Upper 95% limit of S(t).
        public var upper95: Double
        enum CodingKeys: String, CodingKey { case time, surv, lower95, upper95, stdErr = "std_err" }
    }

    /// The prediction for one row of the new-data file.
    public struct Patient: Codable, Sendable {
        /// Spreadsheet row of the new-data file (header = row 1).
        public var row: Int
        /// x·β − means·β for the row (R's `predict(fit, newdata, type = "lp")`).
        public var linearPredictor: Double
        /// The predicted curve at each requested time.
        public var at: [Point]
        enum CodingKeys: String, CodingKey { case row, at, linearPredictor = "linear_predictor" }
    }

    /// The whole result (JSON keys as documented for `pof predict`).
    public struct Result: Codable, Sendable {
        /// Tie handling of the model ("efron" or "breslow").
        public var ties: String
        /// Term names of the model.
        public var terms: [String]
        /// The model's coefficients, one per term.
        public var coefficients: [Double]
        /// One prediction per new-data row.
        public var patients: [Patient]
        /// Warnings about the data or the fit.
        public var warnings: [String]
        /// Rows used (complete cases). JSON `rows_used`.
        public var rowsUsed: Int
        /// Rows left out for a missing value in a column used. JSON `excluded_rows`.
        public var excludedRows: Int
        /// Rows left out, per column with missing values.
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
    ///
    /// - Complexity: The Cox fit (O(*n* · *p*² · *k*)) plus O(*n* · *p*²) per predicted profile.
    public static func run(table: CSVTable, time: String, event: String, covariates: [String], newData: CSVTable,
                           at: [Double], ties: CoxModel.Ties = .efron,
                           reference: [String: String] = [:]) throws -> Result {
        let fit = try CoxAnalysis.fitModel(table: table, time: time, event: event, covariates: covariates, ties: ties,
                                           reference: reference)
        let matrix = fit.matrix
        if let reason = fit.model.status.reason {
            throw AnalysisError.model(
                "\(table.sourceName): the Cox model is not estimable (\(reason)); no prediction is possible")
        }
        if let k = fit.model.termStatus.firstIndex(where: { !$0.isEstimable }) {
            throw AnalysisError.model("\(table.sourceName): the term \(matrix.termNames[k]) is not estimable"
                                      + " (\(fit.model.termStatus[k].reason.map { "\($0)" } ?? ""));"
                                      + " no prediction is possible")
        }
        guard newData.rowCount > 0 else {
            throw AnalysisError.noRows(
                file: newData.sourceName, reason: "the file has a header but no rows to predict for")
        }
        var patients: [Patient] = []
        let columns = try matrix.covariates.map { try newData.stringColumn($0.name) }
        for r in 0..<newData.rowCount {
            var x: [Double] = []
            for (c, cov) in matrix.covariates.enumerated() {
                guard let value = columns[c][r] else {
                    throw AnalysisError.model("""
                        \(newData.sourceName), row \(newData.rowNumber(ofRow: r)), column \"\(cov.name)\": \
                        a value is required
                        """)
                }
                if cov.isCategorical {
                    guard cov.levels.contains(value) else {
                        throw AnalysisError.model("""
                            \(newData.sourceName), row \(newData.rowNumber(ofRow: r)), column \"\(cov.name)\": \
                            \(CoxAnalysis.shortened(value)) is not a level of the fitted data \
                            (\(cov.levels.joined(separator: ", ")))
                            """)
                    }
                    for level in cov.levels where level != cov.reference { x.append(value == level ? 1 : 0) }
                } else {
                    guard let v = DecimalNumber.parse(value) else {
                        throw AnalysisError.model("""
                            \(newData.sourceName), row \(newData.rowNumber(ofRow: r)), column \"\(cov.name)\": \
                            \(CoxAnalysis.shortened(value)) is not a number
                            """)
                    }
                    x.append(v)
                }
            }
            let prediction = try CoxPrediction(model: fit.model, covariates: x)
            let lp = zip(fit.model.coefficients, zip(x, fit.model.means)).reduce(0.0) {
                $0 + ($1.0.isNaN ? 0 : $1.0 * ($1.1.0 - $1.1.1))
            }
            let curve = prediction.curves[0]
            let times = at.isEmpty ? curve.time : at
            patients.append(Patient(row: newData.rowNumber(ofRow: r), linearPredictor: lp,
                                    at: curve.estimates(at: times).map {
                                        Point(time: $0.time, surv: $0.survival, stdErr: $0.standardError,
                                              lower95: $0.lower, upper95: $0.upper)
                                    }))
        }
        return Result(ties: ties.rawValue, terms: matrix.termNames, coefficients: fit.model.coefficients,
                      patients: patients, warnings: fit.model.warnings, rowsUsed: fit.rows,
                      excludedRows: fit.report.excludedRows, excluded: fit.report.exclusions)
    }
}
