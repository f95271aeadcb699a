import Oncology
import Tabular

/// Table 1, patient characteristics: counts with percentages and medians with ranges, a "Not recorded"
/// row for every characteristic with missing values, and the plan's risk factors with their levels.
enum CharacteristicsTable {
    static func rows(_ data: StudyData) -> [CharacteristicRow] {
        let d = data.records, plan = data.plan
        let n = d.count
        var rows: [CharacteristicRow] = []
        func count(_ section: String, _ label: String, _ k: Int, of denominator: Int? = nil) {
            rows.append(CharacteristicRow(section: section, label: label, n: k, denominator: denominator ?? n))
        }
        func notRecorded(_ section: String, known: Int) {
            if known < n { count(section, "Not recorded", n - known) }
        }
        func medianRow(_ section: String, _ label: String, _ values: [Double], unit: String) {
            guard !values.isEmpty else { return }
            rows.append(CharacteristicRow(section: section, label: label, median: StudyAnalysis.median(values),
                                          min: values.min(), max: values.max(), unit: unit))
        }
        /// Counts below/above the plan's cut-point for a variable, when a one-cut factor uses it.
        func cutRows(_ section: String, variable: String, _ values: [Double]) {
            guard let f = plan.factors.first(where: { $0.variable == variable }), case .cutPoints(let c) = f.rule else {
                return
            }
            let levels = plan.resolve(f).levels
            for (i, label) in levels.enumerated() {
                let lo = i == 0 ? -Double.infinity : c[i - 1], hi = i == c.count ? Double.infinity : c[i]
                count(section, label, values.count(where: { $0 >= lo && $0 < hi }), of: values.count)
            }
        }
        let ages = d.map(\.patient.age)
        medianRow("Age", "Age (median, years)", ages, unit: "years")
        cutRows("Age", variable: "age", ages)
        count("Gender", "Male", d.count(where: { $0.patient.sex == .male }))
        count("Gender", "Female", d.count(where: { $0.patient.sex == .female }))
        let viralKnown = d.count(where: { $0.patient.viral != nil })
        for (v, label) in [(ViralEtiology.hbv, "B"), (.hcv, "C"), (.both, "B and C"), (.neither, "non-B, non-C")] {
            let k = d.count(where: { $0.patient.viral == v })
            if k > 0 || v != .both { count("Viral type", label, k, of: viralKnown) }
        }
        notRecorded("Viral type", known: viralKnown)
        let cpKnown = d.count(where: { $0.childPugh != nil })
        for c in ChildPughClass.allCases {
            let k = d.count(where: { $0.childPugh == c })
            if k > 0 || c != .c { count("Child-Pugh class", c.rawValue, k, of: cpKnown) }
        }
        notRecorded("Child-Pugh class", known: cpKnown)
        let albi = d.compactMap { Derive.albi($0.patient) }
        if !albi.isEmpty {
            for g in ALBIGrade.allCases {
                count("ALBI grade", "Grade \(g.rawValue)", albi.count(where: { $0.grade == g }), of: albi.count)
            }
            notRecorded("ALBI grade", known: albi.count)
        }
        let icg = d.compactMap(\.patient.icgR15)
        medianRow("ICG R15", "ICG R15 (median, %)", icg, unit: "%")
        if !icg.isEmpty { notRecorded("ICG R15", known: icg.count) }
        let staged = d.count(where: { $0.stage != nil })
        for s in MUICCStage.allCases {
            // TNM label → patients of this stage (each patient's label made once).
            var byLabel: [String: Int] = [:], group = 0
            for r in d where r.stage == s {
                group += 1
                if let l = Derive.tnm(r.patient) { byLabel[l, default: 0] += 1 }
            }
            guard group > 0 else { continue }
            for l in byLabel.keys.sorted() { count("Modified UICC stage \(s.rawValue)", l, byLabel[l]!, of: staged) }
        }
        if staged < n { count("Modified UICC stage", "Not recorded", n - staged) }
        count("Portal vein thrombosis", "No", d.count(where: { !$0.patient.portalVeinThrombosis }))
        count("Portal vein thrombosis", "Yes", d.count(where: { $0.patient.portalVeinThrombosis }))
        let nKnown = d.filter { $0.patient.nodePositive != nil }
        count(
            "Lymph node metastasis", "No", nKnown.count(where: { $0.patient.nodePositive == false }), of: nKnown.count)
        count(
            "Lymph node metastasis", "Yes", nKnown.count(where: { $0.patient.nodePositive == true }), of: nKnown.count)
        notRecorded("Lymph node metastasis", known: nKnown.count)
        let afp = d.compactMap(\.patient.afp)
        medianRow("Pre-CCRT AFP", "AFP (median, IU/ml)", afp, unit: "IU/ml")
        cutRows("Pre-CCRT AFP", variable: "afp", afp)
        notRecorded("Pre-CCRT AFP", known: afp.count)
        let pivka = d.compactMap(\.patient.pivka)
        medianRow("Pre-CCRT PIVKA-II", "PIVKA-II (median, mAU/ml)", pivka, unit: "mAU/ml")
        cutRows("Pre-CCRT PIVKA-II", variable: "pivka", pivka)
        notRecorded("Pre-CCRT PIVKA-II", known: pivka.count)
        for f in data.factors where f.factor.definition.isAllOf {
            let known = f.known
            for level in f.factor.displayOrder {
                count(
                    f.factor.label, f.factor.levels[level], known.count(where: { f.level[$0] == level }),
                    of: known.count)
            }
            notRecorded(f.factor.label, known: known.count)
        }
        let treated = d.filter { !$0.patient.priorTreatments.isEmpty }
        count("Pre-CCRT treatment history", "No (primary treatment group)", n - treated.count)
        count("Pre-CCRT treatment history", "Yes (recurrence treatment group)", treated.count)
        var combos: [String: Int] = [:]
        for t in treated { combos[t.patient.priorTreatments.joined(separator: ", "), default: 0] += 1 }
        for (k, v) in combos.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            count("Contents of pre-CCRT treatment", k, v, of: treated.count)
        }
        var techniques: [String: Int] = [:]
        for t in d { techniques[t.patient.rtTechnique ?? "Not recorded", default: 0] += 1 }
        for (k, v) in techniques.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            count("Radiotherapy technique", k, v)
        }
        medianRow("Dose", "Total dose (median, Gy)", d.map(\.patient.totalDoseGy), unit: "Gy")
        medianRow("Dose", "Dose/fraction (median, Gy)", d.map { Derive.dosePerFraction($0.patient) }, unit: "Gy")
        medianRow(
            "Dose", "BED\(NumberFormat.plain(plan.alphaBeta)) (median, Gy)",
            d.map { Derive.bed($0.patient, alphaBeta: plan.alphaBeta) }, unit: "Gy")
        medianRow("Dose", "EQD2 (median, Gy)", d.map { Derive.eqd2($0.patient, alphaBeta: plan.alphaBeta) }, unit: "Gy")
        let bsa = d.compactMap { Derive.bsa($0.patient) }
        medianRow("Body-surface area", "BSA, Mosteller (median, m²)", bsa, unit: "m²")
        if !bsa.isEmpty { notRecorded("Body-surface area", known: bsa.count) }
        // The plan's own factors (not those shown above).
        let shown: Set<String> = ["age", "afp", "pivka", "pvt", "prior_treatment", "muicc_stage"]
        for f in data.factors where !f.factor.definition.isAllOf && !shown.contains(f.factor.definition.variable) {
            let known = f.known
            for level in f.factor.displayOrder {
                count(
                    f.factor.label, f.factor.levels[level], known.count(where: { f.level[$0] == level }),
                    of: known.count)
            }
            notRecorded(f.factor.label, known: known.count)
        }
        return rows
    }
}
