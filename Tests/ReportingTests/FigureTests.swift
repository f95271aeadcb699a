import Foundation
import Testing
@testable import Reporting

@Suite struct SVGCanvasTests {
    @Test func numbersHaveAtMostTwoDecimals() {
        #expect(SVG.num(12.5) == "12.5")
        #expect(SVG.num(100) == "100")
        #expect(SVG.num(-0.001) == "0")
        #expect(SVG.num(-3.14159) == "-3.14")
        #expect(SVG.num(0.1 + 0.2) == "0.3")
        #expect(SVG.num(.nan) == "0")
    }

    @Test func escapesMarkupCharacters() {
        #expect(SVG.escape(#"<a & "b" 'c'>"#) == "&lt;a &amp; &quot;b&quot; &#39;c&#39;&gt;")
    }

    @Test func niceTicksAreRound() {
        #expect(SVG.niceTicks(0, 50.7, count: 7) == [0, 10, 20, 30, 40, 50, 60])
        #expect(SVG.niceTicks(0, 1, count: 6) == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(SVG.niceTicks(0, 92.4, count: 6) == [0, 20, 40, 60, 80, 100])
        #expect(SVG.logTicks(0.8, 3.95) == [0.5, 1, 2, 5])
        #expect(SVG.logTicks(0.02, 40) == [0.01, 0.1, 1, 10, 100])
    }

    @Test func tickLabelsShareDecimals() {
        #expect(SVG.tickLabels([0, 6, 12]) == ["0", "6", "12"])
        #expect(SVG.tickLabels([0, 0.25, 0.5]) == ["0.00", "0.25", "0.50"])
        #expect(SVG.tickLabels([0, 0.25, 1], scale: 100) == ["0", "25", "100"])
    }
}

@Suite struct SurvivalPlotTests {
    /// Every number at risk sits exactly under its tick label (and the tick mark).
    @Test(arguments: [Sample.survival, Sample.incidence, wideLabels, offsetAxis])
    func riskTableAlignsWithTicks(plot: SurvivalPlot) throws {
        let elements = try #require(parseXML(plot.svg()))
        let tickX = elements.filter { $0["class"] == "x-tick" }.compactMap { $0.number("x") }
        #expect(tickX.count == plot.effectiveXTicks.count)
        let counts = elements.filter { $0["class"] == "risk-count" }
        #expect(counts.count == plot.series.compactMap(\.atRisk).map { min($0.count, tickX.count) }.reduce(0, +))
        for c in counts {
            let k = try #require(Int(c["data-tick"] ?? ""))
            #expect(c.number("x") == tickX[k], "count \(c.text) at tick \(k)")
            #expect(c["text-anchor"] == "middle")
        }
        // The counts of each row are the ones given, in tick order.
        let first = counts.prefix(plot.series[0].atRisk?.count ?? 0).map(\.text)
        #expect(first == plot.series[0].atRisk!.prefix(tickX.count).map(String.init))
    }

    static let wideLabels = SurvivalPlot(
        title: "", xLabel: "Months", yLabel: "S",
        series: [.init(label: "A very long group label that cannot fit in the margin next to the counts",
                       times: [0, 10], values: [1, 0.5], atRisk: [1000, 500, 10])],
        xTicks: [0, 12, 24])
    static let offsetAxis = SurvivalPlot(
        title: "Landmark", xLabel: "Months", yLabel: "S",
        series: [.init(label: "a", times: [3, 10], values: [1, 0.5], atRisk: [9, 8, 7, 6])],
        xTicks: [3, 9, 15, 21])

    @Test func survivalPathNeverGoesUp() throws {
        for (i, d) in try curvePaths(Sample.survival).enumerated() {
            let ys = pathYs(d).ys
            #expect(ys.count > 2)
            // SVG y grows downwards: a falling survival curve has non-decreasing y.
            #expect(zip(ys, ys.dropFirst()).allSatisfy { $0 <= $1 }, "series \(i): \(d)")
        }
    }

    @Test func cumulativeIncidencePathNeverGoesDown() throws {
        for d in try curvePaths(Sample.incidence) {
            let ys = pathYs(d).ys
            #expect(zip(ys, ys.dropFirst()).allSatisfy { $0 >= $1 }, "\(d)")
        }
    }

