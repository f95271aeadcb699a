/// Covariate columns of a table turned into numbers: a design matrix without intercept, column-major.
///
/// - A **numeric** column (every non-missing cell of the whole column is a number, see
///   ``CSVTable/isNumeric(column:)``) enters as is; its term is named after the column.
/// - A **mostly numeric** column (at least 90% of its non-missing cells are numbers, see
///   ``isMostlyNumeric(numbers:nonNumbers:)``) is an error naming the cells that are not numbers.
/// - A categorical column may have at most 1000 levels, and at most half the rows when it has more
///   than 50 (``checkLevelCount(_:rows:file:column:covariate:)``).
/// - Any other column is **categorical** and is dummy-coded against a reference level: one 0/1
///   term `column=level` per other level. Levels are the distinct cell texts (exactly as in the
///   file) among the selected rows, sorted byte-wise — R's `factor()` order in the C locale, so
///   `"B" < "a"` and `"10" < "9"`. The default reference is the first level in that order.
/// - A numeric column can be coded as categorical by listing it in `categorical` or by giving it
///   a reference level (then its levels are its cell texts, e.g. `"1"`, `"2"`, `"3"`).
///
/// This is R's treatment contrast: `model.matrix(~ age + sex, data)` without the intercept column.
public struct ModelMatrix: Sendable, Equatable {
    /// How one covariate was coded.
    public struct Covariate: Sendable, Equatable, Codable {
        /// Column name.
        public let name: String
        /// All levels in sorted order (empty for a numeric covariate).
        public let levels: [String]
        /// The reference level (nil for a numeric covariate).
        public let reference: String?
        /// Indices into ``ModelMatrix/columns`` and ``ModelMatrix/termNames`` of this covariate's terms.
        public let terms: Range<Int>

        /// Whether the covariate is categorical (coded as indicator columns against ``reference``).
        public var isCategorical: Bool { reference != nil }
    }

    /// One array per term, each `rows.count` long: `columns[term][i]` is the value for `rows[i]`.
    public let columns: [[Double]]
    /// Term names: the column name for a numeric covariate, `column=level` for a dummy.
    public let termNames: [String]
    /// The covariates in the order given, with their coding.
    public let covariates: [Covariate]
    /// The table rows (0-based indices) the matrix rows correspond to.
    public let rows: [Int]

    /// Builds the model matrix of `covariates` over `rows`.
    ///
    /// ```swift
    /// let cc = try table.completeCases(["age", "sex", "stage"])
    /// let m = try ModelMatrix.build(table: table, covariates: ["age", "sex", "stage"],
    ///                               reference: ["stage": "I"], rows: cc.rows)
    /// m.termNames   // ["age", "sex=M", "stage=II", "stage=III"]
    /// ```
    ///
    /// - Parameters:
    ///   - table: The table.
    ///   - covariates: Column names, in term order.
    ///   - reference: Reference level per categorical column (overrides the first sorted level).
    ///     A column given here is coded as categorical even if its cells are numbers.
    ///   - categorical: Columns to code as categorical even if their cells are numbers.
    ///   - rows: Row indices, typically ``CSVTable/completeCases(_:among:)``'s `rows`; every row
    ///     must have a value in every covariate. Levels are computed over these rows only.
    ///   - scanned: Covariates already read as numbers from `table`
    ///     (by ``CSVTable/columns(numbers:events:alsoRequired:)``
    ///     in a pass that also read the time and event columns, say); the others are read here.
    /// - Returns: The matrix, with its term names and the coding of each covariate.
    /// - Throws: ``TabularError``: an unknown column; a covariate listed twice; a reference level
    ///   for a column that is not a covariate; a missing value in a selected row; a reference
    ///   level that does not occur (the message lists the levels); a categorical column with
    ///   fewer than two levels among the rows.
    /// - Complexity: O(rows × covariates + Σ levels·log levels) time, O(rows × terms) space.
    public static func build(
        table: CSVTable,
        covariates: [String],
        reference: [String: String] = [:],
        categorical: Set<String> = [],
        rows: [Int],
        scanned: [String: NumberScan] = [:]
    ) throws -> ModelMatrix {
        let file = table.sourceName
        var seen = Set<String>()
        for name in covariates {
            _ = try table.columnIndex(name)
            if !seen.insert(name).inserted { throw TabularError.duplicateCovariate(file: file, column: name) }
        }
        for name in reference.keys.sorted() where !seen.contains(name) {
            throw TabularError.referenceForNonCovariate(file: file, column: name, covariates: covariates)
        }
        for r in rows {
            precondition(r >= 0 && r < table.rowCount, "row index \(r) out of range 0..<\(table.rowCount)")
        }

        var columns: [[Double]] = []
        var termNames: [String] = []
        var coded: [Covariate] = []

        // The candidate numeric covariates are read together, in one pass over the file.
        let candidates = covariates.filter { !(categorical.contains($0) || reference[$0] != nil) }
        let toRead = candidates.filter { scanned[$0] == nil }
        let scans = toRead.isEmpty ? scanned
            : try table.columns(numbers: toRead).numbers.merging(scanned) { read, _ in read }
        // Every row in file order (no row excluded): a numeric column is the scanned column itself.
        let allRows = rows.count == table.rowCount && rows.elementsEqual(0..<table.rowCount)
        for name in covariates {
            let forced = categorical.contains(name) || reference[name] != nil
            if !forced, let scan = scans[name] {
                if scan.nonNumberCount == 0 {
                    if allRows {
                        if let r = scan.values.firstIndex(where: { $0.isNaN }) { throw missing(table, r, name) }
                        columns.append(scan.values)
                    } else {
                        var values: [Double] = []
                        values.reserveCapacity(rows.count)
                        for r in rows {
                            let v = scan.values[r]
                            if v.isNaN { throw missing(table, r, name) }
                            values.append(v)
                        }
                        columns.append(values)
                    }
                    termNames.append(name)
                    coded.append(Covariate(name: name, levels: [], reference: nil,
                                           terms: (termNames.count - 1)..<termNames.count))
                    continue
                }
                if isMostlyNumeric(numbers: scan.numberCount, nonNumbers: scan.nonNumberCount) {
                    throw TabularError.mostlyNumeric(file: file, column: name, cells: scan.nonNumbers,
                                                     count: scan.nonNumberCount)
                }
            }
            let factor = try table.factor(name)
            var used = [Bool](repeating: false, count: factor.levels.count)
            var usedCount = 0
            for r in rows {
                let code = Int(factor.codes[r])
                if code < 0 { throw missing(table, r, name) }
                if !used[code] { used[code] = true; usedCount += 1 }
            }
            try checkLevelCount(usedCount, rows: rows.count, file: file, column: name, covariate: true)
            try checkLevelText(factor, rows: rows, table: table, column: name)
            let levelCodes = factor.levels.indices.filter { used[$0] }
                .sorted { Array(factor.levels[$0].utf8).lexicographicallyPrecedes(factor.levels[$1].utf8) }
            let levels = levelCodes.map { factor.levels[$0] }
            if levels.count < 2 {
                throw TabularError.tooFewLevels(file: file, column: name, levels: levels)
            }
            let ref: String
            if let requested = reference[name] {
                guard levels.contains(requested) else {
                    throw TabularError.unknownReferenceLevel(file: file, column: name, level: requested,
                                                             levels: levels)
                }
                ref = requested
            } else {
                ref = levels[0]
            }
            let first = termNames.count
            for (level, code) in zip(levels, levelCodes) where level != ref {
                let code32 = Int32(code)
                columns.append(rows.map { factor.codes[$0] == code32 ? 1 : 0 })
                termNames.append("\(name)=\(level)")
            }
            coded.append(Covariate(name: name, levels: levels, reference: ref, terms: first..<termNames.count))
        }
        return ModelMatrix(columns: columns, termNames: termNames, covariates: coded, rows: rows)
    }

