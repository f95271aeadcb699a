import Oncology

/// Derived, per-patient clinical quantities (no statistics).
public enum Derive {
    /// Child-Pugh class: as recorded, else computed from the five components.
    ///
    /// - Complexity: O(1).
    public static func childPugh(_ p: Patient) -> ChildPughClass? {
        if let c = p.childPughRecorded { return c }
        guard let c = p.childPughComponents else { return nil }
        return ChildPugh(bilirubinMgPerDL: c.bilirubinMgPerDL, albuminGPerDL: c.albuminGPerDL, inr: c.inr,
                         ascites: c.ascites, encephalopathy: c.encephalopathy)?.class
    }

    /// ALBI grade from bilirubin (mg/dL) and albumin (g/dL).
    ///
    /// - Complexity: O(1).
    public static func albi(_ p: Patient) -> ALBI? {
        guard let b = p.bilirubinMgPerDL ?? p.childPughComponents?.bilirubinMgPerDL,
              let a = p.albuminGPerDL ?? p.childPughComponents?.albuminGPerDL else { return nil }
        return ALBI(bilirubinMgPerDL: b, albuminGPerDL: a)
    }

    /// Modified UICC T category: as given, else from tumour number, size and vascular invasion.
    ///
    /// - Complexity: O(1).
    public static func tCategory(_ p: Patient) -> MUICCTCategory? {
        if let t = p.tCategory { return t }
        guard let f = p.tumor else { return nil }
        return MUICCTCategory(tumorCount: f.number, largestDiameterCm: f.largestDiameterCm,
                              vascularOrBileDuctInvasion: f.vascularInvasion)
    }

    /// Modified UICC stage group (N and M taken as N0/M0 when not recorded).
    ///
    /// - Complexity: O(1).
    public static func stage(_ p: Patient) -> MUICCStage? {
        guard let t = tCategory(p) else { return nil }
        return MUICCStage(t: t, nodePositive: p.nodePositive ?? false, distantMetastasis: p.metastasis ?? false)
    }

    /// "T3N0M0"-style label.
    ///
    /// - Complexity: O(1).
    public static func tnm(_ p: Patient) -> String? {
        guard let t = tCategory(p) else { return nil }
        return "T\(t.rawValue)N\(p.nodePositive == true ? 1 : 0)M\(p.metastasis == true ? 1 : 0)"
    }

    /// Dose per fraction, Gy: total dose divided by the number of fractions.
    ///
    /// - Complexity: O(1).
    public static func dosePerFraction(_ p: Patient) -> Double { p.totalDoseGy / Double(p.fractions) }

    /// Biologically effective dose n·d·(1 + d/(α/β)).
    ///
    /// - Complexity: O(1).
    public static func bed(_ p: Patient, alphaBeta: Double) -> Double {
        let d = dosePerFraction(p)
        return p.totalDoseGy * (1 + d / alphaBeta)
    }

    /// Equivalent dose in 2-Gy fractions, BED/(1 + 2/(α/β)).
    ///
    /// - Complexity: O(1).
    public static func eqd2(_ p: Patient, alphaBeta: Double) -> Double {
        bed(p, alphaBeta: alphaBeta) / (1 + 2 / alphaBeta)
    }

    /// Body-surface area (Mosteller) when height and weight are given.
    ///
    /// - Complexity: O(1).
    public static func bsa(_ p: Patient) -> Double? {
        guard let h = p.heightCm, let w = p.weightKg else { return nil }
        return BodySurfaceArea.mosteller(heightCm: h, weightKg: w)
    }

    /// The plan's time origin for a patient.
    ///
    /// - Complexity: O(1).
    public static func origin(_ p: Patient, plan: StudyPlan) -> Day {
        plan.origin == .rtEnd ? p.rtEnd : p.rtStart
    }

    /// Days → plan units.
    ///
    /// - Complexity: O(1).
    public static func time(_ days: Int, plan: StudyPlan) -> Double { Double(days) / plan.timeUnit.days }
}

/// One patient's failures summarised: first-failure pattern, landmark pattern, ever pattern, first date
/// per site, extrahepatic organs.
public struct FailureHistory: Sendable, Equatable {
    /// Date of the first failure of any site.
    public var firstDate: Day?
    /// Sites failing on the first failure date (one of the 7 exclusive patterns, or empty).
    public var firstPattern: FailurePattern
    /// Sites failing within the landmark window (date ≤ origin + landmark).
    public var landmarkPattern: FailurePattern
    /// Sites failing at any time.
    public var everPattern: FailurePattern
    /// First failure date of each site.
    public var firstDateBySite: [FailureSite: Day]
    /// Distinct organs of extrahepatic failures.
    public var extrahepaticOrgans: Set<String>

    /// Summarises `failures` (all of one patient).
    ///
    /// - Parameters:
    ///   - failures: The patient's failure events.
    ///   - origin: The time origin (plan).
    ///   - landmarkDays: Window length; a failure exactly on the landmark day counts as within it.
    ///
    /// - Complexity: O(*n*) in the number of failures.
    public init(failures: [FailureEvent], origin: Day, landmarkDays: Double) {
        let first = failures.map(\.date).min()
        firstDate = first
        firstPattern = FailurePattern(sites: failures.filter { $0.date == first }.map(\.site))
        landmarkPattern = FailurePattern(
            sites: failures.filter { Double($0.date - origin) <= landmarkDays }.map(\.site))
        everPattern = FailurePattern(sites: failures.map(\.site))
        var bySite: [FailureSite: Day] = [:]
        for f in failures { bySite[f.site] = min(bySite[f.site] ?? f.date, f.date) }
        firstDateBySite = bySite
        extrahepaticOrgans = Set(failures.filter { $0.site == .extrahepatic }.compactMap { $0.organ?.lowercased() })
    }
}

