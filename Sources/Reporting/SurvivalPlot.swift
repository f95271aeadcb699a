import Foundation

/// A Kaplan–Meier or cumulative-incidence figure: step curves with optional confidence bands,
/// censor marks and median lines, and a number-at-risk table aligned under the x ticks.
///
/// The plot draws the numbers it is given; it estimates nothing. Each series is a right-continuous
/// step function: `values[i]` holds from `times[i]` until the next time. A survival curve starts at
/// (0, 1), a cumulative incidence at (0, 0).
///
/// ```swift
/// let os = SurvivalPlot.Series(label: "All patients", times: [0, 3, 8, 14], values: [1, 0.9, 0.6, 0.4],
///                              censorTimes: [10], atRisk: [20, 12, 5])
/// let svg = SurvivalPlot(title: "Overall survival", xLabel: "Months after RT", yLabel: "Survival",
///                        series: [os], xTicks: [0, 12, 24]).svg()
/// ```
///
/// Each number at risk is drawn with `text-anchor="middle"` at exactly the x coordinate of its tick,
/// so the table lines up with the axis whatever the label widths. Colours are Okabe–Ito; each series
/// also has its own dash pattern, so the figure reads in grey scale.
public struct SurvivalPlot: Sendable {
    /// Whether curves fall from 1 (survival) or rise from 0 (cumulative incidence); decides where
    /// the annotation goes (bottom-left or top-left, the corner the curves leave free).
    public enum Kind: Sendable { case survival, cumulativeIncidence }

    /// One curve.
    public struct Series: Sendable {
        /// The legend and risk-table label.
        public var label: String
        /// Times at which the step function takes a new value, ascending.
        public var times: [Double]
        /// The value from `times[i]` on; NaN leaves a gap.
        public var values: [Double]
        /// Lower confidence limits at the same times (optional; NaN leaves a gap in the band).
        public var lower: [Double]?
        /// Upper confidence limits at the same times (optional).
        public var upper: [Double]?
        /// Times of censored observations, drawn as `+` on the curve.
        public var censorTimes: [Double]
        /// The last time the curve is known (it is drawn flat up to here); defaults to the largest of
        /// the last step and the last censor time.
        public var endTime: Double?
        /// The median time, if it should be marked with a dotted drop line (NaN or nil: none).
        public var median: Double?
        /// Numbers at risk, one per x tick (shorter arrays leave the remaining cells empty).
        public var atRisk: [Int]?

        /// Creates a series.
        ///
        /// ```swift
        /// SurvivalPlot.Series(label: "AFP < 200", times: [0, 2, 5], values: [1, 0.8, 0.5],
        ///                     censorTimes: [3], atRisk: [10, 4])
        /// ```
        ///
        /// - Parameters:
        ///   - label: The legend and risk-table label.
        ///   - times: Step times, ascending; the first is usually 0.
        ///   - values: Curve values at `times` (same count).
        ///   - lower: Lower band limits at `times`, or nil for no band.
        ///   - upper: Upper band limits at `times`, or nil for no band.
        ///   - censorTimes: Times to mark with `+`.
        ///   - endTime: Where the curve stops; nil for the last step or censor time.
        ///   - median: Median time to mark, or nil.
        ///   - atRisk: Numbers at risk at each x tick, or nil for no risk-table row.
        ///
        /// - Complexity: O(number of points) (the curve is validated).
        public init(label: String, times: [Double], values: [Double], lower: [Double]? = nil,
                    upper: [Double]? = nil, censorTimes: [Double] = [], endTime: Double? = nil,
                    median: Double? = nil, atRisk: [Int]? = nil) {
            self.label = label
            self.times = times
            self.values = values
            self.lower = lower
            self.upper = upper
            self.censorTimes = censorTimes
            self.endTime = endTime
            self.median = median
            self.atRisk = atRisk
        }
    }