    @Test func curveStartsAtOneAndIsDrawnToItsEnd() throws {
        let elements = try #require(parseXML(Sample.survival.svg()))
        let yTop = try #require(elements.first { $0["class"] == "y-tick" && $0.text == "1.0" }?.number("y")).advanced(
            by: -4)
        let d = try curvePaths(Sample.survival)[0]
        #expect(pathYs(d).ys.first == yTop)
        // Drawn flat to endTime 23 after the last step at 20: the path ends with an H.
        #expect(d.range(of: "H[0-9.]+$", options: .regularExpression) != nil)
    }

    @Test func nanValuesLeaveGapsAndNoNaNText() throws {
        let plot = SurvivalPlot(
            title: "Gaps", xLabel: "t", yLabel: "S",
            series: [.init(label: "x", times: [0, 1, 2, 3, 4], values: [1, 0.8, .nan, 0.5, 0.4],
                           lower: [1, 0.6, .nan, .nan, 0.2], upper: [1, 0.9, .nan, .infinity, 0.6],
                           censorTimes: [.nan, 2.5, 3.5], endTime: .nan, median: .nan, atRisk: [5, 3])],
            xTicks: [0, 2, 4, 6])
        let svg = plot.svg()
        let elements = try #require(parseXML(svg))
        #expect(!svg.lowercased().contains("nan") && !svg.lowercased().contains("inf"))
        let d = try curvePaths(plot)[0]
        #expect(pathYs(d).subpaths == 2)
        #expect(elements.filter { $0["class"] == "band" }.count == 2)
        #expect(elements.filter { $0["class"] == "median" }.isEmpty)
        // A censor mark during the gap (value unknown) is not drawn; the one at 3.5 is.
        let censor = try #require(elements.first { $0["class"] == "censor" }?["d"])
        #expect(censor.components(separatedBy: "M").count - 1 == 2)
    }

    @Test func emptyAndDegenerateInputsStillRender() throws {
        let empty = SurvivalPlot(title: "Empty", xLabel: "t", yLabel: "S", series: [])
        #expect(parseXML(empty.svg()) != nil)
        let single = SurvivalPlot(title: "One point", xLabel: "t", yLabel: "S",
                                  series: [.init(label: "a", times: [0], values: [1])], xTicks: [0])
        #expect(parseXML(single.svg()) != nil)
        #expect(!single.svg().contains("nan"))
    }

    /// Five-digit counts at ticks closer than the counts are wide (100,000 patients in a single-column
    /// figure): the counts are set smaller, or every other one left out, so that no two overlap.
    @Test func riskCountsNeverOverlap() throws {
        let ticks = Array(stride(from: 0.0, through: 60, by: 6))
        let counts = [75364, 48422, 28779, 18021, 11326, 7275, 6042, 5120, 4127, 3300, 2670]
        let plot = SurvivalPlot(title: "Many patients", xLabel: "Months", yLabel: "S",
                                series: [.init(label: "group", times: [0, 60], values: [1, 0.4], atRisk: counts)],
                                xTicks: ticks, size: .singleColumn)
        let svg = plot.svg()
        let texts = svg.components(separatedBy: "<text").dropFirst().filter { $0.contains("risk-count") }
        #expect(!texts.isEmpty)
        var spans: [(Double, Double)] = []
        for t in texts {
            func attribute(_ name: String) -> String? {
                guard let r = t.range(of: " \(name)=\"") else { return nil }
                return String(t[r.upperBound...].prefix { $0 != "\"" })
            }
            let x = try #require(attribute("x").flatMap(Double.init))
            let size = try #require(attribute("font-size").flatMap(Double.init))
            let text = String(t[t.index(after: t.firstIndex(of: ">")!)...].prefix { $0 != "<" })
            #expect(size >= 7)
            let w = SVG.textWidth(text, size: size)
            spans.append((x - w / 2, x + w / 2))
        }
        for (a, b) in zip(spans, spans.dropFirst()) { #expect(a.1 <= b.0, "counts overlap: \(a) and \(b)") }
        // The small counts of the demo-sized figures keep their 12 px.
        #expect(SurvivalPlotTests.wideLabels.svg().contains("font-size=\"12\" fill=\"#222222\" class=\"risk-count\""))
    }

    @Test func automaticTicksCoverTheData() {
        let plot = SurvivalPlot(title: "", xLabel: "t", yLabel: "S",
                                series: [.init(label: "a", times: [0, 30], values: [1, 0.5], censorTimes: [92.4])])
        #expect(plot.effectiveXTicks == [0, 20, 40, 60, 80, 100])
    }

    @Test func isAccessibleAndStandalone() throws {
        let svg = Sample.survival.svg()
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 720 "))
        let elements = try #require(parseXML(svg))
        let root = elements[0]
        #expect(root["width"] == "720" && root["height"] != nil && root["role"] == "img")
        #expect(root["font-family"] == "sans-serif")
        #expect(elements[1].name == "title" && elements[1].text == "Overall survival")
        #expect(elements[2].name == "desc" && elements[2].text.contains("Primary CCRT"))
        // Okabe–Ito colours, and a dash pattern that tells the second curve apart in grey.
        let curves = elements.filter { $0["class"] == "curve" }
        #expect(curves.map { $0["stroke"] } == ["#0072B2", "#D55E00"])
        #expect(curves[0]["stroke-dasharray"] == nil && curves[1]["stroke-dasharray"] != nil)
    }

    @Test func escapesLabels() throws {
        let nasty = #"A<&>"'B"#
        let plot = SurvivalPlot(title: nasty, xLabel: nasty, yLabel: nasty,
                                series: [.init(label: nasty, times: [0, 1], values: [1, 0.5], atRisk: [2])],
                                xTicks: [0, 1], annotation: nasty, description: nasty, id: nasty)
        let svg = plot.svg()
        #expect(!svg.contains(nasty))
        #expect(svg.contains("A&lt;&amp;&gt;&quot;&#39;B"))
        let elements = try #require(parseXML(svg))
        #expect(elements.filter { $0.text == nasty }.count >= 5)
    }

    @Test func isDeterministic() {
        #expect(Sample.survival.svg() == Sample.survival.svg())
        #expect(Sample.forest.svg() == Sample.forest.svg())
        #expect(Sample.bars.svg() == Sample.bars.svg())
    }

    private func curvePaths(_ plot: SurvivalPlot) throws -> [String] {
        try #require(parseXML(plot.svg())).filter { $0["class"] == "curve" }.compactMap { $0["d"] }
    }
}

