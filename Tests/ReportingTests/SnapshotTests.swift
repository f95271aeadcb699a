import Testing
@testable import Reporting

/// Rendered output of fixed inputs against the committed references in `Snapshots/`.
@Suite struct SnapshotTests {
    @Test func survivalPlot() { Snapshot.check(Sample.survival.svg(), named: "survival.svg") }
    @Test func cumulativeIncidencePlot() { Snapshot.check(Sample.incidence.svg(), named: "incidence.svg") }
    @Test func barChart() { Snapshot.check(Sample.bars.svg(), named: "bars.svg") }
    @Test func forestPlot() { Snapshot.check(Sample.forest.svg(), named: "forest.svg") }
    @Test func html() { Snapshot.check(Sample.document.html(), named: "report.html") }
    @Test func markdown() { Snapshot.check(Sample.document.markdown(), named: "report.md") }

    @Test func firstDifferenceNamesTheLine() {
        #expect(Snapshot.firstDifference("a\nb\nc", "a\nb\nc") == nil)
        let d = Snapshot.firstDifference("a\nb\nc", "a\nB\nc")
        #expect(d?.0 == 2 && d?.1 == "b" && d?.2 == "B")
        #expect(Snapshot.firstDifference("a", "a\nb")?.0 == 2)
    }
}