    /// The figure title (also the SVG `<title>`); empty for none.
    public var title: String
    /// x-axis label, e.g. "Months after RT".
    public var xLabel: String
    /// y-axis label, e.g. "Overall survival".
    public var yLabel: String
    /// The curves, drawn in order with palette colours and dash patterns.
    public var series: [Series]
    /// x ticks, ascending; the axis runs from the first to the last. Empty: round ticks from the data.
    public var xTicks: [Double]
    /// y ticks within 0…1.
    public var yTicks: [Double]
    /// y tick labels as percentages ("0", "25", …) instead of fractions ("0.00", "0.25", …).
    public var yAsPercent: Bool
    /// Survival (falling) or cumulative incidence (rising).
    public var kind: Kind
    /// Text drawn inside the plot (e.g. "log-rank P = 0.035"); line breaks start new lines.
    public var annotation: String?
    /// Heading of the risk table.
    public var riskTableTitle: String
    /// Overall width in px; the height follows from `plotHeight`, the legend and the risk table.
    public var width: Double
    /// Height of the plotting area in px.
    public var plotHeight: Double
    /// Text for `<desc>`; nil for a generated description.
    public var description: String?
    /// Prefix for ids inside the SVG; nil for one derived from the title and labels.
    public var id: String?
    /// Printed size (single or double column); nil to size in px by `width`. With a size the
    /// drawing is `size.units` wide and its plot height scales with it.
    public var size: FigureSize?
    /// Heading of the legend: the variable and its unit, e.g. "AFP (IU/ml)"; nil for none.
    public var legendTitle: String?
    /// The index of the reference curve (e.g. the reference level of a factor), always drawn in the
    /// first palette colour and style so that it means the same in every panel; the others take the
    /// next colours in order. nil: curves take the colours in order.
    public var referenceSeries: Int?
    /// Text of a faint diagonal mark across the figure (e.g. "SYNTHETIC"); nil for none.
    public var watermark: String?

    /// Creates a plot.
    ///
    /// ```swift
    /// SurvivalPlot(title: "PFS, infield failure", xLabel: "Months after RT", yLabel: "PFS",
    ///              series: [primary, salvage], xTicks: [0, 6, 12, 18, 24],
    ///              annotation: "log-rank P = 0.035")
    /// ```
    ///
    /// - Parameters:
    ///   - title: The figure title (also the SVG `<title>`).
    ///   - xLabel: x-axis label, e.g. "Months after RT".
    ///   - yLabel: y-axis label, e.g. "Overall survival".
    ///   - series: The curves, drawn in order.
    ///   - xTicks: x ticks; empty for automatic ticks. Numbers at risk are given at these ticks.
    ///   - yTicks: y ticks in 0…1.
    ///   - yAsPercent: Label the y axis in percent.
    ///   - kind: `.survival` or `.cumulativeIncidence`.
    ///   - annotation: Optional text inside the plot.
    ///   - riskTableTitle: Heading of the number-at-risk table.
    ///   - width: Overall width in px.
    ///   - plotHeight: Height of the plotting area in px.
    ///   - description: Accessible description; nil to generate one.
    ///   - id: Id prefix for elements; nil to derive one.
    ///   - size: Printed size (`.singleColumn`, `.doubleColumn`); nil for `width` px.
    ///   - legendTitle: Legend heading (variable and unit), or nil.
    ///   - referenceSeries: Index of the reference curve (first colour in every panel), or nil.
    ///   - watermark: Text of a diagonal mark across the figure, or nil.
    ///
    /// - Complexity: O(number of series).
    public init(title: String, xLabel: String, yLabel: String, series: [Series], xTicks: [Double] = [],
                yTicks: [Double] = [0, 0.2, 0.4, 0.6, 0.8, 1], yAsPercent: Bool = false,
                kind: Kind = .survival, annotation: String? = nil, riskTableTitle: String = "Number at risk",
                width: Double = 720, plotHeight: Double = 340, description: String? = nil, id: String? = nil,
                size: FigureSize? = nil, legendTitle: String? = nil, referenceSeries: Int? = nil,
                watermark: String? = nil) {
        self.size = size
        self.legendTitle = legendTitle
        self.referenceSeries = referenceSeries
        self.watermark = watermark
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.xTicks = xTicks
        self.yTicks = yTicks
        self.yAsPercent = yAsPercent
        self.kind = kind
        self.annotation = annotation
        self.riskTableTitle = riskTableTitle
        self.width = width
        self.plotHeight = plotHeight
        self.description = description
        self.id = id
    }

    /// The geometry the drawing uses, exposed to tests.
    struct Layout {
        var left: Double, right: Double, top: Double, bottom: Double
        var xMin: Double, xMax: Double
        var height: Double
        func x(_ t: Double) -> Double {
            let span = xMax - xMin
            return span > 0 ? left + (t - xMin) / span * (right - left) : left
        }
        func y(_ v: Double) -> Double { bottom - min(1, max(0, v)) * (bottom - top) }
    }

