import Foundation
import PatternsOfFailure
import Reporting

/// Who went where: patients read, excluded at input validation, included, and per endpoint how many
/// were analysed by each method and why any were left out — every count taken from the pipeline's
/// results (`StudyResults`), drawn as a CONSORT-style `FlowDiagram`.
///
/// ```swift
/// let flow = PatientFlow(results: results)
/// flow.read          // 138 rows of patients.csv
/// flow.endpoints[0]  // Overall survival: 138 analysed, 115 events; Cox model 135 (3 without a factor)
/// ```
public struct PatientFlow: Sendable, Equatable {
    /// Patients left out of one analysis for one reason.
    public struct Exclusion: Sendable, Equatable {
        /// What was left out of ("Pre-CCRT AFP & PIVKA-II", "multivariable Cox model").
        public var analysis: String
        /// Why ("factor not recorded").
        public var reason: String
        /// Patients.
        public var n: Int
    }

    /// One endpoint's analyses.
    public struct Endpoint: Sendable, Equatable {
        /// Endpoint name in the plan.
        public var name: String
        /// Its label.
        public var label: String
        /// Patients in the Kaplan–Meier analysis.
        public var analysed: Int
        /// Events among them.
        public var events: Int
        /// Factors compared by the log-rank test.
        public var factorsCompared: Int
        /// Patients left out of a factor comparison because the factor is not recorded.
        public var factorExclusions: [Exclusion]
        /// Patients and events in the multivariable Cox model (complete cases), when the plan asks for
        /// one; `estimable` is false when no term could be estimated (too few events for the terms).
        public var cox: (n: Int, events: Int, estimable: Bool)?

        /// Whether two endpoints' flows are the same (every count, and the Cox model's counts when present).
        ///
        /// - Complexity: O(number of factor exclusions).
        public static func == (a: Endpoint, b: Endpoint) -> Bool {
            a.name == b.name && a.label == b.label && a.analysed == b.analysed && a.events == b.events
                && a.factorsCompared == b.factorsCompared && a.factorExclusions == b.factorExclusions
                && a.cox?.n == b.cox?.n && a.cox?.events == b.cox?.events && a.cox?.estimable == b.cox?.estimable
        }
    }

    /// Data rows of patients.csv.
    public var read: Int
    /// Patients read but not analysed (input errors stop the run, so 0 whenever a report is written).
    public var excludedAtValidation: Int
    /// Patients in the study.
    public var included: Int
    /// Toxicity records (not patients) dated outside the grading window: read, counted, not graded.
    public var toxicityRecordsOutsideWindow: Int
    /// The grading window, in words.
    public var toxicityWindow: String
    /// Per endpoint, in the order the report shows them.
    public var endpoints: [Endpoint]

    /// The flow of a study's results.
    ///
    /// - Parameter results: The analysed study.
    /// - Complexity: O(endpoints × analyses).
    public init(results: StudyResults) {
        let plan = results.provenance.plan
        read = results.provenance.inputs.first { $0.role == "patients" }?.rows ?? results.cohort.patients
        included = results.cohort.patients
        excludedAtValidation = max(0, read - included)
        toxicityRecordsOutsideWindow = results.toxicity.outsideWindow
        toxicityWindow = results.toxicity.window
        endpoints = results.survival.map { s in
            let uni = results.univariate.filter { $0.endpoint == s.endpoint }
            let model = results.multivariate.first { $0.endpoint == s.endpoint }
            return Endpoint(
                name: s.endpoint, label: plan.endpoint(named: s.endpoint)?.label ?? s.label, analysed: s.n,
                events: s.events,
                factorsCompared: uni.count,
                factorExclusions: uni.filter { $0.missing > 0 }.map {
                    Exclusion(analysis: $0.label, reason: "factor not recorded", n: $0.missing)
                },
                cox: model.map { ($0.n, $0.events, $0.terms.contains(where: \.estimable)) })
        }
    }

    /// The diagram.
    ///
    /// - Returns: The flow as boxes: read → validation → included (with toxicity records not graded) →
    ///   one box per endpoint.
    ///
    /// - Complexity: O(number of endpoints × factors).
    public func diagram() -> FlowDiagram {
        let steps: [FlowDiagram.Step] = [
            .init(
                .init("Patients in patients.csv", ["n = \(read)"]),
                excluded: .init(
                    "Excluded at input validation",
                    [
                        excludedAtValidation == 0
                            ? "none (n = 0): every row passed the checks" : "n = \(excludedAtValidation)"
                    ])),
            .init(
                .init("Included in the study", ["n = \(included)"]),
                excluded: toxicityRecordsOutsideWindow > 0
                    ? .init(
                        "Toxicity records not graded",
                        [
                            """
                            \(toxicityRecordsOutsideWindow) record(s) dated outside the grading window \
                            (\(toxicityWindow)); patients stay in every analysis
                            """
                        ])
                    : nil),
        ]
        let branches = endpoints.map { e -> FlowDiagram.Box in
            func n(_ k: Int) -> String { "n\u{00A0}=\u{00A0}\(k)" }
            var lines = ["Kaplan–Meier: \(n(e.analysed)), \(e.events)\u{00A0}events"]
            if e.factorsCompared > 0 {
                lines.append(
                    "Log-rank tests of \(e.factorsCompared) factor\(e.factorsCompared == 1 ? "" : "s")"
                        + (e.factorExclusions.isEmpty
                            ? ", \(n(e.analysed))\u{00A0}each" : "; left out, factor not recorded:"))
                for x in e.factorExclusions { lines.append("– \(x.analysis): \(x.n)") }
            }
            if let c = e.cox {
                let left = e.analysed - c.n
                lines.append(
                    "Cox model: \(n(c.n)), \(c.events)\u{00A0}events"
                        + (left > 0 ? " (\(left) left out, a factor not recorded)" : "")
                        + (c.estimable ? "" : "; not estimable, too few events for its terms"))
            }
            return .init(e.label, lines)
        }
        return FlowDiagram(title: "Patient flow", steps: steps, branches: branches)
    }
}

extension StudyReportBuilder {
    /// The patient-flow figure (see ``PatientFlow``).
    func flowFigure() -> ReportDocument.Figure {
        let flow = PatientFlow(results: results)
        return .init(
            caption: """
                Patient flow: patients read, excluded with reasons, and analysed for each endpoint. Counts of patients \
                unless stated.
                """,
            svg: flow.diagram().svg(), fileName: "patient_flow.svg")
    }
}
