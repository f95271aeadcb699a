//
//  CohortSimulator.swift
//  PatternsOfFailure
//
//  A synthetic cohort calibrated to what the CCRT patterns-of-failure paper publishes about 138 HCC patients
//  treated with hepatic arterial concurrent chemoradiotherapy (Table 1-4, Results, Fig. 1-3). The data are
//  SYNTHETIC: no patient record was used or is reproduced. See docs/demo-cohort.md for the model,
//  the calibration targets and the values the default seed achieves.
//
//  The model, in the order it is built (each part draws from its own random stream):
//   1. Baseline: every published count (sex, viral type, Child-Pugh, mUICC T/N/M, PVT, AFP/PIVKA-II
//      categories, treatment history, technique, dose schemes, age < 50) is assigned by exact counts
//      and shuffled; continuous values are drawn between anchors that pin the published median and
//      range (and threshold counts), then assigned.
//   2. A shared frailty Z ~ N(0, 0.5²) per patient and linear predictors with log-hazard ratios in the
//      direction of Table 3 (pre-CCRT treatment -> infield; AFP >= 200 & PIVKA-II >= 60 -> outfield and
//      extrahepatic; age < 50, stage III-IV -> extrahepatic) and for death (Child-Pugh B, T3/4, markers).
//   3. Vital status by exact counts (weighted sampling without replacement = the k earliest latent
//      exponential times), survivors' follow-up pinned to the published median/range, and death times
//      from a Kaplan-Meier inversion of the published overall-survival curve (knots at 3 months,
//      median, 1 and 2 years), given to the dead in the order of a latent proportional-hazards time.
//   4. Calendar dates (RT May 2001 - Nov 2009, Monday starts, 5 fractions a week; follow-up to 2010).
//   5. Failures at 3 months: the published seven-pattern counts (I 5, O 13, E 13, IO 2, IE 3, OE 9,
//      IOE 2), drawn with weights from the type hazards, the frailty and early death.
//   6. Response at 3 months: PD = the infield failures at 3 months; CR/PR/SD by a latent ordinal score.
//   7. Failures after 3 months: latent piecewise-exponential times per failure type, observed when
//      before death/last follow-up; then rank-preserving adjustments so that exactly the published
//      number of patients ever have infield failure (46) and any failure (106) and 5 survivors have
//      disease. Extrahepatic organs by the published frequency order.
//   8. Lesions (mRECIST target sums consistent with the response), laboratory series graded by CTCAE
//      v3.0 with exactly the Table 4 numbers of worst grade 3 and 4, and GI mucositis/ulcer grades.
//
//  Time origin is the end of RT; 3 months = 91 days (the landmark); months = days / 30.4375.
//  For a cohort size n other than 138, every published partition (e.g. 120 M / 18 F) is scaled to n by
//  largest-remainder apportionment, single counts by rounding count x n / 138, and medians/ranges are
//  kept. All arithmetic that reaches the output uses IEEE basic operations and `DeterministicMath`.
//

import Foundation
import Tabular

/// The five CSV files of a simulated cohort, in the input format of docs/input-format.md.
public struct SimulatedCohort: Sendable, Hashable {
    /// patients.csv
    public var patients: String
    /// failures.csv
    public var failures: String
    /// lesions.csv
    public var lesions: String
    /// labs.csv
    public var labs: String
    /// toxicities.csv
    public var toxicities: String

    /// The five files' texts.
    ///
    /// - Complexity: O(1).
    public init(patients: String, failures: String, lesions: String, labs: String, toxicities: String) {
        self.patients = patients; self.failures = failures; self.lesions = lesions
        self.labs = labs; self.toxicities = toxicities
    }

    /// File name → text.
    public var files: [(name: String, text: String)] {
        [("patients.csv", patients), ("failures.csv", failures), ("lesions.csv", lesions),
         ("labs.csv", labs), ("toxicities.csv", toxicities)]
    }

    /// Writes patients.csv, failures.csv, lesions.csv, labs.csv and toxicities.csv into `directory`
    /// (created if needed), UTF-8, LF line ends.
    ///
    /// - Complexity: O(total length of the texts).
    public func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in files {
            try Data(text.utf8).write(to: directory.appendingPathComponent(name), options: .atomic)
        }
    }
}

/// Generates a synthetic CCRT cohort calibrated to the published summary of the CCRT patterns-of-failure paper.
///
/// ```swift
/// let cohort = CohortSimulator().generate()          // the shipped 138-patient demo (seed 20110501)
/// try cohort.write(to: URL(fileURLWithPath: "demo"))
/// let small = CohortSimulator(seed: 7, patients: 60).generate()
/// ```
public struct CohortSimulator: Sendable {
    /// The seed of the shipped demo cohort (the month the study's accrual began: May 2001).
    public static let defaultSeed: UInt64 = 20110501

    /// Random seed: the same seed gives byte-identical files on every platform.
    public var seed: UInt64
    /// Number of patients (≥ 10).
    public var patientCount: Int

    /// - Parameters:
    ///   - seed: Random seed; the same seed gives byte-identical files on every platform.
    ///   - patients: Cohort size (≥ 10); published counts are scaled to it (see the file header).
    ///
    /// - Complexity: O(1).
    public init(seed: UInt64 = 20110501, patients: Int = 138) {
        precondition(patients >= 10, "a cohort needs at least 10 patients")
        self.seed = seed
        self.patientCount = patients
    }

    /// Builds the cohort.
    ///
    /// - Complexity: O(*n* log *n*) in the number of patients (the rows are sorted by RT start); about 1 ms for 1,000
    /// patients.
    public func generate() -> SimulatedCohort {
        var builder = CohortBuilder(seed: seed, n: patientCount)
        return builder.build()
    }
}

extension CohortSimulator {
    // MARK: - Published targets