    var effectiveXTicks: [Double] {
        let given = xTicks.filter(\.isFinite).sorted()
        if given.count >= 2 { return given }
        var hi = 0.0
        for s in series {
            for t in s.times + s.censorTimes where t.isFinite { hi = max(hi, t) }
            if let e = s.endTime, e.isFinite { hi = max(hi, e) }
        }
        return SVG.niceTicks(0, hi > 0 ? hi : 1, count: 6)
    }

    /// The rendered figure: a standalone `<svg>` document ending with a line break.
    ///
    /// ```swift
    /// try plot.svg().write(toFile: "figures/os.svg", atomically: true, encoding: .utf8)
    /// ```
    ///
    /// - Returns: SVG text with `viewBox`, `width`, `height`, `<title>` and `<desc>`.
    ///
    /// - Complexity: O(total points of the series).
    public func svg() -> String {
        let width = size?.units ?? self.width
        let plotHeight = size.map { max(200, min(self.plotHeight, $0.units * 0.5)) } ?? self.plotHeight
        let ticks = effectiveXTicks
        let tickText = SVG.tickLabels(ticks)
        let yTickValues = yTicks.filter { $0.isFinite && $0 >= 0 && $0 <= 1 }
        let yText = SVG.tickLabels(yTickValues, scale: yAsPercent ? 100 : 1)
        let riskRows = series.enumerated().filter { $0.element.atRisk != nil }

        // Horizontal layout.
        let tickFont = 12.0, labelFont = 13.0, riskFont = 12.0
        let yTickWidth = yText.map { SVG.textWidth($0, size: tickFont) }.max() ?? 0
        let riskLabelWidth = riskRows.map { SVG.textWidth($0.element.label, size: riskFont) }.max() ?? 0
        // Risk-table labels go left of the counts when they fit in about a quarter of the width,
        // otherwise on a line of their own above each row of counts.
        let firstCountHalf = riskRows.compactMap { $0.element.atRisk?.first }
            .map { SVG.textWidth(String($0), size: riskFont) / 2 }.max() ?? 0
        let stackedRiskLabels = riskLabelWidth + 24 > width * 0.28
        let left = max(yTickWidth + 44, stackedRiskLabels ? 0 : riskLabelWidth + firstCountHalf + 24, 56)
        let lastTickHalf = SVG.textWidth(tickText.last ?? "", size: tickFont) / 2
        let lastRiskHalf = riskRows.compactMap { r -> Double? in
            guard let a = r.element.atRisk, a.count >= ticks.count, let v = a.last else { return nil }
            return SVG.textWidth(String(v), size: riskFont) / 2
        }.max() ?? 0
        let right = width - max(20, lastTickHalf + 8, lastRiskHalf + 8)

        // Vertical layout: title, legend rows, plot, axis, risk table.
        var y = 12.0
        var body = ""
        if !title.isEmpty {
            for (k, line) in SVG.wrap(title, width: width - left - 12, size: 16 * 1.1).enumerated() {
                y += k == 0 ? 18 : 20
                body += SVG.text(line, x: left, y: y, size: 16, weight: "bold", extra: [("class", "title")]) + "\n"
            }
        }
        let legend = legendItems(
            maxWidth: right - left, titleWidth: legendTitle.map { SVG.textWidth($0, size: 12) * 1.08 + 12 })
        let legendTop = y + 10
        y = legendTop + Double(legend.rows) * 20
        let top = y + 12
        let bottom = top + plotHeight
        var layout = Layout(left: left, right: right, top: top, bottom: bottom,
                            xMin: ticks.first ?? 0, xMax: ticks.last ?? 1, height: 0)
        let riskTop = bottom + 66
        let riskRowHeight = stackedRiskLabels ? 36.0 : 20.0
        let height = riskRows.isEmpty ? bottom + 56 : riskTop + 10 + Double(riskRows.count) * riskRowHeight + 12
        layout.height = height

        let figureID = id ?? SVG.identifier("pof-surv", key: title + "|" + series.map(\.label).joined(separator: "|"))
        var out = SVG.open(id: figureID, width: width, height: height, title: title,
                           description: description ?? generatedDescription(ticks: ticks), size: size)
        out += body

        // Legend.
        if let legendTitle, !legend.items.isEmpty {
            out +=
                SVG.text(
                    legendTitle, x: left, y: legendTop + 10, size: 12, weight: "bold",
                    extra: [("class", "legend-title")]) + "\n"
        }
        for item in legend.items {
            let ly = legendTop + Double(item.row) * 20 + 10
            let x0 = left + item.x
            out += "<g class=\"legend-item\">"
            out += SVG.line(
                x1: x0, y1: ly - 4, x2: x0 + 28, y2: ly - 4, stroke: SVG.colour(style(item.index)), width: 2.5,
                dash: SVG.dash(style(item.index)))
            out += SVG.text(series[item.index].label, x: x0 + 34, y: ly, size: 12)
            out += "</g>\n"
        }

        // Axes and ticks.
        out += "<g class=\"axes\" stroke-linecap=\"square\">\n"
        out += SVG.line(x1: left, y1: bottom, x2: right, y2: bottom) + "\n"
        out += SVG.line(x1: left, y1: top, x2: left, y2: bottom) + "\n"
        for (i, t) in ticks.enumerated() {
            let x = layout.x(t)
            out += SVG.line(x1: x, y1: bottom, x2: x, y2: bottom + 5) + "\n"
            out += SVG.text(tickText[i], x: x, y: bottom + 19, anchor: "middle", size: tickFont,
                            extra: [("class", "x-tick")]) + "\n"
        }
        for (i, v) in yTickValues.enumerated() {
            let yy = layout.y(v)
            out += SVG.line(x1: left - 5, y1: yy, x2: left, y2: yy) + "\n"
            out += SVG.text(yText[i], x: left - 8, y: yy + 4, anchor: "end", size: tickFont,
                            extra: [("class", "y-tick")]) + "\n"
        }
        out += SVG.text(xLabel, x: (left + right) / 2, y: bottom + 40, anchor: "middle", size: labelFont,
                        extra: [("class", "x-label")]) + "\n"
        let yLabelX = left - yTickWidth - 22
        out += SVG.text(yLabel, x: yLabelX, y: (top + bottom) / 2, anchor: "middle", size: labelFont,
                        extra: [("class", "y-label"),
                                ("transform", "rotate(-90 \(SVG.num(yLabelX)) \(SVG.num((top + bottom) / 2)))")]) + "\n"
        out += "</g>\n"

        // Median drop lines (under the curves).
        for (i, s) in series.enumerated() {
            guard let m = s.median, m.isFinite, m >= layout.xMin, m <= layout.xMax else { continue }
            let xm = layout.x(m), yh = layout.y(0.5)
            out +=
                SVG.element(
                    "path",
                    [
                        ("class", "median"),
                        ("d", "M\(SVG.num(left)) \(SVG.num(yh))H\(SVG.num(xm))V\(SVG.num(bottom))"),
                        ("fill", "none"), ("stroke", "#777777"), ("stroke-width", "1"),
                        ("stroke-dasharray", "2 3"), ("data-series", String(i)),
                    ]) + "\n"
        }

        // Bands, then curves, then censor marks.
        for (i, s) in series.enumerated() {
            guard let lo = s.lower, let hi = s.upper else { continue }
            for d in bandPaths(s, lower: lo, upper: hi, layout: layout) {
                out += SVG.element("path", [("class", "band"), ("d", d), ("fill", SVG.colour(style(i))),
                                            ("fill-opacity", "0.15"), ("stroke", "none")]) + "\n"
            }
        }
        // Annotation, on a white box so drop lines and bands do not run through the text.
        if let annotation, !annotation.isEmpty {
            let lines = annotation.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let firstY = kind == .survival ? bottom - 12 - Double(lines.count - 1) * 16 : top + 20
            let boxWidth = (lines.map { SVG.textWidth($0, size: 12) }.max() ?? 0) + 12
            out += SVG.rect(x: left + 6, y: firstY - 14, width: boxWidth, height: Double(lines.count) * 16 + 4,
                            fill: "#ffffff", extra: [("fill-opacity", "0.9")]) + "\n"
            for (k, line) in lines.enumerated() {
                out += SVG.text(line, x: left + 12, y: firstY + Double(k) * 16, size: 12,
                                extra: [("class", "annotation")]) + "\n"
            }
        }

        for (i, s) in series.enumerated() {
            let d = stepPath(s, layout: layout)
            guard !d.isEmpty else { continue }
            var a: [(String, String)] = [("class", "curve"), ("data-series", String(i)), ("d", d), ("fill", "none"),
                                         ("stroke", SVG.colour(style(i))), ("stroke-width", "2"),
                                         ("stroke-linejoin", "miter")]
            if let dash = SVG.dash(style(i)) { a.append(("stroke-dasharray", dash)) }
            out += SVG.element("path", a) + "\n"
        }
        for (i, s) in series.enumerated() {
            // A mark is drawn once per place: patients censored at the same time share one mark (a large
            // cohort has tens of thousands of censored patients but a few thousand distinct times).
            var d = "", drawn = Set<String>()
            for t in s.censorTimes where t.isFinite && t >= layout.xMin && t <= layout.xMax {
                guard let v = Self.value(of: s, at: t), v.isFinite else { continue }
                let x = layout.x(t), yy = layout.y(v)
                let mark = """
                    M\(SVG.num(x - 4)) \(SVG.num(yy))H\(SVG.num(x + 4))M\(SVG.num(x)) \
                    \(SVG.num(yy - 4))V\(SVG.num(yy + 4))
                    """
                if drawn.insert(mark).inserted { d += mark }
            }
            if !d.isEmpty {
                out += SVG.element("path", [("class", "censor"), ("d", d), ("stroke", SVG.colour(style(i))),
                                            ("stroke-width", "1.5"), ("fill", "none")]) + "\n"
            }
        }

        // Number-at-risk table. Counts that would run into each other at adjacent ticks (five-digit
        // counts in a narrow figure) are set smaller, down to 7 px; below that, every other tick's count is
        // left out (the full table is in the report's CSV tables).
        var countFont = riskFont, countStep = 1
        if !riskRows.isEmpty, ticks.count > 1 {
            let widest = riskRows.flatMap { $0.element.atRisk ?? [] }
                .map { SVG.textWidth(String($0), size: riskFont) }.max() ?? 0
            let gap = zip(ticks, ticks.dropFirst()).map { layout.x($1) - layout.x($0) }.min() ?? .infinity
            if widest + 4 > gap {
                countFont = max(7, (riskFont * (gap - 4) / widest).rounded(.down))
                if widest * countFont / riskFont + 4 > gap { countStep = 2 }
            }
        }
        if !riskRows.isEmpty {
            out += "<g class=\"risk-table\">\n"
            out += SVG.text(riskTableTitle, x: 12, y: riskTop, size: 12, weight: "bold") + "\n"
            for (row, entry) in riskRows.enumerated() {
                let ry = riskTop + 10 + Double(row + 1) * riskRowHeight - 4
                out +=
                    SVG.text(
                        entry.element.label, x: stackedRiskLabels ? 12 : left - firstCountHalf - 10,
                        y: stackedRiskLabels ? ry - 16 : ry, anchor: stackedRiskLabels ? "start" : "end",
                        size: riskFont,
                        fill: SVG.colour(style(entry.offset)) == "#F0E442"
                            ? "#222222" : SVG.colour(style(entry.offset)),
                        extra: [("class", "risk-label")]) + "\n"
                for (k, n) in (entry.element.atRisk ?? []).prefix(ticks.count).enumerated() where k % countStep == 0 {
                    out += SVG.text(String(n), x: layout.x(ticks[k]), y: ry, anchor: "middle", size: countFont,
                                    extra: [("class", "risk-count"), ("data-tick", String(k))]) + "\n"
                }
            }
            out += "</g>\n"
        }
        if let watermark, !watermark.isEmpty { out += SVG.watermark(watermark, width: width, height: height) }
        return out + "</svg>\n"
    }

