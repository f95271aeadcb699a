import Foundation

// The byte-level CSV machinery behind `CSVTable`: the structural scan (records, field counts, quotes,
// line and row numbers), splitting a file into record-aligned segments scanned in parallel, and the
// column scan that hands the cells of chosen columns to a sink.

let comma: UInt8 = 0x2C, quote: UInt8 = 0x22, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D

/// What is wrong with the structure of a record.
enum StructureProblem: Equatable {
    case unterminatedQuote
    case textAfterClosingQuote
    case fieldCount(found: Int)
}

/// One record as the structural scan sees it.
struct RecordShape {
    /// Offset just past the record's line break (or the end of the bytes).
    var next = 0
    var fields = 0
    /// Line breaks consumed, inside quoted fields and the record's own.
    var lines = 0
    var blank = false
    var problem: StructureProblem? = nil
    /// Lines before the problem, counted from the record's first line.
    var problemLines = 0
}

/// Scans the record starting at `start` (< n).
@inline(__always)
func scanRecord(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int, _ r: inout RecordShape) {
    var i = start
    let b0 = p[i]
    if b0 == lf || b0 == cr {
        r.next = (b0 == cr && i + 1 < n && p[i + 1] == lf) ? i + 2 : i + 1
        r.lines = 1
        r.fields = 0
        r.blank = true
        return
    }
    r.blank = false
    // Fast path: a record ended by LF with no quote or CR before it, eight bytes at a time (commas
    // counted by their mask). Anything else is left to the byte-by-byte scan below, from the start.
    var j = start, commas = 0
    while j + 8 <= n {
        let w = ByteMasks.load(p, j)
        let lfs = ByteMasks.equal(w, lf)
        let stop: UInt64 = lfs != 0 ? (1 << UInt64(lfs.trailingZeroBitCount)) &- 1 : ~0
        if (ByteMasks.equal(w, quote) | ByteMasks.equal(w, cr)) & stop != 0 { break }
        commas += (ByteMasks.equal(w, comma) & stop).nonzeroBitCount
        if lfs != 0 {
            r.next = j + lfs.trailingZeroBitCount >> 3 + 1
            r.fields = commas + 1
            r.lines = 1
            return
        }
        j += 8
    }
    var fields = 0
    var lines = 0
    while true {
        if i < n && p[i] == quote {
            let openLines = lines
            i += 1
            while true {
                if i >= n {
                    r.problem = .unterminatedQuote
                    r.problemLines = openLines
                    return
                }
                let b = p[i]
                if b == quote {
                    if i + 1 < n && p[i + 1] == quote { i += 2; continue }
                    i += 1
                    break
                }
                if b == lf || (b == cr && (i + 1 >= n || p[i + 1] != lf)) { lines += 1 }
                i += 1
            }
            if i < n {
                let b = p[i]
                if b != comma && b != lf && b != cr {
                    r.problem = .textAfterClosingQuote
                    r.problemLines = lines
                    return
                }
            }
        } else {
            i = unquotedFieldEnd(p, n, i)
        }
        fields += 1
        if i >= n { break }
        let b = p[i]
        i += 1
        if b == comma { continue }
        if b == cr && i < n && p[i] == lf { i += 1 }
        lines += 1
        break
    }
    r.next = i
    r.fields = fields
    r.lines = lines
}

/// Eight bytes at a time: a word's bytes, and masks with the high bit set in exactly the bytes equal to
/// a given byte (a byte of `w ^ c·0x0101…` is zero exactly where `w` holds `c`; no carry crosses bytes,
/// so there are no false matches). Little-endian order: byte k of the word is bits 8k…8k+7.
enum ByteMasks {
    @inline(__always)
    static func load(_ p: UnsafePointer<UInt8>, _ i: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
    }

    @inline(__always)
    static func equal(_ w: UInt64, _ byte: UInt8) -> UInt64 {
        let x = w ^ (0x0101_0101_0101_0101 &* UInt64(byte))
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((x & low7) &+ low7) | x | low7)
    }
}

