import Foundation
import PatternsOfFailure
import Reporting
import Tabular

/// Turns `StudyResults` into the study report: an HTML/Markdown document, CSV tables and SVG figures.
/// Pure formatting: every number comes from the results.
///
/// ```swift
/// let document = StudyReportBuilder(results: results).document()
/// try document.html().write(to: url, atomically: true, encoding: .utf8)
/// ```
public struct StudyReportBuilder {
    /// The results rendered.
    public let results: StudyResults

    /// A builder for `results`.
    ///
    /// - Complexity: O(1); the rendering functions do the work.
    public init(results: StudyResults) { self.results = results }

    var unit: String { results.provenance.plan.timeUnit.rawValue }
    /// "month" for "24-month PFS".
    var unitSingular: String { unit.hasSuffix("s") ? String(unit.dropLast()) : unit }
    var xLabel: String {
        "\(unit.capitalized) after \(results.provenance.plan.origin == .rtEnd ? "end of RT" : "start of RT")"
    }

    // MARK: number formats

    func pct(_ x: Double) -> String { NumberFormat.fixed(x, 1) }
    /// A number with `d` decimals; "NR" (not reached / not available) for nil or NaN.
    func num(_ x: Double?, _ d: Int = 1) -> String { x.flatMap { $0.isNaN ? nil : NumberFormat.fixed($0, d) } ?? "NR" }
    func p(_ x: Double) -> String { NumberFormat.pValue(x) }
    func nPct(_ n: Int, _ of: Int) -> String { of > 0 ? "\(n) (\(pct(Double(n) / Double(of) * 100)))" : "\(n)" }
    func ci(_ lo: Double?, _ hi: Double?, _ d: Int = 1) -> String { "\(num(lo, d))–\(num(hi, d))" }
    func rate(_ r: RateAtTime) -> String { "\(pct(r.estimate * 100)) (\(pct(r.lower * 100))–\(pct(r.upper * 100)))" }
    /// ``rate(_:)`` as a cell carrying the estimate and limits in percent, as shown, for the CSV tables.
    func rateCell(_ r: RateAtTime) -> ReportDocument.Cell {
        .init(rate(r), values: [("estimate", r.estimate * 100), ("lower", r.lower * 100), ("upper", r.upper * 100)])
    }

    // MARK: tables

    /// Every table of the report, as (file name, caption, header, rows).
    ///
    /// - Complexity: O(size of the results): proportional to the patients, failures and factor levels tabulated.
    public func tables() -> [(name: String, table: ReportDocument.Table)] {
        var out: [(String, ReportDocument.Table)] = []
        out.append(("table1_characteristics", table1()))
        out.append(("table2_response", table2()))
        out.append(("patterns_sites", patternSites()))
        out.append(("patterns_exclusive", patternExclusive()))
        out.append(("extrahepatic_sites", organs()))
        out += classificationTables()
        out.append(("survival_summary", survivalSummary()))
        out.append(("censoring", censoringTable()))
        out.append(("table3a_univariate", table3a()))
        out.append(("table3b_multivariate", table3b()))
        out.append(("os_risk_factors", osFactors()))
        if !results.subgroups.isEmpty { out.append(("subgroups", subgroups())) }
        if let t = patternsByFactor() { out.append(("patterns_by_factor", t)) }
        if let t = causesOfDeath() { out.append(("causes_of_death", t)) }
        out.append(("table4_toxicity", table4()))
        if !results.competingRisks.isEmpty {
            out.append(("competing_risks", competing()))
            out.append(("finegray_vs_causespecific", fineGray()))
        }
        let paper: [String: String] = [
            "table1_characteristics": "1", "table2_response": "2", "table3a_univariate": "3a",
                                       "table3b_multivariate": "3b", "table4_toxicity": "4"]
        return out.map { name, table in
            var t = table
            t.id = name
            if results.provenance.plan.isPaperPreset { t.label = paper[name] }
            return (name, t)
        }
    }

    /// Whether tables and figures carry the paper's numbers (the paper's plan is used).
    var paperNumbering: Bool { results.provenance.plan.isPaperPreset }

    /// A count "n (%)" carrying n and the percentage for the CSV tables.
    func nPctCell(_ n: Int, _ of: Int) -> ReportDocument.Cell {
        .init(nPct(n, of), values: [("n", Double(n))] + (of > 0 ? [("percent", Double(n) / Double(of) * 100)] : []))
    }

    /// A whole count as a cell carrying it.
    func countCell(_ n: Int, name: String = "n") -> ReportDocument.Cell {
        .number(Double(n), text: String(n), name: name)
    }

