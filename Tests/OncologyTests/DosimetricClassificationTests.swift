import Testing
@testable import Oncology

/// Each dosimetric rule on hand-worked cases, boundaries included; missing inputs are "not classifiable",
/// never a guess.
@Suite struct DosimetricClassificationTests {
    typealias D = FailureDosimetry

    @Test("volume in isodose: in-field above 95%, marginal 20–95% inclusive, out-of-field below 20%", arguments: [
        (100.0, DosimetricCategory.inField), (95.01, .inField), (95.0, .marginal), (60, .marginal),
        (20.0, .marginal), (19.99, .outOfField), (0, .outOfField),
    ])
    func volumeInIsodose(percent: Double, expected: DosimetricCategory) {
        #expect(DosimetricRule.volumeInIsodose.classify(D(percentInIsodose: percent)) == .classified(expected))
    }

    @Test func volumeInIsodoseThresholdsAreParameters() {
        var t = DosimetricThresholds()
        t.inFieldAbovePercent = 80
        t.marginalFromPercent = 10
        #expect(
            DosimetricRule.volumeInIsodose.classify(D(percentInIsodose: 80.5), thresholds: t) == .classified(.inField))
        #expect(
            DosimetricRule.volumeInIsodose.classify(D(percentInIsodose: 80), thresholds: t) == .classified(.marginal))
        #expect(
            DosimetricRule.volumeInIsodose.classify(D(percentInIsodose: 10), thresholds: t) == .classified(.marginal))
        #expect(
            DosimetricRule.volumeInIsodose.classify(D(percentInIsodose: 9.9), thresholds: t) == .classified(.outOfField)
        )
        #expect(
            DosimetricRule.volumeInIsodose.classify(D(centroidInTarget: true))
                == .notClassifiable(missing: ["rgtv_in_isodose_pct"]))
    }

    @Test func centroid() {
        let rule = DosimetricRule.centroid
        // Inside the target: in-field whatever the dose (dose not needed).
        #expect(rule.classify(D(centroidInTarget: true)) == .classified(.inField))
        // Outside: 47.5 Gy is exactly 95% of 50 Gy → marginal; just below → out-of-field.
        #expect(
            rule.classify(D(centroidInTarget: false, centroidDoseGy: 47.5, prescriptionGy: 50))
                == .classified(.marginal))
        #expect(
            rule.classify(D(centroidInTarget: false, centroidDoseGy: 47.49, prescriptionGy: 50))
                == .classified(.outOfField))
        #expect(
            rule.classify(D(centroidInTarget: false, centroidDoseGy: 3, prescriptionGy: 50)) == .classified(.outOfField)
        )
        #expect(
            rule.classify(D(centroidInTarget: false, prescriptionGy: 50))
                == .notClassifiable(missing: ["centroid_dose_gy"]))
        #expect(
            rule.classify(D(centroidInTarget: false))
                == .notClassifiable(missing: ["centroid_dose_gy", "prescription_gy"]))
        #expect(rule.classify(D(percentInIsodose: 100)) == .notClassifiable(missing: ["centroid_in_target"]))
    }

    @Test func mdaccTypes() {
        let rule = DosimetricRule.mdacc
        // 70 Gy prescription: high-dose from D95 = 66.5 Gy (95%); 54 Gy elective: elective-dose from 51.3 Gy.
        #expect(rule.classify(D(centroidInTarget: true, d95Gy: 66.5, prescriptionGy: 70)) == .classified(.mdaccA))
        #expect(rule.classify(D(centroidInTarget: false, d95Gy: 69, prescriptionGy: 70)) == .classified(.mdaccB))
        #expect(
            rule.classify(D(centroidInTarget: true, d95Gy: 60, prescriptionGy: 70, electiveDoseGy: 54))
                == .classified(.mdaccC))
        #expect(
            rule.classify(
                D(
                    centroidInTarget: false, centroidInElectiveTarget: true, d95Gy: 51.3, prescriptionGy: 70,
                    electiveDoseGy: 54)) == .classified(.mdaccC))
        #expect(
            rule.classify(
                D(
                    centroidInTarget: false, centroidInElectiveTarget: false, d95Gy: 52, prescriptionGy: 70,
                    electiveDoseGy: 54)) == .classified(.mdaccD))
        #expect(
            rule.classify(D(centroidInTarget: false, d95Gy: 51.2, prescriptionGy: 70, electiveDoseGy: 54))
                == .classified(.mdaccE))
        #expect(
            rule.classify(D(centroidInTarget: true, d95Gy: 20, prescriptionGy: 70, electiveDoseGy: 54))
                == .classified(.mdaccE))
        // Below high dose without an elective dose level: C, D and E cannot be told apart.
        #expect(
            rule.classify(D(centroidInTarget: true, d95Gy: 60, prescriptionGy: 70))
                == .notClassifiable(missing: ["elective_dose_gy"]))
        #expect(rule.classify(D(centroidInTarget: false, d95Gy: 52, prescriptionGy: 70, electiveDoseGy: 54))
                == .notClassifiable(missing: ["centroid_in_elective_target"]))
        #expect(rule.classify(D(d95Gy: 70)) == .notClassifiable(missing: ["centroid_in_target", "prescription_gy"]))
    }

    @Test func centroidPlusD95() {
        let rule = DosimetricRule.centroidD95
        // 54 Gy SABR: high-dose from D95 = 51.3 Gy.
        #expect(
            rule.classify(D(centroidInTarget: true, d95Gy: 51.3, prescriptionGy: 54)) == .classified(.centralHighDose))
        #expect(
            rule.classify(D(centroidInTarget: false, d95Gy: 53, prescriptionGy: 54)) == .classified(.peripheralHighDose)
        )
        #expect(rule.classify(D(centroidInTarget: true, d95Gy: 51.29, prescriptionGy: 54)) == .classified(.outOfField))
        #expect(
            rule.classify(D(centroidInTarget: true, prescriptionGy: 54)) == .notClassifiable(missing: ["rgtv_d95_gy"]))
    }

    @Test func highDoseFractionIsAParameter() {
        var t = DosimetricThresholds()
        t.highDoseFraction = 0.9
        #expect(
            DosimetricRule.centroidD95.classify(D(centroidInTarget: true, d95Gy: 45, prescriptionGy: 50), thresholds: t)
                == .classified(.centralHighDose))
        #expect(
            DosimetricRule.centroidD95.classify(D(centroidInTarget: true, d95Gy: 45, prescriptionGy: 50))
                == .classified(.outOfField))
    }

    @Test func everyRuleNamesItsThresholdsInTheMethods() {
        let t = DosimetricThresholds()
        #expect(DosimetricRule.volumeInIsodose.methodsSentence(t).contains("above 95%"))
        #expect(DosimetricRule.volumeInIsodose.methodsSentence(t).contains("below 20%"))
        #expect(DosimetricRule.mdacc.methodsSentence(t).contains("95% of the prescription"))
        for rule in DosimetricRule.allCases { #expect(rule.categories.allSatisfy { !$0.label.isEmpty }) }
        #expect(ImageRegistration(parsing: "DIR") == .deformable && ImageRegistration(parsing: "Rigid") == .rigid)
        #expect(ImageRegistration(parsing: "affine") == nil)
    }
}

