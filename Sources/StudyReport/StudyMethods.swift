import Foundation
import Oncology
import PatternsOfFailure
import Reporting
import Tabular

/// The Methods section of the study report: study design, endpoint and failure-type definitions,
/// response and toxicity criteria, factor definitions, statistical methods with references and software,
/// written from the plan and from what the analysis actually did, so that it can be pasted into a manuscript.
///
/// ```swift
/// let methods = StudyReportBuilder(results: results).methodsSection()
/// ```
extension StudyReportBuilder {
    /// The statistical methods the analysis used; the Methods text names exactly these.
    public struct MethodsUsed: Sendable, Equatable {
        /// Log-rank tests were run (univariate comparisons).
        public var logRank: Bool
        /// Unpenalized multivariable Cox models were fitted.
        public var cox: Bool
        /// Firth-penalized Cox models were fitted (the plan's `cox_penalty: firth`).
        public var firth: Bool
        /// Cumulative incidence was estimated by Aalen–Johansen (competing risks).
        public var aalenJohansen: Bool
        /// Gray's test compared cumulative incidence between groups.
        public var grayTest: Bool
        /// Fine–Gray subdistribution hazard models were fitted.
        public var fineGray: Bool
    }

    /// What the plan asked for and the results contain.
    ///
    /// - Returns: One flag per method beyond Kaplan–Meier and reverse Kaplan–Meier (always used).
    /// - Complexity: O(analyses + competing-risk results).
    public var methodsUsed: MethodsUsed {
        let plan = results.provenance.plan
        let cox = !results.multivariate.isEmpty
        return MethodsUsed(
            logRank: !results.univariate.isEmpty || !results.factorFigures.isEmpty
                || plan.analyses.contains { !$0.univariate.isEmpty || !$0.figures.isEmpty },
            cox: cox,
            firth: cox && plan.coxPenalty == .firth,
            aalenJohansen: !results.competingRisks.isEmpty,
            grayTest: results.competingRisks.contains { !$0.grayTests.isEmpty },
            fineGray: results.competingRisks.contains { !$0.fineGray.isEmpty })
    }

    /// The factors some analysis of the plan uses, in plan order.
    var usedFactors: [FactorDefinition] {
        let plan = results.provenance.plan
        var names = Set<String>()
        for a in plan.analyses {
            names.formUnion(a.univariate); names.formUnion(a.multivariable); names.formUnion(a.figures)
            for s in a.subgroups { names.insert(s.factor); names.insert(s.within) }
        }
        if let by = plan.patternsBy { names.insert(by) }
        return plan.factors.filter { names.contains($0.name) }
    }

    func months(_ x: Double) -> String {
        let t = NumberFormat.significant(x, 3)
        return t == "1" ? "1 month" : "\(t) months"
    }

    func siteDefinition(_ s: FailureSite) -> String { results.provenance.plan.failureVocabulary.definition(s) }

    /// An endpoint's name as it reads at the start of a sentence, with the label the tables use when
    /// that differs: "Infield progression-free survival (“PFS, infield failure” in the tables)".
    func endpointSubject(_ e: EndpointDefinition) -> String {
        let natural: String
        if e.isOverallSurvival { natural = "Overall survival" }
        else if e.anyFailure { natural = "Progression-free survival for any failure" }
        else if let site = e.singleFailureType { natural = siteName(site.rawValue) + " progression-free survival" }
        else { natural = e.label }
        if natural == e.label { return e.label }
        if e.isOverallSurvival && e.label == "OS" { return "Overall survival (OS)" }
        return "\(natural) (“\(e.label)” in the tables)"
    }

    /// One sentence defining an endpoint from its ``EndpointDefinition``.
    func endpointSentence(_ e: EndpointDefinition) -> String {
        let origin = results.provenance.plan.origin == .rtEnd ? "the end of RT" : "the start of RT"
        if e.isOverallSurvival { return """
            \(endpointSubject(e)) was the time from \(origin) to death from any cause; surviving patients were \
            censored at last follow-up.
            """ }
        let failures = e.anyFailure ? "the first failure of any type"
            : "the first "
                + e.failureTypes.map { results.provenance.plan.failureVocabulary.name($0) }.joined(separator: " or ")
                + " failure"
        var s =
            "\(endpointSubject(e)) was the time from \(origin) to \(failures)"
            + (e.deathIsEvent ? " or death from any cause, whichever came first" : "")
        s += "; patients without an event were censored at last follow-up"
        if !e.deathIsEvent { s += ", and patients who died without the event were censored at death" }
        if e.hasFailureEvents && !e.anyFailure {
            s += e.otherFailures == .censor
                ? "; a failure of another type occurring first ended follow-up (censored at that date)"
                : "; failures of other types did not end follow-up"
        }
        return s + "."
    }