    /// The palette index of series `i`: the reference series takes the first colour, the others
    /// the following ones in order.
    func style(_ i: Int) -> Int {
        guard let r = referenceSeries, r >= 0, r < series.count else { return i }
        return i == r ? 0 : (i < r ? i + 1 : i)
    }

    /// The step function's value at `t` (right-continuous), nil before the first time or when unknown.
    static func value(of s: Series, at t: Double) -> Double? {
        var result: Double? = nil
        for (i, ti) in s.times.enumerated() where i < s.values.count {
            if ti <= t { result = s.values[i] } else { break }
        }
        return result
    }

    private func end(of s: Series) -> Double {
        if let e = s.endTime, e.isFinite { return e }
        return max(s.times.last(where: \.isFinite) ?? 0, s.censorTimes.filter(\.isFinite).max() ?? -.infinity)
    }

    /// The curve as an SVG path: `M`, then `H`/`V` steps; a NaN value ends the subpath.
    func stepPath(_ s: Series, layout: Layout) -> String {
        let n = min(s.times.count, s.values.count)
        let stop = min(end(of: s), layout.xMax)
        var d = "", open = false
        for i in 0..<n {
            let t = max(s.times[i], layout.xMin), v = s.values[i]
            guard s.times[i].isFinite, t <= layout.xMax else { break }
            if !v.isFinite { open = false; continue }
            let x = layout.x(t), y = layout.y(v)
            if open { d += "H\(SVG.num(x))V\(SVG.num(y))" } else { d += "M\(SVG.num(x)) \(SVG.num(y))"; open = true }
            let hasNext = i + 1 < n && s.times[i + 1].isFinite
            let nextDrawn = hasNext && s.times[i + 1] <= layout.xMax && s.values[i + 1].isFinite
            if !nextDrawn {
                let next = hasNext ? min(s.times[i + 1], stop) : stop
                if next > t { d += "H\(SVG.num(layout.x(next)))" }
            }
        }
        return d
    }