    static func missing(_ table: CSVTable, _ r: Int, _ name: String) -> TabularError {
        TabularError.missingValue(file: table.sourceName, row: table.rowNumber(ofRow: r),
                                  line: table.lineNumber(ofRow: r), column: name)
    }
}

/// Whether a column with `numbers` number cells and `nonNumbers` other non-missing cells is a column
/// of numbers with a few mistakes: at least 90% of its non-missing cells are numbers. Such a column
/// is an error naming the non-numbers (`TabularError.mostlyNumeric`), never silently categorical.
///
/// ```swift
/// isMostlyNumeric(numbers: 97, nonNumbers: 3)    // true: "6O", "nan", "-inf" among numbers
/// isMostlyNumeric(numbers: 0, nonNumbers: 50)    // false: a categorical column
/// ```
///
/// - Complexity: O(1).
public func isMostlyNumeric(numbers: Int, nonNumbers: Int) -> Bool {
    nonNumbers > 0 && numbers > 0 && numbers * 10 >= (numbers + nonNumbers) * 9
}

/// The most levels a grouping or categorical column may have.
public let maximumLevels = 1000

/// Checks that no level of `factor` used by `rows` holds a control character (U+0000–U+001F other than
/// tab, U+007F): such a label prints as an invisible difference between two groups.
///
/// ```swift
/// try checkLevelText(table.factor("group"), rows: rows, table: table, column: "group")
/// ```
///
/// - Throws: ``TabularError/controlCharacter(file:row:line:column:value:)`` naming the first such cell.
/// - Complexity: O(rows + total length of the levels).
public func checkLevelText(_ factor: FactorColumn, rows: [Int], table: CSVTable, column: String) throws {
    let bad = factor.levels.map { level in
        level.utf8.contains { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }
    }
    guard bad.contains(true) else { return }
    for r in rows {
        let code = Int(factor.codes[r])
        if code >= 0 && bad[code] {
            throw TabularError.controlCharacter(file: table.sourceName, row: table.rowNumber(ofRow: r),
                                                line: table.lineNumber(ofRow: r), column: column,
                                                value: factor.levels[code])
        }
    }
}

/// Checks the number of levels of a factor over `rows` rows: at most ``maximumLevels``; and for a
/// covariate, at most half the rows once there are more than 50 levels (more is an identifier, not a
/// factor: the model would have a coefficient per one or two patients).
///
/// - Throws: ``TabularError/tooManyLevels(file:column:levels:limit:rows:)``.
/// - Complexity: O(1).
public func checkLevelCount(_ levels: Int, rows: Int, file: String, column: String, covariate: Bool) throws {
    var limit = maximumLevels
    if covariate && levels > 50 { limit = min(limit, max(50, rows / 2)) }
    if levels > limit {
        throw TabularError.tooManyLevels(file: file, column: column, levels: levels, limit: limit, rows: rows)
    }
}
