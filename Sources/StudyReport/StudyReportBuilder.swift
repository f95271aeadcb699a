import Foundation
import PatternsOfFailure
import Reporting

/// Turns ``StudyResults`` into the study report: an HTML/Markdown document, CSV tables and SVG figures.
/// Pure formatting: every number comes from the results.
///
/// ```swift
/// let document = StudyReportBuilder(results: results).document()
/// try document.html().write(to: url, atomically: true, encoding: .utf8)
/// ```
public struct StudyReportBuilder {
    public let results: StudyResults

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
    public func tables() -> [(name: String, table: ReportDocument.Table)] {
        var out: [(String, ReportDocument.Table)] = []
        out.append(("table1_characteristics", table1()))
        out.append(("table2_response", table2()))
        out.append(("patterns_sites", patternSites()))
        out.append(("patterns_exclusive", patternExclusive()))
        out.append(("extrahepatic_sites", organs()))
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
        return out
    }

    func table1() -> ReportDocument.Table {
        var rows: [[String]] = []
        var lastSection = ""
        for r in results.table1 {
            if r.section != lastSection && r.median == nil { rows.append([r.section, ""]); lastSection = r.section }
            if let m = r.median {
                let whole = [m, r.min, r.max].allSatisfy { $0.map { $0.rounded() == $0 } ?? true }
                let d = whole ? 0 : r.unit == "m²" ? 2 : 1
                rows.append([r.label, "\(num(m, d)) (\(num(r.min, d))–\(num(r.max, d)))"])
                lastSection = r.section
            } else if let n = r.n, let d = r.denominator {
                rows.append(["\u{2003}" + r.label, nPct(n, d)])
            }
        }
        return .init(caption: "Patient characteristics\(cite("Table 1")) (n = \(results.cohort.patients))",
                     header: ["Characteristic", "No. of patients (%)"], rows: rows,
                     footnotes: ["Continuous variables: median (range). Percentages are of patients with the item recorded.",
                                 "BED and EQD2 with α/β = \(NumberFormat.significant(results.provenance.plan.alphaBeta, 3)) Gy."],
                     alignments: [.left, .right])
    }

    func table2() -> ReportDocument.Table {
        .init(caption: "Treatment response\(cite("Table 2")) at \(NumberFormat.significant(results.provenance.plan.responseMonths, 3)) months after RT",
              header: ["Response", "No. (%)", "Best response, No. (%)"],
              rows: results.response.atLandmark.map { c in
                  [c.category, nPct(c.n, c.denominator),
                   results.response.best.first { $0.category == c.category }.map { nPct($0.n, $0.denominator) } ?? ""]
              },
              footnotes: ["Source: \(results.response.source)."], alignments: [.left, .right, .right])
    }

    func siteName(_ s: String) -> String {
        switch s {
        case "infield": return "Infield"
        case "intrahepatic-outfield": return "Intrahepatic-outfield"
        case "extrahepatic": return "Extrahepatic"
        default: return s
        }
    }

    func patternSites() -> ReportDocument.Table {
        let l = results.patterns.landmark, o = results.patterns.overall, n = results.cohort.patients
        var rows = [["Any failure", nPct(l.patientsWithFailure, n), "", nPct(o.patientsWithFailure, n), ""]]
        for (a, b) in zip(l.sites, o.sites) {
            rows.append([siteName(a.site), nPct(a.n, n), "\(a.combined) of \(a.n)", nPct(b.n, n), "\(b.combined) of \(b.n)"])
        }
        return .init(caption: "Patterns of failure: patients with each failure type (\(l.window); whole follow-up)",
                     header: ["Failure", "\(earlyWindow.prefix(1).uppercased() + earlyWindow.dropFirst()), n (%)", "Combined with another type", "Overall, n (%)", "Combined with another type"],
                     rows: rows, footnotes: ["Failure types are not exclusive: a patient may have several."],
                     alignments: [.left, .right, .right, .right, .right])
    }

