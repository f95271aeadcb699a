import Testing
@testable import Oncology

// Expected grades come from the CTCAE range text; see the table in CTCAE.swift.
// "<LLN - 1500" = 1500 <= v < LLN (grade 1); "<1500 - 1000" = 1000 <= v < 1500 (grade 2); ...
// ">ULN - 3.0 x ULN" = ULN < v <= 3 ULN (grade 1); ">3.0 - 5.0 x ULN" = 3 ULN < v <= 5 ULN (grade 2); ...

@Suite("CTCAE decreasing terms")
struct CTCAEDecreasingTests {
    @Test("neutrophils, LLN 2000/mm3", arguments: CTCAEVersion.allCases)
    func neutrophils(version: CTCAEVersion) throws {
        let term = CTCAELabTerm.neutrophilCountDecreased
        let cases: [(Double, Int)] = [(2500, 0), (2000, 0), (1999, 1), (1500, 1), (1499, 2), (1000, 2),
                                      (999, 3), (500, 3), (499, 4), (0, 4)]
        for (value, expected) in cases {
            #expect(try term.grade(value: value, lln: 2000, version: version) == expected, "value \(value)")
        }
    }

    @Test("platelets, LLN 150000/mm3", arguments: CTCAEVersion.allCases)
    func platelets(version: CTCAEVersion) throws {
        let term = CTCAELabTerm.plateletCountDecreased
        let cases: [(Double, Int)] = [(150_000, 0), (149_999, 1), (75_000, 1), (74_999, 2), (50_000, 2),
                                      (49_999, 3), (25_000, 3), (24_999, 4)]
        for (value, expected) in cases {
            #expect(try term.grade(value: value, lln: 150_000, version: version) == expected, "value \(value)")
        }
    }

    @Test("white blood cells, LLN 4000/mm3", arguments: CTCAEVersion.allCases)
    func whiteBloodCells(version: CTCAEVersion) throws {
        let term = CTCAELabTerm.whiteBloodCellDecreased
        let cases: [(Double, Int)] = [(4000, 0), (3999, 1), (3000, 1), (2999, 2), (2000, 2),
                                      (1999, 3), (1000, 3), (999, 4)]
        for (value, expected) in cases {
            #expect(try term.grade(value: value, lln: 4000, version: version) == expected, "value \(value)")
        }
    }

    @Test("haemoglobin, LLN 12.0 g/dL, grades 0-3 in every version", arguments: CTCAEVersion.allCases)
    func anemiaCommon(version: CTCAEVersion) throws {
        let term = CTCAELabTerm.anemia
        let cases: [(Double, Int)] = [(12.0, 0), (11.9, 1), (10.0, 1), (9.9, 2), (8.0, 2), (7.9, 3), (6.5, 3)]
        for (value, expected) in cases {
            #expect(try term.grade(value: value, lln: 12.0, version: version) == expected, "value \(value)")
        }
    }

    @Test func anemiaGrade4() throws {
        // v3.0: "<6.5 g/dL" is grade 4. v4.03/v5: grade 4 has no number, so a value grades at most 3.
        #expect(try CTCAELabTerm.anemia.grade(value: 6.4, lln: 12, version: .v3) == 4)
        #expect(try CTCAELabTerm.anemia.grade(value: 6.4, lln: 12, version: .v4_03) == 3)
        #expect(try CTCAELabTerm.anemia.grade(value: 6.4, lln: 12, version: .v5) == 3)
        #expect(try CTCAELabTerm.anemia.grade(value: 3.0, lln: 12, version: .v5) == 3)
        // The v3.0 cut-off is configurable.
        let noG4 = CTCAEGradingOptions(v3HemoglobinGrade4Below: nil)
        #expect(try CTCAELabTerm.anemia.grade(value: 6.4, lln: 12, version: .v3, options: noG4) == 3)
    }

    @Test("albumin, LLN 3.5 g/dL; no numeric grade 4", arguments: CTCAEVersion.allCases)
    func hypoalbuminemia(version: CTCAEVersion) throws {
        let term = CTCAELabTerm.hypoalbuminemia
        let cases: [(Double, Int)] = [(3.5, 0), (3.4, 1), (3.0, 1), (2.9, 2), (2.0, 2), (1.9, 3), (1.0, 3)]
        for (value, expected) in cases {
            #expect(try term.grade(value: value, lln: 3.5, version: version) == expected, "value \(value)")
        }
    }

