// libFuzzer target: the study plan reader (PatternsOfFailure.StudyPlan(yaml:)) and the plan's YAML rendering.
// Built and run by scripts/fuzz (see docs/reliability.md). Any trap, hang or runaway allocation is a bug.
import PatternsOfFailure

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPlan(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let plan = try? StudyPlan(yaml: text, source: "fuzz.yaml") else { return 0 }
    // A plan that was accepted renders, and reads back.
    _ = try? StudyPlan(yaml: plan.yaml, source: "fuzz.yaml")
    return 0
}
