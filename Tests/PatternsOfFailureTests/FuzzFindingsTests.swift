import Foundation
import Testing
@testable import PatternsOfFailure

/// Inputs that made a fuzz target (scripts/fuzz, docs/reliability.md) trap, kept so that they never do again.
@Suite struct FuzzFindingsTests {
    /// `Yams.load` force-unwraps the text of every mapping key, so a key that is a sequence or a mapping trapped
    /// ("Unexpectedly found nil", Yams Constructor.swift) before the plan's keys were checked. Found by the plan
    /// target in its first seconds; the plan reader now composes the YAML node tree and checks the keys itself.
    @Test(arguments: ["? [a, b]\n: 1\n", "{[landmark_months]: 3}\n", "? {a: 1}\n: 2\n", "landmark_months: {[x]: 1}\n",
                      "factors:\n  - {? [1]: 2}\n"])
    func planWithANonScalarKeyIsAnErrorNotATrap(_ yaml: String) {
        #expect(throws: (any Error).self) { try StudyPlan(yaml: yaml, source: "plan.yaml") }
    }
}