    /// One sentence defining a factor: its variable, levels (cut-points) and reference level.
    func factorSentence(_ f: FactorDefinition) -> String {
        let plan = results.provenance.plan
        let r = plan.resolve(f)
        let ref = r.levels.indices.contains(r.reference) ? r.levels[r.reference] : (r.levels.first ?? "")
        let levels = r.displayOrder.map { r.levels[$0] }.joined(separator: "; ")
        var how: String
        switch f.rule {
        case .cutPoints(let c):
            how = "cut at " + c.map(NumberFormat.plain).joined(separator: ", ") + (f.unit.map { " \($0)" } ?? "")
        case .groups(let g):
            how = "grouped as " + g.map { "\($0.label) (\($0.values.joined(separator: ", ")))" }.joined(separator: "; ")
        case .yesNo:
            how = "recorded as no or yes"
        case .allOf(let names):
            how =
                "present when all of " + names.compactMap { plan.factor(named: $0)?.label }.joined(separator: " and ")
                + " were at their upper level"
        }
        return "\(f.labelWithUnit): \(how); levels \(levels); reference \(ref)."
    }

    /// The Methods section.
    ///
    /// - Returns: A section of paragraphs and a definitions and abbreviations list.
    /// - Complexity: O(endpoints + factors + analyses).
    public func methodsSection() -> ReportDocument.Section {
        let plan = results.provenance.plan
        let used = methodsUsed
        let origin = plan.origin == .rtEnd ? "the end of radiotherapy (RT)" : "the start of radiotherapy (RT)"
        var blocks: [ReportDocument.Block] = []

        // Study design and follow-up.
        blocks.append(.paragraph("""
            Study design. This was a retrospective cohort study of \(results.cohort.patients) patients. Time was \
            measured in \(plan.timeUnit.rawValue) from \(origin). Follow-up ended at death or at the last follow-up \
            visit; the median follow-up was estimated by the reverse Kaplan–Meier method (Schemper & Smith 1996), in \
            which death is treated as censoring and censoring as the event.
            """))

        // Failure types and the early-failure interval.
        let sites = FailureSite.allCases.map(siteDefinition)
        blocks.append(.paragraph("""
            Patterns of failure. Each failure was classified by its site as \(sites.joined(separator: "; ")). A \
            patient could have failures of more than one type. Patterns of failure were reported for failures \
            occurring within \(months(plan.landmarkMonths)) after \(plan.origin == .rtEnd ? "the end" : "the start") \
            of RT and over the whole follow-up, both as each failure type (not exclusive) and as exclusive \
            combinations.
            """))

        if let c = classificationMethods() { blocks.append(.paragraph(c)) }

        // Endpoints.
        let analysed = Set(plan.analyses.map(\.endpoint))
        let endpoints = plan.endpoints.filter { e in
            analysed.contains(e.name) || results.survival.contains { $0.endpoint == e.name }
        }
        blocks.append(.paragraph("Endpoints. " + endpoints.map(endpointSentence).joined(separator: " ")))

        // Response and toxicity.
        let criteria = plan.responseCriteria
        let criteriaRef =
            criteria.lowercased().contains("mrecist")
            ? " (Lencioni & Llovet 2010)" : criteria.lowercased().contains("recist") ? " (Eisenhauer et al. 2009)" : ""
        blocks.append(.paragraph("""
            Response and toxicity. Tumour response was assessed by \(criteria)\(criteriaRef) as complete response \
            (CR), partial response (PR), stable disease (SD) or progressive disease (PD), on imaging \
            \(months(plan.responseMonths)) after RT (accepted within ± \(months(plan.responseWindowMonths))); the \
            best response was the best category recorded at any assessment. Toxicity was graded by the Common \
            Terminology Criteria for Adverse Events (CTCAE) version \(results.toxicity.ctcaeVersion) during treatment \
            and the following \(months(plan.toxicityWindowMonths)); the worst grade per patient is reported.
            """))

        // Factors.
        let factors = usedFactors
        if !factors.isEmpty {
            blocks.append(
                .paragraph(
                    "Factors. " + factors.map(factorSentence).joined(separator: " ")
                        + " Patients with a factor value not recorded were left out of the analyses of that factor."))
        }

        // Statistical methods.
        let rateTimes = plan.rateTimes.map { NumberFormat.significant($0, 3) }.joined(separator: " and ")
        var stats = ["""
            Survival and progression-free survival were estimated by the Kaplan–Meier method (Kaplan & Meier 1958), \
            with 95% confidence intervals on the log scale; medians and rates at \(rateTimes) \
            \(plan.timeUnit.rawValue) are reported.
            """]
        if used.logRank {
            stats.append("Survival between factor levels was compared with the log-rank test (Mantel 1966).")
        }
        if used.cox {
            var s = """
                Hazard ratios (HR) with 95% confidence intervals were estimated with multivariable Cox \
                proportional-hazards models (Cox 1972), with Efron's method for tied event times (Efron 1977), in \
                patients with all model factors recorded
                """
            if used.firth { s += """
                ; Firth's penalised likelihood (Firth 1993; Heinze & Schemper 2001) was used so that factors with few \
                or no events in a level still give finite estimates, with profile-likelihood confidence intervals
                """ }
            stats.append(s + """
                . The proportional-hazards assumption was checked with scaled Schoenfeld residuals (Grambsch & \
                Therneau 1994), and discrimination summarised by Harrell's concordance index (Harrell et al. 1982).
                """)
        }
        if used.aalenJohansen {
            var s = """
                Because death precludes a later failure, the cumulative incidence of each failure type was also \
                estimated with the Aalen–Johansen estimator (Aalen & Johansen 1978), with death (or a failure of \
                another type, where the endpoint ends follow-up at it) as the competing event, and shown beside 1 − \
                Kaplan–Meier.
                """
            if used.grayTest {
                s += " Cumulative incidence between factor levels was compared with Gray's test (Gray 1988)."
            }
            if used.fineGray { s += """
                 Subdistribution hazard ratios were estimated with the Fine–Gray model (Fine & Gray 1999) beside \
                cause-specific Cox models with the same factors.
                """ }
            stats.append(s)
        }
        stats.append("""
            A two-sided P < \(NumberFormat.plain(plan.alpha)) was considered statistically significant; no adjustment \
            was made for multiple comparisons.
            """)
        blocks.append(.paragraph("Statistical analysis. " + stats.joined(separator: " ")))

        // Software.
        var sw = """
            Analyses were performed with \(results.provenance.tool) version \(results.provenance.version), whose \
            estimators are checked in its test suite against R's survival package
            """
        sw += used.aalenJohansen ? " and cmprsk package (Therneau; Gray)." : " (Therneau)."
        blocks.append(.paragraph("Software. " + sw))

        // References.
        var refs: [ReportDocument.Definition] = [
            .init("Kaplan & Meier 1958", """
                Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. J Am Stat Assoc \
                1958;53:457–481.
                """),
            .init("Schemper & Smith 1996", """
                Schemper M, Smith TL. A note on quantifying follow-up in studies of failure time. Control Clin Trials \
                1996;17:343–346.
                """),
        ]
        if criteria.lowercased().contains("mrecist") { refs.append(.init("Lencioni & Llovet 2010", """
            Lencioni R, Llovet JM. Modified RECIST (mRECIST) assessment for hepatocellular carcinoma. Semin Liver Dis \
            2010;30:52–60.
            """)) }
        else if criteria.lowercased().contains("recist") { refs.append(.init("Eisenhauer et al. 2009", """
            Eisenhauer EA, et al. New response evaluation criteria in solid tumours: revised RECIST guideline \
            (version 1.1). Eur J Cancer 2009;45:228–247.
            """)) }
        if used.logRank { refs.append(.init("Mantel 1966", """
            Mantel N. Evaluation of survival data and two new rank order statistics arising in its consideration. \
            Cancer Chemother Rep 1966;50:163–170.
            """)) }
        if used.cox {
            refs.append(.init("Cox 1972", "Cox DR. Regression models and life-tables. J R Stat Soc B 1972;34:187–220."))
            refs.append(.init("Efron 1977", """
                Efron B. The efficiency of Cox's likelihood function for censored data. J Am Stat Assoc \
                1977;72:557–565.
                """))
            refs.append(.init("Grambsch & Therneau 1994", """
                Grambsch PM, Therneau TM. Proportional hazards tests and diagnostics based on weighted residuals. \
                Biometrika 1994;81:515–526.
                """))
            refs.append(.init("Harrell et al. 1982", """
                Harrell FE, Califf RM, Pryor DB, Lee KL, Rosati RA. Evaluating the yield of medical tests. JAMA \
                1982;247:2543–2546.
                """))
        }
        if used.firth {
            refs.append(
                .init(
                    "Firth 1993", "Firth D. Bias reduction of maximum likelihood estimates. Biometrika 1993;80:27–38."))
            refs.append(.init("Heinze & Schemper 2001", """
                Heinze G, Schemper M. A solution to the problem of monotone likelihood in Cox regression. Biometrics \
                2001;57:114–119.
                """))
        }
        if used.aalenJohansen { refs.append(.init("Aalen & Johansen 1978", """
            Aalen OO, Johansen S. An empirical transition matrix for non-homogeneous Markov chains based on censored \
            observations. Scand J Stat 1978;5:141–150.
            """)) }
        if used.grayTest { refs.append(.init("Gray 1988", """
            Gray RJ. A class of K-sample tests for comparing the cumulative incidence of a competing risk. Ann Stat \
            1988;16:1141–1154.
            """)) }
        if used.fineGray { refs.append(.init("Fine & Gray 1999", """
            Fine JP, Gray RJ. A proportional hazards model for the subdistribution of a competing risk. J Am Stat \
            Assoc 1999;94:496–509.
            """)) }
        blocks.append(.paragraph("References for the methods:"))
        blocks.append(.definitions(refs))

        blocks.append(.paragraph("Definitions and abbreviations:"))
        blocks.append(.definitions(definitions()))
        return .init(heading: "Methods", blocks: blocks)
    }

