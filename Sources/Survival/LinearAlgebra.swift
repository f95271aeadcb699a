import RealModule

/// A small dense square matrix in row-major storage, for the p×p information matrices of the models.
public struct Matrix: Sendable, Equatable {
    /// Number of rows (and columns).
    public let size: Int
    /// Entries in row-major order, `size × size` of them.
    public var storage: [Double]

    /// A `size`×`size` matrix of zeros.
    ///
    /// - Complexity: O(size²).
    public init(zeros size: Int) {
        self.size = size
        storage = [Double](repeating: 0, count: size * size)
    }

    /// A matrix from its rows.
    ///
    /// ```swift
    /// let m = try Matrix(rows: [[2, 1], [1, 3]])
    /// ```
    ///
    /// - Throws: ``SurvivalError/lengthMismatch(argument:count:reference:expected:)`` when a row's length
    ///   differs from the number of rows.
    /// - Complexity: O(n²).
    public init(rows: [[Double]]) throws(SurvivalError) {
        size = rows.count
        for (i, r) in rows.enumerated() where r.count != rows.count {
            throw .lengthMismatch(argument: "rows[\(i)]", count: r.count, reference: "rows", expected: rows.count)
        }
        storage = rows.flatMap { $0 }
    }

    /// - Complexity: O(1).
    @inlinable public subscript(i: Int, j: Int) -> Double {
        get { storage[i * size + j] }
        set { storage[i * size + j] = newValue }
    }

    /// The rows as nested arrays.
    public var rows: [[Double]] { (0..<size).map { Array(storage[($0 * size)..<($0 * size + size)]) } }

    /// The diagonal.
    public var diagonal: [Double] { (0..<size).map { self[$0, $0] } }

    /// The sub-matrix on the given rows and columns (the same index set for both).
    ///
    /// - Complexity: O(k²) for k indices.
    public func submatrix(_ index: [Int]) -> Matrix {
        var m = Matrix(zeros: index.count)
        for (a, i) in index.enumerated() { for (b, j) in index.enumerated() { m[a, b] = self[i, j] } }
        return m
    }

    /// Matrix–vector product.
    ///
    /// - Complexity: O(size²).
    public func times(_ v: [Double]) -> [Double] {
        (0..<size).map { i in
            var s = 0.0
            for j in 0..<size { s += self[i, j] * v[j] }
            return s
        }
    }

    /// The quadratic form vᵀ M v.
    ///
    /// - Complexity: O(size²).
    public func quadraticForm(_ v: [Double]) -> Double {
        zip(v, times(v)).reduce(0) { $0 + $1.0 * $1.1 }
    }
}

/// The LDLᵀ factorisation of a symmetric non-negative definite matrix, with R's rule for singular columns.
///
/// A pivot below `tolerance × max(diagonal)` (or non-finite) marks its column as redundant: the column's
/// entry of D is set to 0, solves return 0 for it and the inverse has a zero row and column. This is the
/// behaviour of `cholesky2`/`chsolve2`/`chinv2` in R's survival package (re-derived here, not copied), which
/// `coxph` uses to report aliased coefficients as NA instead of failing.
public struct GeneralizedCholesky: Sendable {
    /// Unit lower-triangular factor L below the diagonal, D on the diagonal.
    var factor: Matrix
    /// Number of non-redundant columns.
    public let rank: Int
    /// Whether a pivot was clearly negative (the matrix is not non-negative definite).
    public let isNonNegativeDefinite: Bool

    /// Factors `matrix` (only its upper triangle is read).
    ///
    /// - Parameters:
    ///   - matrix: A symmetric matrix.
    ///   - tolerance: Relative pivot tolerance (R's `toler.chol`, default ε^0.75).
    /// - Complexity: O(p³).
    public init(_ matrix: Matrix, tolerance: Double = Double.pow(Double.ulpOfOne, 0.75)) {
        let n = matrix.size
        var m = matrix
        var maxDiag = 0.0
        for i in 0..<n {
            if m[i, i] > maxDiag { maxDiag = m[i, i] }
            for j in (i + 1)..<max(i + 1, n) { m[j, i] = m[i, j] }
        }
        let eps = maxDiag == 0 ? tolerance : maxDiag * tolerance
        var rank = 0
        var nonneg = true
        for i in 0..<n {
            let pivot = m[i, i]
            if !pivot.isFinite || pivot < eps {
                m[i, i] = 0
                if pivot < -8 * eps { nonneg = false }
                continue
            }
            rank += 1
            for j in (i + 1)..<max(i + 1, n) {
                let t = m[j, i] / pivot
                m[j, i] = t
                m[j, j] -= t * t * pivot
                for k in (j + 1)..<max(j + 1, n) { m[k, j] -= t * m[k, i] }
            }
        }
        factor = m
        self.rank = rank
        isNonNegativeDefinite = nonneg
    }

    /// Columns judged redundant (zero pivot).
    public var singularColumns: [Int] { (0..<factor.size).filter { factor[$0, $0] == 0 } }

    /// Solves M x = b, giving 0 for redundant columns.
    ///
    /// - Complexity: O(size²).
    public func solve(_ b: [Double]) -> [Double] {
        let n = factor.size
        var y = b
        for i in 0..<n {
            var t = y[i]
            for j in 0..<i { t -= y[j] * factor[i, j] }
            y[i] = t
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            if factor[i, i] == 0 { y[i] = 0; continue }
            var t = y[i] / factor[i, i]
            for j in (i + 1)..<max(i + 1, n) { t -= y[j] * factor[j, i] }
            y[i] = t
        }
        return y
    }

    /// The (generalised) inverse: redundant columns give zero rows and columns.
    ///
    /// - Complexity: O(size³).
    public func inverse() -> Matrix {
        let n = factor.size
        // As R's chinv2: a redundant column takes no part in the inverse of L.
        var clean = self
        for i in 0..<n where factor[i, i] == 0 {
            for j in (i + 1)..<max(i + 1, n) { clean.factor[j, i] = 0 }
        }
        var result = Matrix(zeros: n)
        var e = [Double](repeating: 0, count: n)
        for j in 0..<n {
            if factor[j, j] == 0 { continue }
            for i in 0..<n { e[i] = i == j ? 1 : 0 }
            let col = clean.solve(e)
            for i in 0..<n { result[i, j] = factor[i, i] == 0 ? 0 : col[i] }
        }
        // symmetrise against rounding
        for i in 0..<n {
            for j in 0..<i {
                let v = 0.5 * (result[i, j] + result[j, i])
                result[i, j] = v
                result[j, i] = v
            }
        }
        return result
    }
}