/// The offset of the first comma, LF or CR at or after `start` (or `n`): the end of an unquoted field.
@inline(__always)
func unquotedFieldEnd(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int {
    var i = start
    while i + 8 <= n {
        let w = ByteMasks.load(p, i)
        let m = ByteMasks.equal(w, comma) | ByteMasks.equal(w, lf) | ByteMasks.equal(w, cr)
        if m != 0 { return i + m.trailingZeroBitCount >> 3 }
        i += 8
    }
    while i < n {
        let b = p[i]
        if b <= comma && (b == comma || b == lf || b == cr) { return i }
        i += 1
    }
    return n
}

/// A place to resume scanning: the start of a data row, with its record and line counts relative to
/// the start of its segment.
struct Checkpoint {
    var offset: Int
    var record: Int
    var line: Int
}

/// Rows between checkpoints.
let checkpointInterval = 64

/// A record-aligned stretch of the data, scanned as one unit.
struct Segment {
    var start: Int
    var end: Int
    /// Index of the segment's first data row, its spreadsheet row number and its physical line.
    var firstRow = 0
    var firstRecord = 0
    var firstLine = 0
    var rowCount = 0
    var recordCount = 0
    var lineCount = 0
    var checkpoints: [Checkpoint] = []
    /// The first structural problem (offset of the record, its kind, line relative to the segment start).
    var problem: (offset: Int, kind: StructureProblem, line: Int)? = nil
}

/// Scans the records that start in [start, limit) (the last may run past `limit`).
func scanSegment(_ p: UnsafePointer<UInt8>, _ n: Int, start: Int, limit: Int, width: Int,
                 onProgress: ((Int) -> Void)? = nil) -> Segment {
    var seg = Segment(start: start, end: start)
    seg.checkpoints.reserveCapacity(max(16, (limit - start) / (checkpointInterval * 8)))
    var i = start
    var shape = RecordShape()
    var rows = 0, records = 0, lines = 0
    var nextReport = start + (1 << 22)
    while i < limit && i < n {
        let b0 = p[i]
        if rows % checkpointInterval == 0 && b0 != lf && b0 != cr
            && (seg.checkpoints.count * checkpointInterval == rows)
        {
            seg.checkpoints.append(Checkpoint(offset: i, record: records, line: lines))
        }
        scanRecord(p, n, i, &shape)
        if let problem = shape.problem {
            seg.problem = (i, problem, lines + shape.problemLines)
            break
        }
        if !shape.blank {
            if shape.fields != width {
                seg.problem = (i, .fieldCount(found: shape.fields), lines)
                break
            }
            rows += 1
        }
        records += 1
        lines += shape.lines
        i = shape.next
        if i >= nextReport, let onProgress {
            onProgress(i)
            nextReport = i + (1 << 22)
        }
    }
    seg.end = i
    seg.rowCount = rows
    seg.recordCount = records
    seg.lineCount = lines
    return seg
}

/// Offset of the first byte that does not start a valid UTF-8 sequence in [start, end) (overlong
/// forms, surrogates and code points above U+10FFFF are invalid), or nil. A sequence may run past
/// `end` up to `n`.
func firstInvalidUTF8(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ n: Int) -> Int? {
    var i = start
    while i < end {
        // Eight ASCII bytes at a time.
        if i + 8 <= end {
            let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            if word & 0x8080_8080_8080_8080 == 0 { i += 8; continue }
        }
        let c = p[i]
        if c < 0x80 { i += 1; continue }
        var need = 0
        var cp: UInt32 = 0
        var minimum: UInt32 = 0
        if c & 0xE0 == 0xC0 { need = 1; cp = UInt32(c & 0x1F); minimum = 0x80 }
        else if c & 0xF0 == 0xE0 { need = 2; cp = UInt32(c & 0x0F); minimum = 0x800 }
        else if c & 0xF8 == 0xF0 { need = 3; cp = UInt32(c & 0x07); minimum = 0x10000 }
        else { return i }
        if i + need >= n { return i }
        for k in 1...need {
            let cc = p[i + k]
            if cc & 0xC0 != 0x80 { return i }
            cp = cp << 6 | UInt32(cc & 0x3F)
        }
        if cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) { return i }
        i += need + 1
    }
    return nil
}

/// `firstInvalidUTF8` over a whole buffer (kept for callers holding a buffer).
func firstInvalidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
    guard let p = b.baseAddress else { return nil }
    return firstInvalidUTF8(p, 0, b.count, b.count)
}

/// Physical line breaks (LF, CRLF or a lone CR) in [start, end).
func lineBreaks(_ p: UnsafePointer<UInt8>, _ n: Int, from start: Int, to end: Int) -> Int {
    var count = 0
    var i = start
    while i < end {
        let b = p[i]
        if b == lf { count += 1 } else if b == cr && (i + 1 >= n || p[i + 1] != lf) { count += 1 }
        i += 1
    }
    return count
}

// MARK: - Column scan

/// Receives cells of the chosen columns during a column scan. `slot` is the column's position in the
/// request; `escaped` says the quoted field holds doubled quotes (its raw bytes are not its text).
protocol CellSink {
    mutating func take(row: Int, slot: Int, _ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, escaped: Bool)
}

