@testable import Reporting

/// Small fixed inputs shared by the snapshot and structural tests.
enum Sample {
    static let ticks: [Double] = [0, 6, 12, 18, 24]

    static let survival = SurvivalPlot(
        title: "Overall survival",
        xLabel: "Months after RT",
        yLabel: "Survival probability",
        series: [
            .init(label: "Primary CCRT", times: [0, 2, 5, 9, 14, 20], values: [1, 0.9, 0.75, 0.6, 0.42, 0.3],
                  lower: [1, 0.78, 0.6, 0.44, 0.26, 0.15], upper: [1, 1, 0.9, 0.76, 0.6, 0.5],
                  censorTimes: [7, 16, 23], endTime: 23, median: 14, atRisk: [20, 16, 11, 6, 2]),
            .init(label: "Prior TACE", times: [0, 1, 3, 4, 8, 11], values: [1, 0.85, 0.7, 0.55, 0.4, 0.25],
                  censorTimes: [6, 13], endTime: 17, median: 8, atRisk: [18, 9, 4, 0, 0]),
        ],
        xTicks: ticks, annotation: "log-rank P = 0.035")

    static let incidence = SurvivalPlot(
        title: "Cumulative incidence of extrahepatic failure",
        xLabel: "Months after RT", yLabel: "Cumulative incidence",
        series: [.init(label: "All patients", times: [0, 3, 7, 12], values: [0, 0.1, 0.25, 0.3],
                       censorTimes: [9], endTime: 15, atRisk: [30, 22, 15])],
        xTicks: [0, 6, 12, 18], yTicks: [0, 0.25, 0.5, 0.75, 1], yAsPercent: true, kind: .cumulativeIncidence,
        annotation: "Gray's test P = 0.21")

    static let bars = BarChart(
        title: "Patterns of failure",
        categories: ["Infield", "Intrahepatic-outfield", "Extrahepatic", "Intrahepatic-outfield + extrahepatic"],
        groups: [.counts("At 3 months", [10, 21, 12, 5], of: 138), .counts("Overall", [46, 70, 58, 31], of: 138)],
        valueLabel: "Patients (%)")

    static let forest = ForestPlot(title: "Risk factors of extrahepatic failure", entries: [
        .header("Univariate"),
        .term(.init(label: "Age < 50", estimate: 2.1, lower: 1.12, upper: 3.95, p: 0.021)),
        .term(.init(label: "AFP ≥ 200 and PIVKA-II ≥ 60", estimate: 3.4, lower: 1.2, upper: .infinity, p: 0.0004)),
        .header("Multivariate"),
        .term(.init(label: "Portal vein thrombosis", estimate: .nan, lower: .nan, upper: .nan)),
        .term(.init(label: "Prior TACE", estimate: 0.8, lower: 0, upper: 1.9, p: 0.6)),
    ])

    static var document: ReportDocument {
        ReportDocument(
            title: "Patterns of failure after CCRT",
            metadata: ["pof 0.1.0", "plan: default (paper)", "input SHA-256: 0123abcd"],
            sections: [
                .init(heading: "Survival", blocks: [
                    .paragraph("Median overall survival was 11.1 months."),
                    .callout(.init(.note, "Times are from the end of RT.")),
                    .figure(.init(caption: "Overall survival", svg: tinySVG, fileName: "os.svg")),
                ]),
                .init(heading: "Response", blocks: [
                    .table(.init(caption: "Response at 3 months (mRECIST)", header: ["Response", "n (%)"],
                                 rows: [["Complete response", "4 (2.9)"], ["Partial response", "77 (55.8)"]],
                                 footnotes: ["Percentages of 138 patients."], alignments: [.left, .right])),
                    .callout(.init(.warning, "2 patients excluded: no imaging at 3 months.")),
                ]),
            ])
    }

    /// A fixed figure, so the document snapshots do not change with the figure renderers.
    static let tinySVG = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="10" height="10">\
        <title>t</title><rect width="10" height="10"/></svg>

        """
}