@Suite struct BarChartTests {
    @Test func barsAndLabels() throws {
        let elements = try #require(parseXML(Sample.bars.svg()))
        let bars = elements.filter { $0["class"] == "bar" }
        #expect(bars.count == 8)
        let labels = elements.filter { $0["class"] == "value-label" }.map(\.text)
        #expect(labels.prefix(2) == ["10 (7.2%)", "46 (33.3%)"])
        // Bar lengths are proportional to the values.
        let w = bars.compactMap { $0.number("width") }
        #expect(abs(w[1] / w[0] - 46.0 / 10.0) < 0.01)
        // Every label stays inside the picture (with the wide-font estimate).
        let width = try #require(elements[0].number("width"))
        for l in elements.filter({ $0["class"] == "value-label" }) {
            #expect(l.number("x")! + SVG.textWidth(l.text, size: 12) <= width)
        }
        // The second group is hatched (grey-scale safe), with its pattern defined.
        let fill = try #require(bars[1]["fill"])
        #expect(fill.hasPrefix("url(#"))
        #expect(elements.contains { $0.name == "pattern" && "url(#\($0["id"] ?? ""))" == fill })
    }

    @Test func nanAndEscaping() throws {
        let chart = BarChart(title: #"<&>"'"#, categories: [#"a<&>"'"#, "b"],
                             groups: [.counts(#"g|<&>"#, [1, 2], of: 0),
                                      .init(label: "h", values: [.nan, 0.5], valueLabels: ["NA"])])
        let svg = chart.svg()
        let elements = try #require(parseXML(svg))
        #expect(!svg.contains(#"<&>"#))
        #expect(elements.filter { $0["class"] == "bar" }.count == 1)
        #expect(elements.filter { $0["class"] == "value-label" }.map(\.text) == ["1 (NA)", "NA", "2 (NA)"])
        #expect(elements.contains { $0["class"] == "category" && $0.text == #"a<&>"'"# })
    }

    @Test func longCategoriesWrap() throws {
        let chart = BarChart(title: "", categories: [String(repeating: "intrahepatic outfield ", count: 8)],
                             groups: [.counts("x", [1], of: 2)], width: 600)
        let lines = try #require(parseXML(chart.svg())).filter { $0["class"] == "category" }
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.number("x")! - SVG.textWidth($0.text, size: 12) >= 0 })
    }
}