    /// The numbers the paper publishes, for 138 patients; `Targets` scales them to another size.
    enum Published {
        static let n = 138
        static let sex = [120, 18]                       // M, F
        static let viral = [116, 9, 13]                  // B, C, NBNC
        static let childPugh = [125, 13]                 // A, B
        /// (T, N, count): T2N0M0 20, T3N0M0 65, T4N0M0 41, T2N1M0 1, T3N1M0 10, T4N1M0 1.
        static let stages: [(t: Int, n: Int, count: Int)] = [
            (2, 0, 20), (3, 0, 65), (4, 0, 41), (2, 1, 1), (3, 1, 10), (4, 1, 1),
        ]
        static let pvt = 77
        /// AFP/PIVKA-II cells: (afp ≥ 200, pivka ≥ 60 or nil = missing, count). AFP ≥ 200: 78; PIVKA ≥ 60: 118
        /// of 135; both high: 67 (Table 3).
        static let markerCells: [(afpHigh: Bool, pivkaHigh: Bool?, count: Int)] =
            [(true, true, 67), (true, false, 9), (false, true, 51), (false, false, 8), (true, nil, 2), (false, nil, 1)]
        static let priorTreatments: [(combo: String, count: Int)] = [
            ("", 104), ("TACE", 19), ("TACE;Holmium-166", 4), ("TACE;RFA", 3), ("TACE;surgery", 1),
            ("TACE;systemic chemotherapy", 1), ("TACE;Holmium-166;sorafenib", 1), ("RFA", 1),
            ("intra-arterial chemotherapy", 2), ("Holmium-166", 1), ("other", 1),
        ]
        static let technique = [113, 25]                 // 3D-CRT, IMRT
        static let ageBelow50 = 37
        /// Dose schemes (total Gy, fractions, count): median 45 Gy (45-64.8), median 1.8 Gy/fraction (1.8-3.0).
        static let doseSchemes: [(dose: Double, fractions: Int, count: Int)] = [
            (45.0, 25, 100), (50.4, 28, 12), (54.0, 30, 8), (59.4, 33, 4), (64.8, 36, 2),
            (50.0, 20, 5), (48.0, 16, 3), (45.0, 15, 4),
        ]
        static let response = [4, 77, 45, 12]            // CR, PR, SD, PD
        /// Failure patterns at 3 months (infield, outfield, extrahepatic, count), solved from Fig. 2 and the
        /// Results: 12 / 26 / 27 patients, of whom 7 / 13 / 14 combined; 47 in all.
        static let patterns: [(i: Bool, o: Bool, e: Bool, count: Int)] = [
            (true, true, true, 2), (true, true, false, 2), (true, false, true, 3), (false, true, true, 9),
            (true, false, false, 5), (false, true, false, 13), (false, false, true, 13),
        ]
        static let vital = [115, 2, 21]                  // dead, unknown, alive
        static let aliveWithoutDisease = 16
        static let deathsWithin3Months = 20
        static let anyFailure = 106
        static let infieldAny = 46
        /// Table 4: (lab test, grade 3 patients, grade 4 patients).
        static let labToxicity: [(test: String, g3: Int, g4: Int)] = [
            ("neutrophils", 14, 3), ("hemoglobin", 2, 3), ("platelets", 21, 2), ("ast", 19, 8), ("alt", 11, 2),
            ("bilirubin", 5, 11),
        ]
        static let giGrade3 = 5
        static let organs = ["lung", "lymph node", "bone", "peritoneum", "adrenal", "pleura", "brain"]
        static let organWeights = [0.40, 0.20, 0.14, 0.10, 0.07, 0.05, 0.04]
    }

    /// Largest-remainder (Hamilton) apportionment of `counts` (summing to `Published.n`) to `total`.
    static func apportion(_ counts: [Int], to total: Int) -> [Int] {
        let sum = counts.reduce(0, +)
        guard sum > 0 else { return counts.map { _ in 0 } }
        var base = counts.map { $0 * total / sum }
        let remainders = counts.enumerated().map { (i, c) in (i, c * total - base[i] * sum) }
        var left = total - base.reduce(0, +)
        for (i, _) in remainders.sorted(by: { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }) where left > 0 {
            base[i] += 1
            left -= 1
        }
        return base
    }

    // MARK: - Builder

    fileprivate enum Site: Int, CaseIterable { case infield = 0, outfield = 1, extrahepatic = 2
        var csv: String { ["infield", "intrahepatic-outfield", "extrahepatic"][rawValue] }
    }

    fileprivate struct SimPatient {
        var age = 0
        var male = true
        var viral = "B"
        var childB = false
        var bilirubin = 0.0, albumin = 0.0, inr = 0.0
        var ascites = "none"
        var icg = 0.0
        var t = 3, node = 0
        var tumorNumber = 1
        var sizeCm = 0.0
        var pvt = false
        var afpHigh = false
        var pivkaHigh: Bool? = true
        var afp = 0.0
        var pivka: Double?
        var prior = ""
        var imrt = false
        var dose = 45.0, fractions = 25
        var height = 0.0, weight = 0.0
        var z = 0.0
        // outcome (days from rt_end)
        var status = VitalStatus.dead
        var exit = 0                       // death or last follow-up
        var withDisease = false            // survivors: alive with disease
        var rtStart = Day(serial: 0), rtEnd = Day(serial: 0)
        var scanDay = 0
        var response = "SD"
        var failDay: [Int?] = [nil, nil, nil]
        var organ = ""
        var young: Bool { age < 50 }
        var markersHigh: Bool { afpHigh && pivkaHigh == true }
        var failedAtLandmark: Bool { failDay.contains { $0 != nil && $0! <= CohortBuilder.landmark } }
        var everFailed: Bool { failDay.contains { $0 != nil } }
    }

    struct CohortBuilder {
        static let landmark = 91                      // 3 months, days after rt_end
        static let daysPerMonth = 30.4375
        static let rtFirst = Day(year: 2001, month: 5, day: 1)!
        static let rtLast = Day(year: 2009, month: 11, day: 30)!
        static let closeOfFollowUp = Day(year: 2010, month: 12, day: 31)!
        static let survivorsContactFrom = Day(year: 2010, month: 6, day: 1)!

        let seed: UInt64
        let n: Int
        private var p: [SimPatient]

        init(seed: UInt64, n: Int) {
            self.seed = seed
            self.n = n
            p = Array(repeating: SimPatient(), count: n)
        }

        private func stream(_ name: String) -> SeededGenerator { SeededGenerator(seed: seed, stream: name) }
        private func scaled(_ count: Int) -> Int { Int((Double(count) * Double(n) / Double(Published.n)).rounded()) }

        /// A list of `counts[k]` copies of `k`, shuffled.
        private func shuffledLabels(_ counts: [Int], _ g: inout SeededGenerator) -> [Int] {
            var labels: [Int] = []
            for (k, c) in counts.enumerated() { labels += Array(repeating: k, count: c) }
            g.shuffle(&labels)
            return labels
        }

        mutating func build() -> SimulatedCohort {
            baseline()
            survival()
            calendar()
            failuresAtLandmark()
            responses()
            laterFailures()
            organs()
            return render()
        }

        // MARK: 1. Baseline