/// The three failure-type vocabularies.
@Suite struct FailureVocabularyTests {
    @Test func namesCodesAndParsing() {
        let paper = FailureVocabulary.paper, lrd = FailureVocabulary.localRegionalDistant,
            field = FailureVocabulary.fieldRelation
        #expect(FailureSite.allCases.map(paper.name) == ["infield", "intrahepatic-outfield", "extrahepatic"])
        #expect(FailureSite.allCases.map(lrd.name) == ["local", "regional", "distant"])
        #expect(FailureSite.allCases.map(field.name) == ["in-field", "marginal", "out-of-field"])
        #expect(
            FailureSite.allCases.map(paper.endpointName) == [
                "pfs_infield", "pfs_intrahepatic_outfield", "pfs_extrahepatic",
            ])
        #expect(field.endpointName(.extrahepatic) == "pfs_out_of_field")
        #expect(lrd.patternLabel([.infield, .extrahepatic]) == "L+D")
        #expect(field.patternLabel([.infield, .intrahepaticOutfield, .extrahepatic]) == "I+M+O")
        #expect(paper.patternLabel([.infield, .extrahepatic]) == FailurePattern([.infield, .extrahepatic]).label)
        #expect(lrd.site(parsing: " Distant ") == .extrahepatic && lrd.site(parsing: "r") == .intrahepaticOutfield)
        #expect(lrd.site(parsing: "extrahepatic") == nil && paper.site(parsing: "local") == nil)
        #expect(
            field.site(parsing: "Out of field") == .extrahepatic
                && field.site(parsing: "marginal") == .intrahepaticOutfield)
        #expect(field.site(parsing: "extrahepatic") == nil)
        #expect(paper.legend == "I = infield, O = intrahepatic-outfield, E = extrahepatic")
        #expect(
            paper.shortLabel(.intrahepaticOutfield) == "Outfield" && lrd.shortLabel(.intrahepaticOutfield) == "Regional"
        )
        #expect(lrd.site(named: "distant") == .extrahepatic && lrd.site(named: "Distant") == nil)
        for v in FailureVocabulary.allCases {
            for s in FailureSite.allCases {
                #expect(v.site(parsing: v.name(s)) == s)
                #expect(v.definition(s).hasPrefix(v.name(s) + " failure, "))
            }
        }
    }
}