/// Hands the cells of `columns` (ascending field indices) of every row in `segment` to `sink`.
@inline(__always)
func scanCells<Sink: CellSink>(_ p: UnsafePointer<UInt8>, _ n: Int, _ segment: Segment,
                               columns: UnsafeBufferPointer<Int>, sink: inout Sink) {
    var i = segment.start
    let end = segment.end
    var row = segment.firstRow
    let wanted = columns.count
    while i < end {
        let b0 = p[i]
        if b0 == lf { i += 1; continue }
        if b0 == cr { i += (i + 1 < n && p[i + 1] == lf) ? 2 : 1; continue }
        var field = 0
        var slot = 0
        var nextWanted = wanted > 0 ? columns[0] : Int.max
        // Fast path, as in `scanRecord`: while no quote or CR comes before the record's LF, fields are
        // found from the comma and LF masks of eight bytes at a time; at the first word that holds one,
        // the byte-by-byte loop below takes over at the current field's start.
        var fieldStart = i, j = i, recordDone = false
        while j + 8 <= n {
            let w = ByteMasks.load(p, j)
            let lfs = ByteMasks.equal(w, lf)
            let stop: UInt64 = lfs != 0 ? (1 << UInt64(lfs.trailingZeroBitCount)) &- 1 : ~0
            if (ByteMasks.equal(w, quote) | ByteMasks.equal(w, cr)) & stop != 0 { break }
            var commas = ByteMasks.equal(w, comma) & stop
            while commas != 0 {
                let e = j + commas.trailingZeroBitCount >> 3
                if field == nextWanted {
                    sink.take(row: row, slot: slot, p, fieldStart, e, escaped: false)
                    slot += 1
                    nextWanted = slot < wanted ? columns[slot] : Int.max
                }
                field += 1
                fieldStart = e + 1
                commas &= commas &- 1
            }
            if lfs != 0 {
                let e = j + lfs.trailingZeroBitCount >> 3
                if field == nextWanted { sink.take(row: row, slot: slot, p, fieldStart, e, escaped: false) }
                i = e + 1
                recordDone = true
                break
            }
            j += 8
        }
        if recordDone { row += 1; continue }
        i = fieldStart
        while true {
            var s = i
            var e: Int
            var escaped = false
            if i < n && p[i] == quote {
                i += 1
                s = i
                while true {
                    if p[i] == quote {
                        if i + 1 < n && p[i + 1] == quote { escaped = true; i += 2; continue }
                        break
                    }
                    i += 1
                }
                e = i
                i += 1
            } else {
                i = unquotedFieldEnd(p, n, i)
                e = i
            }
            if field == nextWanted {
                sink.take(row: row, slot: slot, p, s, e, escaped: escaped)
                slot += 1
                nextWanted = slot < wanted ? columns[slot] : Int.max
            }
            field += 1
            if i >= n { break }
            let b = p[i]
            i += 1
            if b == comma { continue }
            if b == cr && i < n && p[i] == lf { i += 1 }
            break
        }
        row += 1
    }
}

/// The text of a field: its bytes, with doubled quotes undone when `escaped`.
func fieldText(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, escaped: Bool) -> String {
    let raw = UnsafeBufferPointer(start: p + s, count: e - s)
    if !escaped { return String(decoding: raw, as: UTF8.self) }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(e - s)
    var i = 0
    while i < raw.count {
        bytes.append(raw[i])
        if raw[i] == quote && i + 1 < raw.count && raw[i + 1] == quote { i += 2 } else { i += 1 }
    }
    return String(decoding: bytes, as: UTF8.self)
}

@inline(__always)
func trimmed(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (Int, Int) {
    var s = start, e = end
    while s < e && (p[s] == 0x20 || p[s] == 0x09) { s += 1 }
    while e > s && (p[e - 1] == 0x20 || p[e - 1] == 0x09) { e -= 1 }
    return (s, e)
}

@inline(__always)
func isMissingTrimmed(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
    e == s || (e - s == 2 && p[s] == 0x4E && p[s + 1] == 0x41)  // "" or "NA"
}

/// 1/0, TRUE/FALSE, True/False, true/false, T/F in p[s..<e] (already trimmed).
@inline(__always)
func parseEvent(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool? {
    let n = e - s
    if n == 1 {
        switch p[s] {
        case 0x31, 0x54: return true    // 1, T
        case 0x30, 0x46: return false   // 0, F
        default: return nil
        }
    }
    let text = UnsafeBufferPointer(start: p + s, count: n)
    if n == 4 {
        if text.elementsEqual("TRUE".utf8) || text.elementsEqual("True".utf8) || text.elementsEqual("true".utf8) {
            return true
        }
    } else if n == 5 {
        if text.elementsEqual("FALSE".utf8) || text.elementsEqual("False".utf8) || text.elementsEqual("false".utf8) {
            return false
        }
    }
    // A number equal to 1 or 0 written otherwise (`1.0`, `0.0` of a spreadsheet or pandas export).
    switch parseDouble(UnsafeBufferPointer(start: p, count: e), s, e) {
    case 1: return true
    case 0: return false
    default: return nil
    }
}

/// Runs `body(k)` for k in 0..<count on all cores (inline when count is 1).
func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    if count == 1 { body(0); return }
    withoutActuallyEscaping(body) { body in
        let box = UncheckedBox(body)
        DispatchQueue.concurrentPerform(iterations: count) { box.value($0) }
    }
}

struct UncheckedBox<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