        private mutating func baseline() {
            var g = stream("baseline")
            let sex = shuffledLabels(apportion(Published.sex, to: n), &g)
            let viral = shuffledLabels(apportion(Published.viral, to: n), &g)
            let child = shuffledLabels(apportion(Published.childPugh, to: n), &g)
            let stage = shuffledLabels(apportion(Published.stages.map(\.count), to: n), &g)
            let markers = shuffledLabels(apportion(Published.markerCells.map(\.count), to: n), &g)
            let prior = shuffledLabels(apportion(Published.priorTreatments.map(\.count), to: n), &g)
            let dose = shuffledLabels(apportion(Published.doseSchemes.map(\.count), to: n), &g)
            for i in 0..<n {
                p[i].male = sex[i] == 0
                p[i].viral = ["B", "C", "NBNC"][viral[i]]
                p[i].childB = child[i] == 1
                p[i].t = Published.stages[stage[i]].t
                p[i].node = Published.stages[stage[i]].n
                p[i].afpHigh = Published.markerCells[markers[i]].afpHigh
                p[i].pivkaHigh = Published.markerCells[markers[i]].pivkaHigh
                p[i].prior = Published.priorTreatments[prior[i]].combo
                p[i].dose = Published.doseSchemes[dose[i]].dose
                p[i].fractions = Published.doseSchemes[dose[i]].fractions
            }

            // PVT: every T4 has vascular invasion (none of the three mUICC criteria met) and here that is PVT;
            // the rest of the PVT count goes to T3 (a solitary tumour with invasion). T2 never has invasion.
            let t4 = (0..<n).filter { p[$0].t == 4 }
            let t3 = g.shuffled((0..<n).filter { p[$0].t == 3 })
            let pvtCount = min(max(scaled(Published.pvt), t4.count), t4.count + t3.count)
            for i in t4 { p[i].pvt = true }
            for i in t3.prefix(pvtCount - t4.count) { p[i].pvt = true }
            for i in 0..<n {
                switch (p[i].t, p[i].pvt) {
                case (2, _): p[i].tumorNumber = 1; p[i].sizeCm = g.uniform(7.5, 15.0)
                case (3, true): p[i].tumorNumber = 1; p[i].sizeCm = g.uniform(4.0, 16.0)
                case (3, false): p[i].tumorNumber = g.integer(in: 2...5); p[i].sizeCm = g.uniform(4.0, 14.0)
                default: p[i].tumorNumber = g.integer(in: 2...6); p[i].sizeCm = g.uniform(4.0, 18.0)
                }
                p[i].sizeCm = FixedDecimal.round(p[i].sizeCm, decimals: 1)
            }

            // Age: 37 below 50, median 55, range 33-79 (integer years).
            let nYoung = scaled(Published.ageBelow50)
            var young = sampleSorted(count: nYoung, anchors: [.init(0, 33), .init(nYoung - 1, 45, 49)], decimals: 0,
                                     log: false, &g)
            var oldAnchors: [Anchor] = [.init(0, 50, 51), .init(n - nYoung - 1, 79)]
            for m in medianIndices(n) where m >= nYoung { oldAnchors.append(.init(m - nYoung, 55)) }
            young += sampleSorted(count: n - nYoung, anchors: oldAnchors, decimals: 0, log: false, &g)
            g.shuffle(&young)
            for i in 0..<n { p[i].age = Int(young[i]) }

            // ICG R15: median 10.8, range 1.4-70.9; higher values go preferentially to Child-Pugh B.
            var icgAnchors: [Anchor] = [.init(0, 1.4), .init(n - 1, 70.9)]
            for m in medianIndices(n) { icgAnchors.append(.init(m, 10.8)) }
            let icg = sampleSorted(count: n, anchors: icgAnchors, decimals: 1, log: true, &g)
            var icgKey: [Double] = []
            for i in 0..<n {
                let shift: Double = p[i].childB ? 1.2 : 0
                icgKey.append(shift + g.normal(sd: 0.8))
            }
            let icgOrder = (0..<n).sorted { icgKey[$0] != icgKey[$1] ? icgKey[$0] < icgKey[$1] : $0 < $1 }
            for (rank, i) in icgOrder.enumerated() { p[i].icg = icg[rank] }

            // AFP: 60 below 200, median 570.4, range 1.0-88336.5 (one decimal).
            let afpHigh = (0..<n).filter { p[$0].afpHigh }, afpLow = (0..<n).filter { !p[$0].afpHigh }
            var afpValues = sampleSorted(count: afpLow.count,
                                         anchors: [.init(0, 1.0), .init(afpLow.count - 1, 120, 199.9)],
                                         decimals: 1, log: true, &g)
            var afpHighAnchors: [Anchor] = [.init(0, 200, 260), .init(afpHigh.count - 1, 88336.5)]
            for m in medianIndices(n) where m >= afpLow.count { afpHighAnchors.append(.init(m - afpLow.count, 570.4)) }
            afpValues += sampleSorted(count: afpHigh.count, anchors: afpHighAnchors, decimals: 1, log: true, &g)
            for (k, i) in g.shuffled(afpLow).enumerated() { p[i].afp = afpValues[k] }
            for (k, i) in g.shuffled(afpHigh).enumerated() { p[i].afp = afpValues[afpLow.count + k] }

            // PIVKA-II: 3 missing, 17 below 60, median 1641, range 10-2000 (the assay's upper limit: many at 2000).
            let pHigh = (0..<n).filter { p[$0].pivkaHigh == true }, pLow = (0..<n).filter { p[$0].pivkaHigh == false }
            let known = pHigh.count + pLow.count
            var pValues = sampleSorted(count: pLow.count, anchors: [.init(0, 10), .init(pLow.count - 1, 40, 59)],
                                       decimals: 0, log: true, &g)
            var pHighAnchors: [Anchor] = [.init(0, 60, 90), .init(pHigh.count - 1, 2000)]
            let medianRank = medianIndices(known)
            for m in medianRank where m >= pLow.count { pHighAnchors.append(.init(m - pLow.count, 1641)) }
            let capFrom = max(medianRank.last! + 3, Int((Double(known) * 85 / 135).rounded())) - pLow.count
            if capFrom > 0 && capFrom < pHigh.count - 1 { pHighAnchors.append(.init(capFrom, 2000)) }
            pValues += sampleSorted(count: pHigh.count, anchors: pHighAnchors, decimals: 0, log: true, &g)
            for (k, i) in g.shuffled(pLow).enumerated() { p[i].pivka = pValues[k] }
            for (k, i) in g.shuffled(pHigh).enumerated() { p[i].pivka = pValues[pLow.count + k] }

            // Child-Pugh components (consistent with the recorded class; bilirubin normal at baseline).
            for i in 0..<n {
                p[i].bilirubin = FixedDecimal.round(g.uniform(0.3, 1.15), decimals: 1)
                if p[i].childB {
                    // 2 (albumin 2.8-3.5) + 2 (mild ascites) + 1 + 1 (+ 2 for INR 1.7-2.3 in some) = 7 or 8
                    p[i].albumin = FixedDecimal.round(g.uniform(2.9, 3.45), decimals: 1)
                    p[i].ascites = "mild"
                    p[i].inr = FixedDecimal.round(g.bernoulli(0.3) ? g.uniform(1.75, 2.1) : g.uniform(1.0, 1.5),
                                                  decimals: 2)
                } else if g.bernoulli(0.25) {
                    p[i].albumin = FixedDecimal.round(g.uniform(3.0, 3.45), decimals: 1)   // score 6
                    p[i].inr = FixedDecimal.round(g.uniform(0.9, 1.4), decimals: 2)
                } else {
                    p[i].albumin = FixedDecimal.round(g.uniform(3.6, 4.6), decimals: 1)    // score 5
                    p[i].inr = FixedDecimal.round(g.uniform(0.9, 1.3), decimals: 2)
                }
                p[i].height = FixedDecimal.round(p[i].male ? g.normal(mean: 169, sd: 5.5) : g.normal(mean: 157, sd: 5),
                                                 decimals: 1)
                let bmi = min(max(g.normal(mean: 23, sd: 2.6), 17.5), 31)
                p[i].weight = FixedDecimal.round(bmi * p[i].height * p[i].height / 10_000, decimals: 1)
                p[i].z = g.normal(sd: 0.5)
            }
        }

        // MARK: 2. Linear predictors (log-hazard ratios in the direction of Table 3)

        private func lpDeath(_ q: SimPatient) -> Double {
            0.6 * (q.childB ? 1 : 0) + 0.35 * (q.t >= 3 ? 1 : 0) + 0.45 * (q.markersHigh ? 1 : 0)
                + 0.2 * (q.pvt ? 1 : 0) + 0.25 * (q.node == 1 ? 1 : 0) + q.z
        }

        private func lpFailure(_ q: SimPatient, _ site: Site) -> Double {
            switch site {
            case .infield:
                return 0.8 * (q.prior.isEmpty ? 0 : 1) + 0.3 * (q.pvt ? 1 : 0) + 0.2 * (q.markersHigh ? 1 : 0) + q.z
            case .outfield:
                return 0.6 * (q.markersHigh ? 1 : 0) + 0.15 * (q.prior.isEmpty ? 0 : 1) + 0.2 * (q.pvt ? 1 : 0) + q.z
            case .extrahepatic:
                return 1.0 * (q.markersHigh ? 1 : 0) + 0.7 * (q.young ? 1 : 0) + 0.4 * (q.t >= 3 || q.node == 1 ? 1 : 0)
                    - 0.3 * (q.pvt ? 1 : 0) + q.z
            }
        }

        // MARK: 3. Vital status and survival times