@Suite struct ForestPlotTests {
    @Test func rowsMarkersAndArrows() throws {
        let elements = try #require(parseXML(Sample.forest.svg()))
        #expect(elements.filter { $0["class"] == "group-header" }.map(\.text) == ["Univariate", "Multivariate"])
        #expect(elements.filter { $0["class"] == "estimate" }.count == 3)
        // Infinite upper limit and zero lower limit: one arrow each.
        #expect(elements.filter { $0["class"] == "arrow" }.count == 2)
        #expect(elements.contains { $0["class"] == "not-estimable" })
        let texts = elements.filter { $0.name == "text" }.map(\.text)
        #expect(texts.contains("2.10 (1.12–3.95)"))
        #expect(texts.contains("3.40 (1.20–NE)"))
        #expect(texts.contains("<0.001"))
        // Reference line at 1 lies on the tick labelled 1.
        let ref = try #require(elements.first { $0["class"] == "reference" }?.number("x1"))
        let one = try #require(elements.first { $0["class"] == "x-tick" && $0.text == "1" }?.number("x"))
        #expect(ref == one)
    }

    @Test func markersSitAtTheirLogPosition() throws {
        let plot = ForestPlot(title: "", entries: [.term(.init(label: "a", estimate: 2, lower: 1, upper: 4))],
                              ticks: [0.5, 1, 2, 4, 8])
        let elements = try #require(parseXML(plot.svg()))
        let two = try #require(elements.first { $0["class"] == "x-tick" && $0.text == "2" }?.number("x"))
        let marker = try #require(elements.first { $0["class"] == "estimate" })
        #expect(abs(marker.number("x")! + 4.5 - two) < 0.011)
        let ci = try #require(elements.first { $0["class"] == "ci" })
        let one = elements.first { $0["class"] == "x-tick" && $0.text == "1" }!.number("x")!
        let four = elements.first { $0["class"] == "x-tick" && $0.text == "4" }!.number("x")!
        #expect(ci.number("x1") == one && ci.number("x2") == four)
    }