    /// The confidence band as closed step polygons, one per run of finite limits.
    func bandPaths(_ s: Series, lower: [Double], upper: [Double], layout: Layout) -> [String] {
        let n = min(s.times.count, lower.count, upper.count)
        let stop = min(end(of: s), layout.xMax)
        var paths: [String] = [], run: [Int] = []
        func flush() {
            guard !run.isEmpty else { return }
            var top: [(Double, Double)] = [], bottom: [(Double, Double)] = []
            for (k, i) in run.enumerated() {
                let t0 = max(s.times[i], layout.xMin)
                let t1 =
                    k + 1 < run.count
                    ? s.times[run[k + 1]] : (i + 1 < n && s.times[i + 1].isFinite ? min(s.times[i + 1], stop) : stop)
                let x0 = layout.x(t0), x1 = layout.x(max(t0, t1))
                top += [(x0, layout.y(upper[i])), (x1, layout.y(upper[i]))]
                bottom += [(x0, layout.y(lower[i])), (x1, layout.y(lower[i]))]
            }
            let pts = top + bottom.reversed()
            paths.append("M" + pts.map { "\(SVG.num($0.0)) \(SVG.num($0.1))" }.joined(separator: "L") + "Z")
            run = []
        }
        for i in 0..<n {
            guard s.times[i].isFinite, s.times[i] <= layout.xMax else { break }
            if lower[i].isFinite && upper[i].isFinite { run.append(i) } else { flush() }
        }
        flush()
        return paths
    }