        private mutating func survival() {
            var g = stream("survival")
            let counts = apportion(Published.vital, to: n)
            let (nDead, nUnknown, nAlive) = (counts[0], counts[1], counts[2])
            // Survivors: the lowest-risk patients in distribution (weights exp(-lp)).
            let alive = g.sampleWithoutReplacement(logWeights: p.map { -lpDeath($0) }, count: nAlive)
            let aliveSet = Set(alive)
            let rest = (0..<n).filter { !aliveSet.contains($0) }
            let unknown = g.shuffled(rest).prefix(nUnknown)
            for i in alive { p[i].status = .alive }
            for i in unknown { p[i].status = .unknown }
            let nWithDisease = nAlive
                - apportion([Published.aliveWithoutDisease, Published.vital[2] - Published.aliveWithoutDisease],
                            to: nAlive)[0]
            for i in g.sampleWithoutReplacement(logWeights: alive.map { lpDeath(p[$0]) }, count: nWithDisease) {
                p[alive[i]].withDisease = true
            }

            // Survivors' follow-up: median 35.2 months, range 13.9-92.4.
            let month = CohortBuilder.daysPerMonth
            var aliveAnchors: [Anchor] = [
                .init(0, (13.9 * month).rounded()), .init(nAlive - 1, (92.4 * month).rounded()),
            ]
            for m in medianIndices(nAlive) { aliveAnchors.append(.init(m, (35.2 * month).rounded())) }
            let aliveFU = g.shuffled(sampleSorted(count: nAlive, anchors: aliveAnchors, decimals: 0, log: true, &g))
            for (k, i) in alive.enumerated() { p[i].exit = Int(aliveFU[k]) }
            for i in unknown { p[i].exit = g.integer(in: 120...900) }

            // Deaths: Kaplan-Meier inversion of the published curve given the censoring times above.
            let censor = (0..<n).filter { p[$0].status != .dead }.map { Double(p[$0].exit) }.sorted()
            let early = min(scaled(Published.deathsWithin3Months), nDead)
            let times = deathTimes(n: n, deaths: nDead, early: early, censor: censor, &g)
            // Latent proportional-hazards order: larger lp + Gumbel noise dies earlier.
            let dead = (0..<n).filter { p[$0].status == .dead }
            let keys = dead.map { lpDeath(p[$0]) + g.gumbel() }
            let order = dead.indices.sorted { keys[$0] != keys[$1] ? keys[$0] > keys[$1] : $0 < $1 }
            for (rank, k) in order.enumerated() { p[dead[k]].exit = times[rank] }
        }

        /// Death times (days after rt_end, ascending) whose Kaplan-Meier curve, with the given censoring times,
        /// follows the published overall survival: S = 1 − early/n at 91 days, 0.5 at 11.1 months, 46.1% at
        /// 1 year, 27.9% at 2 years. Each death is placed where the target curve crosses a random point
        /// (30-70%) of its KM step; deaths beyond 2 years are spread to 88 months with decreasing density.
        private func deathTimes(
            n: Int, deaths: Int, early: Int, censor: [Double], _ g: inout SeededGenerator
        ) -> [Int] {
            let month = CohortBuilder.daysPerMonth
            let s91 = 1 - Double(early) / Double(n)
            let knots: [(t: Double, s: Double)] = [
                (12, 1), (91, s91), (11.1 * month, 0.5), (12 * month, 0.461), (24 * month, 0.279),
            ]
            let lastKnot = knots.last!
            func inverse(_ s: Double) -> Double {   // log-linear interpolation between knots
                for k in 1..<knots.count where s >= knots[k].s {
                    let a = knots[k - 1], b = knots[k]
                    if a.s == b.s { return a.t }
                    let f = (DeterministicMath.log(a.s) - DeterministicMath.log(s))
                        / (DeterministicMath.log(a.s) - DeterministicMath.log(b.s))
                    return a.t + f * (b.t - a.t)
                }
                return .infinity
            }
            /// Censoring times before `x` (`censor` is ascending).
            func censoredBelow(_ x: Double) -> Int {
                var lo = 0, hi = censor.count
                while lo < hi { let mid = (lo + hi) / 2; if censor[mid] < x { lo = mid + 1 } else { hi = mid } }
                return lo
            }
            var times: [Double] = []
            var s = 1.0
            var t = 0.0
            for k in 0..<deaths {
                var censoredBefore = censoredBelow(t)
                let theta = g.uniform(0.3, 0.7)
                var next = 0.0, sNew = s
                for _ in 0..<20 {
                    let atRisk = Double(n - k - censoredBefore)
                    guard atRisk > 0 else { break }
                    sNew = s * (1 - 1 / atRisk)
                    next = inverse(s - (s - sNew) * theta)
                    let c = censoredBelow(next)
                    if c == censoredBefore { break }
                    censoredBefore = c
                }
                if !next.isFinite || next > lastKnot.t { break }
                times.append(max(next, t))
                s = sNew
                t = next
            }
            // Remaining deaths after 2 years.
            var tail: [Double] = []
            for _ in times.count..<deaths {
                let u = g.uniform()
                tail.append(lastKnot.t + (88 * month - lastKnot.t) * u * u)
            }
            times += tail.sorted()
            // Whole days; the first death on day 12 (0.4 months); exactly `early` deaths by day 91.
            var days = times.map { Int($0.rounded()) }
            for k in days.indices {
                if k < early { days[k] = min(max(days[k], 12), CohortBuilder.landmark) }
                else { days[k] = max(days[k], CohortBuilder.landmark + 1) }
                if k > 0 { days[k] = max(days[k], days[k - 1]) }
            }
            if !days.isEmpty { days[0] = 12 }
            return days
        }

        // MARK: 4. Calendar

        private static func isMonday(_ d: Day) -> Bool { ((d.serial % 7) + 7 + 3) % 7 == 0 }

        /// Last day of RT for a Monday start and 5 fractions a week.
        static func rtEnd(start: Day, fractions: Int) -> Day {
            start + 7 * ((fractions - 1) / 5) + (fractions - 1) % 5
        }

        private mutating func calendar() {
            var g = stream("calendar")
            for i in 0..<n {
                let duration = CohortBuilder.rtEnd(start: CohortBuilder.rtFirst, fractions: p[i].fractions)
                    - CohortBuilder.rtFirst
                var lo = CohortBuilder.rtFirst
                var hi = CohortBuilder.rtLast + (-duration)
                switch p[i].status {
                case .dead, .unknown:
                    hi = min(hi, CohortBuilder.closeOfFollowUp + (-p[i].exit - duration))
                case .alive:
                    lo = max(lo, CohortBuilder.survivorsContactFrom + (-p[i].exit - duration))
                    hi = min(hi, CohortBuilder.closeOfFollowUp + (-p[i].exit - duration))
                }
                // The Mondays in [lo, hi]: the first one on or after lo, then every 7 days.
                var firstMonday = lo
                while !CohortBuilder.isMonday(firstMonday) { firstMonday = firstMonday + 1 }
                let mondays = firstMonday <= hi ? (hi.serial - firstMonday.serial) / 7 + 1 : 0
                let start: Day
                if mondays == 0 {                       // infeasible window (only for odd cohort sizes): nearest Monday
                    var m = min(max(lo, CohortBuilder.rtFirst), hi)
                    while !CohortBuilder.isMonday(m) { m = m + 1 }
                    start = m
                } else {
                    start = firstMonday + 7 * g.integer(in: 0...(mondays - 1))
                }
                p[i].rtStart = start
                p[i].rtEnd = CohortBuilder.rtEnd(start: start, fractions: p[i].fractions)
            }
            // IMRT came into use later: weighted by calendar year.
            let nIMRT = apportion(Published.technique, to: n)[1]
            let logW = p.map { 0.45 * Double($0.rtStart.components.year - 2001) }
            for i in g.sampleWithoutReplacement(logWeights: logW, count: nIMRT) { p[i].imrt = true }
        }

