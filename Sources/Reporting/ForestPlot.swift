import Foundation
import Tabular

/// A forest plot of hazard ratios (or any ratio) with confidence intervals on a log axis, one row
/// per term, with the estimate and P value printed beside it.
///
/// Limits that are infinite, NaN or outside the axis are drawn as an arrow at the axis edge; a term
/// whose estimate is not a positive finite number is shown as "not estimable". Nothing is estimated
/// here: the numbers come from the model fit.
///
/// ```swift
/// let plot = ForestPlot(title: "Extrahepatic failure", entries: [
///     .header("Univariate"),
///     .term(.init(label: "Age < 50", estimate: 2.1, lower: 1.1, upper: 4.0, p: 0.024)),
///     .term(.init(label: "AFP ≥ 200 and PIVKA-II ≥ 60", estimate: 2.6, lower: 1.3, upper: .infinity, p: 0.029)),
/// ])
/// let svg = plot.svg()
/// ```
public struct ForestPlot: Sendable {
    /// One model term.
    public struct Term: Sendable {
        /// The row label.
        public var label: String
        /// The point estimate (e.g. hazard ratio).
        public var estimate: Double
        /// Lower confidence limit (0, NaN or -∞: unbounded, drawn as an arrow).
        public var lower: Double
        /// Upper confidence limit (NaN or +∞: unbounded, drawn as an arrow).
        public var upper: Double
        /// The P value, or nil for none.
        public var p: Double?
        /// The reference level the estimate compares with (e.g. "< 50" for "Age ≥ 50"), printed
        /// after the label as "vs < 50"; nil for none.
        public var reference: String?

        /// Creates a term.
        ///
        /// ```swift
        /// ForestPlot.Term(label: "Prior TACE", estimate: 2.3, lower: 1.1, upper: 4.6, p: 0.020)
        /// ```
        ///
        /// - Parameters:
        ///   - label: The row label.
        ///   - estimate: The point estimate.
        ///   - lower: Lower confidence limit.
        ///   - upper: Upper confidence limit.
        ///   - p: The P value, or nil.
        ///   - reference: The reference level, printed as "vs …", or nil.
        ///
        /// - Complexity: O(1).
        public init(label: String, estimate: Double, lower: Double, upper: Double, p: Double? = nil,
                    reference: String? = nil) {
            self.reference = reference
            self.label = label
            self.estimate = estimate
            self.lower = lower
            self.upper = upper
            self.p = p
        }
    }

    /// A row: a bold group header, or a term (indented under the last header).
    public enum Entry: Sendable {
        /// A bold group heading such as "Univariate" (no marker).
        case header(String)
        /// A term with its estimate, interval and P value.
        case term(Term)
    }

    /// The figure title (also the SVG `<title>`); empty for none.
    public var title: String
    /// Rows, top to bottom.
    public var entries: [Entry]
    /// Axis label.
    public var xLabel: String
    /// Heading of the estimate column.
    public var estimateHeading: String
    /// Log-axis ticks (positive); empty for ticks covering the finite limits and the reference.
    public var ticks: [Double]
    /// Where the vertical reference line goes (no effect).
    public var reference: Double
    /// Decimals of the printed estimate and limits.
    public var decimals: Int
    /// Overall width in px; the height follows from the number of rows.
    public var width: Double
    /// Text for `<desc>`; nil for a generated description.
    public var description: String?
    /// Prefix for ids inside the SVG; nil for one derived from the title and labels.
    public var id: String?
    /// Printed size (single or double column); nil to size in px by `width`.
    public var size: FigureSize?
    /// Text of a faint diagonal mark across the figure (e.g. "SYNTHETIC"); nil for none.
    public var watermark: String?

