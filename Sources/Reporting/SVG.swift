import Foundation
import Tabular

/// Small building blocks shared by the SVG renderers: escaping, byte-stable numbers, element
/// builders, a colour-blind-safe palette, axis ticks and a rough text-width estimate for layout.
///
/// Everything here is deterministic: coordinates are written with at most two decimals by
/// `NumberFormat`, never by `String(format:)` or locale-dependent formatters.
/// The printed width of a figure: a journal's single (85 mm) or double (175 mm) column, or any
/// width. The drawing is laid out on a canvas as many units wide as needed for its smallest text to
/// print at `smallestTextPoints` (7 pt by default) at that width; the SVG's `width` and `height` are
/// in millimetres and its `viewBox` in those units.
///
/// ```swift
/// SurvivalPlot(title: "", xLabel: "Months", yLabel: "Survival", series: s, size: .singleColumn)
/// ```
public struct FigureSize: Sendable, Equatable {
    /// Printed width, mm.
    public var millimetres: Double
    /// Width of the drawing (viewBox) in its own units.
    public var units: Double

    /// A size `millimetres` wide whose smallest text prints at `smallestTextPoints`.
    ///
    /// - Parameters:
    ///   - millimetres: Printed width.
    ///   - smallestTextPoints: Size of the smallest text when printed at that width.
    ///
    /// - Complexity: O(1).
    public init(millimetres: Double, smallestTextPoints: Double = 7) {
        self.millimetres = millimetres
        self.units = (millimetres / 25.4 * 72 * SVG.smallestFont / smallestTextPoints).rounded()
    }

    /// A journal's single column: 85 mm.
    public static let singleColumn = FigureSize(millimetres: 85)
    /// A journal's double column (full page width): 175 mm.
    public static let doubleColumn = FigureSize(millimetres: 175)
}

enum SVG {
    // MARK: Escaping