        // MARK: 5. Failures at 3 months

        private mutating func failuresAtLandmark() {
            var g = stream("landmark")
            // The 3-month imaging: 80-91 days after RT, or shortly before an earlier death.
            for i in 0..<n {
                if p[i].exit > CohortBuilder.landmark {
                    p[i].scanDay = min(g.integer(in: 80...CohortBuilder.landmark), p[i].exit - 1)
                } else {
                    p[i].scanDay = max(1, p[i].exit - g.integer(in: 1...min(5, p[i].exit - 1)))
                }
            }
            let patternCounts = apportion(Published.patterns.map(\.count)
                                              + [Published.n - Published.patterns.reduce(0) { $0 + $1.count }],
                                          to: n)
            // survivors without disease never fail
            var pool = (0..<n).filter { !(p[$0].status == .alive && !p[$0].withDisease) }
            // Multi-site patterns first, then single sites.
            for (k, pattern) in Published.patterns.enumerated() {
                let sites: [Site] = [pattern.i ? .infield : nil, pattern.o ? .outfield : nil,
                                     pattern.e ? .extrahepatic : nil].compactMap { $0 }
                let logW = pool.map { i -> Double in
                    let q = p[i]
                    let earlyDeath = q.status == .dead && q.exit <= 183 ? 1.0 : 0.0
                    return sites.reduce(0) { $0 + lpFailure(q, $1) } + 0.8 * earlyDeath
                }
                let chosen = g.sampleWithoutReplacement(logWeights: logW, count: min(patternCounts[k], pool.count))
                    .map { pool[$0] }
                for i in chosen {
                    for s in sites {
                        // Infield failure is seen on the 3-month scan (target-lesion progression); other sites on
                        // that scan or earlier.
                        let day = s == .infield || g.bernoulli(0.6)
                            ? p[i].scanDay : g.integer(in: min(14, p[i].scanDay)...p[i].scanDay)
                        p[i].failDay[s.rawValue] = day
                    }
                }
                let chosenSet = Set(chosen)
                pool.removeAll { chosenSet.contains($0) }
            }
        }

        // MARK: 6. Response at 3 months

        private mutating func responses() {
            var g = stream("response")
            let target = apportion(Published.response, to: n)
            let pd = (0..<n).filter { p[$0].failDay[Site.infield.rawValue] != nil }
            for i in pd { p[i].response = "PD" }
            let others = (0..<n).filter { p[$0].response != "PD" }
            let keys = others.map { i -> Double in
                let q = p[i]
                return -0.7 * (q.prior.isEmpty ? 0 : 1) - 0.3 * (q.pvt ? 1 : 0) - 0.3 * (q.t == 4 ? 1 : 0)
                    - 0.5 * (q.failedAtLandmark ? 1 : 0) + g.gumbel()
            }
            let order = others.indices.sorted { keys[$0] != keys[$1] ? keys[$0] > keys[$1] : $0 < $1 }
            // CR and PR as published (scaled); SD takes the rest (PD is the number of infield failures).
            let nCR = min(target[0], others.count), nPR = min(target[1], others.count - nCR)
            for (rank, k) in order.enumerated() {
                p[others[k]].response = rank < nCR ? "CR" : rank < nCR + nPR ? "PR" : "SD"
            }
        }

        // MARK: 7. Failures after 3 months

        /// Baseline hazards per day after the landmark, by failure type, on [91, 183), [183, 365), [365, 730),
        /// [730, ∞) days after RT.
        static let baselineHazard: [[Double]] = [
            [0.0007, 0.0007, 0.0033, 0.0006],    // infield
            [0.0006, 0.0005, 0.0022, 0.0006],    // intrahepatic-outfield
            [0.0009, 0.0007, 0.0006, 0.0003],    // extrahepatic
        ]
        static let hazardBreaks = [91, 183, 365, 730]

        private func latentTime(_ site: Site, multiplier: Double, _ g: inout SeededGenerator) -> Double {
            var e = g.exponential()
            let rates = CohortBuilder.baselineHazard[site.rawValue]
            let breaks = CohortBuilder.hazardBreaks
            for k in 0..<rates.count {
                let rate = rates[k] * multiplier
                let a = Double(breaks[k])
                if k == rates.count - 1 { return a + e / rate }
                let width = Double(breaks[k + 1] - breaks[k])
                if e < rate * width { return a + e / rate }
                e -= rate * width
            }
            return .infinity
        }

        private mutating func laterFailures() {
            var g = stream("later")
            let L = CohortBuilder.landmark
            var latent = Array(repeating: [Double](repeating: .infinity, count: 3), count: n)
            for i in 0..<n {
                for s in Site.allCases {
                    latent[i][s.rawValue] = latentTime(s, multiplier: DeterministicMath.exp(lpFailure(p[i], s) - 0.25),
                                                       &g)
                }
            }
            func eligible(_ i: Int) -> Bool {
                !(p[i].status == .alive && !p[i].withDisease) && p[i].exit - L >= 7
            }
            /// ρ = position of the latent time within the patient's follow-up after the landmark (< 1: observed).
            func rho(_ i: Int, _ t: Double) -> Double { (t - Double(L)) / Double(p[i].exit - L) }
            /// A day strictly after the landmark and before death (on or before the last contact for others).
            func placeWithin(_ i: Int, _ t: Double) -> Int {
                let last = p[i].status == .dead ? p[i].exit - 1 : p[i].exit
                return min(max(Int(t.rounded()), L + 1), last)
            }
            func pullIn(_ i: Int) -> Double {
                Double(L) + Double(p[i].exit - L) * g.uniform(0.15, 0.95)
            }

            // (a) Infield after the landmark: exactly infieldAny − (infield at 3 months) patients.
            let infield3 = (0..<n).filter { p[$0].failDay[0] != nil }.count
            let anyTarget = max(scaled(Published.anyFailure), (0..<n).filter { p[$0].failedAtLandmark }.count)
            let nonLandmark = (0..<n).filter { !p[$0].failedAtLandmark }
            let needInfield = max(0, scaled(Published.infieldAny) - infield3)
            let candI = (0..<n).filter { eligible($0) && p[$0].failDay[0] == nil }
            let orderI = candI.sorted { (a, b) in
                let ra = rho(a, latent[a][0]), rb = rho(b, latent[b][0])
                return ra != rb ? ra < rb : a < b
            }
            let maxNonLandmarkInfield = anyTarget - (n - nonLandmark.count)
            var chosenI: [Int] = []
            var nonLandmarkInfield = 0
            for i in orderI where chosenI.count < needInfield {
                let isNon = !p[i].failedAtLandmark
                if isNon && nonLandmarkInfield >= maxNonLandmarkInfield { continue }
                chosenI.append(i)
                if isNon { nonLandmarkInfield += 1 }
            }
            for i in chosenI {
                let t = rho(i, latent[i][0]) < 1 ? latent[i][0] : pullIn(i)
                p[i].failDay[0] = placeWithin(i, t)
            }

            // (b) Any failure: patients without failure at 3 months who fail later, exactly anyTarget in all.
            let alreadyLater = nonLandmark.filter { p[$0].failDay[0] != nil }
            let needMore = max(0, anyTarget - (n - nonLandmark.count) - alreadyLater.count)
            let candAny = nonLandmark.filter { eligible($0) && p[$0].failDay[0] == nil }
            func firstOE(_ i: Int) -> Double { min(latent[i][1], latent[i][2]) }
            let orderAny = candAny.sorted { (a, b) in
                // survivors with disease first (they must have failed), then by ρ
                let fa = p[a].status == .alive ? 0 : 1, fb = p[b].status == .alive ? 0 : 1
                if fa != fb { return fa < fb }
                let ra = rho(a, firstOE(a)), rb = rho(b, firstOE(b))
                return ra != rb ? ra < rb : a < b
            }
            let chosenAny = Set(orderAny.prefix(needMore))
            for i in candAny {
                if chosenAny.contains(i) {
                    let s = latent[i][1] <= latent[i][2] ? 1 : 2
                    if rho(i, latent[i][s]) >= 1 { latent[i][s] = pullIn(i) }
                } else {
                    latent[i][1] = .infinity
                    latent[i][2] = .infinity
                }
            }
            // Patients with no failure at all after these choices keep none; the others add the outfield and
            // extrahepatic failures their latent times put before death/last contact.
            for i in 0..<n where eligible(i) {
                let hasFailure = p[i].everFailed || chosenAny.contains(i)
                guard hasFailure else { continue }
                for s in [Site.outfield, .extrahepatic] where p[i].failDay[s.rawValue] == nil {
                    if rho(i, latent[i][s.rawValue]) < 1 {
                        p[i].failDay[s.rawValue] = placeWithin(i, latent[i][s.rawValue])
                    }
                }
            }

            // (c) Timing: who fails after the landmark is decided above; when is set by a baseline hazard
            // calibrated to the published failure-specific PFS (1-year rate and median).
            for (site, s12, median) in [(Site.infield, 0.722, 22.4), (.outfield, 0.621, 18.0),
                                        (.extrahepatic, 0.566, 21.5)] {
                scheduleLaterFailures(site, oneYear: s12, medianMonths: median, &g)
            }
        }

