import Foundation
import Testing

/// Hostile and degenerate inputs to the table commands (Tests/Fixtures/hostile-tables), run through the
/// built `pof`: each gives a clear message naming file, row, column and value (exit status 1), a correct
/// result (0), or a result whose test is "not possible" with the reason (2). Never a trap, never `p = 1`.
@Suite struct HostileTableEndToEndTests {
    static func file(_ name: String) -> String {
        EndToEndTests.fixtures.appendingPathComponent("hostile-tables/\(name)").path
    }

    static func pof(_ arguments: [String]) throws -> EndToEndTests.Run { try EndToEndTests.pof(arguments) }

    static func temporaryFile(_ name: String, _ contents: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pof-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// An error: status 1, nothing on stdout, one message on stderr containing every fragment.
    static func expectError(_ r: EndToEndTests.Run, _ fragments: [String],
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 1, "status \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stdout.isEmpty, sourceLocation: sourceLocation)
        for f in fragments {
            #expect(r.stderr.contains(f), "missing \(f) in: \(r.stderr)", sourceLocation: sourceLocation)
        }
        #expect(!r.stderr.contains("NSCocoaErrorDomain") && !r.stderr.contains("Fatal error"),
                sourceLocation: sourceLocation)
    }

    // MARK: Groups

    @Test func numericGroupWithLeadingSpaceIsTheSameGroup() throws {
        // R (read.csv makes g integer): g=1 n 3, 2 events, median 9; g=2 n 3, 2 events, median 12
        let r = try Self.pof(["km", Self.file("group-leading-space.csv"), "--time", "time", "--event", "status",
                              "--group", "g", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let strata = r.json["strata"] as? [[String: Any]] ?? []
        #expect(strata.map { $0["group"] as? String } == ["1", "2"])
        #expect(strata.map { $0["n"] as? Int } == [3, 3])
        #expect(strata.map { ($0["median"] as? NSNumber)?.doubleValue } == [9, 12])
    }

    @Test func numericGroupSpellingsCompareAsNumbers() throws {
        // R: survdiff(Surv(time, status) ~ g): Chisq 2.07848443843031 on 1 df, p 0.149388438168001
        let r = try Self.pof(["logrank", Self.file("group-numeric-spellings.csv"), "--time", "time",
                              "--event", "status", "--group", "g", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect((r.json["groups"] as? [Any])?.count == 2)
        #expect(r.json["df"] as? Int == 1)
        #expect(EndToEndTests.close(r.json["chisq"], 2.07848443843031, rel: 1e-10))
        #expect(EndToEndTests.close(r.json["p"], 0.149388438168001, rel: 1e-10))
    }

    @Test func tooManyLevelsIsAnErrorAtOnce() throws {
        var csv = "time,status,f\n"
        for i in 0..<20_000 { csv += "\(i % 97 + 1),\(i % 2),L\(i)\n" }
        let url = try Self.temporaryFile("levels.csv", csv)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        Self.expectError(try Self.pof(["cox", url.path, "--time", "time", "--event", "status", "--covariates", "f"]),
                         ["levels.csv", "\"f\"", "20000"])
        Self.expectError(try Self.pof(["logrank", url.path, "--time", "time", "--event", "status", "--group", "f"]),
                         ["levels.csv", "\"f\"", "20000"])
    }

    // MARK: Numbers in cells

    @Test(arguments: [("covariate-typo.csv", "6O"), ("covariate-nan.csv", "nan"), ("covariate-minus-inf.csv", "-inf")])
    func typoInNumericCovariateNamesTheCell(file: String, value: String) throws {
        let r = try Self.pof(["cox", Self.file(file), "--time", "time", "--event", "status", "--covariates", "age"])
        Self.expectError(r, [file, "row 8", "\"age\"", "\"\(value)\""])
    }

    @Test func hugeCellIsNotEchoedWhole() throws {
        let big = String(repeating: "9x", count: 5_000_000)   // a 10 MB cell
        let url = try Self.temporaryFile("big.csv", "time,status\n1,1\n\(big),0\n3,1\n")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let r = try Self.pof(["km", url.path, "--time", "time", "--event", "status"])
        Self.expectError(r, ["big.csv", "row 3", "\"time\""])
        #expect(r.stderr.utf8.count < 2_000)
    }

    // MARK: Degenerate tests

    @Test func logRankWithOneGroupIsNotPossible() throws {
        // R: survdiff stops, "There is only 1 group"
        let r = try Self.pof(["logrank", Self.file("one-group.csv"), "--time", "time", "--event", "status",
                              "--group", "g", "--format", "json"])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.json["chisq"] is NSNull && r.json["p"] is NSNull)
        #expect((r.json["not_possible"] as? String)?.contains("fewer than two groups") == true)
        #expect(r.stderr.contains("not possible"))
    }

    @Test func logRankWithoutEventsIsNotPossible() throws {
        // R: Chisq = 0 on -1 degrees of freedom, p = NA
        let r = try Self.pof(["logrank", Self.file("no-events.csv"), "--time", "time", "--event", "status",
                              "--group", "g"])
        #expect(r.status == 2)
        #expect(r.stdout.contains("Test not possible: there are no events."))
        #expect(!r.stdout.contains("p= 1"))
        let csv = try Self.pof(["logrank", Self.file("no-events.csv"), "--time", "time", "--event", "status",
                                "--group", "g", "--format", "csv"])
        #expect(csv.status == 2)
        #expect(csv.stdout.contains("a,2,0,0,NA,NA,NA,there are no events"))
    }

    @Test func logRankWithGroupsNestedInStrataIsNotPossible() throws {
        // R: "system is exactly singular"
        let r = try Self.pof(["logrank", Self.file("groups-nested-in-strata.csv"), "--time", "time",
                              "--event", "status", "--group", "g", "--strata", "centre", "--format", "json"])
        #expect(r.status == 2)
        #expect((r.json["not_possible"] as? String)?.contains("each stratum holds a single group") == true)
    }

    @Test func grayTestNotPossible() throws {
        // one group: cmprsk gives no tests; nested strata are not reachable from the command (no --strata)
        let r = try Self.pof(["cuminc", Self.file("one-group.csv"), "--time", "time", "--event", "status",
                              "--group", "g", "--format", "json"])
        #expect(r.status == 2, "\(r.stderr)")
        #expect((r.json["gray_not_possible"] as? String)?.contains("fewer than two groups") == true)
    }

    @Test func grayTestWithManyGroupsIsNotPossibleAndQuick() throws {
        // 1000 groups (cmprsk's Gray test would take minutes): curves, and "not possible" for the test
        var csv = "time,cause,g\n"
        for i in 0..<3000 { csv += "\(i % 101 + 1),\(i % 3),G\(i % 1000)\n" }
        let url = try Self.temporaryFile("groups.csv", csv)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let r = try Self.pof(["cuminc", url.path, "--time", "time", "--event", "cause", "--group", "g", "--at", "50",
                              "--format", "json"])
        #expect(r.status == 2, "\(r.stderr)")
        let gray = r.json["gray"] as? [[String: Any]] ?? []
        #expect(gray.count == 2 && gray.allSatisfy { ($0["not_possible"] as? String)?.contains("too many") == true })
        #expect((r.json["curves"] as? [Any])?.count == 2000)
    }

    @Test func coxWithoutEventsIsNotEstimable() throws {
        // R: coefficients NA, "Likelihood ratio test=0 on 0 df, p=1"
        let r = try Self.pof(["cox", Self.file("cox-no-events.csv"), "--time", "time", "--event", "status",
                              "--covariates", "x", "--format", "json"])
        #expect(r.status == 2)
        let status = r.json["status"] as? [String: Any]
        #expect(status?["estimable"] as? Bool == false && status?["reason"] as? String == "noEvents")
        let lr = (r.json["tests"] as? [String: [String: Any]])?["likelihood_ratio"]
        #expect(lr?["p"] is NSNull)
        let text = try Self.pof(["cox", Self.file("cox-no-events.csv"), "--time", "time", "--event", "status",
                                 "--covariates", "x"])
        #expect(text.stdout.contains("Tests not possible: there are no events."))
    }

    // MARK: Options

    @Test func censoringCodeThatDoesNotOccurIsAnError() throws {
        let r = try Self.pof(["cuminc", Self.file("causes-censored-as-0.csv"), "--time", "time", "--event", "cause",
                              "--censor-code", "9"])
        Self.expectError(r, ["causes-censored-as-0.csv", "\"cause\"", "censoring code 9 does not occur", "0, 1, 2",
                             "cause 0"])
        let fg = try Self.pof(["finegray", Self.file("causes-censored-as-0.csv"), "--time", "time", "--event", "cause",
                               "--cause", "1", "--covariates", "g", "--censor-code", "9"])
        Self.expectError(fg, ["censoring code 9 does not occur"])
        // the right code works
        let ok = try Self.pof(["cuminc", Self.file("causes-censored-as-0.csv"), "--time", "time", "--event", "cause"])
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    @Test func weightErrorsShowTheValue() throws {
        Self.expectError(try Self.pof(["cox", Self.file("weight-negative.csv"), "--time", "time", "--event", "status",
                                       "--covariates", "x", "--weights", "w"]),
                         ["weight-negative.csv", "row 4", "\"w\"", "\"-2\"", "positive"])
        Self.expectError(try Self.pof(["cox", Self.file("weight-zero.csv"), "--time", "time", "--event", "status",
                                       "--covariates", "x", "--weights", "w"]),
                         ["weight-zero.csv", "row 4", "\"w\"", "\"0\""])
    }

    @Test func numbersInOptionsUseTheNumberGrammar() throws {
        let f = Self.file("one-group.csv")
        let base = ["--time", "time", "--event", "status"]
        Self.expectError(try Self.pof(["km", f] + base + ["--at", "nan"]), ["--at", "\"nan\"", "not a number"])
        Self.expectError(try Self.pof(["km", f] + base + ["--at", "1,,2"]), ["--at", "empty"])
        Self.expectError(try Self.pof(["km", f] + base + ["--at=-5"]), ["--at", "\"-5\"", "≥ 0"])
        Self.expectError(try Self.pof(["km", f] + base + ["--conf-level", "95"]),
                         ["--conf-level", "\"95\"", "between 0 and 1"])
        Self.expectError(try Self.pof(["km", f] + base + ["--conf-level", "0x1p-1"]), ["--conf-level", "not a number"])
        Self.expectError(try Self.pof(["logrank", f] + base + ["--group", "g", "--rho", "inf"]), ["--rho", "\"inf\""])
        Self.expectError(try Self.pof(["logrank", f] + base + ["--group", "g", "--rho=-1"]), ["--rho", "\"-1\"", "≥ 0"])
        Self.expectError(try Self.pof(["cuminc", f] + base + ["--censor-code", "1.5"]), ["--censor-code", "\"1.5\""])
        Self.expectError(try Self.pof(["cuminc", f] + base + ["--censor-code", "1e300"]),
                         ["--censor-code", "\"1e300\""])
        let long = String(repeating: "7", count: 5_000) + "x"
        let r = try Self.pof(["km", f] + base + ["--at", long])
        Self.expectError(r, ["--at", "bytes"])
        #expect(r.stderr.utf8.count < 500)
        // a number written the long way is still a number
        let ok = try Self.pof(["km", f] + base + ["--at", " 1.5e0 ,2", "--conf-level", ".9"])
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    // MARK: Paths

    @Test func inputPathProblemsAreSaidPlainly() throws {
        let dir = FileManager.default.temporaryDirectory.path
        Self.expectError(try Self.pof(["km", dir, "--time", "time", "--event", "status"]), ["is a directory"])
        Self.expectError(try Self.pof(["logrank", "/nonexistent/t.csv", "--time", "time", "--event", "status",
                                       "--group", "g"]),
                         ["/nonexistent/t.csv", "no such file"])
        Self.expectError(try Self.pof(["predict", Self.file("weight-zero.csv"), "--time", "time", "--event", "status",
                                       "--covariates", "x", "--new", dir]), ["is a directory"])
    }
}
