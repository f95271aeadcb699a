import Foundation
import Tabular

/// A SAS transport file (XPORT version 5, the format FDA submissions use): the variables and values of
/// its first data set, read without SAS.
///
/// ```swift
/// let xpt = try SASTransportFile(contentsOf: URL(fileURLWithPath: "adtte.xpt"))
/// xpt.datasetName                   // "ADTTE"
/// xpt.variables.map(\.name)         // ["STUDYID", "USUBJID", "PARAMCD", "AVAL", "CNSR", …]
/// xpt.columns[3]                    // .numbers([…])
/// ```
///
/// **Layout** (SAS TS-140). 80-byte records: a library header and two records of library data; per member
/// a member header, a descriptor header, two records of member data, a NAMESTR header whose bytes 54–57
/// give the number of variables, one 140-byte NAMESTR per variable (136 on VAX/VMS) packed across records
/// and padded to a record boundary, an OBS header, then the observations packed back to back and the
/// last record padded with spaces. A NAMESTR holds the type (1 numeric, 2 character), the length, the
/// name (8 bytes), the label (40) and the variable's byte offset in an observation, all integers big-endian.
///
/// **Numbers** are IBM System/370 hexadecimal floating point, big-endian, 2 to 8 bytes (shorter ones are
/// the leading bytes of the 8-byte form): sign bit, a 7-bit exponent of 16 biased by 64, a 56-bit
/// fraction; the value is ±0.fraction × 16^(exponent − 64), converted here with one rounding to the
/// nearest double. A missing value is `.` (0x2E), `_` or `A`–`Z` (special missing) followed by zero bytes;
/// all are read as missing. Character values are trimmed of trailing spaces; an empty one is missing.
/// Only the first member is read (an ADaM transport file holds one data set).
public struct SASTransportFile: Sendable {
    /// One variable's description.
    public struct Variable: Sendable, Equatable {
        /// The variable name (up to 8 characters).
        public var name: String
        /// The variable label (up to 40 characters).
        public var label: String
        /// Numeric (IBM floating point) or character.
        public var isNumeric: Bool
        /// Bytes per value.
        public var length: Int
        /// Byte offset of the value within an observation.
        public var position: Int
    }

    /// One variable's values.
    public enum Column: Sendable, Equatable {
        /// Numeric values; nil is missing.
        case numbers([Double?])
        /// Character values, trailing spaces removed; nil is missing (blank).
        case strings([String?])
    }

    /// The member (data set) name, e.g. "ADTTE".
    public let datasetName: String
    /// The variables in file order.
    public let variables: [Variable]
    /// One column per variable.
    public let columns: [Column]
    /// Number of observations.
    public let rowCount: Int

    /// Reads a transport file.
    ///
    /// - Parameter url: A file URL; messages name its last path component.
    /// - Throws: `TabularError.unreadableFile(file:reason:)` for an unreadable file or one that is not
    ///   a version 5 transport file (the reason says which record is wrong).
    /// - Complexity: O(file size).
    public init(contentsOf url: URL) throws {
        try self.init(bytes: try AnalysisInput.fileBytes(url), sourceName: url.lastPathComponent)
    }