        /// Re-times the failures of one type after the landmark so that the Kaplan-Meier curve of that failure
        /// type (censored at death/last contact) follows the published one: log-linear through the curve at the
        /// landmark, the 1-year rate and the median, extrapolated beyond. Like the death times, each event is
        /// placed where the target curve crosses a random point of its KM step (a Breslow-type baseline hazard);
        /// the patient who fails then is drawn from those due to fail of this type and still at risk, with
        /// weight exp(lp) / (days left before their death or last contact + 60). A patient whose follow-up would
        /// end before the next scheduled event fails before it ends.
        private mutating func scheduleLaterFailures(
            _ site: Site, oneYear: Double, medianMonths: Double, _ g: inout SeededGenerator
        ) {
            let k = site.rawValue, L = CohortBuilder.landmark
            let pending = (0..<n).filter { (p[$0].failDay[k] ?? 0) > L }
            for i in pending { p[i].failDay[k] = nil }
            // Patients at risk on a day: those whose last day at risk, min(exit, failure day), is on or after
            // it. A Fenwick tree over those last days answers each count in O(log days).
            let lastDay = (0..<n).map { min(p[$0].exit, p[$0].failDay[k] ?? Int.max) }
            var risk = AtRiskCounter(lastDays: lastDay)
            var s = 1.0
            var failuresByDay = [Int](repeating: 0, count: L + 1)
            for x in p { if let d = x.failDay[k], d >= 1, d <= L { failuresByDay[d] += 1 } }
            for day in 1...L {
                let d = failuresByDay[day]
                if d > 0 { s *= 1 - Double(d) / Double(risk.count(onOrAfter: day)) }
            }
            let month = CohortBuilder.daysPerMonth
            let s12 = min(oneYear, s * 0.98), sMed = min(0.5, s12 * 0.98)
            let knots: [(t: Double, s: Double)] = [(Double(L), s), (12 * month, s12), (medianMonths * month, sMed)]
            let tailSlope = (DeterministicMath.log(s12) - DeterministicMath.log(sMed)) / (knots[2].t - knots[1].t)
            func inverse(_ v: Double) -> Double {
                if v >= knots[0].s { return knots[0].t }
                for j in 1..<knots.count where v >= knots[j].s {
                    let a = knots[j - 1], b = knots[j]
                    let f = (DeterministicMath.log(a.s) - DeterministicMath.log(v))
                        / (DeterministicMath.log(a.s) - DeterministicMath.log(b.s))
                    return a.t + f * (b.t - a.t)
                }
                return knots[2].t + (DeterministicMath.log(sMed) - DeterministicMath.log(v)) / tailSlope
            }
            // Per pending patient (fixed during the loop): the deadline and exp(lp).
            let deadlineOf = pending.map { p[$0].status == .dead ? p[$0].exit - 1 : p[$0].exit }
            let hazardOf = pending.map { DeterministicMath.exp(lpFailure(p[$0], site)) }
            // Positions in `pending` (ascending patient index) still waiting, and the same ordered by
            // (deadline, index) for the most urgent one.
            var waiting = Array(pending.indices)
            var removed = [Bool](repeating: false, count: pending.count)
            let byDeadline = pending.indices.sorted {
                deadlineOf[$0] != deadlineOf[$1] ? deadlineOf[$0] < deadlineOf[$1] : pending[$0] < pending[$1]
            }
            var nextUrgent = 0
            var removedSinceCompaction = 0
            var candidates: [Int] = []
            var weights: [Double] = []
            var t = L + 1
            var remaining = pending.count
            while remaining > 0 {
                let theta = g.uniform(0.3, 0.7)
                var target = t
                for _ in 0..<5 {                  // the at-risk count at the event time itself
                    let nr = Double(max(risk.count(onOrAfter: target), 1))
                    let next = inverse(s - theta * s / nr)
                    let day = next.isFinite ? max(t, Int(min(next, 100_000).rounded())) : 100_000
                    if day == target { break }
                    target = day
                }
                while removed[byDeadline[nextUrgent]] { nextUrgent += 1 }
                let urgent = byDeadline[nextUrgent]
                let chosen: Int, day: Int
                if deadlineOf[urgent] < target {
                    chosen = urgent
                    day = g.integer(in: min(t, deadlineOf[urgent])...deadlineOf[urgent])
                } else {
                    candidates.removeAll(keepingCapacity: true)
                    weights.removeAll(keepingCapacity: true)
                    for j in waiting where !removed[j] && deadlineOf[j] >= target {
                        candidates.append(j)
                        weights.append(hazardOf[j] / Double(deadlineOf[j] - target + 60))
                    }
                    chosen = candidates[g.weightedIndex(weights)]
                    day = target
                }
                let nr = Double(risk.count(onOrAfter: day))
                let i = pending[chosen]
                p[i].failDay[k] = day
                risk.move(from: lastDay[i], to: min(p[i].exit, day))
                s *= 1 - 1 / nr
                t = day
                removed[chosen] = true
                remaining -= 1
                removedSinceCompaction += 1
                if removedSinceCompaction * 2 > waiting.count {
                    waiting.removeAll { removed[$0] }
                    removedSinceCompaction = 0
                }
            }
        }

        // MARK: Extrahepatic organs