    /// Creates a forest plot.
    ///
    /// ```swift
    /// ForestPlot(title: "Infield failure", entries: [.term(.init(label: "Prior treatment",
    ///            estimate: 2.3, lower: 1.1, upper: 4.6, p: 0.020))])
    /// ```
    ///
    /// - Parameters:
    ///   - title: The figure title (also the SVG `<title>`).
    ///   - entries: Rows, top to bottom.
    ///   - xLabel: Axis label.
    ///   - estimateHeading: Heading of the printed estimates.
    ///   - ticks: Log-axis ticks; empty for automatic ones.
    ///   - reference: Position of the reference line.
    ///   - decimals: Decimals of printed estimates.
    ///   - width: Overall width in px.
    ///   - description: Accessible description; nil to generate one.
    ///   - id: Id prefix for elements; nil to derive one.
    ///   - size: Printed size (`.singleColumn`, `.doubleColumn`); nil for `width` px.
    ///   - watermark: Text of a diagonal mark across the figure, or nil.
    ///
    /// - Complexity: O(1).
    public init(title: String, entries: [Entry], xLabel: String = "Hazard ratio (log scale)",
                estimateHeading: String = "HR (95% CI)", ticks: [Double] = [], reference: Double = 1,
                decimals: Int = 2, width: Double = 760, description: String? = nil, id: String? = nil,
                size: FigureSize? = nil, watermark: String? = nil) {
        self.size = size
        self.watermark = watermark
        self.title = title
        self.entries = entries
        self.xLabel = xLabel
        self.estimateHeading = estimateHeading
        self.ticks = ticks
        self.reference = reference
        self.decimals = decimals
        self.width = width
        self.description = description
        self.id = id
    }

    static func estimable(_ t: Term) -> Bool { t.estimate.isFinite && t.estimate > 0 }

    /// The printed interval: "2.10 (1.10–4.00)", with "NE" for a limit that is not finite and
    /// "not estimable" when the estimate is not.
    func estimateText(_ t: Term) -> String {
        guard Self.estimable(t) else { return "not estimable" }
        func f(_ v: Double, positive: Bool) -> String {
            v.isFinite && (!positive || v >= 0) ? NumberFormat.fixed(v, decimals) : "NE"
        }
        return "\(f(t.estimate, positive: true)) (\(f(t.lower, positive: true))–\(f(t.upper, positive: true)))"
    }

    /// The log-axis ticks actually used.
    var axisTicks: [Double] {
        let given = ticks.filter { $0.isFinite && $0 > 0 }.sorted()
        if given.count >= 2 { return given }
        // The axis covers the reference and every estimate; confidence limits extend it by at most
        // two decades beyond them (farther limits are drawn as arrows at the edge).
        var centres = [reference].filter { $0.isFinite && $0 > 0 }
        var limits: [Double] = []
        for case .term(let t) in entries where Self.estimable(t) {
            centres.append(t.estimate)
            limits += [t.lower, t.upper].filter { $0.isFinite && $0 > 0 }
        }
        guard let cLo = centres.min(), let cHi = centres.max() else { return [0.5, 1, 2] }
        let lo = max(min(cLo, limits.min() ?? cLo), cLo / 100), hi = min(max(cHi, limits.max() ?? cHi), cHi * 100)
        return SVG.logTicks(lo, hi == lo ? lo * 2 : hi)
    }

