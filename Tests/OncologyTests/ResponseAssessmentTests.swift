import Testing
@testable import Oncology

private typealias RA = ResponseAssessment
private let CR = ResponseCategory.completeResponse
private let PR = ResponseCategory.partialResponse
private let SD = ResponseCategory.stableDisease
private let PD = ResponseCategory.progressiveDisease
private let NE = ResponseCategory.notEvaluable

@Suite("Target-lesion response")
struct TargetResponseTests {
    @Test("30% decrease from baseline is PR, exactly at the boundary", arguments: ResponseCriteria.allCases)
    func partialResponseBoundary(criteria: ResponseCriteria) {
        // 100 -> 70 is a decrease of exactly 30%.
        #expect(RA.targetResponse(baselineSum: 100, nadirSum: 100, currentSum: 70, criteria: criteria) == PR)
        #expect(RA.targetResponse(baselineSum: 100, nadirSum: 100, currentSum: 69.9, criteria: criteria) == PR)
        #expect(RA.targetResponse(baselineSum: 100, nadirSum: 100, currentSum: 70.1, criteria: criteria) == SD)
        // 33.0 -> 23.1 is exactly 30% in decimal (23.1 = 0.7 x 33.0), not in binary.
        #expect(RA.targetResponse(baselineSum: 33.0, nadirSum: 33.0, currentSum: 23.1, criteria: criteria) == PR)
    }

    @Test("20% increase over nadir is PD, exactly at the boundary")
    func progressionBoundaryMRECIST() {
        // nadir 50 -> 60 is exactly +20%.
        #expect(RA.targetResponse(baselineSum: 50, nadirSum: 50, currentSum: 60, criteria: .mRECIST) == PD)
        #expect(RA.targetResponse(baselineSum: 50, nadirSum: 50, currentSum: 59.9, criteria: .mRECIST) == SD)
        // 33.3 -> 39.96 is exactly +20% in decimal.
        #expect(RA.targetResponse(baselineSum: 33.3, nadirSum: 33.3, currentSum: 39.96, criteria: .mRECIST) == PD)
        // Small sums: mRECIST has no absolute rule; 10 -> 12 mm is +20%.
        #expect(RA.targetResponse(baselineSum: 10, nadirSum: 10, currentSum: 12, criteria: .mRECIST) == PD)
    }

    @Test func progressionTakesPrecedenceOverPartialResponse() {
        // 60 is 40% below the baseline of 100 but 20% above the nadir of 50.
        #expect(RA.targetResponse(baselineSum: 100, nadirSum: 50, currentSum: 60, criteria: .mRECIST) == PD)
        #expect(RA.targetResponse(baselineSum: 100, nadirSum: 50, currentSum: 60, criteria: .recist11) == PD)
    }

    @Test func recist11NeedsFiveMillimetres() {
        // nadir 20 -> 24: +20% but only +4 mm; against baseline 100 it is a 76% decrease -> PR.
        #expect(RA.targetResponse(baselineSum: 100, nadirSum: 20, currentSum: 24, criteria: .recist11) == PR)
        #expect(RA.targetResponse(baselineSum: 100, nadirSum: 20, currentSum: 24, criteria: .mRECIST) == PD)
        // nadir 20 -> 25: +25% and exactly +5 mm -> PD.
        #expect(RA.targetResponse(baselineSum: 100, nadirSum: 20, currentSum: 25, criteria: .recist11) == PD)
        // 20.1 -> 25.1: exactly +5 mm in decimal (+24.9%) -> PD.
        #expect(RA.targetResponse(baselineSum: 100, nadirSum: 20.1, currentSum: 25.1, criteria: .recist11) == PD)
        // nadir 10 -> 12: +20% but +2 mm; baseline 10 -> SD.
        #expect(RA.targetResponse(baselineSum: 10, nadirSum: 10, currentSum: 12, criteria: .recist11) == SD)
        // Large sums: +20% already exceeds 5 mm; 50 -> 60 is PD.
        #expect(RA.targetResponse(baselineSum: 50, nadirSum: 50, currentSum: 60, criteria: .recist11) == PD)
    }

    @Test func regrowthAfterCompleteResponse() {
        // Nadir 0: any viable regrowth is an unbounded relative increase.
        #expect(RA.targetResponse(baselineSum: 40, nadirSum: 0, currentSum: 3, criteria: .mRECIST) == PD)
        // RECIST 1.1 also needs +5 mm: 3 mm is not PD; 3 <= 0.7 x 40 -> PR.
        #expect(RA.targetResponse(baselineSum: 40, nadirSum: 0, currentSum: 3, criteria: .recist11) == PR)
        #expect(RA.targetResponse(baselineSum: 40, nadirSum: 0, currentSum: 5, criteria: .recist11) == PD)
    }

