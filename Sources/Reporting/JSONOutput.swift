import Foundation

/// JSON text for any `Encodable` value, with every non-finite number (NaN, ±∞) written as `null`.
///
/// ```swift
/// struct Row: Encodable { var median: Double }
/// try JSONOutput.string(Row(median: .nan))   // {"median":null}
/// ```
///
/// Numbers keep full precision (the shortest text that reads back as the same double). Keys keep
/// the names the types give them.
public enum JSONOutput {
    private static let marker = "\u{1}nonfinite"

    /// Encodes `value`.
    ///
    /// - Parameters:
    ///   - value: The value.
    ///   - pretty: Indented output with sorted keys (for files people read); compact otherwise.
    /// - Returns: The JSON text.
    public static func string<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: marker, negativeInfinity: marker, nan: marker)
        let data = try encoder.encode(value)
        let text = String(decoding: data, as: UTF8.self)
        return text.replacingOccurrences(of: "\"\\u0001nonfinite\"", with: "null")
    }
}