    /// Parses the bytes of a transport file.
    ///
    /// - Parameters:
    ///   - bytes: The whole file.
    ///   - sourceName: Name used in messages.
    /// - Throws: `TabularError.unreadableFile(file:reason:)` when the bytes are not a version 5 transport file.
    /// - Complexity: O(bytes.count).
    public init(bytes: [UInt8], sourceName: String) throws {
        func fail(_ reason: String) -> TabularError {
            .unreadableFile(file: sourceName, reason: "not a readable SAS transport (XPORT v5) file: \(reason)")
        }
        func text(_ start: Int, _ length: Int) -> String {
            guard start >= 0, start + length <= bytes.count else { return "" }
            return String(decoding: bytes[start..<(start + length)], as: UTF8.self)
        }
        func header(_ offset: Int, _ kind: String) -> Bool {
            text(offset, 48)
                == "HEADER RECORD*******\(kind.padding(toLength: 8, withPad: " ", startingAt: 0))HEADER RECORD!!!!!!!"
        }
        func integer(_ start: Int, _ length: Int) -> Int {
            var v = 0
            for k in 0..<length { v = v << 8 | Int(bytes[start + k]) }
            return v
        }
        guard bytes.count >= 80 * 8 else { throw fail("the file is shorter than the headers (\(bytes.count) bytes)") }
        if text(0, 48) == "HEADER RECORD*******LIB8    HEADER RECORD!!!!!!!" {
            throw fail("this is a version 8 transport file (only version 5 is read; write it with version = 5)")
        }
        guard header(0, "LIBRARY") else { throw fail("the first record is not a LIBRARY header") }
        guard header(240, "MEMBER") else { throw fail("record 4 is not a MEMBER header") }
        let namestrLength = Int(text(240 + 74, 4).trimmingCharacters(in: .whitespaces)) ?? 140
        guard namestrLength == 140 || namestrLength == 136 else { throw fail("NAMESTR length \(namestrLength)") }
        guard header(320, "DSCRPTR") else { throw fail("record 5 is not a DSCRPTR header") }
        let dataset = text(400 + 8, 8).trimmingCharacters(in: .whitespaces)
        guard header(560, "NAMESTR") else { throw fail("record 8 is not a NAMESTR header") }
        guard let count = Int(text(560 + 54, 4)), count > 0 else {
            throw fail("no variable count in the NAMESTR header")
        }
        let namesStart = 640
        let namesEnd = namesStart + ((count * namestrLength + 79) / 80) * 80
        guard namesEnd + 80 <= bytes.count else { throw fail("the file ends inside the variable descriptions") }
        var vars: [Variable] = []
        for k in 0..<count {
            let o = namesStart + k * namestrLength
            let type = integer(o, 2)
            guard type == 1 || type == 2 else { throw fail("variable \(k + 1) has type \(type) (1 or 2 expected)") }
            let length = integer(o + 4, 2)
            let position = integer(o + 84, 4)
            vars.append(Variable(name: text(o + 8, 8).trimmingCharacters(in: .whitespaces),
                                 label: text(o + 16, 40).trimmingCharacters(in: .whitespaces),
                                 isNumeric: type == 1, length: length, position: position))
            if type == 1 && !(2...8).contains(length) {
                throw fail("numeric variable \(vars[k].name) has length \(length) (2 to 8 allowed)")
            }
        }
        guard header(namesEnd, "OBS") else { throw fail("no OBS header after the variable descriptions") }
        let obsLength = vars.map { $0.position + $0.length }.max() ?? 0
        guard obsLength > 0 else { throw fail("observations of length 0") }
        let start = namesEnd + 80
        // The data end at the next MEMBER header (a second data set) or at the end of the file.
        var end = bytes.count
        var r = start
        while r + 80 <= bytes.count {
            if header(r, "MEMBER") { end = r; break }
            r += 80
        }
        var rows = (end - start) / obsLength
        // The last record is padded with spaces: drop trailing "observations" made only of padding.
        while rows > 0 {
            let o = start + (rows - 1) * obsLength
            if end - o - obsLength < 80 && bytes[o..<(o + obsLength)].allSatisfy({ $0 == 0x20 }) {
                rows -= 1
            } else {
                break
            }
        }
        var cols: [Column] = []
        for v in vars {
            if v.isNumeric {
                var values = [Double?](repeating: nil, count: rows)
                for i in 0..<rows {
                    let o = start + i * obsLength + v.position
                    values[i] = SASTransportFile.ibmDouble(bytes[o..<(o + v.length)])
                }
                cols.append(.numbers(values))
            } else {
                var values = [String?](repeating: nil, count: rows)
                for i in 0..<rows {
                    let o = start + i * obsLength + v.position
                    var e = o + v.length
                    while e > o && (bytes[e - 1] == 0x20 || bytes[e - 1] == 0) { e -= 1 }
                    values[i] = e == o ? nil : String(decoding: bytes[o..<e], as: UTF8.self)
                }
                cols.append(.strings(values))
            }
        }
        datasetName = dataset
        variables = vars
        columns = cols
        rowCount = rows
    }

    /// The value of an IBM System/370 floating-point number of 2–8 big-endian bytes; nil for a SAS
    /// missing value (`.`, `_`, `A`–`Z` followed by zero bytes).
    ///
    /// ```swift
    /// SASTransportFile.ibmDouble([0x41, 0x10, 0, 0, 0, 0, 0, 0])   // 1.0
    /// SASTransportFile.ibmDouble([0x2E, 0, 0, 0, 0, 0, 0, 0])      // nil
    /// ```
    ///
    /// - Complexity: O(1).
    public static func ibmDouble<C: Collection>(_ bytes: C) -> Double? where C.Element == UInt8 {
        var b = [UInt8](bytes)
        while b.count < 8 { b.append(0) }
        let rest = b[1...].allSatisfy { $0 == 0 }
        if rest && (b[0] == 0x2E || b[0] == 0x5F || (0x41...0x5A).contains(b[0])) { return nil }
        var fraction: UInt64 = 0
        for k in 1..<8 { fraction = fraction << 8 | UInt64(b[k]) }
        if fraction == 0 { return 0 }
        let exponent = Int(b[0] & 0x7F) - 64
        // one rounding (56 → 53 bits); the power of two scales exactly
        return Double(sign: b[0] & 0x80 != 0 ? .minus : .plus, exponent: 4 * exponent - 56,
                      significand: Double(fraction))
    }
}
