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
        for (key, rkey) in [("estimate", "estimate"), ("se", "se"), ("lower95", "lower"), ("upper95", "upper"),
                            ("p", "p")] {
            Self.expectClose(d[key], rd[rkey], "difference \(key)")
        }
        for name in ["ratio", "rmtl_ratio"] {
            let x = r.json[name] as! [String: Any], rx = ref[name] as! [String: Any]
            for (key, rkey) in [("estimate", "estimate"), ("log_se", "log_se"), ("lower95", "lower"),
                                ("upper95", "upper"), ("p", "p")] {
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
        Self.expectClose((x.json["groups"] as! [[String: Any]])[0]["rmst"],
                         (ref["groups"] as! [[String: Any]])[0]["rmst"], "extrapolated rmst")
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

    @Test func pairwiseMatchesR() throws {
        let r = try E.pof(["pairwise", E.data("lung.csv"), "--time", "time", "--event", "status", "--group", "ecog",
                           "--adjust", "holm", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let ref = try E.rCase("pairwise_logrank.json", "lung_ecog")
        let pairs = r.json["pairs"] as! [[String: Any]]
        let refPairs = ref["pairs"] as! [[String: Any]]
        let holm = (ref["adjusted"] as! [String: Any])["holm"] as! [Any]
        #expect(pairs.count == refPairs.count)
        for (k, (p, rp)) in zip(pairs, refPairs).enumerated() {
            #expect(p["group1"] as? String == rp["group1"] as? String
                    && p["group2"] as? String == rp["group2"] as? String)
            Self.expectClose(p["chisq"], rp["chisq"], "chisq \(k)")
            Self.expectClose(p["p"], rp["p"], "p \(k)")
            Self.expectClose(p["p_adjusted"], holm[k], "holm \(k)")
        }
        let text = try E.pof(["pairwise", E.data("lung.csv"), "--time", "time", "--event", "status", "--group", "ecog",
                              "--reference", "ecog0"])
        #expect(text.status == 0 && text.stdout.contains("each level against ecog0") && text.stdout.contains("BH"))
        let bad = try E.pof(["pairwise", E.data("lung.csv"), "--time", "time", "--event", "status", "--group", "ecog",
                             "--adjust", "tukey"])
        #expect(bad.status != 0 && bad.stderr.contains("--adjust"))
    }

    @Test func riskTableMatchesRInEveryFormat() throws {
        let ref = try E.rCase("risk_table.json", "lung_sex")
        let at = (ref["at"] as! [Any]).map { "\(($0 as! NSNumber).intValue)" }.joined(separator: ",")
        let args = ["km", E.data("lung.csv"), "--time", "time", "--event", "status", "--group", "sex",
                    "--risk-table", at]
        let j = try E.pof(args + ["--format", "json"])
        #expect(j.status == 0, "\(j.stderr)")
        let rows = j.json["risk_table"] as! [[String: Any]]
        var k = 0
        for s in ref["strata"] as! [[String: Any]] {
            let times = s["time"] as! [Any]
            for i in times.indices {
                let row = rows[k]; k += 1
                #expect(row["group"] as? String == s["group"] as? String)
                for (key, rkey) in [("time", "time"), ("n_risk", "n_risk"), ("n_event", "n_event"),
                                    ("n_censor", "n_censor")] {
                    Self.expectClose(row[key], (s[rkey] as! [Any])[i], "\(s["group"]!) \(key)[\(i)]")
                }
            }
        }
        #expect(k == rows.count)
        #expect(rows[0]["interval_start"] is NSNull)
        #expect(j.json["strata"] != nil)   // the curve is still there
        let c = try E.pof(args + ["--format", "csv"])
        let lines = c.stdout.split(separator: "\n")
        #expect(lines.first == "group,time,interval_start,n_risk,n_event,n_censor")
        #expect(lines.count == rows.count + 1)
        #expect(lines[1] == "1,0,NA,138,0,0")
        let t = try E.pof(args)
        #expect(t.stdout.contains("Number at risk") && t.stdout.contains("(0, 100]"))
    }

    @Test func landmarkMatchesR() throws {
        let ref = try E.rCase("landmark.json", "lung_sex_180")
        let km = try E.pof(["km", E.data("lung.csv"), "--time", "time", "--event", "status", "--group", "sex",
                            "--landmark", "180", "--at", "0,90,185,365,1000", "--format", "json"])
        #expect(km.status == 0, "\(km.stderr)")
        let input = (km.json["input"] as! [String: Any])["landmark"] as! [String: Any]
        #expect(input["excluded_events"] as? Int == ref["excluded_events"] as? Int)
        #expect(input["excluded_censored"] as? Int == ref["excluded_censored"] as? Int)
        #expect(km.json["rows_used"] as? Int == ref["n_rows_used"] as? Int)
        for (s, rs) in zip(km.json["strata"] as! [[String: Any]], ref["strata"] as! [[String: Any]]) {
            Self.expectClose(s["median"], rs["median"], "median")
            for (i, a) in (s["at"] as! [[String: Any]]).enumerated() {
                for (key, rkey) in [("n_risk", "n_risk"), ("surv", "surv"), ("std_err", "std_err"),
                                    ("lower95", "lower95"), ("upper95", "upper95")] {
                    Self.expectClose(a[key], (rs[rkey] as! [Any])[i], "\(rs["group"]!) \(key)[\(i)]")
                }
            }
        }
        let lr = try E.pof(["logrank", E.data("lung.csv"), "--time", "time", "--event", "status", "--group", "sex",
                            "--landmark", "180", "--format", "json"])
        #expect(lr.status == 0)
        Self.expectClose(lr.json["chisq"], (ref["logrank"] as! [String: Any])["chisq"], "log-rank chisq")
        let cox = try E.pof(["cox", E.data("lung.csv"), "--time", "time", "--event", "status",
                             "--covariates", "age,sex", "--landmark", "180", "--format", "json"])
        #expect(cox.status == 0, "\(cox.stderr)")
        let refCox = ref["cox"] as! [String: Any]
        for (k, term) in (cox.json["terms"] as! [[String: Any]]).enumerated() {
            #expect(E.close(term["coef"], (refCox["coef"] as! [Any])[k], rel: 1e-8), "coef \(k)")
            #expect(E.close(term["se"], (refCox["se"] as! [Any])[k], rel: 1e-8), "se \(k)")
        }
        let text = try E.pof(["km", E.data("lung.csv"), "--time", "time", "--event", "status", "--landmark", "180"])
        #expect(text.stdout.contains("Landmark at 180: times are measured from 180; 69 rows"))
        let bad = try E.pof(["cox", E.data("lung.csv"), "--time", "time", "--event", "status", "--covariates", "age",
                             "--landmark", "180", "--start", "age"])
        #expect(bad.status != 0 && bad.stderr.contains("--start"))
    }

    @Test(arguments: ["adtte.csv", "adtte.xpt", "adtte.json"])
    func adtteMatchesR(file: String) throws {
        let ref = try E.rCase("adtte.json", "adtte_pfs")
        let km = try E.pof(["km", E.data(file), "--adtte", "--paramcd", "PFS", "--group", "TRT01P",
                            "--at", "100,250.5,500", "--format", "json"])
        #expect(km.status == 0, "\(km.stderr)")
        #expect(km.json["time"] as? String == "AVAL" && km.json["event"] as? String == "CNSR=0")
        let adtte = (km.json["input"] as! [String: Any])["adtte"] as! [String: Any]
        #expect(adtte["paramcd"] as? String == "PFS" && adtte["other_endpoint_rows"] as? Int == 228)
        for (s, rs) in zip(km.json["strata"] as! [[String: Any]], ref["strata"] as! [[String: Any]]) {
            #expect(s["group"] as? String == rs["group"] as? String)
            Self.expectClose(s["n"], rs["n"], "n")
            Self.expectClose(s["median"], rs["median"], "median")
            for (i, a) in (s["at"] as! [[String: Any]]).enumerated() {
                Self.expectClose(a["surv"], (rs["surv"] as! [Any])[i], "surv[\(i)]")
                Self.expectClose(a["std_err"], (rs["std_err"] as! [Any])[i], "se[\(i)]")
                Self.expectClose(a["n_risk"], (rs["n_risk"] as! [Any])[i], "n_risk[\(i)]")
            }
        }
        let lr = try E.pof(["logrank", E.data(file), "--adtte", "--paramcd", "PFS", "--group", "TRT01P",
                            "--format", "json"])
        #expect(lr.status == 0, "\(lr.stderr)")
        Self.expectClose(lr.json["chisq"], (ref["logrank"] as! [String: Any])["chisq"], "log-rank chisq")
        let two = try E.pof(["km", E.data(file), "--adtte"])
        #expect(two.status == 1 && two.stderr.contains("choose one with --paramcd"))
    }

    /// `pof rmst` and `pof pairwise` read ADTTE data too: OS in adtte.xpt is lung's time/status, TRT01P its
    /// sex (Female = 2, Male = 1), so R's numbers for lung by sex apply.
    @Test func rmstAndPairwiseOnADTTE() throws {
        let r = try E.pof(["rmst", E.data("adtte.xpt"), "--adtte", "--paramcd", "OS", "--group", "TRT01P",
                           "--tau", "365", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let ref = try E.rCase("rmst.json", "lung_sex_tau365")
        let byLabel = ["Male": "1", "Female": "2"]
        for g in r.json["groups"] as! [[String: Any]] {
            let rg = (ref["groups"] as! [[String: Any]])
                .first { $0["group"] as? String == byLabel[g["group"] as! String] }!
            Self.expectClose(g["rmst"], rg["rmst"], "\(g["group"]!) rmst")
            Self.expectClose(g["se"], rg["se"], "\(g["group"]!) se")
        }
        #expect(((r.json["input"] as! [String: Any])["adtte"] as! [String: Any])["format"] as? String == "xpt")
        let p = try E.pof(["pairwise", E.data("adtte.json"), "--adtte", "--paramcd", "OS", "--group", "TRT01P",
                           "--format", "json"])
        #expect(p.status == 0, "\(p.stderr)")
        let os = try E.rCase("adtte.json", "adtte_os")
        let pair = (p.json["pairs"] as! [[String: Any]])[0]
        Self.expectClose(pair["chisq"], (os["logrank"] as! [String: Any])["chisq"], "pairwise chisq")
        Self.expectClose(pair["p_adjusted"], (os["logrank"] as! [String: Any])["p"], "one pair: adjusted p = p")
    }
}
