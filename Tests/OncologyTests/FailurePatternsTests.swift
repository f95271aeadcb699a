import Testing
@testable import Oncology

@Suite("Failure sites and patterns")
struct FailurePatternsTests {
    @Test("lenient site parsing", arguments: [
        ("infield", FailureSite.infield), ("in-field", .infield), ("I", .infield), ("i", .infield),
        (" IN-FIELD ", .infield), ("In Field", .infield),
        ("outfield", .intrahepaticOutfield), ("intrahepatic-outfield", .intrahepaticOutfield),
        ("Intrahepatic Outfield", .intrahepaticOutfield), ("O", .intrahepaticOutfield), ("o", .intrahepaticOutfield),
        ("out-field", .intrahepaticOutfield),
        ("extrahepatic", .extrahepatic), ("Extra-hepatic", .extrahepatic), ("E", .extrahepatic), ("e", .extrahepatic),
    ])
    func parsesSites(text: String, expected: FailureSite) {
        #expect(FailureSite(parsing: text) == expected)
    }

    @Test("unknown site spellings are rejected", arguments: ["", "marginal", "IO", "liver", "x"])
    func rejectsUnknownSites(text: String) {
        #expect(FailureSite(parsing: text) == nil)
    }

    @Test func rawValuesAndCodes() {
        #expect(FailureSite.infield.rawValue == "infield")
        #expect(FailureSite.intrahepaticOutfield.rawValue == "intrahepatic-outfield")
        #expect(FailureSite.extrahepatic.rawValue == "extrahepatic")
        #expect(FailureSite.allCases.map(\.code) == ["I", "O", "E"])
        #expect(FailureSite(rawValue: "intrahepatic-outfield") == .intrahepaticOutfield)
    }

    @Test func allPatternsInReportingOrder() {
        #expect(FailurePattern.allPatterns.map(\.label) == ["I", "O", "E", "I+O", "I+E", "O+E", "I+O+E"])
        #expect(Set(FailurePattern.allPatterns).count == 7)
        let anyEmpty = FailurePattern.allPatterns.contains { $0.isEmpty }
        #expect(!anyEmpty)
    }

    @Test("each of the 7 patterns from its set of sites", arguments: [
        ([FailureSite.infield], "I"),
        ([.intrahepaticOutfield], "O"),
        ([.extrahepatic], "E"),
        ([.intrahepaticOutfield, .infield], "I+O"),
        ([.extrahepatic, .infield], "I+E"),
        ([.extrahepatic, .intrahepaticOutfield], "O+E"),
        ([.extrahepatic, .infield, .intrahepaticOutfield, .infield], "I+O+E"),
    ])
    func patternFromSites(sites: [FailureSite], label: String) {
        let pattern = FailurePattern(sites: sites)
        #expect(pattern.label == label)
        #expect(FailurePattern(parsing: label) == pattern)
        #expect(FailurePattern.allPatterns.contains(pattern))
    }

    @Test func emptyPattern() {
        let none = FailurePattern(sites: [FailureSite]())
        #expect(none.isEmpty)
        #expect(none.label == "none")
        #expect(none.sites.isEmpty)
    }

    @Test func includes() {
        let ie: FailurePattern = [.infield, .extrahepatic]
        #expect(ie.includes(.infield))
        #expect(!ie.includes(.intrahepaticOutfield))
        #expect(ie.includes(.extrahepatic))
        #expect(ie.sites == [.infield, .extrahepatic])

        let o = FailurePattern(site: .intrahepaticOutfield)
        #expect(!o.includes(.infield))
        #expect(o.includes(.intrahepaticOutfield))
        #expect(!o.includes(.extrahepatic))

        let all = FailurePattern(parsing: "I+O+E")!
        let includesAll = FailureSite.allCases.allSatisfy { all.includes($0) }
        #expect(includesAll)
    }

    @Test func parsesLabels() {
        #expect(FailurePattern(parsing: "E+I")?.label == "I+E")
        #expect(FailurePattern(parsing: "o + e")?.label == "O+E")
        #expect(FailurePattern(parsing: "infield+extrahepatic")?.label == "I+E")
        #expect(FailurePattern(parsing: "intrahepatic-outfield, extrahepatic")?.label == "O+E")
        #expect(FailurePattern(parsing: "I/O")?.label == "I+O")
        #expect(FailurePattern(parsing: "X") == nil)
        #expect(FailurePattern(parsing: "I+X") == nil)
        #expect(FailurePattern(parsing: "") == nil)
        #expect(FailurePattern(parsing: "+") == nil)
    }

    @Test func rawValueMaskKeepsThreeBits() {
        #expect(FailurePattern(rawValue: 0b101).label == "I+E")
        #expect(FailurePattern(rawValue: 0b1111_1000).isEmpty)
    }
}