        private mutating func organs() {
            var g = stream("organs")
            let e = (0..<n).filter { p[$0].failDay[2] != nil }
            var counts = apportion(Published.organWeights.map { Int(($0 * 1000).rounded()) }, to: e.count)
            // Keep the published order strictly (lung > lymph node > ... > brain) when there are enough failures.
            if e.count >= 28 {
                for _ in 0..<50 {
                    var changed = false
                    for k in stride(from: counts.count - 1, to: 0, by: -1) where counts[k] >= counts[k - 1] {
                        let d = counts[k] - counts[k - 1] + 1
                        counts[k] -= d
                        counts[k - 1] += d
                        changed = true
                    }
                    if counts.last! < 1, let big = counts.indices.first(where: { counts[$0] > counts[$0 + 1] + 1 }) {
                        counts[big] -= 1; counts[counts.count - 1] += 1; changed = true
                    }
                    if !changed { break }
                }
            }
            let labels = shuffledLabels(counts, &g)
            for (k, i) in e.enumerated() { p[i].organ = Published.organs[labels[k]] }
        }

        // MARK: 8. Rendering (lesions, labs and toxicities are drawn here, in patient-id order)

        private func render() -> SimulatedCohort {
            // Patient ids in order of RT start.
            let order = (0..<n).sorted { p[$0].rtStart != p[$1].rtStart ? p[$0].rtStart < p[$1].rtStart : $0 < $1 }
            let width = max(3, String(n).count)
            var id = [String](repeating: "", count: n)
            for (k, i) in order.enumerated() {
                let s = String(k + 1)
                id[i] = "P" + String(repeating: "0", count: width - s.count) + s
            }
            func f(_ v: Double, _ d: Int) -> String { NumberFormat.fixed(v, d) }
            func yn(_ b: Bool) -> String { b ? "yes" : "no" }

            var patients = "id,age,sex,viral,child_pugh,bilirubin,albumin,inr,ascites,encephalopathy,icg_r15,"
                + "t_stage,n_stage,m_stage,tumor_number,tumor_size_cm,vascular_invasion,pvt,afp,pivka,prior_treatment,"
                + "rt_technique,total_dose_gy,fractions,"
                + "rt_start,rt_end,response_3m,last_followup,vital_status,death_date,height_cm,weight_kg\n"
            var failures = "id,date,site,organ\n"
            var lesions = "id,date,lesion,kind,viable_mm,progression\n"
            var labs = "id,date,test,value,lln,uln\n"
            var toxicities = "id,date,term,grade\n"

            let toxicity = assignToxicityGrades()
            var g = stream("render")
            for i in order {
                let q = p[i]
                let last = q.rtEnd + q.exit
                let cells: [String] = [
                    id[i], String(q.age), q.male ? "M" : "F", q.viral, q.childB ? "B" : "A",
                    f(q.bilirubin, 1), f(q.albumin, 1), f(q.inr, 2), q.ascites, "none", f(q.icg, 1),
                    "T\(q.t)", "N\(q.node)", "M0", String(q.tumorNumber), f(q.sizeCm, 1), yn(q.pvt), yn(q.pvt),
                    f(q.afp, 1), q.pivka.map { f($0, 0) } ?? "", q.prior, q.imrt ? "IMRT" : "3D-CRT",
                    f(q.dose, 1), String(q.fractions), q.rtStart.iso, q.rtEnd.iso, q.response, last.iso,
                    q.status.rawValue, q.status == .dead ? last.iso : "", f(q.height, 1), f(q.weight, 1),
                ]
                patients += cells.joined(separator: ",") + "\n"

                // failures.csv: one row per site (first occurrence), by date then site.
                var rows: [(Int, Int)] = []
                for s in Site.allCases { if let d = q.failDay[s.rawValue] { rows.append((d, s.rawValue)) } }
                for (d, s) in rows.sorted(by: { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }) {
                    let organ = s == 2 ? q.organ : "liver"
                    failures += "\(id[i]),\((q.rtEnd + d).iso),\(Site(rawValue: s)!.csv),\(organ)\n"
                }

                // lesions.csv: the irradiated target lesions at baseline and at the 3-month scan (mRECIST).
                var sizes = [(q.sizeCm * 10).rounded()]
                if q.tumorNumber >= 2 { sizes.append(g.uniform(15, min(60, sizes[0] - 5)).rounded()) }
                let ratio: Double
                switch q.response {
                case "CR": ratio = 0
                case "PR": ratio = g.uniform(0.35, 0.62)
                case "SD": ratio = g.uniform(0.78, 1.10)
                default: ratio = g.uniform(1.28, 1.60)
                }
                let baselineDate = q.rtStart + (-g.integer(in: 5...21))
                let scanDate = q.rtEnd + q.scanDay
                for (k, mm) in sizes.enumerated() {
                    lesions += "\(id[i]),\(baselineDate.iso),L\(k + 1),target,\(f(mm, 0)),no\n"
                }
                for (k, mm) in sizes.enumerated() {
                    lesions += "\(id[i]),\(scanDate.iso),L\(k + 1),target,\(f((mm * ratio).rounded(), 0)),no\n"
                }

                // labs.csv: baseline (normal), every 2 weeks during RT, then 4, 8 and 12 weeks after RT.
                var dates = [q.rtStart + (-g.integer(in: 1...7))]
                var d = q.rtStart + 14
                while d <= q.rtEnd { dates.append(d); d = d + 14 }
                for w in [28, 56, 84] { dates.append(q.rtEnd + w) }
                let windowEnd = min(q.rtEnd + CohortBuilder.landmark, last)
                dates = dates.filter { $0 <= windowEnd }
                let early = q.status == .dead && q.exit <= CohortBuilder.landmark
                let post = dates.count - 1
                var rowsByDate = [[String]](repeating: [], count: dates.count)
                for (t, test) in LabModel.tests.enumerated() {
                    let worst = toxicity[t][i] ?? 0
                    let peak = 1 + ((early && (test == "bilirubin" || test == "ast" || test == "alt"))
                                    ? post - 1 : g.integer(in: 0...(post - 1)))
                    for (k, _) in dates.enumerated() {
                        let grade = k == 0 ? 0 : k == peak ? worst : min(worst, g.bernoulli(0.3) ? 1 : 0)
                        let value = LabModel.value(test: test, grade: grade, male: q.male,
                                                   baselineBilirubin: q.bilirubin, isBaseline: k == 0, &g)
                        let (lln, uln) = LabModel.limits(test: test, male: q.male)
                        rowsByDate[k].append("\(id[i]),\(dates[k].iso),\(test),\(value),\(lln),\(uln)")
                    }
                }
                for r in rowsByDate { for line in r { labs += line + "\n" } }

                // toxicities.csv: GI mucositis/ulcer as assessed.
                if let grade = toxicity[LabModel.tests.count][i], grade > 0 {
                    let onset = q.rtStart + g.integer(in: 14...max(14, min(windowEnd - q.rtStart, 120)))
                    toxicities += "\(id[i]),\(onset.iso),GI mucositis/ulcer,\(grade)\n"
                }
            }
            return SimulatedCohort(
                patients: patients, failures: failures, lesions: lesions, labs: labs, toxicities: toxicities)
        }