    func patternExclusive() -> ReportDocument.Table {
        let n = results.cohort.patients
        let rows = zip(results.patterns.landmark.exclusive, zip(results.patterns.overall.exclusive, results.patterns.firstFailure)).map { l, pair in
            [l.category, nPct(l.n, n), nPct(pair.1.n, n), nPct(pair.0.n, n)]
        }
        return .init(caption: "Exclusive failure patterns (I = infield, O = intrahepatic-outfield, E = extrahepatic)",
                     header: ["Pattern", earlyWindow.prefix(1).uppercased() + earlyWindow.dropFirst(), "First failure", "Whole follow-up"], rows: rows,
                     alignments: [.left, .right, .right, .right])
    }

    func organs() -> ReportDocument.Table {
        .init(caption: "Sites of extrahepatic failure, by frequency",
              header: ["Site", "Patients (% of extrahepatic failures)"],
              rows: results.patterns.extrahepaticOrgans.map { [$0.category, nPct($0.n, $0.denominator)] },
              alignments: [.left, .right])
    }

    func survivalSummary() -> ReportDocument.Table {
        let times = results.provenance.plan.rateTimes
        return .init(caption: "Survival estimates (Kaplan–Meier; 95% CI, log transform)",
                     header: ["Endpoint", "Events / n", "Median (\(unit)) (95% CI)"] + times.map { "At \(NumberFormat.significant($0, 3)) \(unit), % (95% CI)" },
                     cells: results.survival.map { s -> [ReportDocument.Cell] in
                         [.init(s.label), "\(s.events) / \(s.n)",
                          .init("\(num(s.median)) (\(ci(s.medianLower, s.medianUpper)))",
                                values: [("estimate", s.median), ("lower", s.medianLower), ("upper", s.medianUpper)])] + s.rates.map(rateCell)
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
                     rows: results.survival.map { s in
                         [s.label, String(s.events)]
                             + reasons.map { r in s.censoring.first { $0.category == r }.map { String($0.n) } ?? "0" }
                     },
                     footnotes: [endpointNote()], alignments: [.left, .right] + reasons.map { _ in .right })
    }

    /// "within 3 months after the end of RT": the early-failure interval in clinical words.
    var earlyWindow: String {
        let plan = results.provenance.plan
        return "within \(NumberFormat.significant(plan.landmarkMonths, 3)) months after the \(plan.origin == .rtEnd ? "end" : "start") of RT"
    }

    /// " (the paper's Table 3a)" when the paper's plan is used, else "".
    func cite(_ what: String) -> String { results.provenance.plan.isPaperPreset ? " (the paper's \(what))" : "" }

    func definition(_ name: String) -> EndpointDefinition? { results.provenance.plan.endpoint(named: name) }

    /// How each endpoint's follow-up ends, in one sentence per endpoint kind.
    func endpointNote() -> String {
        let plan = results.provenance.plan
        let notes = plan.endpoints.filter { !$0.isOverallSurvival }.map { e -> String in
            let events = (e.anyFailure ? ["first failure of any type"] : e.failureTypes.map { "first \($0.rawValue) failure" }) + (e.deathIsEvent ? ["death"] : [])
            var s = "\(e.label): event = \(events.joined(separator: " or "))"
            if !e.deathIsEvent { s += "; censored at death" }
            if e.otherFailures == .censor && !e.anyFailure { s += "; censored at the first failure of another type" }
            return s
        }
        return notes.isEmpty ? "" : notes.joined(separator: ". ") + "."
    }

    /// Endpoints whose factors are tabulated together (all analysed endpoints but overall survival).
    var factorEndpoints: [String] {
        results.provenance.plan.analyses.filter { !$0.univariate.isEmpty && !(definition($0.endpoint)?.isOverallSurvival ?? false) }.map(\.endpoint)
    }
    var survivalEndpoints: [String] {
        results.provenance.plan.analyses.filter { definition($0.endpoint)?.isOverallSurvival ?? false }.map(\.endpoint)
    }

    func short(_ name: String) -> String {
        guard let e = definition(name) else { return name }
        if e.isOverallSurvival { return "OS" }
        if e.anyFailure { return "Any failure" }
        if let s = e.singleFailureType {
            switch s {
            case .infield: return "Infield"
            case .intrahepaticOutfield: return "Outfield"
            case .extrahepatic: return "Extrahepatic"
            }
        }
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
                    row += [.init(String(lv.n)),
                            lv.n == 0 ? "–" : .number(lv.rate * 100, text: pct(lv.rate * 100), name: "estimate"),
                            li == 0 ? (u.notTested != nil || u.p.isNaN ? "not tested" : pCell(u.p)) : ""]
                }
                rows.append(row)
            }
            for u in us.compactMap({ $0 }) where u.notTested != nil {
                notes.append("\(short(u.endpoint)), \(u.label): not tested (\(u.notTested!)).")
            }
        }
        return .init(caption: "Univariate analysis, log-rank test\(cite("Table 3a"))",
                     header: ["Factor"] + eps.flatMap { e in ["\(short(e)) n", "\(rt)-\(unitSingular) \(definition(e)?.isOverallSurvival == true ? "OS" : "PFS") (%)", "P"] },
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
            terms.filter { !$0.estimable }.map { "\(name), \($0.label) = \($0.level): not estimable — \($0.notEstimable?.explanation ?? "")." }
        }
    }

    func multivariableTable(_ eps: [String], caption: String) -> ReportDocument.Table {
        let models = eps.map { e in results.multivariate.first { $0.endpoint == e } }
        let terms = termKeys(models.map { $0?.terms ?? [] })
        let rows = terms.map { t -> [ReportDocument.Cell] in
            ["\(t.label): \(t.level) vs \(t.reference)"] + models.flatMap { m in hrCells(m?.terms.first { $0.factor == t.factor && $0.level == t.level }) }
        }
        var notes = ["Cox proportional-hazards model (Efron ties) with the plan's terms; complete cases."]
        for (e, m) in zip(eps, models) {
            if let m { notes.append("\(short(e)): n = \(m.n), events = \(m.events), events per estimable term = \(NumberFormat.fixed(m.eventsPerVariable, 1)), concordance = \(m.concordance.isNaN ? "not computed" : NumberFormat.fixed(m.concordance, 3)), PH test global P = \(m.proportionalHazards.last.map { p($0.p) } ?? "not computed").") }
        }
        notes += notEstimableNotes(zip(eps, models).compactMap { e, m in m.map { (short(e), $0.terms) } })
        return .init(caption: caption, header: ["Factor"] + eps.flatMap { e in ["\(short(e)) HR (95% CI)", "P"] }, cells: rows,
                     footnotes: notes, alignments: [.left] + eps.flatMap { _ in [.right, .right] })
    }

    func table3b() -> ReportDocument.Table {
        multivariableTable(factorEndpoints.filter { e in results.multivariate.contains { $0.endpoint == e } },
                           caption: "Multivariable analysis, Cox model\(cite("Table 3b"))")
    }

    func osFactors() -> ReportDocument.Table {
        let eps = survivalEndpoints
        let uni = results.univariate.filter { eps.contains($0.endpoint) }
        let multi = results.multivariate.first { eps.contains($0.endpoint) }
        var rows: [[ReportDocument.Cell]] = []
        for u in uni {
            let hs = multi?.terms.filter { $0.factor == u.factor } ?? []
            let pc: ReportDocument.Cell = u.notTested != nil || u.p.isNaN ? "not tested" : pCell(u.p)
            rows.append([.init(u.label), .init(u.levels.map { "\($0.level): \($0.n == 0 ? "–" : pct($0.rate * 100))" }.joined(separator: "; ")), pc]
                        + hrCells(hs.first))
            for h in hs.dropFirst() { rows.append(["\u{2003}\(h.level)", "", ""] + hrCells(h)) }
        }
        return .init(caption: "Risk factors for overall survival",
                     header: ["Factor", "\(NumberFormat.significant(results.provenance.plan.rateTimes.last ?? 24, 3))-\(unitSingular) OS (%) by level", "Log-rank P", "Multivariable HR (95% CI)", "P"],
                     cells: rows, footnotes: notEstimableNotes(multi.map { [("OS", $0.terms)] } ?? []),
                     alignments: [.left, .left, .right, .right, .right])
    }

    func subgroups() -> ReportDocument.Table {
        var rows: [[String]] = []
        for s in results.subgroups {
            for g in s.subgroups {
                rows.append(["\(short(s.endpoint)): \(s.factorLabel) within \(s.withinLabel) = \(g.level)",
                             g.levels.map { "\($0.level): \($0.events) / \($0.n)" }.joined(separator: "; "),
                             g.levels.map { "\($0.level): \($0.n == 0 ? "–" : pct($0.rate * 100))" }.joined(separator: "; "),
                             testP(g.p, g.notTested)])
            }
        }
        return .init(caption: "Subgroup analyses: a factor compared within each level of another",
                     header: ["Endpoint and subgroup", "Events / n", "\(NumberFormat.significant(results.provenance.plan.rateTimes.last ?? 24, 3))-\(unitSingular) %", "Log-rank P"],
                     rows: rows, alignments: [.left, .left, .left, .right])
    }

    func patternsByFactor() -> ReportDocument.Table? {
        guard let b = results.patternsByFactor else { return nil }
        let sites = b.groups.first?.sites.map(\.site) ?? []
        return .init(caption: "Failure within \(NumberFormat.significant(results.provenance.plan.landmarkMonths, 3)) months by \(b.label)",
                     header: ["Group", "Patients failing"] + sites.map(siteName),
                     rows: b.groups.map { g in
                         let n = g.exclusive.first?.denominator ?? 0
                         return [g.window, nPct(g.patientsWithFailure, n)] + g.sites.map { nPct($0.n, n) }
                     },
                     alignments: [.left, .right] + sites.map { _ in .right })
    }

    func table4() -> ReportDocument.Table {
        let t = results.toxicity
        return .init(caption: "Toxicity\(cite("Table 4")) during CCRT and the following \(NumberFormat.significant(results.provenance.plan.toxicityWindowMonths, 3)) months (CTCAE v\(t.ctcaeVersion))",
                     header: ["Toxicity", "Grade 3, No. (%)", "Grade 4, No. (%)", "Grade 5, No. (%)"],
                     rows: t.rows.map { [$0.term, nPct($0.grade3, $0.denominator), nPct($0.grade4, $0.denominator), nPct($0.grade5, $0.denominator)] },
                     footnotes: ["Worst grade per patient; window: \(t.window). Source: \(t.source)."
                                 + (t.outsideWindow > 0 ? " \(t.outsideWindow) record(s) dated outside the window were not graded." : "")],
                     alignments: [.left, .right, .right, .right])
    }

    /// Causes of death, all deaths and those within the early window.
    func causesOfDeath() -> ReportDocument.Table? {
        guard let c = results.causesOfDeath else { return nil }
        let names = c.all.map(\.category)
        let w = NumberFormat.significant(c.earlyWindowMonths, 3)
        return .init(caption: "Causes of death",
                     header: ["Cause", "All deaths, n (%)", "Deaths within \(w) months, n (%)"],
                     rows: names.map { n in
                         let a = c.all.first { $0.category == n }!
                         let e = c.early.first { $0.category == n }
                         return [n, nPct(a.n, a.denominator), e.map { nPct($0.n, $0.denominator) } ?? "0"]
                     },
                     footnotes: ["As recorded in patients.csv (cause_of_death); percentages of the deaths in each column."],
                     alignments: [.left, .right, .right])
    }

    func competing() -> ReportDocument.Table {
        var rows: [[String]] = []
        for c in results.competingRisks {
            for (i, (a, b)) in zip(c.incidence, c.oneMinusKM).enumerated() {
                let d = i < c.competingIncidence.count ? rate(c.competingIncidence[i]) : ""
                rows.append([i == 0 ? c.endpointLabel : "", NumberFormat.significant(a.time, 3), rate(a), rate(b), d,
                             i == 0 ? c.competing : ""])
            }
        }
        return .init(caption: "Cumulative incidence (Aalen–Johansen, competing risks) beside 1 − Kaplan–Meier",
                     header: ["Endpoint", "Time (\(unit))", "Cumulative incidence of the failure, % (95% CI)", "1 − KM, % (95% CI)", "Cumulative incidence of the competing event, % (95% CI)", "Competing event"],
                     rows: rows,
                     footnotes: ["1 − KM treats competing deaths as censored and so overstates the probability of failure (Dignam & Kocherginsky 2008). Aalen–Johansen limits: log(−log) transform."],
                     alignments: [.left, .right, .right, .right, .right, .left])
    }

    func fineGray() -> ReportDocument.Table {
        var rows: [[ReportDocument.Cell]] = []
        var notes = ["Both models include the plan's multivariable terms; Gray's test compares the factor's levels alone."]
        for c in results.competingRisks where !c.fineGray.isEmpty {
            for (i, fg) in c.fineGray.enumerated() {
                let cs = c.causeSpecificCox.first { $0.factor == fg.factor && $0.level == fg.level }
                let gray = c.grayTests.first { $0.factor == fg.factor }
                let grayCell: ReportDocument.Cell = gray.map { $0.notTested != nil || $0.p.isNaN ? "not tested" : pCell($0.p) } ?? ""
                rows.append([.init(i == 0 ? c.endpointLabel : ""), "\(fg.label): \(fg.level) vs \(fg.reference)"] + hrCells(cs) + hrCells(fg)
                            + [grayCell])
            }
            notes += notEstimableNotes([("\(short(c.endpoint)), cause-specific", c.causeSpecificCox), ("\(short(c.endpoint)), Fine–Gray", c.fineGray)])
        }
        return .init(caption: "Cause-specific Cox vs Fine–Gray subdistribution hazards, with Gray's test",
                     header: ["Endpoint", "Factor", "Cause-specific HR (95% CI)", "P", "Subdistribution HR (95% CI)", "P", "Gray's test P"],
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
                                    return SurvivalPlot.Series(label: e.label, times: [0] + c.time, values: [1] + c.value,
                                                               censorTimes: c.censorTimes, median: e.median.isNaN ? nil : e.median,
                                                               atRisk: c.atRisk.map { Int($0) })
                                }, xTicks: ticks, description: "Kaplan–Meier curves with number at risk", size: .doubleColumn)
        return .init(caption: "Kaplan–Meier estimates by endpoint\(cite("Fig. 1")). " +
                     s.map { "\($0.label): median \(num($0.median)) \(unit), " + $0.rates.map { "\(NumberFormat.significant($0.time, 3))-\(unitSingular) \(pct($0.estimate * 100))%" }.joined(separator: ", ") }.joined(separator: "; ") + ".",
                     svg: plot.svg(), fileName: "figure1_survival.svg")
    }

    func figure2() -> ReportDocument.Figure {
        let l = results.patterns.landmark, o = results.patterns.overall, n = results.cohort.patients
        let chart = BarChart(title: "Patterns of failure", categories: l.sites.map { siteName($0.site) } + ["Any failure"],
                             groups: [.counts("Within \(NumberFormat.significant(results.provenance.plan.landmarkMonths, 3)) months", l.sites.map(\.n) + [l.patientsWithFailure], of: n),
                                      .counts("Whole follow-up", o.sites.map(\.n) + [o.patientsWithFailure], of: n)],
                             valueLabel: "Patients (%)", size: .singleColumn)
        return .init(caption: "Patterns of failure\(cite("Fig. 2")). Within \(NumberFormat.significant(results.provenance.plan.landmarkMonths, 3)) months \(l.patientsWithFailure) patients (\(pct(l.percent))%) failed.",
                     svg: chart.svg(), fileName: "figure2_patterns.svg")
    }

    /// The plan's pre-specified survival curves by factor (never chosen by P value).
    func factorFigures() -> [ReportDocument.Figure] {
        results.factorFigures.map { f in
            let pText = f.p.isNaN ? "log-rank test not done" : "log-rank P = \(p(f.p))"
            let plot = SurvivalPlot(title: "\(f.endpointLabel) by \(f.label)", xLabel: xLabel, yLabel: "Probability",
                                    series: f.curves.map { series($0) }, xTicks: ticks, annotation: pText, size: .singleColumn,
                                    legendTitle: f.label, referenceSeries: f.reference)
            return .init(caption: "\(f.endpointLabel) by \(f.label) (\(pText)); pre-specified in the plan\(cite("Fig. 3")).",
                         svg: plot.svg(), fileName: "figure3_\(f.endpoint)_\(f.factor).svg")
        }
    }

    func forest() -> [ReportDocument.Figure] {
        results.multivariate.compactMap { m in
            let shown = m.terms.filter(\.estimable)
            guard !shown.isEmpty else { return nil }
            let left = m.terms.filter { !$0.estimable }
            let plot = ForestPlot(title: "Multivariable Cox model: \(label(m.endpoint))",
                                  entries: shown.map { t in .term(.init(label: "\(t.label): \(t.level)", estimate: t.hr, lower: t.lower, upper: t.upper,
                                                                        p: t.p, reference: t.reference)) },
                                  size: .doubleColumn)
            let note = left.isEmpty ? "" : " Not shown (not estimable): " + left.map { "\($0.label) = \($0.level)" }.joined(separator: ", ") + "."
            return .init(caption: "Hazard ratios (95% CI), \(label(m.endpoint)); n = \(m.n), events = \(m.events).\(note)",
                         svg: plot.svg(), fileName: "forest_\(m.endpoint).svg")
        }
    }

    func cifFigures() -> [ReportDocument.Figure] {
        results.competingRisks.compactMap { c in
            guard let km = results.survival.first(where: { $0.endpoint == c.endpoint }) else { return nil }
            let oneMinus = SurvivalPlot.Series(label: "1 − KM", times: [0] + km.curve.time, values: [0] + km.curve.value.map { 1 - $0 })
            let cif = SurvivalPlot.Series(label: "\(c.curve.label), CIF", times: [0] + c.curve.time, values: [0] + c.curve.value,
                                          lower: [0] + c.curve.lower, upper: [0] + c.curve.upper,
                                          atRisk: c.curve.atRisk.map { Int($0) })
            let comp = SurvivalPlot.Series(label: "\(c.competingCurve.label), CIF", times: [0] + c.competingCurve.time,
                                           values: [0] + c.competingCurve.value)
            let plot = SurvivalPlot(title: "\(c.endpointLabel): cumulative incidence and 1 − KM",
                                    xLabel: xLabel, yLabel: "Cumulative probability", series: [cif, comp, oneMinus],
                                    xTicks: ticks, kind: .cumulativeIncidence, size: .singleColumn)
            return .init(caption: "\(c.endpointLabel): cumulative incidence functions (CIF, Aalen–Johansen estimator, shaded 95% CI) of the failure and of the competing event (\(c.competing)), with 1 − Kaplan–Meier (competing events censored, as the paper reports); number at risk under the curves.",
                         svg: plot.svg(), fileName: "cif_\(c.endpoint).svg")
        }
    }

    // MARK: document

    public func document() -> ReportDocument {
        let r = results
        let f = r.followUp
        var meta = ["Generated by \(r.provenance.tool) \(r.provenance.version) on \(r.provenance.generatedAt)"]
        meta += r.provenance.inputs.map { "\($0.name) (\($0.role), \($0.rows) rows): SHA-256 \($0.sha256)" }
        var sections: [ReportDocument.Section] = []
        var intro: [ReportDocument.Block] = []
        if r.provenance.synthetic {
            intro.append(.callout(.init(.warning, "SYNTHETIC DATA. " + (r.provenance.note ?? "These are not patient records."))))
        }
        let landmark = NumberFormat.significant(r.provenance.plan.landmarkMonths, 3)
        let survivors = f.medianSurvivors.isNaN ? ""
            : " and \(num(f.medianSurvivors)) \(unit) (range, \(num(f.minSurvivors))–\(num(f.maxSurvivors)))"
                + " in surviving patients"
        let origin = r.provenance.plan.origin == .rtEnd ? "end" : "start"
        intro.append(.paragraph(
            "\(r.cohort.patients) patients. At last follow-up \(r.cohort.dead) had died, \(r.cohort.alive) were alive"
                + " and the status of \(r.cohort.unknown) was unknown; \(r.cohort.deathsWithinLandmark) died within"
                + " \(landmark) months. Median follow-up was \(num(f.medianAll)) \(unit)"
                + " (range, \(num(f.minAll))–\(num(f.maxAll))) in all patients" + survivors
                + "; by the reverse Kaplan–Meier method \(num(f.reverseKM)) \(unit)"
                + " (95% CI \(ci(f.reverseKMLower, f.reverseKMUpper))). Times are counted from the \(origin)"
                + " of RT in \(unit)."))
        for w in r.warnings { intro.append(.callout(.init(.warning, w))) }
        sections.append(.init(heading: "Cohort and follow-up", blocks: intro))
        sections.append(methodsSection())
        sections.append(.init(heading: "Patient characteristics", blocks: [.table(table1())]))
        sections.append(.init(heading: "Response", blocks: [.table(table2())]))
        let l = r.patterns.landmark
        let combined = l.sites.map { "\($0.combined) of \($0.n) \($0.site)" }.joined(separator: ", ")
        sections.append(.init(heading: "Patterns of failure", blocks: [
            .paragraph("\(earlyWindow.prefix(1).uppercased() + earlyWindow.dropFirst()), \(l.patientsWithFailure) patients (\(pct(l.percent))%) failed: " +
                       l.sites.map { "\($0.site) \($0.n) (\(pct($0.percent))%)" }.joined(separator: ", ") +
                       ". Combined with another category: \(combined). Over the whole follow-up \(r.patterns.overall.patientsWithFailure) patients (\(pct(r.patterns.overall.percent))%) failed, \(r.patterns.overall.sites.first?.n ?? 0) with infield failure."),
            .figure(figure2()), .table(patternSites()), .table(patternExclusive()), .table(organs()),
        ]))
        sections.append(.init(heading: "Survival", blocks: [.figure(figure1()), .table(survivalSummary()), .table(censoringTable())]))
        var factorBlocks: [ReportDocument.Block] = [.table(table3a()), .table(table3b())]
        for m in r.multivariate where !m.warnings.isEmpty {
            factorBlocks.append(.callout(.init(.note, "\(label(m.endpoint)): " + m.warnings.joined(separator: "; "))))
        }
        factorBlocks += forest().map { .figure($0) }
        factorBlocks += factorFigures().map { .figure($0) }
        if !factorEndpoints.isEmpty { sections.append(.init(heading: "Risk factors by endpoint", blocks: factorBlocks)) }
        if !survivalEndpoints.isEmpty { sections.append(.init(heading: "Risk factors for overall survival", blocks: [.table(osFactors())])) }
        var sub: [ReportDocument.Block] = []
        if !r.subgroups.isEmpty { sub.append(.table(subgroups())) }
        if let t = patternsByFactor() { sub.append(.table(t)) }
        if !sub.isEmpty { sections.append(.init(heading: "Subgroups", blocks: sub)) }
        if let t = causesOfDeath() { sections.append(.init(heading: "Causes of death", blocks: [.table(t)])) }
        sections.append(.init(heading: "Toxicity", blocks: [.table(table4())] + (r.toxicity.problems.isEmpty ? [] : [.callout(.init(.warning, r.toxicity.problems.joined(separator: "\n")))])))
        if !r.competingRisks.isEmpty {
            sections.append(.init(heading: "Competing risks", blocks: [
                .paragraph("Each failure type is also estimated as a cumulative incidence, with death before that failure type (or another failure type first, where the plan censors at it) as the competing event. The Kaplan–Meier estimate with competing events censored (1 − KM, as the paper reports) is shown beside it."),
                .table(competing()), .table(fineGray())] + cifFigures().map { .figure($0) }))
        }
        var prov: [ReportDocument.Block] = [.paragraph("Analysis plan (plan.yaml):"), .code(r.provenance.plan.yaml)]
        if !r.exclusions.isEmpty {
            prov.append(.table(.init(caption: "Exclusions", header: ["Analysis", "Reason", "Patients"],
                                     rows: r.exclusions.map { [$0.analysis, $0.reason, String($0.n)] }, alignments: [.left, .left, .right])))
        }
        sections.append(.init(heading: "Provenance", blocks: prov))
        let title = r.provenance.plan.title + (r.provenance.synthetic ? " — synthetic demo cohort" : "")
        let document = ReportDocument(title: title, metadata: meta, sections: sections)
        return r.provenance.synthetic ? document.watermarkingFigures("SYNTHETIC") : document
    }
}
