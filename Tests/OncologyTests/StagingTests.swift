import Testing
@testable import Oncology

@Suite("mUICC staging (KLCA 2022)")
struct StagingTests {
    // Criteria: solitary; <= 2 cm; no vascular/bile-duct invasion. T1 = 3 met, T2 = 2, T3 = 1, T4 = 0.
    @Test("T category", arguments: [
        (1, 2.0, false, MUICCTCategory.t1),   // all three; exactly 2 cm meets "<= 2 cm"
        (1, 1.0, false, .t1),
        (1, 2.1, false, .t2),                 // size fails
        (2, 1.5, false, .t2),                 // number fails
        (1, 1.5, true, .t2),                  // invasion fails
        (2, 3.0, false, .t3),                 // only "no invasion" met
        (1, 3.0, true, .t3),                  // only "solitary" met
        (3, 1.0, true, .t3),                  // only "<= 2 cm" met
        (2, 3.0, true, .t4),                  // none met
    ])
    func tCategory(count: Int, size: Double, invasion: Bool, expected: MUICCTCategory) {
        #expect(
            MUICCTCategory(tumorCount: count, largestDiameterCm: size, vascularOrBileDuctInvasion: invasion) == expected
        )
    }

    @Test("stage groups", arguments: [
        (MUICCTCategory.t1, false, false, MUICCStage.i),
        (.t2, false, false, .ii),
        (.t3, false, false, .iii),
        (.t4, false, false, .iva),
        (.t1, true, false, .iva),
        (.t3, true, false, .iva),
        (.t4, true, false, .iva),
        (.t1, false, true, .ivb),
        (.t4, true, true, .ivb),
    ])
    func stage(t: MUICCTCategory, n1: Bool, m1: Bool, expected: MUICCStage) {
        #expect(MUICCStage(t: t, nodePositive: n1, distantMetastasis: m1) == expected)
    }

    @Test func stageFromFindings() {
        #expect(MUICCStage(tumorCount: 1, largestDiameterCm: 2.0, vascularOrBileDuctInvasion: false,
                           nodePositive: false, distantMetastasis: false) == .i)
        #expect(MUICCStage(tumorCount: 1, largestDiameterCm: 5, vascularOrBileDuctInvasion: false,
                           nodePositive: false, distantMetastasis: false) == .ii)
        #expect(MUICCStage(tumorCount: 4, largestDiameterCm: 8, vascularOrBileDuctInvasion: false,
                           nodePositive: false, distantMetastasis: false) == .iii)
        #expect(MUICCStage(tumorCount: 4, largestDiameterCm: 8, vascularOrBileDuctInvasion: true,
                           nodePositive: false, distantMetastasis: false) == .iva)
        #expect(MUICCStage(tumorCount: 0, largestDiameterCm: 2, vascularOrBileDuctInvasion: false,
                           nodePositive: false, distantMetastasis: false) == nil)
    }

    @Test func givenTNM() {
        #expect(MUICCStage(t: "T2", n: "N0", m: "M0") == .ii)
        #expect(MUICCStage(t: "3", n: "0", m: "0") == .iii)
        #expect(MUICCStage(t: "t4", n: "n0", m: "m0") == .iva)
        #expect(MUICCStage(t: "T1", n: "N1", m: "M0") == .iva)
        #expect(MUICCStage(t: "T2", n: "N1", m: "M1") == .ivb)
        #expect(MUICCStage(t: "T5", n: "N0", m: "M0") == nil)
        #expect(MUICCStage(t: "T1", n: "N2", m: "M0") == nil)
        #expect(MUICCStage(t: "T1", n: "N0", m: "Mx") == nil)
    }

    @Test func invalidFindings() {
        #expect(MUICCTCategory(tumorCount: 0, largestDiameterCm: 1, vascularOrBileDuctInvasion: false) == nil)
        #expect(MUICCTCategory(tumorCount: 1, largestDiameterCm: 0, vascularOrBileDuctInvasion: false) == nil)
        #expect(MUICCTCategory(tumorCount: 1, largestDiameterCm: .nan, vascularOrBileDuctInvasion: false) == nil)
    }

    @Test func parsingAndOrder() {
        #expect(MUICCTCategory(parsing: "T3") == .t3)
        #expect(MUICCTCategory(parsing: "4") == .t4)
        #expect(MUICCTCategory(parsing: "T0") == nil)
        #expect(MUICCTCategory.t2.description == "T2")
        #expect(MUICCStage(parsing: "Stage IVa") == .iva)
        #expect(MUICCStage(parsing: "4B") == .ivb)
        #expect(MUICCStage(parsing: "II") == .ii)
        #expect(MUICCStage(parsing: "V") == nil)
        #expect(MUICCStage.allCases.map(\.rawValue) == ["I", "II", "III", "IVA", "IVB"])
        #expect(MUICCStage.i < .ivb && MUICCTCategory.t1 < .t4)
    }
}