    @Test func completeResponse() {
        // mRECIST: no viable (enhancing) tumour left in any target.
        #expect(RA.targetResponse(baselineSum: 60, nadirSum: 60, currentSum: 0, criteria: .mRECIST) == CR)
        #expect(RA.targetResponse(baselineSum: 60, nadirSum: 30, currentSum: 0, criteria: .recist11) == CR)
        // RECIST 1.1 nodal targets < 10 mm short axis: CR with a non-zero sum.
        #expect(
            RA.targetResponse(baselineSum: 30, nadirSum: 30, currentSum: 8, criteria: .recist11, targetsResolved: true)
                == CR)
    }

    @Test func stableDisease() {
        // -5% from baseline, +5.6% over nadir.
        #expect(RA.targetResponse(baselineSum: 100, nadirSum: 90, currentSum: 95, criteria: .mRECIST) == SD)
        #expect(RA.targetResponse(baselineSum: 100, nadirSum: 100, currentSum: 100, criteria: .recist11) == SD)
    }

    @Test func nadirAboveBaselineUsesBaseline() {
        // The nadir includes the baseline: 50 -> 60 is +20% over 50.
        #expect(RA.targetResponse(baselineSum: 50, nadirSum: 60, currentSum: 60, criteria: .mRECIST) == PD)
    }

    @Test func notEvaluable() {
        #expect(RA.targetResponse(baselineSum: 0, nadirSum: 0, currentSum: 0, criteria: .mRECIST) == NE)
        #expect(RA.targetResponse(baselineSum: 50, nadirSum: 50, currentSum: -1, criteria: .mRECIST) == NE)
        #expect(RA.targetResponse(baselineSum: 50, nadirSum: .nan, currentSum: 40, criteria: .mRECIST) == NE)
        #expect(RA.targetResponse(baselineSum: .infinity, nadirSum: 50, currentSum: 40, criteria: .recist11) == NE)
    }
}

@Suite("Non-target, overall and best response")
struct OverallResponseTests {
    @Test func nonTarget() {
        #expect(RA.nonTargetResponse(allResolved: true, unequivocalProgression: false) == .completeResponse)
        #expect(RA.nonTargetResponse(allResolved: false, unequivocalProgression: false) == .incompleteResponseOrStable)
        #expect(RA.nonTargetResponse(allResolved: false, unequivocalProgression: true) == .progressiveDisease)
        #expect(
            RA.nonTargetResponse(allResolved: false, unequivocalProgression: true, evaluated: false)
                == .progressiveDisease)
        #expect(
            RA.nonTargetResponse(allResolved: true, unequivocalProgression: false, evaluated: false) == .notEvaluated)
        #expect(
            RA.nonTargetResponse(presentAtBaseline: false, allResolved: false, unequivocalProgression: false)
                == .noneAtBaseline)
        #expect(NonTargetResponse.incompleteResponseOrStable.rawValue == "IR/SD")
    }

    @Test("overall response table without new lesions", arguments: [
        (CR, NonTargetResponse.completeResponse, CR),
        (CR, .noneAtBaseline, CR),
        (CR, .incompleteResponseOrStable, PR),
        (CR, .notEvaluated, PR),
        (PR, .completeResponse, PR),
        (PR, .incompleteResponseOrStable, PR),
        (PR, .notEvaluated, PR),
        (PR, .noneAtBaseline, PR),
        (SD, .completeResponse, SD),
        (SD, .incompleteResponseOrStable, SD),
        (SD, .notEvaluated, SD),
        (SD, .noneAtBaseline, SD),
        (NE, .completeResponse, NE),
        (NE, .incompleteResponseOrStable, NE),
        (NE, .notEvaluated, NE),
        (NE, .noneAtBaseline, NE),
        (PD, .completeResponse, PD),
        (PD, .incompleteResponseOrStable, PD),
        (PD, .notEvaluated, PD),
        (PD, .noneAtBaseline, PD),
        (CR, .progressiveDisease, PD),
        (PR, .progressiveDisease, PD),
        (SD, .progressiveDisease, PD),
        (NE, .progressiveDisease, PD),
        (PD, .progressiveDisease, PD),
    ])
    func overallTable(target: ResponseCategory, nonTarget: NonTargetResponse, expected: ResponseCategory) {
        #expect(RA.overallResponse(target: target, nonTarget: nonTarget, newLesions: false) == expected)
    }

    @Test("any new lesion is PD", arguments: ResponseCategory.allCases)
    func newLesionIsProgression(target: ResponseCategory) {
        for nonTarget in [
            NonTargetResponse.completeResponse, .incompleteResponseOrStable, .progressiveDisease, .notEvaluated,
            .noneAtBaseline,
        ] {
            #expect(RA.overallResponse(target: target, nonTarget: nonTarget, newLesions: true) == PD)
        }
    }

    @Test("best overall response", arguments: [
        ([ResponseCategory](), NE),
        ([NE], NE),
        ([SD, PR, PD, CR], PR),   // PD after response: best so far; later CR ignored
        ([PD, PR], PD),           // PD first: later assessments ignored
        ([NE, SD], SD),
        ([NE, PD], PD),
        ([PR, SD], PR),
        ([SD, CR], CR),
        ([SD, PD], SD),
        ([CR, PR, SD], CR),
    ])
    func bestOverall(sequence: [ResponseCategory], expected: ResponseCategory) {
        #expect(RA.bestOverallResponse(sequence) == expected)
    }

    @Test func categoryHelpers() {
        #expect(ResponseCategory.allCases.map(\.rawValue) == ["CR", "PR", "SD", "PD", "NE"])
        #expect(ResponseCategory.allCases.map(\.rank) == [4, 3, 2, 1, 0])
        #expect(ResponseCategory(parsing: "partial response") == PR)
        #expect(ResponseCategory(parsing: "pd") == PD)
        #expect(ResponseCategory(parsing: "Not evaluable") == NE)
        #expect(ResponseCategory(parsing: "better") == nil)
        #expect(PR.isObjectiveResponse && !SD.isObjectiveResponse)
        #expect(SD.isDiseaseControl && !PD.isDiseaseControl && !NE.isDiseaseControl)
    }
}