    /// `text` with `& < > " '` replaced by entities, safe in element content and in attribute values.
    static func escape(_ text: String) -> String {
        // Most attribute values (coordinates, path data, colours) need nothing: checked on the bytes.
        let clean = text.utf8.allSatisfy { b in
            b >= 0x20 ? (b != 0x26 && b != 0x3C && b != 0x3E && b != 0x22 && b != 0x27) : (b == 0x09 || b == 0x0A)
        }
        if clean { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab / line feed are not allowed in XML 1.0.
                if ch.value < 0x20 && ch != "\t" && ch != "\n" { out += " " } else { out.unicodeScalars.append(ch) }
            }
        }
        return out
    }

    // MARK: Numbers

    /// A coordinate with at most `decimals` decimals, trailing zeros dropped ("12.5", "100", "0"), by
    /// `NumberFormat.trimmed(_:maxDecimals:)`. Non-finite values become "0" (callers filter them out before
    /// drawing); coordinates are clamped to ±9e14, far outside any drawing.
    static func num(_ value: Double, decimals: Int = 2) -> String {
        guard value.isFinite else { return "0" }
        return NumberFormat.trimmed(min(max(value, -9e14), 9e14), maxDecimals: decimals)
    }

    /// Tick labels for `values` with the fewest decimals (0–4) that tell them apart and show them
    /// exactly enough ("0", "6", "12"; "0.0", "0.2"; "0.25", "0.50").
    static func tickLabels(_ values: [Double], scale: Double = 1) -> [String] {
        let scaled = values.map { $0 * scale }
        var decimals = 0
        while decimals < 4 {
            let p = pow(10.0, Double(decimals))
            if scaled.allSatisfy({ !$0.isFinite || abs(($0 * p).rounded() - $0 * p) < 1e-6 }) { break }
            decimals += 1
        }
        return scaled.map { NumberFormat.fixed($0, decimals) }
    }

    // MARK: Elements

    /// `<name a="v" …/>` or `<name …>content</name>`; attribute values are escaped, `content` is
    /// inserted as given (escape text with ``escape(_:)`` or use ``text(_:_:)``).
    static func element(_ name: String, _ attributes: [(String, String)], content: String? = nil) -> String {
        var s = "<" + name
        for (k, v) in attributes { s += " " + k + "=\"" + escape(v) + "\"" }
        guard let content else { return s + "/>" }
        return s + ">" + content + "</" + name + ">"
    }

    /// A `<text>` element at (`x`, `y`) whose content is `string`, escaped.
    static func text(_ string: String, x: Double, y: Double, anchor: String = "start",
                     size: Double = 12, weight: String? = nil, fill: String = "#222222",
                     extra: [(String, String)] = []) -> String {
        var a: [(String, String)] = [("x", num(x)), ("y", num(y))]
        if anchor != "start" { a.append(("text-anchor", anchor)) }
        a.append(("font-size", num(size)))
        if let weight { a.append(("font-weight", weight)) }
        a.append(("fill", fill))
        a += extra
        return element("text", a, content: escape(string))
    }

    static func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = "#222222",
                     width: Double = 1, dash: String? = nil, extra: [(String, String)] = []) -> String {
        var a: [(String, String)] = [("x1", num(x1)), ("y1", num(y1)), ("x2", num(x2)), ("y2", num(y2)),
                                     ("stroke", stroke), ("stroke-width", num(width))]
        if let dash { a.append(("stroke-dasharray", dash)) }
        return element("line", a + extra)
    }

    static func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                     extra: [(String, String)] = []) -> String {
        element("rect", [("x", num(x)), ("y", num(y)), ("width", num(max(0, width))),
                         ("height", num(max(0, height))), ("fill", fill)] + extra)
    }

    /// The opening of a standalone, accessible SVG document: `<svg>` with viewBox, size, role,
    /// `<title>` and `<desc>`. Close it with `"</svg>\n"`.
    ///
    /// With a `size`, `width`/`height` are in millimetres (the viewBox keeps the drawing's units),
    /// so the figure prints at that width; without, they are the drawing's units (CSS pixels).
    static func open(id: String, width: Double, height: Double, title: String, description: String,
                     size: FigureSize? = nil) -> String {
        let w = num(width), h = num(height)
        let physical =
            size.map { s in (num(s.millimetres) + "mm", num(height * s.millimetres / width) + "mm") } ?? (w, h)
        return """
            <svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(w) \(h)\" width=\"\(physical.0)\" \
            height=\"\(physical.1)\"
            """
            + " role=\"img\" aria-labelledby=\"\(escape(id))-title \(escape(id))-desc\""
            + " font-family=\"sans-serif\">\n"
            + element("title", [("id", id + "-title")], content: escape(title)) + "\n"
            + element("desc", [("id", id + "-desc")], content: escape(description)) + "\n"
            + rect(x: 0, y: 0, width: width, height: height, fill: "#ffffff") + "\n"
    }

    /// A large, faint, diagonal mark across a `width` × `height` drawing ("SYNTHETIC"), drawn on
    /// top so that no part of the figure can be shown without it.
    static func watermark(_ text: String, width: Double, height: Double) -> String {
        let size = min(width / max(1, Double(text.count)) * 1.1, height / 3)
        let cx = width / 2, cy = height / 2
        return element(
            "text",
            [
                ("class", "watermark"), ("x", num(cx)), ("y", num(cy + size / 3)), ("text-anchor", "middle"),
                ("font-size", num(size)), ("font-weight", "bold"), ("fill", "#000000"),
                ("fill-opacity", "0.08"), ("letter-spacing", num(size / 10)),
                ("transform", "rotate(-25 \(num(cx)) \(num(cy)))"), ("pointer-events", "none"),
            ],
            content: escape(text)) + "\n"
    }

    /// `svg` (one of ours, or any SVG with a viewBox) with ``watermark(_:width:height:)`` added
    /// before its closing tag; unchanged when it already has one or has no viewBox.
    static func addingWatermark(_ text: String, to svg: String) -> String {
        guard !svg.contains("class=\"watermark\""), let close = svg.range(of: "</svg>", options: .backwards),
              let vb = svg.range(of: "viewBox=\"") else { return svg }
        let numbers = svg[vb.upperBound...].prefix { $0 != "\"" }.split(separator: " ").compactMap { Double($0) }
        guard numbers.count == 4 else { return svg }
        return String(svg[..<close.lowerBound]) + watermark(text, width: numbers[2], height: numbers[3])
            + String(svg[close.lowerBound...])
    }

    /// Which of the tick labels centred at `positions` to draw so that none overlap: greedy from
    /// the left with a gap of a third of the font size, the `keep` index (e.g. the reference 1)
    /// always drawn.
    static func visibleTicks(_ labels: [String], at positions: [Double], size: Double, keep: Int? = nil) -> [Bool] {
        let n = min(labels.count, positions.count)
        var shown = Array(repeating: false, count: n)
        var spans: [(Double, Double)] = []
        func span(_ i: Int) -> (Double, Double) {
            let half = textWidth(labels[i], size: size) / 2
            return (positions[i] - half, positions[i] + half)
        }
        func fits(_ s: (Double, Double)) -> Bool {
            spans.allSatisfy { s.1 + size / 3 <= $0.0 || s.0 >= $0.1 + size / 3 }
        }
        if let keep, keep < n { shown[keep] = true; spans.append(span(keep)) }
        for i in 0..<n where !shown[i] {
            let s = span(i)
            if fits(s) { shown[i] = true; spans.append(s) }
        }
        return shown
    }

    /// The smallest font size (drawing units) any of the figure renderers uses; ``FigureSize``
    /// scales the drawing so that this prints at the requested point size.
    static let smallestFont = 11.0

    /// A short, stable identifier for ids inside one SVG (so several SVGs can share an HTML page):
    /// `prefix` followed by the 32-bit FNV-1a hash of `key` in hex.
    static func identifier(_ prefix: String, key: String) -> String {
        var h: UInt32 = 2_166_136_261
        for b in key.utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        var hex = String(h, radix: 16)
        while hex.count < 8 { hex = "0" + hex }
        return prefix + "-" + hex
    }

    // MARK: Palette

    /// Okabe–Ito colours, ordered so the first ones are distinct on white and in grey scale
    /// (blue, vermillion, bluish green, reddish purple, orange, sky blue, black, yellow).
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    /// Dash patterns paired with the palette, so curves stay distinguishable when printed in grey.
    static let dashes: [String?] = [nil, "8 4", "2 3", "10 3 2 3", "4 4", "12 4 2 4 2 4", "1 4", "6 2 2 2"]

    static func colour(_ i: Int) -> String { palette[i % palette.count] }
    static func dash(_ i: Int) -> String? { dashes[i % dashes.count] }

    // MARK: Ticks

    /// About `count` round ticks (steps 1, 2, 2.5 or 5 × 10ᵏ) covering `lower…upper`.
    static func niceTicks(_ lower: Double, _ upper: Double, count: Int = 5) -> [Double] {
        guard lower.isFinite, upper.isFinite else { return [0, 1] }
        var lo = min(lower, upper), hi = max(lower, upper)
        if hi - lo < 1e-12 { lo -= 0.5; hi += 0.5 }
        let rough = (hi - lo) / Double(max(1, count - 1))
        let magnitude = pow(10.0, (log10(rough)).rounded(.down))
        let step =
            [1.0, 2.0, 2.5, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= rough * (1 - 1e-9) } ?? 10 * magnitude
        let first = (lo / step + 1e-9).rounded(.down), last = (hi / step - 1e-9).rounded(.up)
        return stride(from: first, through: last, by: 1).map { clean($0 * step) }
    }

    /// Ticks for a log axis covering `lower…upper` (both > 0): 1-2-5 per decade when the range is
    /// at most two decades, powers of ten otherwise. Always includes 1 when it is in range.
    static func logTicks(_ lower: Double, _ upper: Double) -> [Double] {
        let lo = min(lower, upper), hi = max(lower, upper)
        let decades = log10(hi) - log10(lo)
        let mantissas: [Double] = decades <= 2.2 ? [1, 2, 5] : [1]
        let startExp = Int((log10(lo) + 1e-9).rounded(.down)) - 1
        let endExp = Int((log10(hi) - 1e-9).rounded(.up)) + 1
        var candidates: [Double] = []
        for e in startExp...endExp { for m in mantissas { candidates.append(clean(m * pow(10.0, Double(e)))) } }
        let below = candidates.last { $0 <= lo * (1 + 1e-9) } ?? candidates[0]
        let above = candidates.first { $0 >= hi * (1 - 1e-9) } ?? candidates[candidates.count - 1]
        return candidates.filter { $0 >= below && $0 <= above }
    }

    /// `x` rounded to 12 significant digits, so 0.1 × 3 prints as 0.3.
    static func clean(_ x: Double) -> Double {
        guard x != 0, x.isFinite else { return x }
        let p = pow(10.0, 11 - (log10(abs(x))).rounded(.down))
        return (x * p).rounded() / p
    }

    // MARK: Text metrics

    /// A rough width of `text` in a generic sans-serif face at `size` px (DejaVu Sans-like advance
    /// widths, the widest common default); used only to make room for labels, so it errs wide.
    static func textWidth(_ text: String, size: Double) -> Double {
        var em = 0.0
        for ch in text {
            switch ch {
            case "i", "j", "l", "'", "|", ".", ",", ":", ";", "!": em += 0.30
            case "f", "t", "r", "I", " ", "\u{00A0}", "(", ")", "[", "]", "-", "/": em += 0.40
            case "m", "w", "M", "W", "%", "@": em += 0.96
            case "A"..."Z", "≥", "≤", "–", "—", "<", ">", "=", "+", "&": em += 0.74
            case "0"..."9": em += 0.64
            default: em += ch.isASCII ? 0.61 : 0.8
            }
        }
        return em * size
    }

    /// `text` broken into lines no wider than `width` at spaces (a longer single word stays whole).
    static func wrap(_ text: String, width: Double, size: Double) -> [String] {
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let candidate = current.isEmpty ? word : current + " " + word
            if current.isEmpty || textWidth(candidate, size: size) <= width { current = candidate } else {
                lines.append(current); current = word
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }
}