    /// The clinical group a Table 1 variable belongs to, by its name: demographics, liver disease and
    /// function, tumour, treatment; anything else last.
    static func characteristicGroup(_ section: String) -> Int {
        let s = section.lowercased()
        let words = Set(s.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init))
        func any(_ keys: [String]) -> Bool { keys.contains { s.contains($0) } }
        if any([
            "stage", "uicc", "bclc", "tnm", "portal", "thromb", "lymph", "metasta", "afp", "pivka", "tumour", "tumor",
            "lesion",
        ]) {
            return 2
        }
        if !words.isDisjoint(with: ["age", "gender", "sex", "ecog", "kps", "weight", "height", "bmi"])
            || any(["body-surface", "body surface", "performance"])
        {
            return 0
        }
        if any(["viral", "hepatitis", "child", "albi", "icg", "cirrho", "bilirubin", "albumin", "liver", "meld"]) {
            return 1
        }
        if any(["treatment", "radio", "dose", "fraction", "bed", "eqd2", "chemo", "tace", "technique", "ccrt"])
            || words.contains("rt")
        {
            return 3
        }
        return 4
    }

    static let characteristicGroupNames = ["Demographics", "Liver disease and function", "Tumour", "Treatment", "Other"]

    func table1() -> ReportDocument.Table {
        // Variables (sections) in the order read, then grouped clinically (stable within a group).
        var sections: [(name: String, rows: [CharacteristicRow])] = []
        for r in results.table1 {
            if let i = sections.lastIndex(where: { $0.name == r.section }) {
                sections[i].rows.append(r)
            } else {
                sections.append((r.section, [r]))
            }
        }
        let grouped = Dictionary(grouping: sections.indices, by: { Self.characteristicGroup(sections[$0].name) })
        var cells: [[ReportDocument.Cell]] = []
        var headings: Set<Int> = []
        for g in grouped.keys.sorted() {
            if grouped.count > 1 {
                headings.insert(cells.count)
                cells.append([.init(Self.characteristicGroupNames[g]), ""])
            }
            for i in grouped[g]! {
                var headed = false
                for r in sections[i].rows {
                    if let m = r.median {
                        // Whole numbers (ages, counts) as integers: the range without decimals when both
                        // ends are whole, the median with one only when it is a half.
                        let rangeWhole = [r.min, r.max].allSatisfy { $0.map { $0.rounded() == $0 } ?? true }
                        let d = r.unit == "m²" ? 2 : 1
                        let rd = rangeWhole && r.unit != "m²" ? 0 : d
                        let md = rangeWhole && m.rounded() == m && r.unit != "m²" ? 0 : d
                        cells.append([.init(r.label), .init("\(num(m, md)) (\(num(r.min, rd))–\(num(r.max, rd)))",
                                values: [("median", m), ("min", r.min ?? .nan), ("max", r.max ?? .nan)]),
                        ])
                        headed = true
                    } else if let n = r.n, let d = r.denominator {
                        if !headed { cells.append([.init(r.section), ""]); headed = true }
                        cells.append([.init("\u{2003}" + r.label), nPctCell(n, d)])
                    }
                }
            }
        }
        var t = ReportDocument.Table(caption: "Patient characteristics (n = \(results.cohort.patients))",
                                     header: ["Characteristic", "No. of patients (%)"], cells: cells,
                                     footnotes: ["""
                                         Continuous variables: median (range). Percentages are of patients with the \
                                         item recorded; for \"Not recorded\", of all patients.
                                         """,
                                                 """
                                                     BED and EQD2 with α/β = \
                                                     \(NumberFormat.significant(results.provenance.plan.alphaBeta, 3)) \
                                                     Gy.
                                                     """],
                                     alignments: [.left, .right])
        t.headingRows = headings
        return t
    }

    func table2() -> ReportDocument.Table {
        .init(caption: """
            Treatment response at \(NumberFormat.significant(results.provenance.plan.responseMonths, 3)) months after \
            RT
            """,
              header: ["Response", "No. (%)", "Best response, No. (%)"],
              cells: results.response.atLandmark.map { c -> [ReportDocument.Cell] in
                  [.init(c.category), nPctCell(c.n, c.denominator),
                    results.response.best.first { $0.category == c.category }.map { nPctCell($0.n, $0.denominator) }
                        ?? "",
                ]
              },
              footnotes: ["Source: \(results.response.source)."], alignments: [.left, .right, .right])
    }

    func siteName(_ s: String) -> String { results.provenance.plan.failureVocabulary.label(named: s) }

    func patternSites() -> ReportDocument.Table {
        let l = results.patterns.landmark, o = results.patterns.overall, n = results.cohort.patients
        var rows: [[ReportDocument.Cell]] = [
            ["Any failure", nPctCell(l.patientsWithFailure, n), "", nPctCell(o.patientsWithFailure, n), ""]
        ]
        for (a, b) in zip(l.sites, o.sites) {
            rows.append([
                .init(siteName(a.site)), nPctCell(a.n, n),
                .init("\(a.combined) of \(a.n)", values: [("n", Double(a.combined))]),
                         nPctCell(b.n, n), .init("\(b.combined) of \(b.n)", values: [("n", Double(b.combined))])])
        }
        return .init(caption: "Patterns of failure: patients with each failure type (\(l.window); whole follow-up)",
            header: [
                "Failure", "\(earlyWindow.prefix(1).uppercased() + earlyWindow.dropFirst()), n (%)",
                "Combined with another type", "Overall, n (%)", "Combined with another type",
            ],
                     cells: rows, footnotes: ["Failure types are not exclusive: a patient may have several."],
                     alignments: [.left, .right, .right, .right, .right])
    }

    func patternExclusive() -> ReportDocument.Table {
        let n = results.cohort.patients
        let rows = zip(
            results.patterns.landmark.exclusive, zip(results.patterns.overall.exclusive, results.patterns.firstFailure)
        ).map { l, pair -> [ReportDocument.Cell] in
            [.init(l.category), nPctCell(l.n, n), nPctCell(pair.1.n, n), nPctCell(pair.0.n, n)]
        }
        return .init(caption: "Exclusive failure patterns (\(results.provenance.plan.failureVocabulary.legend))",
            header: [
                "Pattern", earlyWindow.prefix(1).uppercased() + earlyWindow.dropFirst(), "First failure",
                "Whole follow-up",
            ], cells: rows,
                     alignments: [.left, .right, .right, .right])
    }

    func organs() -> ReportDocument.Table {
        .init(
            caption: "Sites of \(results.provenance.plan.failureVocabulary.name(.extrahepatic)) failure, by frequency",
            header: [
                "Site", "Patients (% of \(results.provenance.plan.failureVocabulary.name(.extrahepatic)) failures)",
            ],
              cells: results.patterns.extrahepaticOrgans.map { [.init($0.category), nPctCell($0.n, $0.denominator)] },
              alignments: [.left, .right])
    }

    func survivalSummary() -> ReportDocument.Table {
        let times = results.provenance.plan.rateTimes
        return .init(caption: "Survival estimates (Kaplan–Meier; 95% CI, log transform)",
            header: ["Endpoint", "Events / n", "Median (\(unit)) (95% CI)"]
                + times.map { "At \(NumberFormat.significant($0, 3)) \(unit), % (95% CI)" },
                     cells: results.survival.map { s -> [ReportDocument.Cell] in
                [
                    .init(s.label),
                    .init("\(s.events) / \(s.n)", values: [("events", Double(s.events)), ("n", Double(s.n))]),
                          .init("\(num(s.median)) (\(ci(s.medianLower, s.medianUpper)))",
                        values: [("estimate", s.median), ("lower", s.medianLower), ("upper", s.medianUpper)]),
                ] + s.rates.map(rateCell)
                     },
                     footnotes: ["NR: not reached. " + endpointNote()],
                     alignments: [.left, .right, .right] + times.map { _ in .right })
    }

    /// What ended each patient's follow-up, per endpoint (events and each censoring reason).
    func censoringTable() -> ReportDocument.Table {
        let reasons = Array(Set(results.survival.flatMap { $0.censoring.map(\.category) }))
            .filter { $0.hasPrefix("censored: ") }.sorted()
        return .init(caption: "What ended follow-up, by endpoint (patients)",
                     header: ["Endpoint", "Events"] + reasons.map { "Censored at " + $0.dropFirst("censored: ".count) },
                     cells: results.survival.map { s -> [ReportDocument.Cell] in
                         [.init(s.label), countCell(s.events)]
                             + reasons.map { r in countCell(s.censoring.first { $0.category == r }?.n ?? 0) }
                     },
                     footnotes: [endpointNote()], alignments: [.left, .right] + reasons.map { _ in .right })
    }

    /// "within 3 months after the end of RT": the early-failure interval in clinical words.
    var earlyWindow: String {
        let plan = results.provenance.plan
        return """
            within \(NumberFormat.significant(plan.landmarkMonths, 3)) months after the \
            \(plan.origin == .rtEnd ? "end" : "start") of RT
            """
    }


    func definition(_ name: String) -> EndpointDefinition? { results.provenance.plan.endpoint(named: name) }

    /// How each endpoint's follow-up ends, in one sentence per endpoint kind.
    func endpointNote() -> String {
        let plan = results.provenance.plan
        let notes = plan.endpoints.filter { !$0.isOverallSurvival }.map { e -> String in
            let events =
                (e.anyFailure ? ["first failure of any type"] : e.failureTypes.map { "first \($0.rawValue) failure" })
                + (e.deathIsEvent ? ["death"] : [])
            var s = "\(e.label): event = \(events.joined(separator: " or "))"
            if !e.deathIsEvent { s += "; censored at death" }
            if e.otherFailures == .censor && !e.anyFailure { s += "; censored at the first failure of another type" }
            return s
        }
        return notes.isEmpty ? "" : notes.joined(separator: ". ") + "."
    }

    /// Endpoints whose factors are tabulated together (all analysed endpoints but overall survival).
    var factorEndpoints: [String] {
        results.provenance.plan.analyses.filter {
            !$0.univariate.isEmpty && !(definition($0.endpoint)?.isOverallSurvival ?? false)
        }.map(\.endpoint)
    }
    var survivalEndpoints: [String] {
        results.provenance.plan.analyses.filter { definition($0.endpoint)?.isOverallSurvival ?? false }.map(\.endpoint)
    }

    func short(_ name: String) -> String {
        guard let e = definition(name) else { return name }
        if e.isOverallSurvival { return "OS" }
        if e.anyFailure { return "Any failure" }
        if let s = e.singleFailureType { return results.provenance.plan.failureVocabulary.shortLabel(s) }
        return e.label
    }

    func label(_ name: String) -> String { definition(name)?.label ?? name }

    /// The P value of a test, or "not tested".
    func testP(_ x: Double, _ note: String?) -> String { note != nil || x.isNaN ? "not tested" : p(x) }

    func table3a() -> ReportDocument.Table {
        let eps = factorEndpoints
        var rows: [[ReportDocument.Cell]] = []
        let rt = NumberFormat.significant(results.provenance.plan.rateTimes.last ?? 24, 3)
        var notes = [endpointNote()]
        for f in results.provenance.plan.factors {
            let us = eps.map { e in results.univariate.first { $0.endpoint == e && $0.factor == f.name } }
            guard let first = us.compactMap({ $0 }).first else { continue }
            rows.append([.init(first.label)] + eps.flatMap { _ -> [ReportDocument.Cell] in ["", "", ""] })
            for (li, level) in first.levels.enumerated() {
                var row: [ReportDocument.Cell] = [.init("\u{2003}" + level.level)]
                for u in us {
                    guard let u else { row += ["", "", ""]; continue }
                    let lv = u.levels[li]
                    row += [countCell(lv.n),
                            lv.n == 0 ? "–" : .number(lv.rate * 100, text: pct(lv.rate * 100), name: "estimate"),
                            li == 0 ? (u.notTested != nil || u.p.isNaN ? "not tested" : pCell(u.p)) : ""]
                }
                rows.append(row)
            }
            for u in us.compactMap({ $0 }) where u.notTested != nil {
                notes.append("\(short(u.endpoint)), \(u.label): not tested (\(u.notTested!)).")
            }
        }
        return .init(caption: "Univariate analysis, log-rank test",
            header: ["Factor"]
                + eps.flatMap { e in
                    [
                        "\(short(e)) n",
                        "\(rt)-\(unitSingular) \(definition(e)?.isOverallSurvival == true ? "OS" : "PFS") (%)", "P",
                    ]
                },
                     cells: rows, footnotes: notes, alignments: [.left] + eps.flatMap { _ in [.right, .right, .right] })
    }

    /// "HR (lower–upper)" and P, carrying the numbers for the CSV tables; "not estimable" for a term
    /// without an estimate.
    func hrCells(_ h: HazardRatio?) -> [ReportDocument.Cell] {
        guard let h else { return ["", ""] }
        guard h.estimable else { return ["not estimable", ""] }
        return [.interval(h.hr, h.lower, h.upper, decimals: 3), pCell(h.p)]
    }

    /// A P value cell carrying the unrounded P.
    func pCell(_ x: Double) -> ReportDocument.Cell { .number(x, text: p(x), name: "p") }

    /// Terms of several models, in first-seen order, keyed by factor and level.
    func termKeys(_ models: [[HazardRatio]]) -> [HazardRatio] {
        var seen: Set<String> = [], out: [HazardRatio] = []
        for m in models { for t in m where seen.insert(t.factor + "\u{1}" + t.level).inserted { out.append(t) } }
        return out
    }

    func notEstimableNotes(_ models: [(String, [HazardRatio])]) -> [String] {
        models.flatMap { name, terms in
            terms.filter { !$0.estimable }.map {
                "\(name), \($0.label) = \($0.level): not estimable — \($0.notEstimable?.explanation ?? "")."
            }
        }
    }

    func multivariableTable(_ eps: [String], caption: String) -> ReportDocument.Table {
        let models = eps.map { e in results.multivariate.first { $0.endpoint == e } }
        let terms = termKeys(models.map { $0?.terms ?? [] })
        let rows = terms.map { t -> [ReportDocument.Cell] in
            ["\(t.label): \(t.level) vs \(t.reference)"]
                + models.flatMap { m in hrCells(m?.terms.first { $0.factor == t.factor && $0.level == t.level }) }
        }
        var notes = ["Cox proportional-hazards model (Efron ties) with the plan's terms; complete cases."]
        for (e, m) in zip(eps, models) {
            if let m { notes.append("""
                \(short(e)): n = \(m.n), events = \(m.events), events per estimable term = \
                \(NumberFormat.fixed(m.eventsPerVariable, 1)), concordance = \
                \(m.concordance.isNaN ? "not computed" : NumberFormat.fixed(m.concordance, 3)), PH test global P = \
                \(m.proportionalHazards.last.map { p($0.p) } ?? "not computed").
                """) }
        }
        notes += notEstimableNotes(zip(eps, models).compactMap { e, m in m.map { (short(e), $0.terms) } })
        return .init(
            caption: caption, header: ["Factor"] + eps.flatMap { e in ["\(short(e)) HR (95% CI)", "P"] }, cells: rows,
                     footnotes: notes, alignments: [.left] + eps.flatMap { _ in [.right, .right] })
    }

    func table3b() -> ReportDocument.Table {
        multivariableTable(factorEndpoints.filter { e in results.multivariate.contains { $0.endpoint == e } },
                           caption: "Multivariable analysis, Cox model")
    }

    /// Overall survival by factor: one row per level (patients, rate, hazard ratio against the
    /// reference level), the log-rank P on the factor's row.
    func osFactors() -> ReportDocument.Table {
        let eps = survivalEndpoints
        let uni = results.univariate.filter { eps.contains($0.endpoint) }
        let multi = results.multivariate.first { eps.contains($0.endpoint) }
        var rows: [[ReportDocument.Cell]] = []
        var shown = Set<String>()
        for u in uni {
            let hs = multi?.terms.filter { $0.factor == u.factor } ?? []
            let pc: ReportDocument.Cell = u.notTested != nil || u.p.isNaN ? "not tested" : pCell(u.p)
            rows.append([.init(u.label), "", "", pc, "", ""])
            for lv in u.levels {
                var row: [ReportDocument.Cell] = [
                    .init("\u{2003}" + lv.level), .number(Double(lv.n), text: String(lv.n), name: "n"),
                    lv.n == 0 ? "–" : .number(lv.rate * 100, text: pct(lv.rate * 100), name: "estimate"), "",
                ]
                if let h = hs.first(where: { $0.level == lv.level }) {
                    row += hrCells(h)
                    shown.insert(h.factor + "\u{1}" + h.level)
                } else if hs.contains(where: { $0.reference == lv.level }) {
                    row += ["1 (reference)", ""]
                } else {
                    row += ["", ""]
                }
                rows.append(row)
            }
            // Model terms whose level the log-rank comparison does not list (e.g. a level with no patients there).
            for h in hs where !shown.contains(h.factor + "\u{1}" + h.level) {
                rows.append([.init("\u{2003}\(h.level)"), "", "", ""] + hrCells(h))
            }
        }
        let rt = NumberFormat.significant(results.provenance.plan.rateTimes.last ?? 24, 3)
        var notes = ["""
            Log-rank P compares the factor's levels; hazard ratios from the multivariable Cox model, each level \
            against the factor's reference level.
            """]
        if let m = multi { notes.append("Cox model: n = \(m.n), events = \(m.events) (complete cases).") }
        notes += notEstimableNotes(multi.map { [("OS", $0.terms)] } ?? [])
        return .init(caption: "Risk factors for overall survival",
            header: ["Factor", "n", "\(rt)-\(unitSingular) OS (%)", "Log-rank P", "Multivariable HR (95% CI)", "P"],
                     cells: rows, footnotes: notes,
                     alignments: [.left, .right, .right, .right, .right, .right])
    }

    /// Each subgroup analysis: a heading row per subgroup (with the log-rank P), then one row per level
    /// of the compared factor with its events, patients and rate.
    func subgroups() -> ReportDocument.Table {
        var rows: [[ReportDocument.Cell]] = []
        for s in results.subgroups {
            for g in s.subgroups {
                let pc: ReportDocument.Cell = g.notTested != nil || g.p.isNaN ? "not tested" : pCell(g.p)
                rows.append([
                    .init("\(short(s.endpoint)): \(s.factorLabel), within \(s.withinLabel) = \(g.level)"), "", "", "",
                    pc,
                ])
                for lv in g.levels {
                    rows.append([
                        .init("\u{2003}" + lv.level),
                        .number(Double(lv.events), text: String(lv.events), name: "events"),
                                 .number(Double(lv.n), text: String(lv.n), name: "n"),
                        lv.n == 0 ? "–" : .number(lv.rate * 100, text: pct(lv.rate * 100), name: "estimate"), "",
                    ])
                }
            }
        }
        let rt = NumberFormat.significant(results.provenance.plan.rateTimes.last ?? 24, 3)
        return .init(caption: "Subgroup analyses: a factor compared within each level of another",
                     header: ["Endpoint and subgroup", "Events", "n", "\(rt)-\(unitSingular) rate (%)", "Log-rank P"],
                     cells: rows, alignments: [.left, .right, .right, .right, .right])
    }

    func patternsByFactor() -> ReportDocument.Table? {
        guard let b = results.patternsByFactor else { return nil }
        let sites = b.groups.first?.sites.map(\.site) ?? []
        return .init(
            caption:
                "Failure within \(NumberFormat.significant(results.provenance.plan.landmarkMonths, 3)) months "
                    + "by \(b.label)",
                     header: ["Group", "Patients failing"] + sites.map(siteName),
                     cells: b.groups.map { g -> [ReportDocument.Cell] in
                         let n = g.exclusive.first?.denominator ?? 0
                return [.init(g.window), nPctCell(g.patientsWithFailure, n)] + g.sites.map { nPctCell($0.n, n) }
                     },
                     alignments: [.left, .right] + sites.map { _ in .right })
    }

    func table4() -> ReportDocument.Table {
        let t = results.toxicity
        return .init(caption: """
            Toxicity during CCRT and the following \
            \(NumberFormat.significant(results.provenance.plan.toxicityWindowMonths, 3)) months (CTCAE \
            v\(t.ctcaeVersion))
            """,
                     header: ["Toxicity", "Grade 3, No. (%)", "Grade 4, No. (%)", "Grade 5, No. (%)"],
            cells: t.rows.map {
                [
                    .init($0.term), nPctCell($0.grade3, $0.denominator), nPctCell($0.grade4, $0.denominator),
                    nPctCell($0.grade5, $0.denominator),
                ]
            },
                     footnotes: ["Worst grade per patient; window: \(t.window). Source: \(t.source)."
                    + (t.outsideWindow > 0
                        ? " \(t.outsideWindow) record(s) dated outside the window were not graded." : "")
            ],
                     alignments: [.left, .right, .right, .right])
    }

    /// Causes of death, all deaths and those within the early window.
    func causesOfDeath() -> ReportDocument.Table? {
        guard let c = results.causesOfDeath else { return nil }
        let names = c.all.map(\.category)
        let w = NumberFormat.significant(c.earlyWindowMonths, 3)
        return .init(caption: "Causes of death",
                     header: ["Cause", "All deaths, n (%)", "Deaths within \(w) months, n (%)"],
                     cells: names.map { n -> [ReportDocument.Cell] in
                         let a = c.all.first { $0.category == n }!
                         let e = c.early.first { $0.category == n }
                return [
                    .init(n), nPctCell(a.n, a.denominator), e.map { nPctCell($0.n, $0.denominator) } ?? countCell(0),
                ]
                     },
            footnotes: ["As recorded in patients.csv (cause_of_death); percentages of the deaths in each column."],
                     alignments: [.left, .right, .right])
    }

    func competing() -> ReportDocument.Table {
        var rows: [[ReportDocument.Cell]] = []
        for c in results.competingRisks {
            for (i, (a, b)) in zip(c.incidence, c.oneMinusKM).enumerated() {
                let d: ReportDocument.Cell = i < c.competingIncidence.count ? rateCell(c.competingIncidence[i]) : ""
                rows.append([
                    .init(i == 0 ? c.endpointLabel : ""),
                    .number(a.time, text: NumberFormat.significant(a.time, 3), name: "time"),
                             rateCell(a), rateCell(b), d, .init(i == 0 ? c.competing : "")])
            }
        }
        return .init(caption: "Cumulative incidence (Aalen–Johansen, competing risks) beside 1 − Kaplan–Meier",
            header: [
                "Endpoint", "Time (\(unit))", "Cumulative incidence of the failure, % (95% CI)", "1 − KM, % (95% CI)",
                "Cumulative incidence of the competing event, % (95% CI)", "Competing event",
            ],
                     cells: rows,
                     footnotes: ["""
                         1 − KM treats competing deaths as censored and so overstates the probability of failure \
                         (Dignam & Kocherginsky 2008). Aalen–Johansen limits: log(−log) transform.
                         """],
                     alignments: [.left, .right, .right, .right, .right, .left])
    }

    func fineGray() -> ReportDocument.Table {
        var rows: [[ReportDocument.Cell]] = []
        var notes = [
            "Both models include the plan's multivariable terms; Gray's test compares the factor's levels alone."
        ]
        for c in results.competingRisks where !c.fineGray.isEmpty {
            for (i, fg) in c.fineGray.enumerated() {
                let cs = c.causeSpecificCox.first { $0.factor == fg.factor && $0.level == fg.level }
                let gray = c.grayTests.first { $0.factor == fg.factor }
                let grayCell: ReportDocument.Cell =
                    gray.map { $0.notTested != nil || $0.p.isNaN ? "not tested" : pCell($0.p) } ?? ""
                rows.append(
                    [.init(i == 0 ? c.endpointLabel : ""), "\(fg.label): \(fg.level) vs \(fg.reference)"] + hrCells(cs)
                        + hrCells(fg)
                            + [grayCell])
            }
            notes += notEstimableNotes([
                ("\(short(c.endpoint)), cause-specific", c.causeSpecificCox),
                ("\(short(c.endpoint)), Fine–Gray", c.fineGray),
            ])
        }
        return .init(caption: "Cause-specific Cox vs Fine–Gray subdistribution hazards, with Gray's test",
            header: [
                "Endpoint", "Factor", "Cause-specific HR (95% CI)", "P", "Subdistribution HR (95% CI)", "P",
                "Gray's test P",
            ],
                     cells: rows, footnotes: notes, alignments: [.left, .left, .right, .right, .right, .right, .right])
    }

    // MARK: figures

    func series(_ c: PatternsOfFailure.Curve, median: Double? = nil) -> SurvivalPlot.Series {
        SurvivalPlot.Series(label: c.label, times: [0] + c.time, values: [c.value.first.map { _ in 1 } ?? 1] + c.value,
                            lower: [1] + c.lower, upper: [1] + c.upper, censorTimes: c.censorTimes, median: median,
                            atRisk: c.atRisk.map { Int($0) })
    }

    var ticks: [Double] { results.provenance.plan.riskTableTimes }

    func figure1() -> ReportDocument.Figure {
        let s = results.survival.filter { !(definition($0.endpoint)?.anyFailure ?? false) }
        let plot = SurvivalPlot(title: "Overall and failure-specific progression-free survival", xLabel: xLabel,
                                yLabel: "Probability", series: s.map { e in
                                    let c = e.curve
                return SurvivalPlot.Series(
                    label: e.label, times: [0] + c.time, values: [1] + c.value,
                    censorTimes: c.censorTimes, median: e.median.isNaN ? nil : e.median,
                                                               atRisk: c.atRisk.map { Int($0) })
            }, xTicks: ticks, description: "Kaplan–Meier curves with number at risk", size: .doubleColumn)
        return .init(caption: "Kaplan–Meier estimates by endpoint. " +
                s.map {
                    "\($0.label): median \(num($0.median)) \(unit), "
                        + $0.rates.map {
                            "\(NumberFormat.significant($0.time, 3))-\(unitSingular) \(pct($0.estimate * 100))%"
                        }.joined(separator: ", ")
                }.joined(separator: "; ") + ".",
                     svg: plot.svg(), fileName: "figure1_survival.svg", label: paperNumbering ? "1" : nil)
    }

    func figure2() -> ReportDocument.Figure {
        let l = results.patterns.landmark, o = results.patterns.overall, n = results.cohort.patients
        let chart = BarChart(
            title: "Patterns of failure", categories: l.sites.map { siteName($0.site) } + ["Any failure"],
            groups: [
                .counts(
                    "Within \(NumberFormat.significant(results.provenance.plan.landmarkMonths, 3)) months",
                    l.sites.map(\.n) + [l.patientsWithFailure], of: n),
                                      .counts("Whole follow-up", o.sites.map(\.n) + [o.patientsWithFailure], of: n)],
                             valueLabel: "Patients (%)", size: .singleColumn)
        return .init(caption: """
            Patterns of failure. Within \(NumberFormat.significant(results.provenance.plan.landmarkMonths, 3)) months \
            \(l.patientsWithFailure) patients (\(pct(l.percent))%) failed.
            """,
                     svg: chart.svg(), fileName: "figure2_patterns.svg", label: paperNumbering ? "2" : nil)
    }

    /// The plan's pre-specified survival curves by factor (never chosen by P value).
    func factorFigures() -> [ReportDocument.Figure] {
        results.factorFigures.enumerated().map { i, f in
            let pText = f.p.isNaN ? "log-rank test not done" : "log-rank " + NumberFormat.pValueStatement(f.p)
            let plot = SurvivalPlot(title: "\(f.endpointLabel) by \(f.label)", xLabel: xLabel, yLabel: "Probability",
                series: f.curves.map { series($0) }, xTicks: ticks, annotation: pText, size: .singleColumn,
                                    legendTitle: f.label, referenceSeries: f.reference)
            return .init(caption: "\(f.endpointLabel) by \(f.label) (\(pText)); pre-specified in the plan.",
                         svg: plot.svg(), fileName: "figure3_\(f.endpoint)_\(f.factor).svg",
                label: paperNumbering && results.factorFigures.count <= 26
                    ? "3" + String(UnicodeScalar(UInt8(97 + i))) : nil)
        }
    }

    func forest() -> [ReportDocument.Figure] {
        results.multivariate.compactMap { m in
            let shown = m.terms.filter(\.estimable)
            guard !shown.isEmpty else { return nil }
            let left = m.terms.filter { !$0.estimable }
            let plot = ForestPlot(title: "Multivariable Cox model: \(label(m.endpoint))",
                entries: shown.map { t in
                    .term(
                        .init(
                            label: "\(t.label): \(t.level)", estimate: t.hr, lower: t.lower, upper: t.upper,
                                                                        p: t.p, reference: t.reference)) },
                                  size: .doubleColumn)
            let note =
                left.isEmpty
                ? ""
                : " Not shown (not estimable): " + left.map { "\($0.label) = \($0.level)" }.joined(separator: ", ")
                    + "."
            return .init(
                caption: "Hazard ratios (95% CI), \(label(m.endpoint)); n = \(m.n), events = \(m.events).\(note)",
                         svg: plot.svg(), fileName: "forest_\(m.endpoint).svg")
        }
    }

    func cifFigures() -> [ReportDocument.Figure] {
        results.competingRisks.compactMap { c in
            guard let km = results.survival.first(where: { $0.endpoint == c.endpoint }) else { return nil }
            let oneMinus = SurvivalPlot.Series(
                label: "1 − KM", times: [0] + km.curve.time, values: [0] + km.curve.value.map { 1 - $0 })
            let cif = SurvivalPlot.Series(
                label: "\(c.curve.label), CIF", times: [0] + c.curve.time, values: [0] + c.curve.value,
                                          lower: [0] + c.curve.lower, upper: [0] + c.curve.upper,
                                          atRisk: c.curve.atRisk.map { Int($0) })
            let comp = SurvivalPlot.Series(label: "\(c.competingCurve.label), CIF", times: [0] + c.competingCurve.time,
                                           values: [0] + c.competingCurve.value)
            let plot = SurvivalPlot(title: "\(c.endpointLabel): cumulative incidence and 1 − KM",
                                    xLabel: xLabel, yLabel: "Cumulative probability", series: [cif, comp, oneMinus],
                                    xTicks: ticks, kind: .cumulativeIncidence, size: .singleColumn)
            return .init(caption: """
                \(c.endpointLabel): cumulative incidence functions (CIF, Aalen–Johansen estimator, shaded 95% CI) of \
                the failure and of the competing event (\(c.competing)), with 1 − Kaplan–Meier (competing events \
                censored, as the paper reports); number at risk under the curves.
                """,
                         svg: plot.svg(), fileName: "cif_\(c.endpoint).svg")
        }
    }

    // MARK: document

    /// The warnings to show at the top of the report: model warnings are shown beside their model's
    /// table instead, and a message repeated for several endpoints is shown once, naming them.
    func groupedWarnings() -> (general: [String], models: [String]) {
        var modelMessages: [(message: String, endpoints: [String])] = []
        var sparse: [String] = []
        var fromModels = Set<String>()
        for m in results.multivariate {
            for w in m.warnings {
                fromModels.insert("\(label(m.endpoint)) (Cox): \(w)")
                if w.range(
                    of:
                        #"^\d+ events for \d+ estimable terms?: .* events per term \(fewer than 10\); "#
                            + #"estimates may be unstable$"#,
                    options: .regularExpression) != nil
                {
                    // Told once for all models, from the model's own numbers.
                    let terms = m.terms.filter(\.estimable).count
                    sparse.append("""
                        \(label(m.endpoint)) \(m.events) events, \(terms) term\(terms == 1 ? "" : "s") \
                        (\(NumberFormat.fixed(m.eventsPerVariable, 1)) per term)
                        """)
                } else if let i = modelMessages.firstIndex(where: { $0.message == w }) {
                    modelMessages[i].endpoints.append(label(m.endpoint))
                } else {
                    modelMessages.append((w, [label(m.endpoint)]))
                }
            }
        }
        var general: [String] = []
        for w in results.warnings where !fromModels.contains(w) && !general.contains(w) { general.append(w) }
        var models = modelMessages.map { $0.endpoints.count == results.multivariate.count && $0.endpoints.count > 1
            ? "All Cox models: \($0.message)." : """
                Cox model\($0.endpoints.count == 1 ? "" : "s") for \($0.endpoints.joined(separator: ", ")): \
                \($0.message).
                """ }
        if !sparse.isEmpty {
            models.append(
                "Fewer than 10 events per estimable term, so the estimates may be unstable: "
                    + sparse.joined(separator: "; ") + ".")
        }
        return (general, models)
    }

    /// The whole report as a document: title page, summary, Methods, every table and figure, warnings and
    /// provenance (rendered to HTML, Markdown or Word by `ReportDocument`).
    ///
    /// - Complexity: O(size of the results): proportional to the number of patients (tables of patients and
    ///   failures) plus the points of the survival curves.
    public func document() -> ReportDocument {
        let r = results
        let f = r.followUp
        let named = Dictionary(tables().map { ($0.name, $0.table) }, uniquingKeysWith: { a, _ in a })
        func table(_ name: String) -> ReportDocument.Block { .table(named[name]!) }
        var meta = ["Generated by \(r.provenance.tool) \(r.provenance.version) on \(r.provenance.generatedAt)"]
        meta += r.provenance.inputs.map { "\($0.name) (\($0.role), \($0.rows) rows): SHA-256 \($0.sha256)" }
        var sections: [ReportDocument.Section] = []
        var intro: [ReportDocument.Block] = []
        if r.provenance.synthetic {
            intro.append(
                .callout(.init(.warning, "SYNTHETIC DATA. " + (r.provenance.note ?? "These are not patient records."))))
        }
        let flow = flowFigure()
        let landmark = NumberFormat.significant(r.provenance.plan.landmarkMonths, 3)
        let survivors = f.medianSurvivors.isNaN ? ""
            : " and \(num(f.medianSurvivors)) \(unit) (range, \(num(f.minSurvivors))–\(num(f.maxSurvivors)))"
                + " in surviving patients"
        let origin = r.provenance.plan.origin == .rtEnd ? "end" : "start"
        intro.append(.paragraph(
            """
                \(r.cohort.patients) patients (patient flow: {{\(flow.fileName)}}; characteristics: \
                {{table1_characteristics}}).
                """
                + " At last follow-up \(r.cohort.dead) had died, \(r.cohort.alive) were alive"
                + " and the status of \(r.cohort.unknown) was unknown; \(r.cohort.deathsWithinLandmark) died within"
                + " \(landmark) months. Median follow-up was \(num(f.medianAll)) \(unit)"
                + " (range, \(num(f.minAll))–\(num(f.maxAll))) in all patients" + survivors
                + "; by the reverse Kaplan–Meier method \(num(f.reverseKM)) \(unit)"
                + " (95% CI \(ci(f.reverseKMLower, f.reverseKMUpper))). Times are counted from the \(origin)"
                + " of RT in \(unit)."))
        if paperNumbering {
            intro.append(
                .paragraph(
                    "Tables and figures are numbered as in the paper (Tables 1–4, Figures 1–3); what the report"
                                    + """
                                         adds is numbered as supplementary (Supplementary Table S1…, Supplementary \
                                        Figure S1…).
                                        """))
        }
        let warnings = groupedWarnings()
        for w in warnings.general { intro.append(.callout(.init(.warning, w))) }
        intro.append(.figure(flow))
        sections.append(.init(heading: "Cohort and follow-up", blocks: intro))
        sections.append(methodsSection())
        sections.append(.init(heading: "Patient characteristics", blocks: [table("table1_characteristics")]))
        sections.append(.init(heading: "Survival", blocks: [
            .paragraph("""
                Overall survival and progression-free survival for each failure type are shown in \
                {{figure1_survival.svg}} and {{survival_summary}}; {{censoring}} lists what ended each patient's \
                follow-up.
                """),
            .figure(figure1()), table("survival_summary"), table("censoring")]))
        sections.append(.init(heading: "Response", blocks: [table("table2_response")]))
        let l = r.patterns.landmark
        let combined = l.sites.map { "\($0.combined) of \($0.n) \($0.site)" }.joined(separator: ", ")
        sections.append(.init(heading: "Patterns of failure", blocks: [
            .paragraph("""
                \(earlyWindow.prefix(1).uppercased() + earlyWindow.dropFirst()), \(l.patientsWithFailure) patients \
                (\(pct(l.percent))%) failed ({{figure2_patterns.svg}}; {{patterns_sites}}): 
                """ +
                       l.sites.map { "\($0.site) \($0.n) (\(pct($0.percent))%)" }.joined(separator: ", ") +
                       """
                           . Combined with another category: \(combined). Over the whole follow-up \
                           \(r.patterns.overall.patientsWithFailure) patients (\(pct(r.patterns.overall.percent))%) \
                           failed, \(r.patterns.overall.sites.first?.n ?? 0) with \
                           \(r.provenance.plan.failureVocabulary.name(.infield)) failure.
                           """),
            .figure(figure2()), table("patterns_sites"), table("patterns_exclusive"), table("extrahepatic_sites"),
        ]))
        if named["failure_classification"] != nil {
            sections.append(.init(heading: "Failures classified by dose", blocks: [table("failure_classification")]))
        }
        var factorBlocks: [ReportDocument.Block] = [table("table3a_univariate"), table("table3b_multivariate")]
        for w in warnings.models { factorBlocks.append(.callout(.init(.note, w))) }
        factorBlocks += factorFigures().map { .figure($0) }
        factorBlocks += forest().map { .figure($0) }
        if !factorEndpoints.isEmpty {
            sections.append(.init(heading: "Risk factors by endpoint", blocks: factorBlocks))
        }
        if !survivalEndpoints.isEmpty {
            sections.append(.init(heading: "Risk factors for overall survival", blocks: [table("os_risk_factors")]))
        }
        var sub: [ReportDocument.Block] = []
        if named["subgroups"] != nil { sub.append(table("subgroups")) }
        if named["patterns_by_factor"] != nil { sub.append(table("patterns_by_factor")) }
        if !sub.isEmpty { sections.append(.init(heading: "Subgroups", blocks: sub)) }
        if named["causes_of_death"] != nil {
            sections.append(.init(heading: "Causes of death", blocks: [table("causes_of_death")]))
        }
        sections.append(
            .init(
                heading: "Toxicity",
                blocks: [table("table4_toxicity")]
                    + (r.toxicity.problems.isEmpty
                        ? [] : [.callout(.init(.warning, r.toxicity.problems.joined(separator: "\n")))])))
        if !r.competingRisks.isEmpty {
            sections.append(.init(heading: "Competing risks", blocks: [
                .paragraph("""
                    Each failure type is also estimated as a cumulative incidence, with death before that failure \
                    type (or another failure type first, where the plan censors at it) as the competing event. The \
                    Kaplan–Meier estimate with competing events censored (1 − KM, as the paper reports) is shown \
                    beside it.
                    """),
                table("competing_risks"), table("finegray_vs_causespecific")] + cifFigures().map { .figure($0) }))
        }
        var prov: [ReportDocument.Block] = [.paragraph("Analysis plan (plan.yaml):"), .code(r.provenance.plan.yaml)]
        if !r.exclusions.isEmpty {
            var t = ReportDocument.Table(caption: "Exclusions", header: ["Analysis", "Reason", "Patients"],
                cells: r.exclusions.map { [.init($0.analysis), .init($0.reason), countCell($0.n)] },
                alignments: [.left, .left, .right])
            t.id = "exclusions"
            prov.append(.table(t))
        }
        sections.append(.init(heading: "Provenance", blocks: prov))
        let title = r.provenance.plan.title + (r.provenance.synthetic ? " — synthetic demo cohort" : "")
        let document = ReportDocument(title: title, metadata: meta, sections: sections).resolvingCrossReferences()
        return r.provenance.synthetic ? document.watermarkingFigures("SYNTHETIC") : document
    }
}
