import Testing
import Foundation
@testable import Oncology

@Suite("Child-Pugh")
struct ChildPughTests {
    @Test("bilirubin points: <2 / 2-3 / >3 mg/dL", arguments: [(0.5, 1), (1.99, 1), (2.0, 2), (3.0, 2), (3.01, 3)])
    func bilirubin(value: Double, points: Int) {
        #expect(ChildPugh.bilirubinPoints(mgPerDL: value) == points)
    }

    @Test("albumin points: >3.5 / 2.8-3.5 / <2.8 g/dL", arguments: [(4.2, 1), (3.51, 1), (3.5, 2), (2.8, 2), (2.79, 3)])
    func albumin(value: Double, points: Int) {
        #expect(ChildPugh.albuminPoints(gPerDL: value) == points)
    }

    @Test("INR points: <1.7 / 1.7-2.3 / >2.3", arguments: [(1.0, 1), (1.69, 1), (1.7, 2), (2.3, 2), (2.31, 3)])
    func inr(value: Double, points: Int) {
        #expect(ChildPugh.inrPoints(value) == points)
    }

    @Test func clinicalPoints() {
        #expect(Ascites.allCases.map(\.points) == [1, 2, 3])
        #expect(HepaticEncephalopathy.allCases.map(\.points) == [1, 2, 3])
    }

    @Test func sixVersusSevenPoints() {
        // 2 (bilirubin 2.0) + 1 + 1 + 1 + 1 = 6 -> A.
        let six = ChildPugh(bilirubinMgPerDL: 2.0, albuminGPerDL: 3.6, inr: 1.1, ascites: .none, encephalopathy: .none)!
        #expect(six.score == 6)
        #expect(six.class == .a)
        // 2 (bilirubin 2.0) + 2 (albumin 3.5) + 1 + 1 + 1 = 7 -> B.
        let seven = ChildPugh(
            bilirubinMgPerDL: 2.0, albuminGPerDL: 3.5, inr: 1.1, ascites: .none, encephalopathy: .none)!
        #expect(seven.score == 7)
        #expect(seven.class == .b)
    }

    @Test func classBoundaries() {
        let five = ChildPugh(
            bilirubinMgPerDL: 1.0, albuminGPerDL: 4.0, inr: 1.0, ascites: .none, encephalopathy: .none)!
        #expect(five.score == 5 && five.class == .a)
        // 2 + 2 + 2 + 2 + 1 = 9 -> B.
        let nine = ChildPugh(
            bilirubinMgPerDL: 2.5, albuminGPerDL: 3.0, inr: 2.0, ascites: .mild, encephalopathy: .none)!
        #expect(nine.score == 9 && nine.class == .b)
        // 2 + 2 + 2 + 2 + 2 = 10 -> C.
        let ten = ChildPugh(
            bilirubinMgPerDL: 2.5, albuminGPerDL: 3.0, inr: 2.0, ascites: .mild, encephalopathy: .grade1to2)!
        #expect(ten.score == 10 && ten.class == .c)
        let fifteen = ChildPugh(
            bilirubinMgPerDL: 5, albuminGPerDL: 2, inr: 3, ascites: .moderateToSevere, encephalopathy: .grade3to4)!
        #expect(fifteen.score == 15 && fifteen.class == .c)
        #expect(ChildPugh(bilirubinMgPerDL: -1, albuminGPerDL: 3, inr: 1, ascites: .none, encephalopathy: .none) == nil)
    }

    @Test func classFromScore() {
        #expect([5, 6, 7, 9, 10, 15].map { ChildPughClass(score: $0) } == [.a, .a, .b, .b, .c, .c])
        #expect(ChildPughClass(score: 4) == nil)
        #expect(ChildPughClass(score: 16) == nil)
    }

    @Test func parsing() {
        #expect(ChildPughClass(parsing: "A") == .a)
        #expect(ChildPughClass(parsing: "Child-Pugh B") == .b)
        #expect(ChildPughClass(parsing: "CP-C") == .c)
        #expect(ChildPughClass(parsing: "A6") == .a)
        #expect(ChildPughClass(parsing: "B7") == .b)
        #expect(ChildPughClass(parsing: "A7") == nil)
        #expect(ChildPughClass(parsing: "D") == nil)
        #expect(Ascites(parsing: "Absent") == Ascites.none)
        #expect(Ascites(parsing: "moderate") == .moderateToSevere)
        #expect(HepaticEncephalopathy(parsing: "grade 1-2") == .grade1to2)
        #expect(HepaticEncephalopathy(parsing: "Grade 3") == .grade3to4)
        #expect(HepaticEncephalopathy(parsing: "none") == HepaticEncephalopathy.none)
    }
}

@Suite("ALBI")
struct ALBITests {
    @Test func gradeBoundaries() {
        #expect(ALBIGrade(score: -3.0) == .grade1)
        #expect(ALBIGrade(score: -2.60) == .grade1)
        #expect(ALBIGrade(score: (-2.60).nextUp) == .grade2)
        #expect(ALBIGrade(score: -2.0) == .grade2)
        #expect(ALBIGrade(score: -1.39) == .grade2)
        #expect(ALBIGrade(score: (-1.39).nextUp) == .grade3)
        #expect(ALBIGrade(score: 0) == .grade3)
        #expect(ALBIGrade(score: .nan) == nil)
    }

    @Test func scoreFromSIUnits() {
        // log10(10) = 1: 0.66 - 0.085 x 40 = 0.66 - 3.4 = -2.74 -> grade 1.
        let a = ALBI(bilirubinMicromolPerL: 10, albuminGPerL: 40)!
        #expect(abs(a.score - (-2.74)) <= 1e-12)
        #expect(a.grade == .grade1)
        // log10(100) = 2: 1.32 - 2.55 = -1.23 -> grade 3.
        let b = ALBI(bilirubinMicromolPerL: 100, albuminGPerL: 30)!
        #expect(abs(b.score - (-1.23)) <= 1e-12)
        #expect(b.grade == .grade3)
        // log10(1) = 0: 0 - 0 = 0.
        #expect(ALBI(bilirubinMicromolPerL: 1, albuminGPerL: 0)!.score == 0)
    }

    @Test func scoreFromConventionalUnits() {
        // 1.0 mg/dL = 17.1 umol/L; 3.5 g/dL = 35 g/L.
        let c = ALBI(bilirubinMgPerDL: 1.0, albuminGPerDL: 3.5)!
        #expect(abs(c.score - (0.66 * log10(17.1) - 0.085 * 35)) <= 1e-12)
        #expect(c.grade == .grade2)
    }

    @Test func conversions() {
        #expect(abs(ALBI.bilirubinMicromolPerL(fromMgPerDL: 1.0) - 17.1) <= 1e-12)
        #expect(abs(ALBI.bilirubinMicromolPerL(fromMgPerDL: 2.0) - 34.2) <= 1e-12)
        #expect(abs(ALBI.bilirubinMgPerDL(fromMicromolPerL: 34.2) - 2.0) <= 1e-12)
        #expect(ALBI.albuminGPerL(fromGPerDL: 3.5) == 35)
        #expect(ALBI.albuminGPerDL(fromGPerL: 35) == 3.5)
    }

    @Test func invalidInputs() {
        #expect(ALBI(bilirubinMicromolPerL: 0, albuminGPerL: 40) == nil)
        #expect(ALBI(bilirubinMicromolPerL: 10, albuminGPerL: -1) == nil)
        #expect(ALBI(bilirubinMicromolPerL: .nan, albuminGPerL: 40) == nil)
    }
}
