import Foundation
import Tabular

/// A grouped horizontal bar chart, one band per category and one bar per group, each bar labelled
/// with its text (typically "n (%)").
///
/// Bars run horizontally so long category names ("intrahepatic-outfield + extrahepatic") stay
/// readable. Groups are coloured Okabe–Ito; every second group is also hatched, so the chart reads
/// in grey scale.
///
/// ```swift
/// let chart = BarChart(
///     title: "Patterns of failure", categories: ["Infield", "Intrahepatic-outfield", "Extrahepatic"],
///     groups: [.counts("At 3 months", [10, 25, 12], of: 138), .counts("Overall", [46, 70, 58], of: 138)],
///     valueLabel: "Patients (%)")
/// let svg = chart.svg()
/// ```
public struct BarChart: Sendable {
    /// One group of bars (one bar per category).
    public struct Group: Sendable {
        /// The legend label.
        public var label: String
        /// Bar lengths, one per category, in the units of the value axis; NaN draws no bar.
        public var values: [Double]
        /// Text next to each bar, one per category (missing entries: no text).
        public var valueLabels: [String]

        /// Creates a group from bar lengths and their labels.
        ///
        /// ```swift
        /// BarChart.Group(label: "Overall", values: [33.3, 50.7], valueLabels: ["46 (33.3%)", "70 (50.7%)"])
        /// ```
        ///
        /// - Parameters:
        ///   - label: The legend label.
        ///   - values: Bar lengths, one per category.
        ///   - valueLabels: Text drawn after each bar.
        ///
        /// - Complexity: O(1).
        public init(label: String, values: [Double], valueLabels: [String]) {
            self.label = label
            self.values = values
            self.valueLabels = valueLabels
        }

        /// A group of counts out of `total`, drawn as percentages and labelled "n (p%)".
        ///
        /// ```swift
        /// BarChart.Group.counts("At 3 months", [12, 30], of: 138)   // labels "12 (8.7%)", "30 (21.7%)"
        /// ```
        ///
        /// - Parameters:
        ///   - label: The legend label.
        ///   - counts: Counts, one per category.
        ///   - total: The denominator; 0 gives NaN percentages (no bars, labels "n (NA)").
        /// - Returns: The group.
        ///
        /// - Complexity: O(number of counts).
        public static func counts(_ label: String, _ counts: [Int], of total: Int) -> Group {
            let pct = counts.map { total > 0 ? Double($0) / Double(total) * 100 : .nan }
            let labels = zip(counts, pct).map { n, p in
                p.isFinite ? "\(n) (\(NumberFormat.fixed(p, 1))%)" : "\(n) (NA)"
            }
            return Group(label: label, values: pct, valueLabels: labels)
        }
    }

    /// The figure title (also the SVG `<title>`); empty for none.
    public var title: String
    /// Category names, top to bottom.
    public var categories: [String]
    /// Bar groups, drawn in order within each category and listed in the legend.
    public var groups: [Group]
    /// Label of the value axis, e.g. "Patients (%)".
    public var valueLabel: String
    /// Ticks of the value axis; empty for round ticks from 0 to the largest value.
    public var ticks: [Double]
    /// Overall width in px; the height follows from the number of bars.
    public var width: Double
    /// Text for `<desc>`; nil for a generated description.
    public var description: String?
    /// Prefix for ids inside the SVG; nil for one derived from the title and labels.
    public var id: String?
    /// Printed size (single or double column); nil to size in px by `width`.
    public var size: FigureSize?
    /// Text of a faint diagonal mark across the figure (e.g. "SYNTHETIC"); nil for none.
    public var watermark: String?
    /// Heading of the legend (what the groups are), or nil.
    public var legendTitle: String?

    /// Creates a chart.
    ///
    /// ```swift
    /// BarChart(title: "Response at 3 months", categories: ["CR", "PR", "SD", "PD"],
    ///          groups: [.counts("All", [4, 77, 45, 12], of: 138)], valueLabel: "Patients (%)")
    /// ```
    ///
    /// - Parameters:
    ///   - title: The figure title (also the SVG `<title>`).
    ///   - categories: Category names, drawn top to bottom.
    ///   - groups: Bar groups, drawn in order within each category.
    ///   - valueLabel: Label of the value axis.
    ///   - ticks: Value-axis ticks; empty for automatic ones starting at 0.
    ///   - width: Overall width in px.
    ///   - description: Accessible description; nil to generate one.
    ///   - id: Id prefix for elements; nil to derive one.
    ///   - size: Printed size (`.singleColumn`, `.doubleColumn`); nil for `width` px.
    ///   - watermark: Text of a diagonal mark across the figure, or nil.
    ///   - legendTitle: Legend heading, or nil.
    ///
    /// - Complexity: O(1).
    public init(title: String, categories: [String], groups: [Group], valueLabel: String = "",
                ticks: [Double] = [], width: Double = 720, description: String? = nil, id: String? = nil,
                size: FigureSize? = nil, watermark: String? = nil, legendTitle: String? = nil) {
        self.size = size
        self.watermark = watermark
        self.legendTitle = legendTitle
        self.title = title
        self.categories = categories
        self.groups = groups
        self.valueLabel = valueLabel
        self.ticks = ticks
        self.width = width
        self.description = description
        self.id = id
    }