        /// Worst grade per patient for each lab test (Table 4 counts of grade 3 and 4 exactly; grade 0-2 for the
        /// rest) and, as the last row, the GI mucositis/ulcer grade (nil = not recorded).
        private func assignToxicityGrades() -> [[Int?]] {
            var g = stream("toxicity")
            var result: [[Int?]] = []
            for (test, g3, g4) in Published.labToxicity {
                let c = apportion([g3, g4, Published.n - g3 - g4], to: n)
                let logW = p.map { q -> Double in
                    let early = q.status == .dead && q.exit <= CohortBuilder.landmark ? 1.0 : 0.0
                    switch test {
                    case "bilirubin": return 2.5 * early + 1.0 * (q.childB ? 1 : 0)
                    case "ast", "alt": return 1.5 * early + 0.7 * (q.childB ? 1 : 0)
                    case "platelets": return 0.7 * (q.childB ? 1 : 0)
                    default: return 0
                    }
                }
                let g4set = g.sampleWithoutReplacement(logWeights: logW, count: c[1])
                let grade4 = Set(g4set)
                let remaining = (0..<n).filter { !grade4.contains($0) }
                let grade3 = Set(g.sampleWithoutReplacement(logWeights: remaining.map { logW[$0] }, count: c[0])
                                     .map { remaining[$0] })
                var grades = [Int?](repeating: 0, count: n)
                for i in 0..<n {
                    grades[i] = grade4.contains(i) ? 4
                        : grade3.contains(i) ? 3 : [0, 0, 0, 1, 1, 2][g.integer(in: 0...5)]
                }
                result.append(grades)
            }
            let gi3 = Set(g.sampleWithoutReplacement(logWeights: [Double](repeating: 0, count: n),
                                                     count: scaled(Published.giGrade3)))
            result.append((0..<n).map { i -> Int? in
                gi3.contains(i) ? 3 : g.bernoulli(0.15) ? g.integer(in: 1...2) : nil
            })
            return result
        }
    }

    /// Laboratory value model: normal limits and value ranges per CTCAE v3.0 grade, kept clear of the grade
    /// boundaries so that rounding never moves a value across one.
    enum LabModel {
        static let tests = ["neutrophils", "hemoglobin", "platelets", "ast", "alt", "bilirubin"]

        /// (lln, uln) as text.
        static func limits(test: String, male: Bool) -> (String, String) {
            switch test {
            case "neutrophils": return ("1800", "7500")
            case "platelets": return ("150000", "400000")
            case "hemoglobin": return male ? ("13.0", "17.0") : ("12.0", "16.0")
            case "ast", "alt": return ("", "40")
            default: return ("", "1.2")
            }
        }

        /// A value of the given grade, as text.
        static func value(test: String, grade: Int, male: Bool, baselineBilirubin: Double, isBaseline: Bool,
                          _ g: inout SeededGenerator) -> String {
            func pick(_ ranges: [(Double, Double)]) -> Double { let r = ranges[grade]; return g.uniform(r.0, r.1) }
            switch test {
            case "neutrophils":
                let v = pick([(2100, 5200), (1550, 1750), (1050, 1450), (550, 950), (100, 450)])
                return NumberFormat.fixed((v / 10).rounded() * 10, 0)
            case "platelets":
                let v = pick([(155_000, 290_000), (80_000, 145_000), (52_000, 73_000), (27_000, 48_000),
                              (8_000, 23_000)])
                return NumberFormat.fixed((v / 1000).rounded() * 1000, 0)
            case "hemoglobin":
                let normal = male ? (13.3, 15.8) : (12.3, 14.6)
                let v = pick([normal, (10.2, male ? 12.8 : 11.8), (8.2, 9.8), (6.7, 7.8), (5.2, 6.3)])
                return NumberFormat.fixed(v, 1)
            case "ast", "alt":
                let v = pick([(14, 38), (45, 95), (106, 195), (210, 780), (830, 2400)])
                return NumberFormat.fixed(v, 0)
            default:
                if isBaseline { return NumberFormat.fixed(baselineBilirubin, 1) }
                let v = pick([(0.3, 1.1), (1.3, 1.7), (1.9, 3.5), (3.8, 11.5), (12.5, 24.0)])
                return NumberFormat.fixed(v, 1)
            }
        }
    }

    // MARK: - Sampling helpers

    /// A constraint on the sorted sample: the value at `index` lies in [lo, hi].
    struct Anchor {
        var index: Int
        var lo: Double
        var hi: Double
        init(_ index: Int, _ lo: Double, _ hi: Double? = nil) { self.index = index; self.lo = lo; self.hi = hi ?? lo }
    }

    /// The 0-based indices whose values define the median of `n` sorted values (one or two).
    static func medianIndices(_ n: Int) -> [Int] { n % 2 == 1 ? [n / 2] : [n / 2 - 1, n / 2] }

    /// `count` values in ascending order that satisfy the anchors (value at an index within [lo, hi]); values
    /// between anchors are uniform (on a log scale if `log`) between the neighbouring anchor values, and all
    /// values are rounded to `decimals`. Anchors out of range or out of order are ignored.
    static func sampleSorted(
        count: Int, anchors: [Anchor], decimals: Int, log useLog: Bool, _ g: inout SeededGenerator
    ) -> [Double] {
        guard count > 0 else { return [] }
        let fwd: (Double) -> Double = useLog ? { DeterministicMath.log($0) } : { $0 }
        let back: (Double) -> Double = useLog ? { DeterministicMath.exp($0) } : { $0 }
        var fixed: [(Int, Double)] = []
        for a in anchors.sorted(by: { $0.index < $1.index }) where a.index >= 0 && a.index < count {
            if let last = fixed.last, a.index <= last.0 || a.hi < last.1 { continue }
            let lo = max(a.lo, fixed.last?.1 ?? a.lo)
            let v = a.hi > lo
                ? FixedDecimal.round(g.uniform(lo, a.hi), decimals: decimals)
                : FixedDecimal.round(a.hi, decimals: decimals)
            fixed.append((a.index, max(v, lo)))
        }
        if fixed.first?.0 != 0, let first = fixed.first { fixed.insert((0, first.1), at: 0) }
        if fixed.last?.0 != count - 1, let last = fixed.last { fixed.append((count - 1, last.1)) }
        var values = [Double](repeating: 0, count: count)
        for (k, (index, value)) in fixed.enumerated() {
            values[index] = value
            guard k + 1 < fixed.count else { continue }
            let (nextIndex, nextValue) = fixed[k + 1]
            let gap = nextIndex - index - 1
            guard gap > 0 else { continue }
            var fill = (0..<gap).map { _ in
                min(max(FixedDecimal.round(back(g.uniform(fwd(value), fwd(nextValue))), decimals: decimals), value),
                    nextValue)
            }
            fill.sort()
            for (j, v) in fill.enumerated() { values[index + 1 + j] = v }
        }
        return values
    }
}

/// How many of a fixed set of patients are still at risk on a day: those whose last day at risk is on
/// or after it. A Fenwick tree over the days; a patient's last day can move (when a failure is placed).
private struct AtRiskCounter {
    private var tree: [Int]
    private let first: Int
    private let total: Int

    init(lastDays: [Int]) {
        first = min(lastDays.min() ?? 0, 0)
        let span = (lastDays.max() ?? 0) - first + 1
        tree = [Int](repeating: 0, count: span + 1)
        total = lastDays.count
        for d in lastDays { add(d, 1) }
    }

    private mutating func add(_ day: Int, _ delta: Int) {
        precondition(day >= first, "day \(day) before the first day counted")
        var i = day - first + 1
        while i < tree.count { tree[i] += delta; i += i & -i }
    }

    /// Patients whose last day is before `day`.
    private func countBefore(_ day: Int) -> Int {
        var i = min(day - first, tree.count - 1)
        var c = 0
        while i > 0 { c += tree[i]; i -= i & -i }
        return c
    }

    /// Patients whose last day is `day` or later.
    func count(onOrAfter day: Int) -> Int { total - countBefore(day) }

    /// One patient's last day moves from `old` to `new` (never later than before).
    mutating func move(from old: Int, to new: Int) {
        add(old, -1)
        add(new, 1)
    }
}