/// Worst CTCAE grades per patient within the toxicity window.
public enum ToxicityGrading {
    /// Worst grade per term, from lab values (graded by the plan's CTCAE version, baseline = latest value
    /// before RT start) and from grades as recorded, within [RT start, RT end + window].
    ///
    /// - Returns: term label → worst grade; and messages for values that could not be graded.
    ///
    /// - Complexity: O(*l* + *r*) in the patient's lab values and recorded toxicities.
    public static func worstGrades(patient p: Patient, labs: [LabValue], recorded: [ToxicityRecord],
                                   plan: StudyPlan) -> (grades: [String: Int], problems: [String], outsideWindow: Int) {
        let windowEnd = p.rtEnd + Int((plan.toxicityWindowMonths * StudyPlan.TimeUnit.months.days).rounded(.down))
        var grades: [String: Int] = [:]
        var problems: [String] = []
        for term in CTCAELabTerm.allCases {
            // Baseline: the first of the latest values before RT start.
            var present = false, baselineDate: Day? = nil, baseline: Double? = nil
            for v in labs where v.term == term {
                present = true
                if v.date < p.rtStart, baselineDate.map({ $0 < v.date }) ?? true {
                    baselineDate = v.date
                    baseline = v.value
                }
            }
            if !present { continue }
            for v in labs where v.term == term && v.date >= p.rtStart && v.date <= windowEnd {
                do {
                    let g = try term.grade(
                        value: v.value, lln: v.lln, uln: v.uln, baseline: baseline, version: plan.ctcaeVersion)
                    grades[term.rawValue] = max(grades[term.rawValue] ?? 0, g)
                } catch {
                    problems.append(
                        "\(v.source.file), row \(v.source.row): \(term.rawValue) value \(v.value)"
                            + " not graded (\(error))")
                }
            }
        }
        for r in recorded where r.date >= p.rtStart && r.date <= windowEnd {
            grades[r.term] = max(grades[r.term] ?? 0, r.grade)
        }
        // Records outside the window are not graded but counted (nothing read is dropped silently).
        let outside = recorded.count(where: { $0.date < p.rtStart || $0.date > windowEnd })
            + labs.count(where: { $0.date > windowEnd })
        return (grades, problems, outside)
    }
}

/// Tumour response from lesion measurements (mRECIST or RECIST 1.1).
public enum ResponseDerivation {
    /// Response at each follow-up scan; baseline is the latest scan on or before RT start.
    ///
    /// - Returns: (date, response) per follow-up scan in date order; empty without a baseline scan.
    ///
    /// - Complexity: O(*m* log *m*) in the number of measurements (they are grouped and sorted by date).
    public static func responses(lesions: [LesionMeasurement], rtStart: Day, criteria: ResponseCriteria)
        -> [(date: Day, response: ResponseCategory)] {
        let byDate = Dictionary(grouping: lesions, by: \.date)
        guard let baselineDate = byDate.keys.filter({ $0 <= rtStart }).max() else { return [] }
        let baseline = byDate[baselineDate]!
        let targets = Set(baseline.filter { $0.kind == .target }.map(\.lesion))
        let nonTargets = Set(baseline.filter { $0.kind == .nonTarget }.map(\.lesion))
        func targetSum(_ scan: [LesionMeasurement]) -> Double? {
            let t = scan.filter { targets.contains($0.lesion) && $0.kind == .target }
            guard Set(t.map(\.lesion)) == targets else { return nil }   // a target not measured → NE
            return t.reduce(0) { $0 + ($1.viableMM ?? 0) }
        }
        guard let baseSum = targetSum(baseline) else { return [] }
        var nadir = baseSum
        var out: [(Day, ResponseCategory)] = []
        for date in byDate.keys.filter({ $0 > rtStart }).sorted() {
            let scan = byDate[date]!
            let newLesions = scan.contains { $0.kind == .new }
            let nt = scan.filter { nonTargets.contains($0.lesion) }
            let ntResponse = ResponseAssessment.nonTargetResponse(
                presentAtBaseline: !nonTargets.isEmpty,
                allResolved: !nt.isEmpty && nt.allSatisfy { ($0.viableMM ?? 1) == 0 },
                unequivocalProgression: nt.contains { $0.progression },
                evaluated: nonTargets.isEmpty || Set(nt.map(\.lesion)) == nonTargets)
            guard let sum = targetSum(scan) else { out.append((date, .notEvaluable)); continue }
            let t = ResponseAssessment.targetResponse(baselineSum: baseSum, nadirSum: nadir, currentSum: sum,
                                                      criteria: criteria, targetsResolved: sum == 0)
            out.append(
                (date, ResponseAssessment.overallResponse(target: t, nonTarget: ntResponse, newLesions: newLesions)))
            nadir = min(nadir, sum)
        }
        return out
    }
}