    /// Definitions and abbreviations used in the report, limited to what the analysis used.
    func definitions() -> [ReportDocument.Definition] {
        let plan = results.provenance.plan
        let used = methodsUsed
        let v = plan.failureVocabulary
        var d: [ReportDocument.Definition] = FailureSite.allCases.map { s in
            .init("\(v.label(s)) failure", String(v.meaning(s)).capitalizedFirstLetter + ".")
        } + [
            .init("Early failure", """
                A failure within \(months(plan.landmarkMonths)) after \
                \(plan.origin == .rtEnd ? "the end" : "the start") of RT.
                """),
            .init("Best response", "The best response category (CR > PR > SD > PD) recorded at any assessment."),
                .init(
                    "CR, PR, SD, PD",
                    "Complete response, partial response, stable disease, progressive disease "
                        + "(\(plan.responseCriteria))."
                ),
            .init("RT", "Radiotherapy."),
            .init("CCRT", "Concurrent chemoradiotherapy."),
            .init("HCC", "Hepatocellular carcinoma."),
            .init("OS", "Overall survival."),
            .init("PFS", "Progression-free survival (here, for a failure type: free of that failure)."),
            .init("KM", "Kaplan–Meier."),
            .init("CI", "Confidence interval (95%)."),
            .init("NR", "Not reached (the estimate did not fall to the median)."),
            .init("CTCAE", "Common Terminology Criteria for Adverse Events, version \(results.toxicity.ctcaeVersion)."),
            .init("BED, EQD2", """
                Biologically effective dose and equivalent dose in 2-Gy fractions, α/β = \
                \(NumberFormat.significant(plan.alphaBeta, 3)) Gy.
                """),
        ]
        let labels = usedFactors.map(\.label).joined(separator: " ").lowercased()
        if labels.contains("afp") { d.append(.init("AFP", "Alpha-fetoprotein.")) }
        if labels.contains("pivka") {
            d.append(.init("PIVKA-II", "Protein induced by vitamin K absence or antagonist-II."))
        }
        if labels.contains("pvt") || labels.contains("portal") {
            d.append(.init("PVT", "Portal vein tumour thrombosis."))
        }
        if used.cox { d.append(.init("HR", "Hazard ratio.")) }
        if used.aalenJohansen { d.append(.init("CIF", "Cumulative incidence function (Aalen–Johansen).")) }
        if used.fineGray { d.append(.init("SHR", "Subdistribution hazard ratio (Fine–Gray).")) }
        return d
    }
}

extension String {
    /// The text with its first letter upper-case.
    var capitalizedFirstLetter: String { prefix(1).uppercased() + dropFirst() }
}
