/// Several columns of a table read in one parallel pass: numbers, event indicators, and which rows
/// have a value in every column asked for.
///
/// An analysis that needs a time, an event and a few more columns reads them all at once: one scan
/// of the file, reading each row only as far as the last of these columns.
///
/// ```swift
/// let set = try table.columns(numbers: ["time"], events: ["status"], alsoRequired: ["sex"])
/// set.complete.rows                 // rows with time, status and sex all present
/// set.numbers["time"]!.values       // NaN where missing
/// set.events["status"]!             // 1, 0, -1 (missing)
/// ```
public struct ColumnSet: Sendable {
    /// Each numeric column: values (NaN where missing or not a number) and its non-numbers.
    public var numbers: [String: NumberScan]
    /// Each event column: 1 (event), 0 (no event), -1 (missing).
    public var events: [String: [Int8]]
    /// The first cell of each event column that is not an event indicator (row index and text).
    public var eventErrors: [String: InvalidCell]
    /// The rows with a value in every column named (numbers, events and `alsoRequired`), with the
    /// missing-value report in the order the columns were named.
    public var complete: CompleteCases
}

extension CSVTable {
    /// Reads numeric columns, event columns and the missingness of further columns in one pass.
    ///
    /// Cells that are not numbers or not event indicators do not stop the read: they are reported in
    /// ``ColumnSet/numbers`` (``NumberScan/nonNumbers``) and ``ColumnSet/eventErrors`` for the caller
    /// to turn into the right message.
    ///
    /// - Parameters:
    ///   - numbers: Columns to read as numbers.
    ///   - events: Columns to read as event indicators (see ``eventColumn(_:)``).
    ///   - alsoRequired: Further columns a row needs a value in to count as complete.
    /// - Throws: ``TabularError/unknownColumn(file:column:available:)``.
    /// - Complexity: O(rows) time on all cores; 8 bytes a row per numeric column, 1 per event column,
    ///   1 for the completeness flags, and 8 per complete row for its index.
    public func columns(
        numbers: [String] = [], events: [String] = [], alsoRequired: [String] = []
    ) throws -> ColumnSet {
        var named: [String] = []
        for name in numbers + events + alsoRequired where !named.contains(name) { named.append(name) }
        let indices = try named.map { try columnIndex($0) }
        // Slots in file order; a column asked for as a number and an event is read as a number only
        // for the value, but both outputs are filled.
        let order = named.indices.sorted { indices[$0] < indices[$1] }
        var kinds: [MultiSink.Kind] = []
        var numberValues = numbers.map { _ in filledInParallel(Double.nan, count: rowCount) }
        var eventValues = events.map { _ in filledInParallel(Int8(-1), count: rowCount) }
        var flags = filledInParallel(UInt8(0), count: rowCount)
        for j in order {
            let name = named[j]
            kinds.append(MultiSink.Kind(number: numbers.firstIndex(of: name), event: events.firstIndex(of: name)))
        }
        let sortedColumns = order.map { indices[$0] }
        let sinks: [MultiSink] = withPointers(&numberValues) { numberOut in
            withPointers(&eventValues) { eventOut in
                flags.withUnsafeMutableBufferPointer { flagBuffer in
                    let targets = UncheckedBox((numberOut, eventOut, flagBuffer.baseAddress))
                    let kindsBox = UncheckedBox(kinds)
                    return store.scan(columns: sortedColumns) { _ in
                        MultiSink(kinds: kindsBox.value, numbers: targets.value.0, events: targets.value.1,
                                  flags: targets.value.2)
                    }
                }
            }
        }
        // Per-column missing counts back in the order named.
        var counts = [Int](repeating: 0, count: named.count)
        for s in sinks { for (slot, j) in order.enumerated() { counts[j] += s.missing[slot] } }
        let excluded = sinks.reduce(0) { $0 + $1.incompleteRows }
        var kept: [Int] = []
        if excluded > 0 {
            kept.reserveCapacity(rowCount - excluded)
            flags.withUnsafeBufferPointer { f in for r in 0..<rowCount where f[r] == 0 { kept.append(r) } }
        }
        flags = []
        let report = MissingValueReport(
            consideredRows: rowCount, excludedRows: excluded,
            byColumn: zip(named, counts).map { MissingValueReport.ColumnCount(column: $0, count: $1) })

        var numberScans: [String: NumberScan] = [:]
        for (k, name) in numbers.enumerated() {
            let slot = order.firstIndex { named[$0] == name }!
            var listed: [Int] = []
            var bad = 0
            for s in sinks {
                bad += s.badCount[slot]
                for r in s.badRows[slot] where listed.count < NumberScan.listedLimit { listed.append(r) }
            }
            let c = indices[named.firstIndex(of: name)!]
            let cells = listed.map { r in
                InvalidCell(
                    row: r, rowNumber: rowNumber(ofRow: r), line: lineNumber(ofRow: r), value: cell(row: r, column: c))
            }
            numberScans[name] = NumberScan(values: numberValues[k], missingCount: counts[named.firstIndex(of: name)!],
                                           nonNumbers: cells, nonNumberCount: bad)
        }
        var eventColumns: [String: [Int8]] = [:]
        var eventErrors: [String: InvalidCell] = [:]
        for (k, name) in events.enumerated() {
            let slot = order.firstIndex { named[$0] == name }!
            eventColumns[name] = eventValues[k]
            if let r = sinks.compactMap({ $0.firstBadEvent[slot] }).min() {
                let c = indices[named.firstIndex(of: name)!]
                eventErrors[name] = InvalidCell(row: r, rowNumber: rowNumber(ofRow: r), line: lineNumber(ofRow: r),
                                                value: cell(row: r, column: c))
            }
        }
        return ColumnSet(numbers: numberScans, events: eventColumns, eventErrors: eventErrors,
                         complete: excluded == 0 ? CompleteCases(allRows: rowCount, report: report)
                                                 : CompleteCases(rows: kept, report: report))
    }
}

