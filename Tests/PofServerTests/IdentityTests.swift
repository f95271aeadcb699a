import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import PofServer

/// The explorer's and the calculator's numbers are exactly those of the commands: the explorer table
/// fetched from the API is given to `pof km`, `pof logrank` and `pof cuminc`, whose JSON must equal the
/// API's `km`, `logrank` and `cuminc` objects value for value; the calculator's assessment must equal
/// `pof assess --format json` for the same patient.
@Suite struct IdentityTests {
    static func compare(_ client: some TestClientProtocol, session id: String, query: String, at: String) async throws {
        let api = try await client.execute(uri: "/api/sessions/\(id)/explorer?\(query)&at=\(at)", method: .get) { r in
            #expect(r.status == .ok, "\(query): \(String(buffer: r.body).prefix(300))")
            return String(buffer: r.body)
        }
        let csv = try await client.execute(uri: "/api/sessions/\(id)/explorer.csv?\(query)", method: .get) {
            String(buffer: $0.body)
        }
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("pof-serve-identity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("explorer.csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let result = try #require(Support.object(api))

        let km = try Support.pof(["km", file.path, "--time", "time", "--event", "event", "--group", "group",
                                  "--at", at, "--format", "json"])
        #expect(km.status == 0, "\(km.stderr)")
        let kmAPI = try #require(result["km"] as? NSDictionary)
        #expect(Support.object(km.stdout) == kmAPI, "km \(query)")
        #expect(((kmAPI["strata"] as? [Any])?.count ?? 0) >= 2, "\(query): more than one group")

        let lr = try Support.pof(["logrank", file.path, "--time", "time", "--event", "event", "--group", "group",
                                  "--format", "json"])
        #expect(Support.object(lr.stdout) == (result["logrank"] as? NSDictionary), "logrank \(query)")
        #expect((result["logrank"] as? NSDictionary)?["p"] is Double, "\(query): a P value")

        if let cif = result["cuminc"] as? NSDictionary {
            let ci = try Support.pof(["cuminc", file.path, "--time", "time", "--event", "cause", "--group", "group",
                                      "--at", at, "--format", "json"])
            #expect(Support.object(ci.stdout) == cif, "cuminc \(query)")
        }
    }

    @Test func explorerEqualsTheCommandsOnTheDemo() async throws {
        try await Support.app().test(.router) { client in
            let id = try await Support.session(client)
            let outcome = try await client.execute(uri: "/api/sessions/\(id)/demo", method: .post) {
                Support.json($0.body)
            }
            let endpoints = (outcome["endpoints"] as? [[String: Any]] ?? []).map { $0["name"] as! String }
            let factors = (outcome["factors"] as? [[String: Any]] ?? []).map { $0["name"] as! String }
            #expect(endpoints.count >= 2 && factors.count >= 3)
            var cumincSeen = false
            for e in endpoints {
                for f in factors {
                    try await Self.compare(client, session: id, query: "endpoint=\(e)&factor=\(f)", at: "6,12,24")
                }
                try await Self.compare(client, session: id, query: "endpoint=\(e)&variable=age&cut=50,65", at: "12")
                try await Self.compare(client, session: id, query: "endpoint=\(e)&variable=sex", at: "12")
                let r = try await client.execute(uri: "/api/sessions/\(id)/explorer?endpoint=\(e)&factor=\(factors[0])",
                                                 method: .get) { Support.json($0.body) }
                cumincSeen = cumincSeen || r["cuminc"] is [String: Any]
            }
            #expect(cumincSeen, "a failure endpoint has the cumulative-incidence view")
        }
    }

    @Test func explorerEqualsTheCommandsOnTheSmallCohort() async throws {
        try await Support.app().test(.router) { client in
            let id = try await Support.session(client)
            try await Support.uploadFixture(client, id)
            let outcome = try await client.execute(uri: "/api/sessions/\(id)/study", method: .post) {
                Support.json($0.body)
            }
            #expect(outcome["status"] as? String == "analysed")
            try await Self.compare(client, session: id, query: "endpoint=os&factor=pvt", at: "12")
            try await Self.compare(client, session: id, query: "endpoint=os&variable=age&cut=55", at: "6,12")
        }
    }

    @Test func calculatorEqualsPofAssess() async throws {
        try await Support.app().test(.router) { client in
            let id = try await Support.session(client)
            _ = try await client.execute(uri: "/api/sessions/\(id)/demo", method: .post)
            let form = try await client.execute(uri: "/api/sessions/\(id)/profile", method: .get) {
                Support.json($0.body)
            }
            let names = (form["fields"] as? [[String: Any]] ?? []).map { $0["name"] as! String }
            #expect(Set(names) == ["age", "muicc_stage", "pvt", "prior_treatment", "afp", "pivka"], "\(names)")

            // PIVKA-II not known (every model refuses: no curve), then known (every model predicts).
            for pivka in ["unknown", "120"] {
                let values = ["age": "45", "muicc_stage": "III", "pvt": "yes", "prior_treatment": "TACE", "afp": "350",
                              "pivka": pivka]
                let body = try JSONSerialization.data(withJSONObject: ["values": values])
                let api = try await client.execute(uri: "/api/sessions/\(id)/assess", method: .post,
                                                   body: ByteBuffer(bytes: body)) { r in
                    #expect(r.status == .ok)
                    return Support.object(String(buffer: r.body))
                }
                let cli = try Support.pof(["assess", "--demo", "--age", "45", "--stage", "III", "--pvt", "yes",
                                           "--prior-treatment", "TACE", "--afp", "350", "--pivka", pivka,
                                           "--format", "json"])
                #expect(cli.status == 0, "\(cli.stderr)")
                let assessment = try #require(api?["assessment"] as? NSDictionary)
                #expect(Support.object(cli.stdout) == assessment)

                // The predicted curves: one per endpoint with predictions, equal to the assessment at its times.
                let curves = try #require(api?["curves"] as? [NSDictionary])
                let predictions = try #require(assessment["predictions"] as? [NSDictionary])
                #expect(curves.count == Set(predictions.map { $0["endpoint"] as! String }).count)
                #expect(curves.count == (pivka == "unknown" ? 0 : 4), "pivka \(pivka)")
                #expect((api?["figures"] as? [String])?.count == curves.count)
                for p in predictions {
                    let c = try #require(curves.first { $0["endpoint"] as? String == p["endpoint"] as? String })
                    let time = c["time"] as! [Double], t = p["time"] as! Double
                    let k = time.lastIndex { $0 <= t }!
                    #expect((c["survival"] as! [Any])[k] as? Double == p["probability"] as? Double)
                    #expect((c["lower95"] as! [Any])[k] as? Double == p["lower95"] as? Double)
                    #expect((c["upper95"] as! [Any])[k] as? Double == p["upper95"] as? Double)
                }
            }

            // A missing value is refused with `pof assess`'s message.
            let partial = try JSONSerialization.data(withJSONObject: ["values": ["age": "45"]])
            try await client.execute(uri: "/api/sessions/\(id)/assess", method: .post,
                                     body: ByteBuffer(bytes: partial)) { r in
                #expect(r.status == .unprocessableContent)
                #expect((Support.json(r.body)["error"] as? String)?.contains("say it is not known") == true)
            }
            let bad = try JSONSerialization.data(withJSONObject: ["values": ["age": "old"]])
            try await client.execute(uri: "/api/sessions/\(id)/assess", method: .post,
                                     body: ByteBuffer(bytes: bad)) { r in
                #expect(r.status == .unprocessableContent)
                #expect((Support.json(r.body)["error"] as? String)?.contains("age \"old\"") == true)
            }
        }
    }
}