    /// The rendered chart: a standalone `<svg>` document ending with a line break.
    ///
    /// ```swift
    /// let svg = chart.svg()   // "<svg xmlns=… viewBox=\"0 0 720 …\" …"
    /// ```
    ///
    /// - Returns: SVG text with `viewBox`, `width`, `height`, `<title>` and `<desc>`.
    ///
    /// - Complexity: O(categories × groups).
    public func svg() -> String {
        let figureID = id ?? SVG.identifier("pof-bar", key: title + "|" + categories.joined(separator: "|")
                                            + "|" + groups.map(\.label).joined(separator: "|"))
        let width = size?.units ?? self.width
        let font = 12.0, barHeight = 16.0, barGap = 3.0, bandGap = 16.0
        let finite = groups.flatMap(\.values).filter(\.isFinite)
        let axisTicks = ticks.filter(\.isFinite).count >= 2 ? ticks.filter(\.isFinite).sorted()
            : SVG.niceTicks(0, max(finite.max() ?? 1, 1e-9), count: 7)
        let tickText = SVG.tickLabels(axisTicks)
        let vMin = axisTicks.first ?? 0, vMax = axisTicks.last ?? 1

        let maxCategoryWidth = width * 0.34
        let wrapped = categories.map { SVG.wrap($0, width: maxCategoryWidth, size: font) }
        let categoryWidth = wrapped.flatMap { $0 }.map { SVG.textWidth($0, size: font) }.max() ?? 0
        let left = max(categoryWidth + 20, 40)
        // Room for the longest label after the longest bar, and for the last tick label.
        let right = width - max(24, SVG.textWidth(tickText.last ?? "", size: font) / 2 + 8)
        let plotWidth = right - left
        func x(_ v: Double) -> Double { left + (min(max(v, vMin), vMax) - vMin) / (vMax - vMin) * plotWidth }
        // If the longest bar's label would run past the edge, shrink the scale so it fits.
        let overflow = groups.flatMap { g in zip(g.values, g.valueLabels).map { v, l in
            v.isFinite ? x(v) + 6 + SVG.textWidth(l, size: font) - (width - 8) : 0 } }.max() ?? 0
        let scale = overflow > 0 ? (plotWidth - overflow) / plotWidth : 1
        func xs(_ v: Double) -> Double { left + (x(v) - left) * scale }

        var y = 12.0, body = ""
        if !title.isEmpty {
            for (k, line) in SVG.wrap(title, width: width - 12 - 12, size: 16 * 1.1).enumerated() {
                y += k == 0 ? 18 : 20
                body += SVG.text(line, x: 12, y: y, size: 16, weight: "bold", extra: [("class", "title")]) + "\n"
            }
        }
        // Legend.
        var legend = ""
        if let legendTitle, !groups.isEmpty {
            legend +=
                SVG.text(
                    legendTitle, x: left, y: y + 25, size: font, weight: "bold", extra: [("class", "legend-title")])
                + "\n"
        }
        var lx = left + (legendTitle.map { SVG.textWidth($0, size: font) * 1.08 + 12 } ?? 0), row = 0
        for (i, g) in groups.enumerated() {
            let w = 20 + SVG.textWidth(g.label, size: font) + 20
            if lx > left && lx + w > width - 12 { row += 1; lx = left }
            let ly = y + 14 + Double(row) * 20
            legend +=
                "<g class=\"legend-item\">"
                + SVG.rect(
                    x: lx, y: ly, width: 14, height: 14, fill: fill(i, figureID),
                    extra: [("stroke", "#333333"), ("stroke-width", "0.5")])
            legend += SVG.text(g.label, x: lx + 20, y: ly + 11, size: font) + "</g>\n"
            lx += w
        }
        if !groups.isEmpty { y += 14 + Double(row + 1) * 20 }
        let top = y + 8
        let bandHeight = Double(groups.count) * barHeight + Double(max(0, groups.count - 1)) * barGap
        let lineHeight = 14.0
        var bandTops: [Double] = []
        var cursor = top + bandGap / 2
        for lines in wrapped {
            let h = max(bandHeight, Double(lines.count) * lineHeight)
            bandTops.append(cursor)
            cursor += h + bandGap
        }
        let bottom = cursor - bandGap / 2
        let height = bottom + (valueLabel.isEmpty ? 32 : 52)

        var out = SVG.open(id: figureID, width: width, height: height, title: title,
                           description: description ?? generatedDescription(), size: size)
        if groups.indices.contains(where: { $0 % 2 == 1 }) {
            out += "<defs>\n"
            for i in groups.indices where i % 2 == 1 {
                out += "<pattern id=\"\(figureID)-hatch-\(i)\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\""
                    + " patternTransform=\"rotate(45)\">"
                    + SVG.rect(x: 0, y: 0, width: 6, height: 6, fill: SVG.colour(i))
                    + SVG.line(x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#ffffff", width: 2.5)
                    + "</pattern>\n"
            }
            out += "</defs>\n"
        }
        out += body + legend

        // Grid and axis.
        out += "<g class=\"axes\">\n"
        for (i, t) in axisTicks.enumerated() {
            let xx = xs(t)
            if i > 0 { out += SVG.line(x1: xx, y1: top, x2: xx, y2: bottom, stroke: "#e3e3e3") + "\n" }
            out += SVG.line(x1: xx, y1: bottom, x2: xx, y2: bottom + 5) + "\n"
            out +=
                SVG.text(tickText[i], x: xx, y: bottom + 19, anchor: "middle", size: font, extra: [("class", "x-tick")])
                + "\n"
        }
        out += SVG.line(x1: left, y1: bottom, x2: xs(vMax), y2: bottom) + "\n"
        out += SVG.line(x1: left, y1: top, x2: left, y2: bottom) + "\n"
        if !valueLabel.isEmpty {
            out += SVG.text(valueLabel, x: (left + xs(vMax)) / 2, y: bottom + 40, anchor: "middle", size: 13,
                            extra: [("class", "x-label")]) + "\n"
        }
        out += "</g>\n"

        // Bars.
        for (c, lines) in wrapped.enumerated() {
            let bandTop = bandTops[c]
            let h = max(bandHeight, Double(lines.count) * lineHeight)
            let textTop = bandTop + h / 2 - Double(lines.count) * lineHeight / 2 + 11
            for (k, line) in lines.enumerated() {
                out += SVG.text(line, x: left - 10, y: textTop + Double(k) * lineHeight, anchor: "end", size: font,
                                extra: [("class", "category")]) + "\n"
            }
            let barsTop = bandTop + (h - bandHeight) / 2
            for (g, group) in groups.enumerated() {
                let by = barsTop + Double(g) * (barHeight + barGap)
                let v = c < group.values.count ? group.values[c] : .nan
                var labelX = left + 6
                if v.isFinite {
                    let x1 = xs(v)
                    out +=
                        SVG.rect(
                            x: left, y: by, width: x1 - left, height: barHeight, fill: fill(g, figureID),
                            extra: [("class", "bar"), ("data-group", String(g)), ("data-category", String(c))]) + "\n"
                    labelX = x1 + 6
                }
                if c < group.valueLabels.count, !group.valueLabels[c].isEmpty {
                    out += SVG.text(group.valueLabels[c], x: labelX, y: by + barHeight - 4, size: font,
                                    extra: [("class", "value-label")]) + "\n"
                }
            }
        }
        if let watermark, !watermark.isEmpty { out += SVG.watermark(watermark, width: width, height: height) }
        return out + "</svg>\n"
    }

    private func fill(_ i: Int, _ figureID: String) -> String {
        i % 2 == 1 ? "url(#\(figureID)-hatch-\(i))" : SVG.colour(i)
    }

    private func generatedDescription() -> String {
        var parts: [String] = []
        for (c, name) in categories.enumerated() {
            let values = groups.map { g in "\(g.label) " + (c < g.valueLabels.count ? g.valueLabels[c] : "NA") }
            parts.append(name + ": " + values.joined(separator: ", "))
        }
        return "Bar chart" + (valueLabel.isEmpty ? "" : " of \(valueLabel)") + ". " + parts.joined(separator: "; ")
            + "."
    }
}