    /// The rendered plot: a standalone `<svg>` document ending with a line break.
    ///
    /// ```swift
    /// let svg = plot.svg()
    /// ```
    ///
    /// - Returns: SVG text with `viewBox`, `width`, `height`, `<title>` and `<desc>`.
    ///
    /// - Complexity: O(number of entries).
    public func svg() -> String {
        let width = size?.units ?? self.width
        let font = 12.0, rowHeight = 22.0, indent = 14.0
        let ticks = axisTicks
        let tickText = ticks.map { NumberFormat.significant($0, 3) }
        let hasHeaders = entries.contains { if case .header = $0 { return true } else { return false } }

        // Labels wrap so that the label column takes at most 40% of the width.
        let labelLimit = width * 0.4 - 28
        let labelLines: [[String]] = entries.map { e in
            switch e {
            case .header(let h): return SVG.wrap(h, width: labelLimit / 1.08, size: font)
            case .term(let t):
                return SVG.wrap(t.label + referenceText(t), width: labelLimit - (hasHeaders ? indent : 0), size: font)
            }
        }
        let labelWidth = zip(entries, labelLines).map { e, lines -> Double in
            let w = lines.map { SVG.textWidth($0, size: font) }.max() ?? 0
            if case .header = e { return w * 1.08 }
            return w + (hasHeaders ? indent : 0)
        }.max() ?? 0
        let lineHeight = 14.0
        let rowHeights = labelLines.map { rowHeight + Double(max(0, $0.count - 1)) * lineHeight }
        let rowTops = rowHeights.indices.map { i in rowHeights[..<i].reduce(0, +) }
        let terms = entries.compactMap { if case .term(let t) = $0 { return t } else { return nil } }
        let estWidth = max(SVG.textWidth(estimateHeading, size: font),
                           terms.map { SVG.textWidth(estimateText($0), size: font) }.max() ?? 0)
        let pWidth = max(SVG.textWidth("P", size: font), terms.compactMap { $0.p }.map {
            SVG.textWidth(NumberFormat.pValue($0), size: font) }.max() ?? 0)
        let left = 12 + labelWidth + 16
        let pRight = width - 12
        let estLeft = pRight - pWidth - 20 - estWidth
        let plotLeft = left + 10, plotRight = max(plotLeft + 120, estLeft - 24)

        let logLo = log10(ticks.first ?? 0.5), logHi = log10(ticks.last ?? 2)
        func x(_ v: Double) -> Double {
            plotLeft + (log10(v) - logLo) / (logHi - logLo) * (plotRight - plotLeft)
        }

        var y = 12.0, body = ""
        if !title.isEmpty {
            for (k, line) in SVG.wrap(title, width: width - 12 - 12, size: 16 * 1.1).enumerated() {
                y += k == 0 ? 18 : 20
                body += SVG.text(line, x: 12, y: y, size: 16, weight: "bold", extra: [("class", "title")]) + "\n"
            }
        }
        let headY = y + 26
        body += SVG.text(estimateHeading, x: estLeft, y: headY, size: font, weight: "bold") + "\n"
        body += SVG.text("P", x: pRight, y: headY, anchor: "end", size: font, weight: "bold",
                         extra: [("font-style", "italic")]) + "\n"
        let top = headY + 8
        let bottom = top + rowHeights.reduce(0, +) + 6
        let height = bottom + 50

        let figureID = id ?? SVG.identifier("pof-forest", key: title + "|" + terms.map(\.label).joined(separator: "|"))
        var out = SVG.open(id: figureID, width: width, height: height, title: title,
                           description: description ?? generatedDescription(), size: size)
        out += body

        // Axis.
        out += "<g class=\"axes\">\n"
        out += SVG.line(x1: plotLeft, y1: bottom, x2: plotRight, y2: bottom) + "\n"
        let shown = SVG.visibleTicks(tickText, at: ticks.map(x), size: font,
                                     keep: ticks.firstIndex { abs($0 - reference) < 1e-12 * max(1, reference) })
        for (i, t) in ticks.enumerated() {
            out += SVG.line(x1: x(t), y1: bottom, x2: x(t), y2: bottom + (shown[i] ? 5 : 3)) + "\n"
            if shown[i] {
                out += SVG.text(tickText[i], x: x(t), y: bottom + 19, anchor: "middle", size: font,
                                extra: [("class", "x-tick")]) + "\n"
            }
        }
        out += SVG.text(xLabel, x: (plotLeft + plotRight) / 2, y: bottom + 40, anchor: "middle", size: 13,
                        extra: [("class", "x-label")]) + "\n"
        if reference.isFinite, reference > 0, let f = ticks.first, let l = ticks.last, reference >= f, reference <= l {
            out += SVG.line(x1: x(reference), y1: top, x2: x(reference), y2: bottom, stroke: "#888888",
                            dash: "4 3", extra: [("class", "reference")]) + "\n"
        }
        out += "</g>\n"

        // Rows.
        let lo = ticks.first ?? 0.5, hi = ticks.last ?? 2
        for (r, entry) in entries.enumerated() {
            let cy = top + rowTops[r] + rowHeights[r] / 2
            let ty = cy + 4
            let lines = labelLines[r]
            let firstLineY = ty - Double(lines.count - 1) * lineHeight / 2
            switch entry {
            case .header:
                for (k, line) in lines.enumerated() {
                    out += SVG.text(line, x: 12, y: firstLineY + Double(k) * lineHeight, size: font, weight: "bold",
                                    extra: [("class", "group-header")]) + "\n"
                }
            case .term(let t):
                out += "<g class=\"term\">"
                for (k, line) in lines.enumerated() {
                    out += SVG.text(
                        line, x: 12 + (hasHeaders ? indent : 0), y: firstLineY + Double(k) * lineHeight, size: font,
                        extra: [("class", "term-label")])
                }
                out += SVG.text(estimateText(t), x: estLeft, y: ty, size: font,
                                fill: Self.estimable(t) ? "#222222" : "#666666")
                if let p = t.p { out += SVG.text(NumberFormat.pValue(p), x: pRight, y: ty, anchor: "end", size: font) }
                if Self.estimable(t) {
                    let lowOpen = !(t.lower.isFinite && t.lower > 0) || t.lower < lo
                    let highOpen = !t.upper.isFinite || t.upper > hi
                    let e = min(max(t.estimate, lo), hi)
                    let x0 = lowOpen ? plotLeft : x(min(t.lower, hi))
                    let x1 = highOpen ? plotRight : x(max(t.upper, lo))
                    out += SVG.line(x1: x0, y1: cy, x2: x1, y2: cy, stroke: "#222222", width: 1.5,
                                    extra: [("class", "ci")])
                    if lowOpen { out += arrow(at: plotLeft, y: cy, pointingLeft: true) }
                    if highOpen { out += arrow(at: plotRight, y: cy, pointingLeft: false) }
                    if t.estimate >= lo && t.estimate <= hi {
                        out += SVG.rect(x: x(e) - 4.5, y: cy - 4.5, width: 9, height: 9, fill: SVG.colour(0),
                                        extra: [("class", "estimate")])
                    }
                } else {
                    out += SVG.text(
                        "not estimable", x: (plotLeft + plotRight) / 2, y: ty, anchor: "middle",
                        size: 11, fill: "#666666", extra: [("font-style", "italic"), ("class", "not-estimable")])
                }
                out += "</g>\n"
            }
        }
        if let watermark, !watermark.isEmpty { out += SVG.watermark(watermark, width: width, height: height) }
        return out + "</svg>\n"
    }

    /// " vs <reference>" for a term with a reference level, else "".
    func referenceText(_ t: Term) -> String {
        guard let r = t.reference, !r.isEmpty else { return "" }
        return " vs " + r
    }

    private func arrow(at x: Double, y: Double, pointingLeft: Bool) -> String {
        let s = pointingLeft ? 1.0 : -1.0
        let d = """
            M\(SVG.num(x)) \(SVG.num(y))L\(SVG.num(x + 7 * s)) \(SVG.num(y - 4))L\(SVG.num(x + 7 * s)) \
            \(SVG.num(y + 4))Z
            """
        return SVG.element("path", [("class", "arrow"), ("d", d), ("fill", "#222222")])
    }

    private func generatedDescription() -> String {
        var rows: [String] = []
        for case .term(let t) in entries {
            rows.append(
                "\(t.label)\(referenceText(t)): \(estimateText(t))"
                    + (t.p.map { ", P \(NumberFormat.pValue($0))" } ?? ""))
        }
        return "Forest plot of \(estimateHeading) on a log scale with a reference line at "
            + "\(NumberFormat.significant(reference, 3)). " + rows.joined(separator: "; ") + "."
    }
}
