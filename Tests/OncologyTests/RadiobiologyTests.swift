import Testing
@testable import Oncology

@Suite("BED and EQD2")
struct RadiobiologyTests {
    @Test func fortyFiveInTwentyFive() {
        // d = 45/25 = 1.8; BED10 = 45 (1 + 0.18) = 53.1; EQD2 = 53.1 / 1.2 = 44.25.
        #expect(abs(Radiobiology.dosePerFraction(totalDose: 45, fractions: 25) - 1.8) <= 1e-12)
        #expect(abs(Radiobiology.bed(totalDose: 45, fractions: 25) - 53.1) <= 1e-12)
        #expect(abs(Radiobiology.eqd2(totalDose: 45, fractions: 25) - 44.25) <= 1e-12)
        let rt = FractionationSchedule(totalDose: 45, fractions: 25)!
        #expect(abs(rt.dosePerFraction - 1.8) <= 1e-12)
        #expect(abs(rt.bed() - 53.1) <= 1e-12)
        #expect(abs(rt.eqd2() - 44.25) <= 1e-12)
    }

    @Test func twoGrayFractionsAreTheirOwnEQD2() {
        // d = 2: BED10 = 60 x 1.2 = 72; EQD2 = 72 / 1.2 = 60.
        #expect(abs(Radiobiology.bed(totalDose: 60, fractions: 30) - 72) <= 1e-12)
        #expect(abs(Radiobiology.eqd2(totalDose: 60, fractions: 30) - 60) <= 1e-12)
    }

    @Test func otherAlphaBeta() {
        // alpha/beta 3: BED3 = 45 (1 + 1.8/3) = 45 x 1.6 = 72; EQD2 = 72 / (5/3) = 43.2.
        #expect(abs(Radiobiology.bed(totalDose: 45, fractions: 25, alphaBeta: 3) - 72) <= 1e-12)
        #expect(abs(Radiobiology.eqd2(totalDose: 45, fractions: 25, alphaBeta: 3) - 43.2) <= 1e-12)
    }

    @Test func hypofractionated() {
        // 50 Gy / 5 fx: d = 10; BED10 = 50 x 2 = 100; EQD2 = 100 / 1.2 = 250/3.
        let sbrt = FractionationSchedule(totalDose: 50, fractions: 5)!
        #expect(abs(sbrt.bed() - 100) <= 1e-12)
        #expect(abs(sbrt.eqd2() - 250.0 / 3.0) <= 1e-12)
    }

    @Test func invalidSchedules() {
        #expect(FractionationSchedule(totalDose: 45, fractions: 0) == nil)
        #expect(FractionationSchedule(totalDose: 0, fractions: 25) == nil)
        #expect(FractionationSchedule(totalDose: .nan, fractions: 25) == nil)
    }
}
