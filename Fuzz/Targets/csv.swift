// libFuzzer target: the CSV reader (Tabular.CSVTable) and every typed column accessor on what it reads.
// Built and run by scripts/fuzz (see docs/reliability.md). Any trap, hang or runaway allocation is a bug.
import Tabular

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = DecimalNumber.parse(String(decoding: bytes.prefix(64), as: UTF8.self))
    guard let table = try? CSVTable(bytes: bytes, sourceName: "fuzz.csv") else { return 0 }
    for (c, name) in table.columnNames.enumerated() {
        _ = try? table.stringColumn(name)
        _ = try? table.numericColumn(name)
        _ = try? table.isNumeric(column: name)
        _ = try? table.eventColumn(name)
        for r in 0..<min(table.rowCount, 64) {
            _ = table.cell(row: r, column: c)
            _ = table.isMissing(row: r, column: c)
            _ = table.rowNumber(ofRow: r)
            _ = table.lineNumber(ofRow: r)
        }
    }
    _ = try? table.completeCases(table.columnNames)
    // Factors, level limits and label checks, and the model matrix of the first columns (as pof cox builds it).
    let names = Array(table.columnNames.prefix(3))
    for name in names { _ = try? table.factor(name) }
    if let complete = try? table.completeCases(names) {
        _ = try? ModelMatrix.build(table: table, covariates: names, reference: [:], rows: complete.rows)
    }
    return 0
}