    @Test func allNonEstimable() throws {
        let plot = ForestPlot(
            title: "x",
            entries: [.term(.init(label: #"<&>"'"#, estimate: .infinity, lower: .nan, upper: .nan, p: .nan))])
        let svg = plot.svg()
        let elements = try #require(parseXML(svg))
        #expect(!svg.lowercased().contains("nan"))
        #expect(elements.contains { $0.text == #"<&>"'"# })
        #expect(elements.filter { $0.name == "text" }.map(\.text).contains("NA"))
    }
}

/// Figures for print: sizes in millimetres with text of at least 7 pt, legend titles, one colour for
/// the reference level in every panel, reference levels named in forest plots, tick labels that do
/// not overlap, and the SYNTHETIC mark.
@Suite struct PrintFigureTests {
    /// The smallest text of an SVG in points when printed at its width in millimetres.
    static func smallestTextPoints(_ svg: String) throws -> Double {
        let elements = try #require(parseXML(svg))
        let root = try #require(elements.first { $0.name == "svg" })
        let widthAttr = try #require(root["width"])
        #expect(widthAttr.hasSuffix("mm"), "width \(widthAttr) is not in mm")
        let mm = try #require(Double(widthAttr.dropLast(2)))
        let viewBox = try #require(root["viewBox"]).split(separator: " ").compactMap { Double($0) }
        let unitsPerMM = viewBox[2] / mm
        let sizes = elements.filter { $0.name == "text" && $0["class"] != "watermark" }.compactMap {
            $0.number("font-size")
        }
        let smallest = try #require(sizes.min())
        return smallest / unitsPerMM / (25.4 / 72)
    }

    @Test(arguments: [FigureSize.singleColumn, .doubleColumn])
    func printedTextIsAtLeastSevenPoints(size: FigureSize) throws {
        var km = Sample.survival
        km.size = size
        var forest = ForestPlot(
            title: "HR",
            entries: [.term(.init(label: "Age ≥ 50", estimate: 2, lower: 1, upper: 4, p: 0.04, reference: "< 50"))])
        forest.size = size
        var bars = BarChart(
            title: "Bars", categories: ["A", "B"], groups: [.counts("All", [1, 2], of: 3)], valueLabel: "%")
        bars.size = size
        for svg in [km.svg(), forest.svg(), bars.svg()] {
            let points = try Self.smallestTextPoints(svg)
            #expect(points >= 7 - 1e-9, "smallest text \(points) pt at \(size.millimetres) mm")
            #expect(svg.contains("width=\"\(SVG.num(size.millimetres))mm\""))
        }
    }

    @Test func everyDemoFigureIsSizedForPrintAndMarkedSynthetic() throws {
        let doc = try #require(DemoReport.document)
        #expect(doc.figureFiles.count >= 5)
        for f in doc.figureFiles {
            #expect(try Self.smallestTextPoints(f.svg) >= 7 - 1e-9, "\(f.fileName)")
            let marks = try #require(parseXML(f.svg)).filter { $0["class"] == "watermark" }
            #expect(marks.map(\.text) == ["SYNTHETIC"], "\(f.fileName)")
        }
    }

    @Test func referenceCurveHasTheFirstColourInEveryPanel() throws {
        func strokes(_ plot: SurvivalPlot) throws -> [String] {
            try #require(parseXML(plot.svg())).filter { $0["class"] == "curve" }.compactMap { $0["stroke"] }
        }
        let a = SurvivalPlot.Series(label: "< 200", times: [0, 5], values: [1, 0.5])
        let b = SurvivalPlot.Series(label: "≥ 200", times: [0, 5], values: [1, 0.3])
        let refFirst = SurvivalPlot(title: "", xLabel: "t", yLabel: "S", series: [a, b], referenceSeries: 0)
        let refSecond = SurvivalPlot(title: "", xLabel: "t", yLabel: "S", series: [b, a], referenceSeries: 1)
        #expect(try strokes(refFirst) == [SVG.palette[0], SVG.palette[1]])
        #expect(try strokes(refSecond) == [SVG.palette[1], SVG.palette[0]])
    }

    @Test func legendTitleNamesTheVariable() throws {
        let plot = SurvivalPlot(title: "", xLabel: "t", yLabel: "S",
            series: [
                .init(label: "< 200", times: [0, 5], values: [1, 0.5]),
                .init(label: "≥ 200", times: [0, 5], values: [1, 0.3]),
            ],
                                legendTitle: "AFP (IU/ml)")
        let elements = try #require(parseXML(plot.svg()))
        #expect(elements.first { $0["class"] == "legend-title" }?.text == "AFP (IU/ml)")
    }

    /// Small cohorts give absurd intervals (HR 1e-9 to 1e28, limits 0 and ∞): the axis stays
    /// readable (at most four decades beyond the estimates, no overlapping tick labels, the
    /// reference 1 always labelled) and the reference level is named.
    @Test(arguments: [FigureSize.singleColumn, .doubleColumn])
    func forestTicksDoNotOverlapWithExtremeIntervals(size: FigureSize) throws {
        let plot = ForestPlot(title: "Small cohort", entries: [
            .term(.init(label: "Age (y): ≥ 50", estimate: 1e-9, lower: 0, upper: .infinity, p: 1, reference: "< 50")),
                .term(
                    .init(
                        label: "AFP (IU/ml): ≥ 200", estimate: 7.9e8, lower: 0, upper: .infinity, p: 0.999,
                        reference: "< 200")),
            .term(.init(label: "Stage: III–IV", estimate: 2.4e28, lower: 1e-30, upper: 1e60, p: 1, reference: "II")),
            .term(.init(label: "PVT: Yes", estimate: 4.9, lower: 0.18, upper: 137, p: 0.35, reference: "No")),
        ], size: size)
        let svg = plot.svg()
        let elements = try #require(parseXML(svg))
        let ticks = elements.filter { $0["class"] == "x-tick" }
        #expect(ticks.count >= 3)
        #expect(ticks.contains { $0.text == "1" })
        let spans = ticks.map { t -> (Double, Double) in
            let x = t.number("x")!, half = SVG.textWidth(t.text, size: t.number("font-size")!) / 2
            return (x - half, x + half)
        }.sorted { $0.0 < $1.0 }
        for (l, r) in zip(spans, spans.dropFirst()) { #expect(l.1 < r.0, "tick labels overlap: \(l) \(r)") }
        let labels = elements.filter { $0["class"] == "term-label" }.map(\.text).joined(separator: " ")
        for ref in ["vs < 50", "vs < 200", "vs II", "vs No"] { #expect(labels.contains(ref)) }
        // Nothing drawn outside the canvas.
        let width = try #require(elements.first { $0.name == "svg" }?["viewBox"]).split(separator: " ").compactMap {
            Double($0)
        }[2]
        for t in elements where t.name == "text" && t["class"] != "watermark" {
            let x = t.number("x") ?? 0
            #expect(x >= 0 && x <= width, "\(t.text) at \(x)")
        }
    }

    @Test func watermarkIsAddedOnceToAnySVG() {
        let svg = Sample.survival.svg()
        let marked = SVG.addingWatermark("SYNTHETIC", to: svg)
        #expect(marked.components(separatedBy: "class=\"watermark\"").count == 2)
        #expect(SVG.addingWatermark("SYNTHETIC", to: marked) == marked)
        var plot = Sample.survival
        plot.watermark = "SYNTHETIC"
        #expect(plot.svg().contains(">SYNTHETIC</text>"))
    }
}