/// An array of `count` copies of `value`, written in parallel blocks: the fresh pages of a large column
/// are faulted in and filled on all cores instead of one.
///
/// - Complexity: O(count), on all cores.
func filledInParallel<T: BitwiseCopyable>(_ value: T, count: Int) -> [T] {
    let block = 1 << 18
    guard count >= 2 * block else { return [T](repeating: value, count: count) }
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        let base = UncheckedBox(buffer.baseAddress!)
        parallelFor((count + block - 1) / block) { k in
            let lo = k * block
            (base.value + lo).initialize(repeating: value, count: min(block, count - lo))
        }
        initialized = count
    }
}

/// Base addresses of several arrays, for the duration of `body`.
private func withPointers<T, R>(_ arrays: inout [[T]], _ body: ([UnsafeMutablePointer<T>]) -> R) -> R {
    arrays.withUnsafeMutableBufferPointer { outer in
        func step(_ k: Int, _ acc: [UnsafeMutablePointer<T>]) -> R {
            if k == outer.count { return body(acc) }
            return outer[k].withUnsafeMutableBufferPointer {
                step(k + 1, acc + [$0.baseAddress ?? UnsafeMutablePointer<T>(bitPattern: 8)!])
            }
        }
        return step(0, [])
    }
}

/// One sink for several columns of different kinds.
struct MultiSink: CellSink {
    struct Kind {
        var number: Int?
        var event: Int?
    }
    let kinds: [Kind]
    let numbers: [UnsafeMutablePointer<Double>]
    let events: [UnsafeMutablePointer<Int8>]
    let flags: UnsafeMutablePointer<UInt8>?
    var missing: [Int]
    var incompleteRows = 0
    var badCount: [Int]
    var badRows: [[Int]]
    var firstBadEvent: [Int?]

    init(kinds: [Kind], numbers: [UnsafeMutablePointer<Double>], events: [UnsafeMutablePointer<Int8>],
         flags: UnsafeMutablePointer<UInt8>?) {
        self.kinds = kinds
        self.numbers = numbers
        self.events = events
        self.flags = flags
        missing = .init(repeating: 0, count: kinds.count)
        badCount = .init(repeating: 0, count: kinds.count)
        badRows = .init(repeating: [], count: kinds.count)
        firstBadEvent = .init(repeating: nil, count: kinds.count)
    }

    @inline(__always)
    mutating func take(row: Int, slot: Int, _ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, escaped: Bool) {
        let kind = kinds[slot]
        var a = s, b = e
        if !escaped {
            (a, b) = trimmed(p, s, e)
            if isMissingTrimmed(p, a, b) {
                missing[slot] += 1
                if flags![row] == 0 { incompleteRows += 1; flags![row] = 1 }
                return
            }
        }
        if let k = kind.number {
            if !escaped, let v = parseDouble(UnsafeBufferPointer(start: p, count: b), a, b) {
                numbers[k][row] = v
            } else {
                badCount[slot] += 1
                if badRows[slot].count < NumberScan.listedLimit { badRows[slot].append(row) }
            }
        }
        if let k = kind.event {
            if !escaped, let v = parseEvent(p, a, b) {
                events[k][row] = v ? 1 : 0
            } else if firstBadEvent[slot] == nil {
                firstBadEvent[slot] = row
            }
        }
    }
}
