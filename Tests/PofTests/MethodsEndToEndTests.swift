import Foundation
import Testing

/// `pof rmst`, `pof pairwise`, `pof km --risk-table`, `--landmark` and `--adtte` run as a user would,
/// checked against R (Tests/Fixtures/r/{rmst,pairwise_logrank,risk_table,landmark}.json, written by
/// scripts/fixtures/make-methods-fixtures.R) at 1e-10 relative.
@Suite struct MethodsEndToEndTests {
    typealias E = EndToEndTests
    static let rel = 1e-10

    static func expectClose(_ a: Any?, _ b: Any?, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(E.close(a, b, rel: rel), "\(what): \(String(describing: a)) vs R \(String(describing: b))",
                sourceLocation: sourceLocation)
    }

    @Test func rmstTwoGroupsMatchesR() throws {
        let r = try E.pof(["rmst", E.data("lung.csv"), "--time", "time", "--event", "status", "--group", "sex",
                           "--tau", "730", "--conf-level", "0.9", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let ref = try E.rCase("rmst.json", "lung_sex_tau730_90")
        let groups = r.json["groups"] as! [[String: Any]]
        for (g, rg) in zip(groups, ref["groups"] as! [[String: Any]]) {
            #expect(g["group"] as? String == rg["group"] as? String)
            for (key, rkey) in [("rmst", "rmst"), ("se", "se"), ("lower95", "lower"), ("upper95", "upper")] {
                Self.expectClose(g[key], rg[rkey], "\(rg["group"]!) \(key)")
            }
        }
        let d = r.json["difference"] as! [String: Any], rd = ref["difference"] as! [String: Any]
        for (key, rkey) in [("estimate", "estimate"), ("se", "se"), ("lower95", "lower"), ("upper95", "upper"), ("p", "p")] {
            Self.expectClose(d[key], rd[rkey], "difference \(key)")
        }
        for name in ["ratio", "rmtl_ratio"] {
            let x = r.json[name] as! [String: Any], rx = ref[name] as! [String: Any]
            for (key, rkey) in [("estimate", "estimate"), ("log_se", "log_se"), ("lower95", "lower"), ("upper95", "upper"), ("p", "p")] {
                Self.expectClose(x[key], rx[rkey], "\(name) \(key)")
            }
        }
    }

    /// τ past a censored last follow-up: not estimable (null, reason, exit status 2) unless --extrapolate,
    /// which gives R survival's value with a warning.
    @Test func rmstBeyondFollowUp() throws {
        let args = ["rmst", E.data("aml.csv"), "--time", "time", "--event", "status", "--group", "x", "--tau", "200",
                    "--format", "json"]
        let r = try E.pof(args)
        #expect(r.status == 2)
        #expect(r.stderr.contains("beyond the last follow-up time 161"))
        let g = r.json["groups"] as! [[String: Any]]
        #expect(g[0]["rmst"] is NSNull)
        #expect((g[0]["not_estimable"] as? String)?.contains("161") == true)
        #expect(r.json["difference"] is NSNull || r.json["difference"] == nil)
        let x = try E.pof(args + ["--extrapolate"])
        #expect(x.status == 0, "\(x.stderr)")
        let ref = try E.rCase("rmst.json", "aml_tau200")
        Self.expectClose((x.json["groups"] as! [[String: Any]])[0]["rmst"], (ref["groups"] as! [[String: Any]])[0]["rmst"], "extrapolated rmst")
        #expect((x.json["warnings"] as! [String]).count == 1)
    }

    @Test func rmstBadTau() throws {
        let r = try E.pof(["rmst", E.data("aml.csv"), "--time", "time", "--event", "status", "--tau", "-1"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--tau"))
        let s = try E.pof(["rmst", E.data("aml.csv"), "--time", "time", "--event", "status", "--group", "x",
                           "--tau", "30", "--reference", "nope"])
        #expect(s.status == 1)
        #expect(s.stderr.contains("not a level of x"))
    }
}
