import Foundation
import Testing

/// `pof cuminc`, `pof finegray` and `pof predict` against R (cmprsk 2.2 / survival 3.5 fixtures).
@Suite struct CompetingRiskEndToEndTests {
    @Test func cumincMatchesCmprsk() throws {
        let ref = try EndToEndTests.rCase("cmprsk.json", "melanoma_sex")
        let at = (ref["timepoints"] as! [Any]).map { "\($0)" }.joined(separator: ",")
        let r = try EndToEndTests.pof(["cuminc", EndToEndTests.data("melanoma.csv"), "--time", "time",
                                       "--event", "status", "--group", "sex", "--at", at, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let curves = r.json["curves"] as! [[String: Any]]
        for rc in ref["curves"] as! [[String: Any]] {
            let cause = Int(rc["cause"] as! String)!
            guard let c = curves.first(where: {
                $0["group"] as? String == rc["group"] as? String && $0["cause"] as? Int == cause
            })
            else { Issue.record("no curve \(rc["group"]!) cause \(cause)"); continue }
            let points = c["at"] as! [[String: Any]]
            for (k, (e, v)) in zip(rc["at_est"] as! [Any], rc["at_var"] as! [Any]).enumerated() {
                #expect(EndToEndTests.close(points[k]["estimate"], e), "estimate \(k)")
                #expect(EndToEndTests.close(points[k]["variance"], v), "variance \(k)")
            }
        }
        let gray = r.json["gray"] as! [[String: Any]]
        for t in ref["tests"] as! [[String: Any]] {
            let g = gray.first { $0["cause"] as? Int == Int(t["cause"] as! String)! }!
            #expect(EndToEndTests.close(g["statistic"], t["statistic"]))
            #expect(EndToEndTests.close(g["p"], t["p"]))
        }
    }

    @Test func finegrayMatchesCrr() throws {
        let ref = try EndToEndTests.rCase("cmprsk.json", "melanoma_sex")
        let crr = (ref["crr"] as! [[String: Any]]).first { $0["failcode"] as? Int == 1 }!
        let r = try EndToEndTests.pof(["finegray", EndToEndTests.data("melanoma.csv"), "--time", "time",
                                       "--event", "status", "--cause", "1", "--covariates", "age,sex,thickness",
                                       "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.json["n"] as? Int == crr["n"] as? Int)
        for (t, rt) in zip(r.json["terms"] as! [[String: Any]], crr["terms"] as! [[String: Any]]) {
            #expect(t["term"] as? String == rt["term"] as? String)
            for key in ["coef", "se", "hr", "lower95", "upper95", "p"] {
                #expect(EndToEndTests.close(t[key], rt[key]), "\(rt["term"]!) \(key)")
            }
        }
    }

    @Test func predictMatchesSurvfitCoxph() throws {
        let ref = try EndToEndTests.rCase("survfit_coxph.json", "lung_age_sex_efron")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pof-predict-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "age,sex\n60,1\n70,2\n".write(to: dir.appendingPathComponent("new.csv"), atomically: true, encoding: .utf8)
        let curves = ref["curves"] as! [[String: Any]]
        let times = Array((curves[0]["time"] as! [Any]).prefix(40))
        let r = try EndToEndTests.pof(["predict", EndToEndTests.data("lung.csv"), "--time", "time", "--event", "status",
                                       "--covariates", "age,sex", "--new", dir.appendingPathComponent("new.csv").path,
                                       "--at", times.map { "\($0)" }.joined(separator: ","), "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let patients = r.json["patients"] as! [[String: Any]]
        #expect(patients.map { $0["row"] as! Int } == [2, 3])
        for (p, c) in zip(patients, curves) {
            for (k, a) in (p["at"] as! [[String: Any]]).enumerated() {
                #expect(EndToEndTests.close(a["surv"], (c["surv"] as! [Any])[k]), "surv \(k)")
                #expect(EndToEndTests.close(a["std_err"], (c["std_err"] as! [Any])[k]), "std_err \(k)")
                #expect(EndToEndTests.close(a["lower95"], (c["lower95"] as! [Any])[k]), "lower \(k)")
            }
        }
        try "age,sex\n60,\n".write(to: dir.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let bad = try EndToEndTests.pof(["predict", EndToEndTests.data("lung.csv"), "--time", "time",
                                         "--event", "status", "--covariates", "age,sex",
                                         "--new", dir.appendingPathComponent("bad.csv").path])
        #expect(bad.status != 0 && bad.stderr.contains("bad.csv, row 2, column \"sex\""))
    }
}