    @Test func lowerLimitNeededOnlyForGradeZeroVersusOne() throws {
        #expect(try CTCAELabTerm.neutrophilCountDecreased.grade(value: 1400, version: .v5) == 2)
        #expect(throws: CTCAEGradingError.missingLowerLimitOfNormal) {
            try CTCAELabTerm.neutrophilCountDecreased.grade(value: 1600, version: .v5)
        }
    }
}

@Suite("CTCAE increasing terms")
struct CTCAEIncreasingTests {
    @Test("AST/ALT v4.03 and v5, ULN 40", arguments: [
        (CTCAELabTerm.aspartateAminotransferaseIncreased, CTCAEVersion.v4_03),
        (.aspartateAminotransferaseIncreased, .v5),
        (.alanineAminotransferaseIncreased, .v4_03),
        (.alanineAminotransferaseIncreased, .v5),
    ])
    func transaminasesV4V5(term: CTCAELabTerm, version: CTCAEVersion) throws {
        let cases: [(Double, Int)] = [(40, 0), (40.1, 1), (120, 1), (120.1, 2), (200, 2), (200.1, 3),
                                      (800, 3), (800.1, 4)]
        for (value, expected) in cases {
            #expect(try term.grade(value: value, uln: 40, version: version) == expected, "value \(value)")
        }
    }

    @Test("AST/ALT v3.0 (G1 >ULN-2.5), ULN 40", arguments: [
        CTCAELabTerm.aspartateAminotransferaseIncreased, .alanineAminotransferaseIncreased,
    ])
    func transaminasesV3(term: CTCAELabTerm) throws {
        let cases: [(Double, Int)] = [(40, 0), (40.1, 1), (100, 1), (100.1, 2), (120, 2), (200, 2),
                                      (200.1, 3), (800, 3), (800.1, 4)]
        for (value, expected) in cases {
            #expect(try term.grade(value: value, uln: 40, version: .v3) == expected, "value \(value)")
        }
    }

    @Test("bilirubin, ULN 1.0, every version", arguments: CTCAEVersion.allCases)
    func bilirubin(version: CTCAEVersion) throws {
        let term = CTCAELabTerm.bloodBilirubinIncreased
        let cases: [(Double, Int)] = [(1.0, 0), (1.01, 1), (1.5, 1), (1.51, 2), (3.0, 2), (3.01, 3),
                                      (10.0, 3), (10.01, 4)]
        for (value, expected) in cases {
            #expect(try term.grade(value: value, uln: 1.0, version: version) == expected, "value \(value)")
        }
    }

    @Test func decimalUpperLimits() throws {
        // ULN 1.2 mg/dL: 1.8 = 1.5 x ULN (grade 1), 3.6 = 3.0 x ULN (grade 2), 12.0 = 10 x ULN (grade 3).
        let bili = CTCAELabTerm.bloodBilirubinIncreased
        #expect(try bili.grade(value: 1.8, uln: 1.2, version: .v5) == 1)
        #expect(try bili.grade(value: 3.6, uln: 1.2, version: .v5) == 2)
        #expect(try bili.grade(value: 12.0, uln: 1.2, version: .v5) == 3)
        #expect(try bili.grade(value: 12.1, uln: 1.2, version: .v5) == 4)
        // ULN 35 U/L: 105 = 3.0 x ULN (grade 1 in v5, grade 2 in v3).
        #expect(try CTCAELabTerm.aspartateAminotransferaseIncreased.grade(value: 105, uln: 35, version: .v5) == 1)
        #expect(try CTCAELabTerm.aspartateAminotransferaseIncreased.grade(value: 105, uln: 35, version: .v3) == 2)
    }

    @Test func v5AbnormalBaselineTransaminases() throws {
        // ULN 40, baseline 80 (> ULN): G1 1.5-3.0 x baseline (120-240, 120 included),
        // G2 >240-400, G3 >400-1600, G4 >1600.
        let alt = CTCAELabTerm.alanineAminotransferaseIncreased
        let cases: [(Double, Int)] = [(100, 0), (119, 0), (120, 1), (240, 1), (240.1, 2), (400, 2),
                                      (400.1, 3), (1600, 3), (1600.1, 4)]
        for (value, expected) in cases {
            #expect(try alt.grade(value: value, uln: 40, baseline: 80, version: .v5) == expected, "value \(value)")
        }
        // v4.03 ignores the baseline: 240 = 6 x ULN -> 3; 1600 = 40 x ULN -> 4.
        #expect(try alt.grade(value: 240, uln: 40, baseline: 80, version: .v4_03) == 3)
        #expect(try alt.grade(value: 1600, uln: 40, baseline: 80, version: .v4_03) == 4)
        // A baseline equal to ULN is normal: 120 = 3.0 x ULN -> 1.
        #expect(try alt.grade(value: 120, uln: 40, baseline: 40, version: .v5) == 1)
        #expect(try alt.grade(value: 120.1, uln: 40, baseline: 40, version: .v5) == 2)
    }