    private func legendItems(
        maxWidth: Double, titleWidth: Double?
    ) -> (items: [(index: Int, row: Int, x: Double)], rows: Int) {
        guard series.count > 1 || series.contains(where: { !$0.label.isEmpty }) else { return ([], 0) }
        var items: [(index: Int, row: Int, x: Double)] = [], row = 0, x = titleWidth ?? 0
        for (i, s) in series.enumerated() {
            let w = 34 + SVG.textWidth(s.label, size: 12) + 20
            if x > 0 && x + w > maxWidth { row += 1; x = 0 }
            items.append((i, row, x))
            x += w
        }
        return (items, series.isEmpty ? 0 : row + 1)
    }

    private func generatedDescription(ticks: [Double]) -> String {
        let what = kind == .survival ? "Survival" : "Cumulative incidence"
        var d = "\(what) step curves for \(series.map(\.label).joined(separator: ", ")) against \(xLabel)"
        if let a = ticks.first, let b = ticks.last { d += " from \(SVG.num(a)) to \(SVG.num(b))" }
        d += "."
        if let annotation, !annotation.isEmpty {
            d += " " + annotation.replacingOccurrences(of: "\n", with: "; ") + "."
        }
        if series.contains(where: { $0.atRisk != nil }) { d += " A number-at-risk table is shown below the plot." }
        return d
    }
}
