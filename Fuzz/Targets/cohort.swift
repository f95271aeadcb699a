// libFuzzer target: the cohort reader (PatternsOfFailure.CohortReader) on a set of in-memory files.
// The input is split at 0xFF bytes (never valid UTF-8) into patients.csv, failures.csv, lesions.csv, labs.csv
// and toxicities.csv, in that order; missing pieces are left out (failures.csv: header only).
// Built and run by scripts/fuzz (see docs/reliability.md). Any trap, hang or runaway allocation is a bug.
import PatternsOfFailure

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCohort(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let pieces = bytes.split(separator: 0xFF, maxSplits: 4, omittingEmptySubsequences: false).map(Array.init)
    func piece(_ i: Int, _ name: String) -> CohortSource? {
        i < pieces.count ? CohortSource(name: name, bytes: pieces[i]) : nil
    }
    let sources = CohortSources(
        patients: piece(0, "patients.csv")!,
        failures: piece(1, "failures.csv") ?? CohortSource(name: "failures.csv", text: "id,date,site\n"),
        lesions: piece(2, "lesions.csv"), labs: piece(3, "labs.csv"), toxicities: piece(4, "toxicities.csv"))
    let reading = CohortReader.read(sources)
    for issue in reading.issues { _ = issue.description }
    for exclusion in reading.exclusions { _ = exclusion.description }
    if let cohort = reading.cohort {
        // A valid cohort has patients, and every record builds.
        if cohort.patients.isEmpty { fatalError("a cohort without patients was accepted") }
        for months in [0, 3, 1e300, .infinity] as [Double] {
            _ = cohort.toxicityInputOutsideWindow(windowMonths: months).summary
        }
    }
    return 0
}
