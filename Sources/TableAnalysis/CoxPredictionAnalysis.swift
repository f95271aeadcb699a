import Survival
import Tabular

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