    @Test func v5AbnormalBaselineBilirubin() throws {
        // ULN 1.0, baseline 2.0: G1 >1.0-1.5 x baseline (>2.0-3.0), G2 >3.0-6.0, G3 >6.0-20.0, G4 >20.0.
        let bili = CTCAELabTerm.bloodBilirubinIncreased
        let cases: [(Double, Int)] = [(2.0, 0), (2.01, 1), (3.0, 1), (3.01, 2), (6.0, 2), (6.01, 3),
                                      (20.0, 3), (20.1, 4)]
        for (value, expected) in cases {
            #expect(try bili.grade(value: value, uln: 1.0, baseline: 2.0, version: .v5) == expected, "value \(value)")
        }
    }

    @Test func errors() {
        #expect(throws: CTCAEGradingError.missingUpperLimitOfNormal) {
            try CTCAELabTerm.aspartateAminotransferaseIncreased.grade(value: 50, version: .v5)
        }
        #expect(throws: CTCAEGradingError.missingUpperLimitOfNormal) {
            try CTCAELabTerm.bloodBilirubinIncreased.grade(value: 2, uln: 0, version: .v5)
        }
        #expect(throws: CTCAEGradingError.self) {
            try CTCAELabTerm.plateletCountDecreased.grade(value: .nan, lln: 150_000, version: .v5)
        }
        #expect(throws: CTCAEGradingError.self) {
            try CTCAELabTerm.plateletCountDecreased.grade(value: -1, lln: 150_000, version: .v5)
        }
    }
}

@Suite("CTCAE series and parsing")
struct CTCAESeriesTests {
    @Test func worstGrade() throws {
        let series = [LabMeasurement(value: 140_000, lln: 150_000),
                      LabMeasurement(value: 48_000, lln: 150_000),
                      LabMeasurement(value: 90_000, lln: 150_000)]
        #expect(try CTCAELabTerm.plateletCountDecreased.worstGrade(of: series, version: .v5) == 3)
        #expect(try CTCAELabTerm.plateletCountDecreased.worstGrade(of: [], version: .v5) == nil)
        #expect(CTCAE.worstGrade([0, 2, 1]) == 2)
        #expect(CTCAE.worstGrade([Int]()) == nil)
    }

    @Test func unitHelpers() {
        #expect(CTCAE.perCubicMillimetre(fromGigaPerLitre: 1.5) == 1500)
        #expect(CTCAE.gramsPerDecilitre(fromGramsPerLitre: 95) == 9.5)
    }

    @Test func parsing() {
        #expect(CTCAEVersion(parsing: "v5") == .v5)
        #expect(CTCAEVersion(parsing: "5.0") == .v5)
        #expect(CTCAEVersion(parsing: "4.0") == .v4_03)
        #expect(CTCAEVersion(parsing: "CTCAE v4.03") == .v4_03)
        #expect(CTCAEVersion(parsing: "CTCAE v3.0") == .v3)
        #expect(CTCAEVersion(parsing: "6") == nil)
        #expect(CTCAELabTerm(parsing: "SGPT") == .alanineAminotransferaseIncreased)
        #expect(CTCAELabTerm(parsing: "ast") == .aspartateAminotransferaseIncreased)
        #expect(CTCAELabTerm(parsing: "Hgb") == .anemia)
        #expect(CTCAELabTerm(parsing: "ANC") == .neutrophilCountDecreased)
        #expect(CTCAELabTerm(parsing: "Platelet count decreased") == .plateletCountDecreased)
        #expect(CTCAELabTerm(parsing: "total bilirubin") == .bloodBilirubinIncreased)
        #expect(CTCAELabTerm(parsing: "albumin") == .hypoalbuminemia)
        #expect(CTCAELabTerm(parsing: "creatinine") == nil)
    }
}
