import Foundation
import Testing

/// `pof report` and `pof demo` run as a user would run them.
@Suite struct StudyEndToEndTests {
    static func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pof-study-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func results(_ dir: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("results.json")))
            as! [String: Any]
    }

    static func close(_ a: Any?, _ b: Double, _ tol: Double = 1e-12) -> Bool {
        guard let x = (a as? NSNumber)?.doubleValue else { return false }
        return abs(x - b) <= tol * max(1, abs(b))
    }

    /// The 8-patient cohort in Tests/Fixtures/cohort-small, whose every entry was worked out by hand:
    /// deaths on days 100, 200, 300, 400, 600 after RT end, censored on 500, 800, 1000 (Kaplan–Meier
    /// 7/8, 3/4, 5/8, 1/2, 1/3; median at the flat 0.5 = midpoint of days 400 and 600 = 500 days).
    @Test func reportOnTheHandMadeCohort() throws {
        let data = EndToEndTests.fixtures.appendingPathComponent("cohort-small")
        let out = try Self.tempDir()
        let r = try EndToEndTests.pof(["report", "--patients", data.appendingPathComponent("patients.csv").path,
                                       "--failures", data.appendingPathComponent("failures.csv").path,
                                       "--labs", data.appendingPathComponent("labs.csv").path,
                                       "--toxicities", data.appendingPathComponent("toxicities.csv").path,
                                       "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        for file in ["report.html", "report.md", "results.json", "plan.yaml", "tables/table1_characteristics.csv",
                     "tables/table4_toxicity.csv", "figures/figure1_survival.svg", "figures/figure2_patterns.svg"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
        }
        let j = try Self.results(out)
        let cohort = j["cohort"] as! [String: Any]
        #expect(cohort["patients"] as? Int == 8 && cohort["dead"] as? Int == 5 && cohort["alive"] as? Int == 2
                && cohort["unknown"] as? Int == 1 && cohort["withAnyFailure"] as? Int == 6)
        let survival = j["survival"] as! [[String: Any]]
        let os = survival.first { $0["endpoint"] as? String == "os" }!
        #expect(Self.close(os["median"], 500 / 30.4375))
        let rates = (os["rates"] as! [[String: Any]]).map { $0["estimate"] }
        #expect(Self.close(rates[0], 0.625) && Self.close(rates[1], 1.0 / 3))   // 12 months = 365.25 d, 24 = 730.5 d
        let infield = survival.first { $0["endpoint"] as? String == "pfs_infield" }!
        #expect(infield["median"] is NSNull)                                        // never below 0.75
        #expect(Self.close((infield["rates"] as! [[String: Any]])[0]["estimate"], 0.75))
        // landmark: P1 infield+extrahepatic on day 60, P3 outfield on day 91 (inside 91.31),
        // P6 infield on day 92 (outside)
        let patterns = j["patterns"] as! [String: Any]
        let landmark = patterns["landmark"] as! [String: Any]
        #expect(landmark["patientsWithFailure"] as? Int == 2)
        let sites = landmark["sites"] as! [[String: Any]]
        #expect(sites.map { $0["n"] as! Int } == [1, 1, 1])
        #expect(sites.map { $0["combined"] as! Int } == [1, 0, 1])
        let overall = (patterns["overall"] as! [String: Any])["sites"] as! [[String: Any]]
        #expect(overall.map { $0["n"] as! Int } == [2, 3, 4])
        #expect(overall.map { $0["combined"] as! Int } == [1, 2, 3])
        let organs = (patterns["extrahepaticOrgans"] as! [[String: Any]]).map { "\($0["category"]!):\($0["n"]!)" }
        #expect(organs == ["lung:2", "bone:1", "lymph node:1"])
        let response = ((j["response"] as! [String: Any])["atLandmark"] as! [[String: Any]]).map { $0["n"] as! Int }
        #expect(response == [1, 4, 2, 1])
        let tox = (j["toxicity"] as! [String: Any])["rows"] as! [[String: Any]]
        let grades = Dictionary(uniqueKeysWithValues: tox.map {
            ($0["term"] as! String, [$0["grade3"] as! Int, $0["grade4"] as! Int])
        })
        #expect(grades["Platelet count decreased"] == [1, 0])       // 40,000/mm³: v3 grade 3
        #expect(grades["Neutrophil count decreased"] == [0, 1])     // 400/mm³: grade 4
        #expect(grades["Aspartate aminotransferase increased"] == [1, 0])  // 6.25 × ULN: grade 3
        #expect(grades["GI mucositis/ulcer"] == [1, 0])
        let table1 = try String(contentsOf: out.appendingPathComponent("tables/table1_characteristics.csv"),
                                encoding: .utf8)
        #expect(table1.contains("56.5 (40–70)"))              // ages 40 45 50 55 58 60 65 70: whole ages as integers
        #expect(table1.contains("< 50,2 (25.0)"))
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<svg") && !html.contains("<script"))
        #expect(html.contains((j["provenance"] as! [String: Any])["inputs"].map { _ in "SHA-256" } ?? "missing"))
    }

    /// The demo cohort reproduces the paper's published counts exactly.
    @Test func demoMatchesThePublishedTables() throws {
        let out = try Self.tempDir()
        let r = try EndToEndTests.pof(["demo", "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("SYNTHETIC"))
        let j = try Self.results(out)
        #expect((j["provenance"] as! [String: Any])["synthetic"] as? Bool == true)
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("SYNTHETIC DATA"))
        let cohort = j["cohort"] as! [String: Any]
        #expect(cohort["dead"] as? Int == 115 && cohort["unknown"] as? Int == 2 && cohort["alive"] as? Int == 21)
        #expect(cohort["withAnyFailure"] as? Int == 106)
        // Table 1
        let t1 = j["table1"] as! [[String: Any]]
        func count(_ section: String, _ label: String) -> Int? {
            t1.first { $0["section"] as? String == section && $0["label"] as? String == label }?["n"] as? Int
        }
        #expect(count("Gender", "Male") == 120 && count("Gender", "Female") == 18)
        #expect(count("Viral type", "B") == 116 && count("Viral type", "C") == 9
                && count("Viral type", "non-B, non-C") == 13)
        #expect(count("Child-Pugh class", "A") == 125 && count("Child-Pugh class", "B") == 13)
        #expect(count("Modified UICC stage II", "T2N0M0") == 20 && count("Modified UICC stage III", "T3N0M0") == 65)
        #expect(count("Modified UICC stage IVA", "T4N0M0") == 41 && count("Modified UICC stage IVA", "T2N1M0") == 1)
        #expect(count("Modified UICC stage IVA", "T3N1M0") == 10 && count("Modified UICC stage IVA", "T4N1M0") == 1)
        #expect(count("Portal vein thrombosis", "Yes") == 77 && count("Lymph node metastasis", "Yes") == 12)
        #expect(count("Pre-CCRT AFP", "≥ 200") == 78 && count("Pre-CCRT PIVKA-II", "≥ 60") == 118)
        #expect(count("Pre-CCRT treatment history", "Yes (recurrence treatment group)") == 34)
        #expect(count("Radiotherapy technique", "3D-CRT") == 113 && count("Radiotherapy technique", "IMRT") == 25)
        #expect(count("Age", "< 50") == 37)
        let age = t1.first { $0["label"] as? String == "Age (median, years)" }!
        #expect(Self.close(age["median"], 55) && Self.close(age["min"], 33) && Self.close(age["max"], 79))
        // Table 2
        let response = ((j["response"] as! [String: Any])["atLandmark"] as! [[String: Any]]).map { $0["n"] as! Int }
        #expect(response == [4, 77, 45, 12])
        // 3-month failures (Fig. 2) and combined counts
        let landmark = (j["patterns"] as! [String: Any])["landmark"] as! [String: Any]
        #expect(landmark["patientsWithFailure"] as? Int == 47)
        let sites = landmark["sites"] as! [[String: Any]]
        #expect(sites.map { $0["n"] as! Int } == [12, 26, 27])
        #expect(sites.map { $0["combined"] as! Int } == [7, 13, 14])
        let overall = (j["patterns"] as! [String: Any])["overall"] as! [String: Any]
        #expect(overall["patientsWithFailure"] as? Int == 106)
        #expect((overall["sites"] as! [[String: Any]])[0]["n"] as? Int == 46)
        // Table 4 (grade 3, grade 4)
        let tox = (j["toxicity"] as! [String: Any])["rows"] as! [[String: Any]]
        let g = Dictionary(uniqueKeysWithValues: tox.map {
            ($0["term"] as! String, [$0["grade3"] as! Int, $0["grade4"] as! Int])
        })
        #expect(g["Neutrophil count decreased"] == [14, 3])
        #expect(g["Anemia"] == [2, 3])
        #expect(g["Platelet count decreased"] == [21, 2])
        #expect(g["Aspartate aminotransferase increased"] == [19, 8])
        #expect(g["Alanine aminotransferase increased"] == [11, 2])
        #expect(g["Blood bilirubin increased"] == [5, 11])
        #expect(g["GI mucositis/ulcer"] == [5, 0])
    }

    @Test func invalidCohortListsEveryProblemAndStops() throws {
        let dir = try Self.tempDir()
        let patients = """
        id,age,sex,pvt,total_dose_gy,fractions,rt_start,rt_end,last_followup,vital_status,death_date
        P1,45,M,yes,45,25,2005-01-03,2005-01-31,2005-08-19,dead,
        P1,150,X,maybe,45,25,2005-01-03,2004-12-31,2005-08-19,alive,
        """
        let failures = "id,date,site,organ\nP9,2005-03-01,infield,\nP1,2005-13-01,outside,\n"
        try patients.write(to: dir.appendingPathComponent("patients.csv"), atomically: true, encoding: .utf8)
        try failures.write(to: dir.appendingPathComponent("failures.csv"), atomically: true, encoding: .utf8)
        let r = try EndToEndTests.pof(["report", "--patients", dir.appendingPathComponent("patients.csv").path,
                                       "--failures", dir.appendingPathComponent("failures.csv").path,
                                       "--out", dir.appendingPathComponent("out").path])
        #expect(r.status != 0)
        for fragment in ["patients.csv, row 2, column \"death_date\"", "row 3, column \"id\"", "column \"age\"",
                         "column \"sex\"", "column \"pvt\"", "column \"rt_end\"", "failures.csv, row 2, column \"id\"",
                         "failures.csv, row 3, column \"date\"", "failures.csv, row 3, column \"site\""] {
            #expect(r.stderr.contains(fragment), "missing: \(fragment)\n\(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/report.html").path))
    }
}