@Suite("Target lesion limits")
struct TargetLesionLimitTests {
    private let candidates = [
        CandidateLesion(id: "liver-40", organ: "liver", longestDiameterMM: 40),
        CandidateLesion(id: "liver-30", organ: "Liver", longestDiameterMM: 30),
        CandidateLesion(id: "lung-25", organ: "lung", longestDiameterMM: 25),
        CandidateLesion(id: "liver-20", organ: "liver", longestDiameterMM: 20),
        CandidateLesion(id: "infiltrative-50", organ: "liver", longestDiameterMM: 50, isTargetEligible: false),
        CandidateLesion(id: "bone-18", organ: "bone", longestDiameterMM: 18),
        CandidateLesion(id: "lung-15", organ: "lung", longestDiameterMM: 15),
        CandidateLesion(id: "adrenal-10", organ: "adrenal", longestDiameterMM: 10),
        CandidateLesion(id: "lung-9", organ: "lung", longestDiameterMM: 9.9),
    ]

    @Test func limitValues() {
        #expect(TargetLesionLimits.recist11.maximumTotal == 5)
        #expect(TargetLesionLimits.recist11.maximumPerOrgan == 2)
        #expect(TargetLesionLimits.recist10.maximumTotal == 10)
        #expect(TargetLesionLimits.recist10.maximumPerOrgan == 5)
        #expect(TargetLesionLimits.mRECISTDefault == .recist11)
        #expect(TargetLesionLimits.recist11.minimumLongestDiameterMM == 10)
    }

    @Test func selectionUnderRECIST11() {
        // Largest first; the third liver lesion is skipped (2 per organ); stop at 5 in total.
        let ids = TargetLesionLimits.recist11.selectTargets(candidates).map(\.id)
        #expect(ids == ["liver-40", "liver-30", "lung-25", "bone-18", "lung-15"])
    }

    @Test func selectionUnderRECIST10() {
        // 10 total / 5 per organ: every eligible lesion >= 10 mm is taken (exactly 10 mm included).
        let ids = TargetLesionLimits.recist10.selectTargets(candidates).map(\.id)
        #expect(ids == ["liver-40", "liver-30", "lung-25", "liver-20", "bone-18", "lung-15", "adrenal-10"])
    }

    @Test func admits() {
        let threeLiver = Array(candidates.filter { $0.organ.lowercased() == "liver" && $0.isTargetEligible })
        #expect(threeLiver.count == 3)
        #expect(!TargetLesionLimits.recist11.admits(threeLiver))
        #expect(TargetLesionLimits.recist10.admits(threeLiver))
        #expect(
            !TargetLesionLimits.recist10.admits([CandidateLesion(id: "small", organ: "lung", longestDiameterMM: 9.9)]))
    }
}
