import Testing
@testable import Reporting

/// CSV cells a spreadsheet would run as formulas are written as text; numbers are left as they are.
struct CSVInjectionTests {
    @Test func formulaLikeTextGetsAnApostrophe() {
        let csv = CSVOutput.string(header: ["group", "n"],
                                   rows: [["=HYPERLINK(\"x\")", "3"], ["+1+2", "1"], ["@SUM(A1)", "2"], ["-cmd", "4"]])
        #expect(csv == "group,n\n\"'=HYPERLINK(\"\"x\"\")\",3\n'+1+2,1\n'@SUM(A1),2\n'-cmd,4\n")
    }

    @Test func numbersAndPlainTextAreUnchanged() {
        let csv = CSVOutput.string(header: ["x"], rows: [["-1.5"], ["+2"], ["-1e-3"], ["a=b"], ["NA"]])
        #expect(csv == "x\n-1.5\n+2\n-1e-3\na=b\nNA\n")
    }
}
