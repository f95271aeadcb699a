import Foundation
import Oncology
import PatternsOfFailure
import Reporting
import Tabular

/// The dosimetric classification of the failures: the plan's rule and a sensitivity table of the same
/// failures under every rule the data allow (Guides/FailureClassification.md).
extension StudyReportBuilder {
    /// The classification tables, as (file name, table); empty when failures.csv has no dose summaries and
    /// the plan names no rule.
    ///
    /// - Complexity: O(rules × categories).
    public func classificationTables() -> [(name: String, table: ReportDocument.Table)] {
        guard let c = results.failureClassification else { return [] }
        var rows: [[String]] = []
        for r in c.rules {
            let title = r.title + (r.rule == c.primaryRule ? " (the plan's rule)" : "")
            for (i, k) in r.categories.enumerated() {
                rows.append([i == 0 ? title : "", k.category, nPct(k.n, c.failures)])
            }
            let missing = r.missingInputs.map { "\($0.category) \($0.n)" }.joined(separator: ", ")
            rows.append([
                "", "Not classifiable" + (missing.isEmpty ? "" : " (missing: \(missing))"),
                nPct(r.notClassifiable, c.failures),
            ])
        }
        let t = c.thresholds
        var notes = [
            """
            The same \(c.failures) failures (every row of failures.csv; \(c.withDosimetry) with dose summaries) under \
            each rule; percentages of all failures. A failure lacking an input a rule needs is counted as not \
            classifiable, never guessed.
            """,
            """
            Thresholds: in-field above \(NumberFormat.significant(t.inFieldAbovePercent, 4))% and \
            marginal from \(NumberFormat.significant(t.marginalFromPercent, 4))% of the rGTV inside the \
            95% isodose; high dose from \(NumberFormat.significant(t.highDoseFraction * 100, 4))% of the \
            prescription (D95); centroid outside the target marginal from \
            \(NumberFormat.significant(t.centroidMarginalDoseFraction * 100, 4))% of the prescription.
            """,
            "Registration of the failures with dose summaries: "
                + c.registration.map { "\($0.category) \($0.n)" }.joined(separator: ", ") + ".",
        ]
        if !c.rulesNotApplicable.isEmpty {
            notes.append(
                "Not applicable (no failure has their inputs): "
                    + c.rulesNotApplicable.map(\.title).joined(separator: ", ") + ".")
        }
        if let a = c.assigned, let kept = c.keptRecordedSite {
            notes.append(
                """
                The plan's rule decided the failure type of \(a) failures; \(kept) kept the site recorded in \
                failures.csv.
                """)
        }
        return [
            (
                "failure_classification",
                .init(
                    caption: "Failures classified by dose: the same failures under every rule the data allow",
                    header: ["Rule", "Category", "Failures, n (%)"], rows: rows, footnotes: notes,
                    alignments: [.left, .left, .right])
            )
        ]
    }

    /// The Methods paragraph on the dosimetric classification, or `nil` when there is none.
    ///
    /// - Complexity: O(number of rules).
    public func classificationMethods() -> String? {
        guard let c = results.failureClassification else { return nil }
        let plan = results.provenance.plan
        var s = "Failure classification by dose. "
        if let p = plan.classification {
            s +=
                "Each failure with dose summaries from the treatment-planning system was classified "
                + p.rule.methodsSentence(p.thresholds)
            if p.assignFailureTypes {
                s += """
                     The rule's category (in-field, marginal or out-of-field) defined the failure type of the \
                    endpoints and patterns; failures it could not classify kept the site recorded.
                    """
            }
            let others = c.rules.filter { $0.rule != p.rule }.map(\.rule.phrase)
            if !others.isEmpty {
                s += " As a sensitivity analysis the same failures were counted under " + Self.list(others) + "."
            }
        } else {
            s += """
                The failures with dose summaries from the treatment-planning system were counted under every \
                published rule the data allowed (
                """ + Self.list(c.rules.map(\.rule.phrase)) + "); no rule was designated primary."
        }
        s += " A failure lacking an input a rule needs was counted as not classifiable under that rule."
        return s
    }

    /// "a", "a and b", "a, b and c".
    static func list(_ items: [String]) -> String {
        items.count <= 2
            ? items.joined(separator: " and ") : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
}
