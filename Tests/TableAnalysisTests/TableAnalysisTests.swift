import Foundation
import Testing
import Reporting
import Survival
import Tabular
@testable import TableAnalysis

/// Unit tests of the table analyses behind `pof km/logrank/cox/cuminc/finegray/predict`: column handling,
/// exclusions, coding and error messages. (Numbers against R are in the Survival and end-to-end tests.)
@Suite struct TableAnalysisTests {
    static let csv = """
    time,status,age,arm,cause
    5,1,60,b,1
    8,0,,a,0
    12,1,70,a,2
    15,1,55,b,1
    20,0,65,a,0
    22,1,58,c,1
    """

    static func table(_ text: String = csv) throws -> CSVTable { try CSVTable(string: text, sourceName: "t.csv") }

    @Test func exclusionsAreCountedPerColumn() throws {
        let r = try CoxAnalysis.run(table: Self.table(), time: "time", event: "status", covariates: ["age"])
        #expect(r.rowsUsed == 5 && r.excludedRows == 1)
        #expect(r.excluded.map(\.column) == ["age"] && r.excluded.map(\.rows) == [1])
        #expect(r.text.contains("1 of 6 rows excluded for missing values (age: 1)"))
        let km = try KaplanMeierAnalysis.run(table: Self.table(), time: "time", event: "status")
        #expect(km.rowsUsed == 6 && km.excluded.isEmpty)     // age is not used by km
    }

    @Test func categoricalCodingAndReference() throws {
        let r = try CoxAnalysis.run(table: Self.table(), time: "time", event: "status", covariates: ["arm"])
        #expect(r.terms.map(\.term) == ["arm=b", "arm=c"])           // first sorted level "a" is the reference
        let s = try CoxAnalysis.run(table: Self.table(), time: "time", event: "status", covariates: ["arm"],
                                    reference: ["arm": "c"])
        #expect(s.terms.map(\.term) == ["arm=a", "arm=b"])
        #expect(throws: TabularError.self) {
            try CoxAnalysis.run(
                table: Self.table(), time: "time", event: "status", covariates: ["arm"], reference: ["arm": "z"])
        }
    }

    @Test func missingMedianIsNullInJSON() throws {
        // all censored after the first event: S never reaches 0.5
        let t = try Self.table("time,status\n1,1\n2,0\n3,0\n4,0\n")
        let r = try KaplanMeierAnalysis.run(table: t, time: "time", event: "status")
        #expect(r.strata[0].median.isNaN)
        let json = try JSONOutput.string(r, pretty: false)
        #expect(json.contains("\"median\":null") && json.contains("\"median_upper95\":null"))
    }

    @Test func badInputNamesFileRowColumnValue() throws {
        let neg = try Self.table("time,status\n5,1\n-2,0\n")
        #expect(throws: AnalysisError.negativeTime(file: "t.csv", row: 3, column: "time", value: "-2")) {
            try KaplanMeierAnalysis.run(table: neg, time: "time", event: "status")
        }
        let badEvent = try Self.table("time,status\n5,1\n6,yes\n")
        do {
            _ = try LogRankAnalysis.run(table: badEvent, time: "time", event: "status", group: "status")
            Issue.record("expected an error")
        } catch {
            let text = "\(error)"
            #expect(text.contains("t.csv") && text.contains("row 3") && text.contains("status") && text.contains("yes"))
        }
        let noEvents = try Self.table("time,status,x\n5,0,1\n6,0,2\n")
        // no events: the model is not estimable and there are no tests (R prints p = 1)
        let cox = try CoxAnalysis.run(table: noEvents, time: "time", event: "status", covariates: ["x"])
        #expect(cox.status == .notEstimable(.noEvents) && cox.notPossible == ["Cox model: not estimable, no events"])
        #expect(cox.tests.likelihoodRatio.p.isNaN && cox.tests.score.p.isNaN && cox.terms[0].hr.isNaN)
        #expect(throws: AnalysisError.self) {
            try LogRankAnalysis.run(table: Self.table(), time: "time", event: "status", group: "arm", rho: -1)
        }
    }

    @Test func causeCodesMustBeIntegers() throws {
        let t = try Self.table("time,cause\n5,1\n6,1.5\n")
        do {
            _ = try CumulativeIncidenceAnalysis.run(table: t, time: "time", event: "cause")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("t.csv, row 3, column \"cause\": \"1.5\" is not a cause code"))
        }
        let r = try CumulativeIncidenceAnalysis.run(table: Self.table(), time: "time", event: "cause", at: [10, 22])
        // cause 1 at times 5, 15, 22; cause 2 at 12; censored at 8, 20 (hand: Aalen–Johansen)
        // S(t−) and n at risk: t=5 n=6 → F1 += 1·1/6; t=12 n=4, S=5/6 → F2 = 5/24;
        // t=15 n=3, S=5/6·3/4=5/8 → F1 += 5/24;
        // t=22 n=1, S=5/8·2/3=5/12 → F1 += 5/12
        let c1 = try #require(r.curves.first { $0.cause == 1 })
        #expect(abs(c1.at[0].estimate - 1.0 / 6) < 1e-12)
        #expect(abs(c1.at[1].estimate - (1.0 / 6 + 5.0 / 24 + 5.0 / 12)) < 1e-12)
        // past the last follow-up time cmprsk::timepoints gives NA, and so does the engine
        let beyond = try CumulativeIncidenceAnalysis.run(table: Self.table(), time: "time", event: "cause", at: [30])
        #expect(beyond.curves[0].at[0].estimate.isNaN)
        let c2 = try #require(r.curves.first { $0.cause == 2 })
        #expect(abs(c2.at[1].estimate - 5.0 / 24) < 1e-12)
    }
}
