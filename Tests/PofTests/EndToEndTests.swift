import Foundation
import Testing

/// Runs the built `pof` executable as a user would and checks its JSON against R's numbers
/// (Tests/Fixtures/r/*.json, produced by scripts/fixtures/make-survival-fixtures.R).
@Suite struct EndToEndTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] ?? [:]
        }
    }

    static func pof(_ arguments: [String]) throws -> Run {
        let binary = Bundle.main.bundleURL.appendingPathComponent("pof")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                   stderr: String(decoding: e, as: UTF8.self))
    }

    static func data(_ name: String) -> String { fixtures.appendingPathComponent("data/\(name)").path }

    static func rCase(_ file: String, _ name: String) throws -> [String: Any] {
        let d = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("r/\(file)")))
            as! [String: Any]
        return (d["cases"] as! [[String: Any]]).first { $0["name"] as? String == name }!
    }

    /// Equal to 1e-6 relative; a value R reports as NA, NaN or ±Inf must be `null` in pof's JSON
    /// (its documented encoding of non-finite numbers).
    static func close(_ a: Any?, _ b: Any?, rel: Double = 1e-6) -> Bool {
        let missing = { (v: Any?) in v == nil || v is NSNull || ["Inf", "-Inf", "NaN"].contains(v as? String ?? "") }
        if missing(b) { return a == nil || a is NSNull }
        guard let x = (a as? NSNumber)?.doubleValue, let y = (b as? NSNumber)?.doubleValue else { return false }
        return abs(x - y) <= rel * max(abs(x), abs(y)) || abs(x - y) < 1e-12
    }

    @Test func kmByGroupMatchesR() throws {
        let r = try Self.pof(["km", Self.data("lung.csv"), "--time", "time", "--event", "status", "--group", "sex",
                              "--at", "180,365,730", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let ref = try Self.rCase("km.json", "lung_sex")
        let strata = r.json["strata"] as! [[String: Any]]
        let refStrata = ref["strata"] as! [[String: Any]]
        #expect(strata.map { $0["group"] as! String } == ["1", "2"])
        for (s, rs) in zip(strata, refStrata) {
            for key in ["n", "events", "median", "median_lower95", "median_upper95"] {
                #expect(Self.close(s[key], rs[key]),
                        "\(key): \(String(describing: s[key])) vs \(String(describing: rs[key]))")
            }
            for (a, ra) in zip(s["at"] as! [[String: Any]], rs["at"] as! [[String: Any]]) {
                for key in ["time", "n_risk", "n_event", "surv", "std_err", "lower95", "upper95"] {
                    #expect(Self.close(a[key], ra[key]), "at \(key)")
                }
            }
        }
        #expect((r.json["excluded"] as! [Any]).isEmpty)
    }

    @Test func kmMissingValuesAreReported() throws {
        let r = try Self.pof(["km", Self.data("missing.csv"), "--time", "time", "--event", "status",
                              "--group", "sex_label", "--format", "json"])
        #expect(r.status == 0)
        let ref = try Self.rCase("km.json", "missing_sex_label")
        #expect(r.json["rows_used"] as? Int == ref["n_rows_used"] as? Int)
        let excluded = r.json["excluded"] as! [[String: Any]]
        #expect(!excluded.isEmpty)
        #expect((r.json["excluded_rows"] as! Int) > 0)
        let text = try Self.pof(["km", Self.data("missing.csv"), "--time", "time", "--event", "status",
                                 "--group", "sex_label"])
        #expect(text.stdout.contains("rows excluded for missing values"))
        // CSV keeps stdout pure CSV and reports the exclusion on stderr
        let csv = try Self.pof(["km", Self.data("missing.csv"), "--time", "time", "--event", "status",
                                "--group", "sex_label", "--format", "csv"])
        #expect(csv.status == 0 && csv.stdout.hasPrefix("group,time,n_risk"))
        #expect(csv.stderr.contains("rows excluded for missing values"))
    }

    @Test func logrankMatchesR() throws {
        let r = try Self.pof(["logrank", Self.data("lung.csv"), "--time", "time", "--event", "status", "--group", "sex",
                              "--strata", "ph.ecog", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let ref = try Self.rCase("logrank.json", "lung_sex_strata_ecog")
        #expect(Self.close(r.json["chisq"], ref["chisq"]))
        #expect(Self.close(r.json["p"], ref["p"]))
        #expect(r.json["df"] as? Int == ref["df"] as? Int)
        for (g, rg) in zip(r.json["groups"] as! [[String: Any]], ref["groups"] as! [[String: Any]]) {
            #expect(g["group"] as? String == rg["group"] as? String)
            #expect(Self.close(g["observed"], rg["observed"]))
            #expect(Self.close(g["expected"], rg["expected"]))
        }
    }

    @Test(arguments: [("lung_ecog_categorical", ["--covariates", "age,ecog"]),
                      ("lung_sex_label_ref_male", ["--covariates", "age,sex_label", "--reference", "sex_label=Male"]),
                      ("lung_efron_robust", ["--covariates", "age,sex,ph.ecog", "--robust"]),
                      ("one_patient_level", ["--covariates", "age,sex,ecog"])])
    func coxMatchesR(name: String, options: [String]) throws {
        let ref = try Self.rCase("cox.json", name)
        let r = try Self.pof(["cox", Self.data(ref["data"] as! String), "--time", "time", "--event", "status", "--zph",
                              "--format", "json"] + options)
        #expect(r.status == 0, "\(r.stderr)")
        let terms = r.json["terms"] as! [[String: Any]]
        let refTerms = ref["terms"] as! [[String: Any]]
        #expect(terms.map { $0["term"] as! String } == refTerms.map { $0["term"] as! String })
        for (t, rt) in zip(terms, refTerms) {
            // A term that is not estimable keeps R's coef and se, but shows no hazard ratio, limits, z or p.
            let estimable = (t["estimability"] as? [String: Any])?["estimable"] as? Bool ?? false
            for key in ["coef", "se"] + (estimable ? ["hr", "lower95", "upper95", "z", "p"] : []) {
                #expect(Self.close(t[key], rt[key]),
                        "\(name) \(t["term"]!) \(key): \(String(describing: t[key])) vs \(String(describing: rt[key]))")
            }
            if !estimable {
                for key in ["hr", "lower95", "upper95", "z", "p"] {
                    #expect(t[key] is NSNull, "\(name) \(t["term"]!) \(key)")
                }
            }
        }
        let tests = r.json["tests"] as! [String: [String: Any]]
        let refTests = ref["tests"] as! [String: [String: Any]]
        for key in ["likelihood_ratio", "wald", "score"] {
            #expect(Self.close(tests[key]!["statistic"], refTests[key]!["statistic"]), "\(key)")
        }
        let conc = r.json["concordance"] as! [String: Any], refConc = ref["concordance"] as! [String: Any]
        #expect(Self.close(conc["estimate"], refConc["estimate"]))
        #expect(Self.close(conc["se"], refConc["se"]))
        let warnings = r.json["warnings"] as! [String]
        for w in ref["warnings"] as! [String] { #expect(warnings.contains(w)) }
    }

    @Test func badInputNamesFileRowAndColumn() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pof-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let bad = dir.appendingPathComponent("bad.csv")
        try "time,status,age\n10,1,50\n12,2,61\n".write(to: bad, atomically: true, encoding: .utf8)
        let r = try Self.pof(["km", bad.path, "--time", "time", "--event", "status"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("bad.csv") && r.stderr.contains("row 3") && r.stderr.contains("status")
                && r.stderr.contains("\"2\""))
        let unknown = try Self.pof(["cox", bad.path, "--time", "time", "--event", "status", "--covariates", "weight"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("weight"))
        let missingFile = try Self.pof(["km", dir.appendingPathComponent("none.csv").path, "--time", "t",
                                        "--event", "e"])
        #expect(missingFile.status != 0)
        #expect(missingFile.stderr.contains("none.csv"))
    }
}
