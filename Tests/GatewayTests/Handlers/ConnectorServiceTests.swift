import Connectors
import Foundation
import Gateway
import HTTP
import Testing

@Suite("Gateway connector endpoints")
struct ConnectorServiceTests {
    @Test("GET /connectors lists every connector with its operations, its reply text's bounds and whether this tenant is configured")
    func listing() async throws {
        let harness = ApplicationHarness(tenantCredentials: [.wildberries])
        let response = try await harness.send(.get, "/connectors")
        #expect(response.status == .ok)
        let connectors = try #require(response.json["connectors"] as? [[String: Any]])
        #expect(connectors.count == 2)
        #expect(connectors[0]["marketplace"] as? String == "ozon")
        #expect(connectors[0]["configured"] as? Bool == false)
        #expect(connectors[0]["operations"] as? [String] == ["list_items", "item", "reply", "updates"])
        #expect(connectors[0]["reply_length"] as? [String: Int] == ["min": 1, "max": 1000])
        #expect(connectors[0]["reply_replaces"] as? Bool == false)
        #expect(connectors[1]["reply_replaces"] as? Bool == true)
        #expect(connectors[1]["marketplace"] as? String == "wildberries")
        #expect(connectors[1]["reply_length"] as? [String: Int] == ["min": 2, "max": 5000])
        #expect(connectors[1]["configured"] as? Bool == true)
    }

    @Test("a connector's descriptor shows its upstream hosts before any call, none without credentials, and 404 for an unknown one")
    func descriptor() async throws {
        let harness = ApplicationHarness(tenantCredentials: [.wildberries])
        let known = try await harness.send(.get, "/connectors/wildberries/review")
        let notConfigured = try await harness.send(.get, "/connectors/ozon/chat")
        let unknown = try await harness.send(.get, "/connectors/etsy/review")
        #expect(known.json["channel"] as? String == "review")
        #expect(known.json["configured"] as? Bool == true)
        #expect(known.json["reply_length"] as? [String: Int] == ["min": 2, "max": 5000])
        let upstreams = try #require(known.json["upstreams"] as? [[String: Any]])
        #expect(upstreams.count == 1)
        #expect(upstreams.first?["host"] as? String == "wildberries.example")
        #expect(upstreams.first?["circuit"] as? String == "closed")
        #expect(upstreams.first?["rate_budget"] as? [String: Int] == ["available": 3, "burst": 3, "interval_ms": 250])
        #expect(harness.review.replies.isEmpty && harness.review.lastQuery == nil)
        #expect(notConfigured.json["configured"] as? Bool == false)
        #expect((notConfigured.json["upstreams"] as? [Any])?.isEmpty == true)
        #expect(unknown.status.code == 404)
        #expect(unknown.json["code"] as? String == "unknown_connector")
    }

    @Test("listing pages to the end with sealed cursors, GET and POST alike")
    func pagination() async throws {
        let harness = ApplicationHarness()
        var ids: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let response: HTTPResponse
            if pages.isMultiple(of: 2) {
                let query = cursor.map { "&cursor=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" } ?? ""
                response = try await harness.send(.get, "/connectors/wildberries/review/items?limit=20\(query)")
            } else {
                let body = try JSONSerialization.data(withJSONObject: ["limit": 20, "cursor": cursor as Any])
                response = try await harness.send(.post, "/connectors/wildberries/review/items", body: String(decoding: body, as: UTF8.self))
            }
            #expect(response.status == .ok)
            let items = try #require(response.json["items"] as? [[String: Any]])
            ids += items.compactMap { $0["id"] as? String }
            #expect(response.json.keys.contains("next_cursor"))
            cursor = response.json["next_cursor"] as? String
            pages += 1
        } while cursor != nil && pages < 10
        #expect(pages == 3)
        #expect(ids == (0..<45).map { "item-\($0)" })
    }

    @Test("given a cursor, when the next page leaves the filters out, then they are the first page's; given different ones, then 400 names each")
    func cursorKeepsFilters() async throws {
        let harness = ApplicationHarness()
        let first = try await harness.send(.get, "/connectors/wildberries/review/items?status=unanswered&since=2026-05-01T00:00:00Z&limit=2")
        let cursor = try #require(first.json["next_cursor"] as? String)
        let escaped = cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let path = "/connectors/wildberries/review/items"

        let plain = try await harness.send(.get, "\(path)?limit=2&cursor=\(escaped)")
        #expect(plain.status == .ok)
        #expect(harness.review.lastQuery?.status == .unanswered)
        #expect(harness.review.lastQuery?.since == Timestamp(secondsSinceEpoch: 1_777_593_600))
        #expect(harness.review.lastQuery?.cursor?["_f"] == nil)
        let third = try #require(plain.json["next_cursor"] as? String)

        let same = try await harness.send(.post, path, body: "{\"status\":\"unanswered\",\"since\":\"2026-05-01T03:00:00+03:00\",\"cursor\":\"\(third)\"}")
        #expect(same.status == .ok)

        let other = try await harness.send(.get, "\(path)?status=answered&since=2026-06-01T00:00:00Z&cursor=\(escaped)")
        #expect(other.status.code == 400)
        let errors = try #require(other.json["errors"] as? [[String: String]])
        #expect(errors.compactMap { $0["field"] } == ["status", "since"])
        #expect(errors.first?["message"]?.contains("(unanswered)") == true)
        let all = try await harness.send(.get, "\(path)?status=all&cursor=\(escaped)")
        #expect(all.status.code == 400)
    }

    @Test("items carry the unified fields, RFC 3339 dates, and raw only on request")
    func itemShape() async throws {
        let harness = ApplicationHarness()
        let plain = try await harness.send(.get, "/connectors/wildberries/review/items/item-3")
        let raw = try await harness.send(.get, "/connectors/wildberries/review/items/item-3?include_raw=true")
        #expect(plain.json["id"] as? String == "item-3")
        #expect(plain.json["created_at"] as? String == "2026-05-28T20:26:43.000Z")
        #expect(plain.json["status"] as? String == "answered")
        #expect(plain.json["raw"] == nil)
        #expect((raw.json["raw"] as? [String: Any])?["id"] as? String == "item-3")
    }

    @Test("given a marketplace that quotes the tenant's token in its error, when the problem is rendered, then the token is not in it")
    func credentialRedacted() async throws {
        let harness = ApplicationHarness(tenantCredentials: [.wildberries])
        harness.review.failNext(with: .upstreamAuthFailed(UpstreamFailure(marketplace: .wildberries, status: 401,
                                                                          message: "token wb-token is not valid")))
        let response = try await harness.send(.get, "/connectors/wildberries/review/items")
        #expect(response.status.code == 502)
        #expect(!response.text.contains("wb-token"), "\(response.text)")
        #expect((response.json["upstream"] as? [String: Any])?["message"] as? String == "token [redacted] is not valid")
    }

    @Test("a forged or foreign cursor is 400 invalid_request on the cursor field")
    func tamperedCursor() async throws {
        let harness = ApplicationHarness()
        let first = try await harness.send(.get, "/connectors/wildberries/review/items?limit=5")
        let cursor = try #require(first.json["next_cursor"] as? String)
        // Edited in the middle of each part and still valid base64url (its last character would
        // mostly not be, and be refused before the MAC is looked at): the payload names another
        // position, the tag has one character changed.
        let parts = cursor.split(separator: ".", omittingEmptySubsequences: false)
        try #require(parts.count == 2)
        var payload = try #require(Base64URL.decode(parts[0]))
        let digits = payload.indices.filter { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(payload[$0]) }
        let edited = try #require(digits.min { abs($0 - payload.count / 2) < abs($1 - payload.count / 2) }, "\(payload)")
        payload[edited] = UInt8(ascii: "0") + (payload[edited] - UInt8(ascii: "0") + 1) % 10
        var tag = Array(parts[1])
        tag[tag.count / 2] = tag[tag.count / 2] == "A" ? "B" : "A"
        var responses: [HTTPResponse] = []
        for tampered in [Base64URL.encode(payload) + "." + parts[1], parts[0] + "." + String(tag)] {
            responses.append(try await harness.send(.post, "/connectors/wildberries/review/items", body: "{\"cursor\":\"\(tampered)\"}"))
        }
        let foreign = try await harness.send(.post, "/connectors/ozon/chat/items", body: "{\"cursor\":\"\(cursor)\"}")
        for response in responses + [foreign] {
            #expect(response.status.code == 400)
            #expect((response.json["errors"] as? [[String: String]])?.first?["field"] == "cursor")
            #expect(response.json["detail"] as? String == "cursor is not one this server issued for this connector and tenant")
        }
    }

    @Test("bad list parameters get 400 with one error per field", arguments: [
        ("{\"limit\":0}", ["limit"]),
        ("{\"limit\":101}", ["limit"]),
        ("{\"limit\":2.5}", ["limit"]),
        ("{\"limit\":4.9999999999999999999}", ["limit"]),
        ("{\"limit\":100.00000000000000001}", ["limit"]),
        ("{\"limit\":\"20\"}", ["limit"]),
        ("{\"status\":\"pending\",\"since\":\"yesterday\"}", ["status", "since"]),
        ("{\"include_raw\":1}", ["include_raw"]),
        ("{\"colour\":\"red\"}", ["colour"]),
        ("{\"limit\":5,\"limit\":6}", ["limit"]),
        ("{\"since\":\"2026-11-31T00:00:00Z\"}", ["since"]),
        ("{\"since\":\"2026-02-29T12:00:00+03:00\"}", ["since"]),
        // forms upstreams send but RFC 3339 does not have
        ("{\"since\":\"2026-11-01T00:00:00+0300\"}", ["since"]),
        ("{\"since\":\"2026-11-01 00:00:00Z\"}", ["since"]),
    ])
    func validation(body: String, fields: [String]) async throws {
        let harness = ApplicationHarness()
        let response = try await harness.send(.post, "/connectors/wildberries/review/items", body: body)
        #expect(response.status.code == 400)
        let errors = try #require(response.json["errors"] as? [[String: String]])
        #expect(Set(errors.compactMap { $0["field"] }) == Set(fields))
    }

    @Test("given a POST with a query string, when sent, then it is 400 naming each parameter, and the connector is not called",
          arguments: ["/items?status=bogus&limit=1", "/items/item-2/reply?text=hi", "/items/item-2/read?x", "/updates?limit=5"])
    func postWithQuery(path: String) async throws {
        let harness = ApplicationHarness()
        let body = path.contains("reply") ? "{\"text\":\"Спасибо!\"}" : ""
        let response = try await harness.send(.post, "/connectors/wildberries/review\(path)", body: body)
        #expect(response.status.code == 400)
        let errors = try #require(response.json["errors"] as? [[String: String]])
        let names = path.split(separator: "?")[1].split(separator: "&").map { String($0.split(separator: "=")[0]) }
        #expect(errors.compactMap { $0["field"] } == names)
        #expect(harness.review.lastQuery == nil && harness.review.replies.isEmpty && harness.review.reads.isEmpty)
    }

    @Test("given a GET with a JSON body (as some client libraries send filters), then it is 400 on body, beside any query error, and the connector is not called",
          arguments: ["/items", "/items?limit=0", "/updates", "/items/item-2"])
    func getWithBody(path: String) async throws {
        let harness = ApplicationHarness()
        let response = try await harness.send(.get, "/connectors/wildberries/review\(path)", body: #"{"limit":1,"status":"bogus"}"#)
        #expect(response.status.code == 400)
        let fields = (response.json["errors"] as? [[String: String]])?.compactMap { $0["field"] } ?? []
        #expect(fields == (path.contains("limit=0") ? ["body", "limit"] : ["body"]))
        // The advice names a POST only where the route has one: one item's route has none.
        let message = (response.json["errors"] as? [[String: String]])?.first?["message"] ?? ""
        #expect(message.contains("POST them") == !path.hasPrefix("/items/"), "\(message)")
        #expect(harness.review.lastQuery == nil)
    }

    @Test("given a bad cursor beside other bad fields, when listed, then every field is reported")
    func cursorWithOthers() async throws {
        let harness = ApplicationHarness()
        let response = try await harness.send(.get, "/connectors/wildberries/review/items?limit=0&status=x&cursor=forged.cursor")
        #expect(response.status.code == 400)
        let errors = try #require(response.json["errors"] as? [[String: String]])
        #expect(Set(errors.compactMap { $0["field"] }) == ["limit", "status", "cursor"])
    }

    @Test("given a repeated field beside others that are wrong, then every one is reported, in the query and in the body alike",
          arguments: [(HTTPMethod.get, "?limit=1&limit=2&zzz=1&status=x&status=y", nil),
                      (.post, "", #"{"limit":0,"limit":0,"zzz":1,"status":"x","status":"y","status":"z"}"#)] as [(HTTPMethod, String, String?)])
    func repeatedBesideOthers(method: HTTPMethod, query: String, body: String?) async throws {
        let harness = ApplicationHarness()
        let response = try await harness.send(method, "/connectors/wildberries/review/items\(query)", body: body)
        #expect(response.status.code == 400)
        let errors = try #require(response.json["errors"] as? [[String: String]])
        #expect(Set(errors.compactMap { $0["field"] }) == ["limit", "zzz", "status"])
        #expect(errors.contains { $0["field"] == "limit" && $0["message"] == "is given more than once" })
        #expect(errors.filter { $0["field"] == "limit" }.count == 1, "one entry per field: \(errors)")
        // every repeated name is named, not only the first
        #expect(errors.contains { $0["field"] == "status" && $0["message"] == "is given more than once" }, "\(errors)")
        #expect(errors.filter { $0["field"] == "status" }.count == 1, "one entry per field: \(errors)")
    }

    @Test("given replace, then a connector whose replies replace an answer is asked to, and one whose do not refuses it with 400 on replace, its connector not called")
    func replaceField() async throws {
        let harness = ApplicationHarness()
        let replacing = try await harness.send(.post, "/connectors/wildberries/review/items/item-2/reply", body: #"{"text":"Новый ответ","replace":true}"#)
        #expect(replacing.status == .ok)
        #expect(harness.review.replies == ["item-2: Новый ответ (replacing)"])
        let plain = try await harness.send(.post, "/connectors/wildberries/review/items/item-2/reply", body: #"{"text":"Ответ","replace":false}"#)
        #expect(plain.status == .ok)
        #expect(harness.review.replies.last == "item-2: Ответ")
        let refused = try await harness.send(.post, "/connectors/ozon/chat/items/item-1/reply", body: #"{"text":"Hi","replace":true}"#)
        #expect(refused.status.code == 400)
        let errors = try #require(refused.json["errors"] as? [[String: String]])
        #expect(errors.compactMap { $0["field"] } == ["replace"])
        #expect(harness.chat.replies.isEmpty)
        let notBool = try await harness.send(.post, "/connectors/wildberries/review/items/item-2/reply", body: #"{"text":"Ответ","replace":"yes"}"#)
        #expect(notBool.status.code == 400)
    }

    @Test("given an Idempotency-Key used for a reply, when the same text comes under it asking to replace the answer, then it is another request: 422")
    func replaceIsPartOfTheRequest() async throws {
        let harness = ApplicationHarness()
        let path = "/connectors/wildberries/review/items/item-2/reply"
        let first = try await harness.send(.post, path, body: #"{"text":"Ответ"}"#, headers: [("Idempotency-Key", "\"k-replace\"")])
        #expect(first.status == .ok)
        let second = try await harness.send(.post, path, body: #"{"text":"Ответ","replace":true}"#, headers: [("Idempotency-Key", "\"k-replace\"")])
        #expect(second.status.code == 422)
        #expect(second.json["code"] as? String == "idempotency_mismatch")
        #expect(harness.review.replies == ["item-2: Ответ"])
    }

    @Test("query strings follow the same rules, each error naming its parameter, and the connector is not called",
          arguments: ["limit=abc", "limit=0", "limit=+5", "limit=05", "limit=1.5", "limit=1e400", "status=nope", "extra=1", "limit=5&limit=6"])
    func queryValidation(query: String) async throws {
        let harness = ApplicationHarness()
        let response = try await harness.send(.get, "/connectors/wildberries/review/items?\(query)")
        #expect(response.status.code == 400)
        let errors = try #require(response.json["errors"] as? [[String: String]])
        let name = String(query.prefix { $0 != "=" })
        #expect(errors.compactMap { $0["field"] } == [name], "\(errors)")
        #expect(harness.review.lastQuery == nil)
    }

    @Test("given an integer written as JSON may write it (2e0, 2.0), then the query string takes it as the body does",
          arguments: ["2e0", "2.0", "20e-1"])
    func integralLiteralsInTheQuery(limit: String) async throws {
        let harness = ApplicationHarness()
        let fromQuery = try await harness.send(.get, "/connectors/wildberries/review/items?limit=\(limit)")
        let fromBody = try await harness.send(.post, "/connectors/wildberries/review/items", body: "{\"limit\":\(limit)}")
        #expect(fromQuery.status == .ok)
        #expect(fromBody.status == .ok)
        #expect((fromQuery.json["items"] as? [Any])?.count == 2)
        #expect((fromBody.json["items"] as? [Any])?.count == 2)
    }

    @Test("given a query parameter with an empty name, then the 400's detail says so in words")
    func emptyParameterName() async throws {
        let harness = ApplicationHarness()
        let response = try await harness.send(.get, "/connectors/wildberries/review/items?=5")
        #expect(response.status.code == 400)
        #expect(response.json["detail"] as? String == "a field with an empty name is not a known field")
        #expect((response.json["errors"] as? [[String: String]])?.first?["field"] == "")
    }

    @Test("filters reach the connector")
    func filters() async throws {
        let harness = ApplicationHarness()
        _ = try await harness.send(.get, "/connectors/wildberries/review/items?status=unanswered&since=2026-05-14T08:21:37%2B03:00&limit=7")
        let query = try #require(harness.review.lastQuery)
        #expect(query.status == .unanswered)
        #expect(query.limit == 7)
        #expect(query.since == Timestamp(secondsSinceEpoch: 1_778_736_097))
    }

    @Test("given since with more fraction digits than milliseconds, then any number of them is read, and it is taken to its millisecond, as item times are, so that no item at or after it is left out",
          arguments: [("2026-05-14T08:21:37.0860000000Z", 1_778_746_897_086), ("2026-05-14T08:21:37.0860001Z", 1_778_746_897_086),
                      ("2026-05-14T08:21:37.086Z", 1_778_746_897_086), ("2026-05-14T08:21:37.9999999999+00:00", 1_778_746_897_999)])
    func sinceFraction(since: String, milliseconds: Int64) async throws {
        let harness = ApplicationHarness()
        let response = try await harness.send(.get, "/connectors/wildberries/review/items?since=\(since.replacingOccurrences(of: "+", with: "%2B"))")
        #expect(response.status.code == 200, "\(response.text)")
        #expect(harness.review.lastQuery?.since == Timestamp(millisecondsSinceEpoch: milliseconds))
    }

    @Test("JSON bodies need a JSON media type; malformed JSON is 400 saying where it breaks")
    func mediaType() async throws {
        let harness = ApplicationHarness()
        let text = try await harness.send(.post, "/connectors/wildberries/review/items/item-1/reply", body: "{\"text\":\"hi\"}", contentType: "text/plain")
        let missing = try await harness.send(.post, "/connectors/wildberries/review/items/item-1/reply", body: "{\"text\":\"hi\"}", contentType: nil)
        let broken = try await harness.send(.post, "/connectors/wildberries/review/items/item-1/reply", body: "{\"text\":")
        let curlForm = try await harness.send(.post, "/connectors/wildberries/review/items/item-1/reply", body: "{\"text\":\"hi\"}",
                                              contentType: "application/x-www-form-urlencoded")
        #expect(text.status.code == 415)
        #expect(missing.status.code == 415)
        #expect(curlForm.status.code == 415)
        let detail = { (response: HTTPResponse) in (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])?["detail"] as? String }
        #expect(detail(curlForm)?.hasSuffix("(curl -d sends that; add -H 'Content-Type: application/json'.)") == true, "\(detail(curlForm) ?? "")")
        #expect(detail(text) == "The body must be application/json, not text/plain.")
        #expect(broken.status.code == 400)
        let problem = try JSONSerialization.jsonObject(with: Data(broken.body)) as? [String: Any]
        let errors = problem?["errors"] as? [[String: String]]
        #expect(errors?.first?["field"] == "body")
        #expect(errors?.first?["message"] == "is not valid JSON: unexpected end of text, expected a value at byte 8")
        #expect(harness.review.replies.isEmpty)
    }

    @Test("given a JSON body declared in a charset other than UTF-8 (UTF-16, windows-1251, ISO-8859-1), then it is 415 naming it; UTF-8 and US-ASCII under their names are taken")
    func charset() async throws {
        let harness = ApplicationHarness()
        let path = "/connectors/wildberries/review/items/item-1/reply"
        for declared in ["application/json; charset=utf-16", "application/json;charset=\"UTF-32LE\"", "application/json; Charset=utf-16be",
                         "application/json; foo=bar; charset=utf-8; charset=utf-16", "application/json; charset=windows-1251",
                         "application/json; charset=\"koi8-r\"", "application/json; charset=ISO-8859-1"] {
            let refused = try await harness.send(.post, path, body: "{\"text\":\"hi\"}", contentType: declared)
            #expect(refused.status.code == 415, "\(declared)")
            #expect(refused.json["code"] as? String == "unsupported_media_type")
            #expect((refused.json["detail"] as? String)?.contains("UTF-8") == true)
            #expect((refused.json["detail"] as? String)?.lowercased().contains(declared.split(separator: "=").last!.lowercased().trimmingCharacters(in: ["\""])) == true)
            #expect(refused.headers["Accept-Post"] == "application/json")
        }
        #expect(harness.review.replies.isEmpty)
        for declared in ["application/json; charset=utf-8", "application/json; charset=\"UTF-8\"", "application/json; charset=utf8",
                         "application/json; charset=us-ascii", "application/json; charset=US-ASCII",
                         "application/json; foo=\"a;charset=utf-16\"", "application/json; charset="] {
            let taken = try await harness.send(.post, path, body: "{\"text\":\"hi\"}", contentType: declared)
            #expect(taken.status == .ok, "\(declared)")
        }
        // US-ASCII declared, bytes beyond it sent: text in some other charset, not read as UTF-8
        let notASCII = try await harness.send(.post, path, body: "{\"text\":\"Спасибо\"}", contentType: "application/json; charset=us-ascii")
        #expect(notASCII.status.code == 415)
        #expect((notASCII.json["detail"] as? String)?.contains("not us-ascii, with bytes beyond it: send the text as UTF-8") == true, "\(notASCII.json)")
        #expect(harness.review.replies == Array(repeating: "item-1: hi", count: 7))
    }

    @Test("given an item id over 256 bytes and other mistakes, then the 400 names them all, the id among them, and nothing is sent")
    func longIDBesideOtherErrors() async throws {
        let harness = ApplicationHarness()
        let id = String(repeating: "7", count: 300)
        let reply = try await harness.send(.post, "/connectors/wildberries/review/items/\(id)/reply", body: "{}")
        #expect(reply.status.code == 400)
        #expect((reply.json["errors"] as? [[String: String]])?.compactMap { $0["field"] } == ["id", "text"])
        let item = try await harness.send(.get, "/connectors/wildberries/review/items/\(id)?include_raw=maybe")
        #expect(item.status.code == 400)
        #expect(Set((item.json["errors"] as? [[String: String]])?.compactMap { $0["field"] } ?? []) == ["id", "include_raw"])
        #expect(harness.review.replies.isEmpty)
    }

    @Test("given a list or updates POST to an unknown or unconfigured connector with a body the gateway would refuse, then it is 404 or 403, as the GET form and the writes answer")
    func postFormsRefuseAsGet() async throws {
        let harness = ApplicationHarness(tenantCredentials: [.wildberries])
        for path in ["/connectors/nope/chat/items", "/connectors/nope/chat/updates"] {
            let form = try await harness.send(.post, path, body: "status=x", contentType: "application/x-www-form-urlencoded")
            #expect(form.status.code == 404, "\(path)")
            #expect(form.json["code"] as? String == "unknown_connector")
        }
        for path in ["/connectors/ozon/chat/items", "/connectors/ozon/chat/updates"] {
            let badBody = try await harness.send(.post, path, body: "{\"limit\": 0}")
            #expect(badBody.status.code == 403, "\(path)")
            #expect(badBody.json["code"] as? String == "connector_not_configured")
            let form = try await harness.send(.post, path, body: "limit=5", contentType: "application/x-www-form-urlencoded")
            #expect(form.status.code == 403, "\(path)")
        }
    }

    @Test("given two Content-Type fields, then it is 400 whichever comes first, and the connector is not called")
    func twoContentTypes() async throws {
        let harness = ApplicationHarness()
        for pair in [("application/json", "text/plain"), ("text/plain", "application/json")] {
            let answer = try await harness.send(.post, "/connectors/wildberries/review/items/item-1/reply", body: "{\"text\":\"hi\"}",
                                                contentType: pair.0, headers: [("Content-Type", pair.1)])
            #expect(answer.status.code == 400)
            #expect((answer.json["errors"] as? [[String: String]])?.first?["field"] == "Content-Type")
        }
        #expect(harness.review.replies.isEmpty)
    }

    @Test("given a since with a space where its offset's + was, then a query string's error says to send %2B, a JSON body's does not")
    func sincePlusHint() async throws {
        let harness = ApplicationHarness()
        let query = try await harness.send(.get, "/connectors/wildberries/review/items?since=2026-05-14T08:21:37+03:00")
        let body = try await harness.send(.post, "/connectors/wildberries/review/items", body: "{\"since\":\"2026-05-14 08:21:37Z\"}")
        for (answer, hinted) in [(query, true), (body, false)] {
            #expect(answer.status.code == 400)
            let reason = (answer.json["errors"] as? [[String: String]])?.first?["message"]
            #expect(reason?.hasPrefix("must be an RFC 3339 date-time") == true)
            #expect(reason?.contains("%2B") == hinted)
        }
        #expect(harness.review.lastQuery == nil)
    }

    @Test("given a since that an offset carries past year 9999 (or before year 1) in UTC, then it is 400 on since, and the connector is not called")
    func sinceOutOfRange() async throws {
        let harness = ApplicationHarness()
        for since in ["9999-12-31T23:59:59.999-23:59", "0001-01-01T00:00:00%2B23:59"] {
            let answer = try await harness.send(.get, "/connectors/wildberries/review/items?since=\(since)")
            #expect(answer.status.code == 400, "\(since)")
            let errors = answer.json["errors"] as? [[String: String]]
            #expect(errors?.first?["field"] == "since")
        }
        #expect(harness.review.lastQuery == nil)
        let edge = try await harness.send(.get, "/connectors/wildberries/review/items?since=9999-12-31T23:59:59.999Z")
        #expect(edge.status == .ok)
    }

    @Test("given a query string on the registry's routes, then it is 400 naming each parameter, not silently ignored")
    func registryTakesNoQuery() async throws {
        let harness = ApplicationHarness()
        for path in ["/connectors?foo=1", "/connectors/wildberries/review?limit=5&x"] {
            let answer = try await harness.send(.get, path)
            #expect(answer.status.code == 400, "\(path)")
            #expect(answer.json["code"] as? String == "invalid_request")
            let fields = (answer.json["errors"] as? [[String: String]])?.compactMap { $0["field"] }
            #expect(fields == (path.hasPrefix("/connectors?") ? ["foo"] : ["limit", "x"]) || fields == ["x", "limit"])
        }
        #expect(try await harness.send(.get, "/connectors").status == .ok)
        // A GET's body is refused here as on the lists, not dropped unread.
        for path in ["/connectors", "/connectors/wildberries/review"] {
            let answer = try await harness.send(.get, path, body: "{\"limit\":1}")
            #expect(answer.status.code == 400, "\(path)")
            #expect((answer.json["errors"] as? [[String: String]])?.compactMap { $0["field"] } == ["body"])
            #expect((answer.json["errors"] as? [[String: String]])?.first?["message"]
                == "is not read on a GET: this route takes its fields, if any, in the query string")
        }
        // An unknown connector is that, whatever its query.
        #expect(try await harness.send(.get, "/connectors/nope/chat?x=1").status.code == 404)
    }

    @Test("given a body with a content coding, then it is 415 with Accept-Encoding: identity, and the connector is not called")
    func contentEncoding() async throws {
        let harness = ApplicationHarness()
        let gzip = try await harness.send(.post, "/connectors/wildberries/review/items/item-1/reply", body: "{\"text\":\"hi\"}",
                                          headers: [("Content-Encoding", "gzip")])
        #expect(gzip.status.code == 415)
        #expect(gzip.headers["Accept-Encoding"] == "identity")
        #expect(gzip.headers["Accept-Post"] == "application/json")
        #expect(gzip.json["code"] as? String == "unsupported_media_type")
        #expect(harness.review.replies.isEmpty)
        for codings in [[("Content-Encoding", "identity, gzip")], [("Content-Encoding", "identity"), ("Content-Encoding", "br")]] {
            let hidden = try await harness.send(.post, "/connectors/wildberries/review/items/item-1/reply", body: "{\"text\":\"hi\"}",
                                                headers: codings)
            #expect(hidden.status.code == 415)
        }
        #expect(harness.review.replies.isEmpty)
        let identity = try await harness.send(.post, "/connectors/wildberries/review/items/item-1/reply", body: "{\"text\":\"hi\"}",
                                              headers: [("Content-Encoding", "identity")])
        #expect(identity.status == .ok)
    }

    @Test("reply and mark read reach the connector")
    func replyAndRead() async throws {
        let harness = ApplicationHarness()
        let reply = try await harness.send(.post, "/connectors/wildberries/review/items/item-2/reply", body: "{\"text\":\"Спасибо!\"}")
        let read = try await harness.send(.post, "/connectors/wildberries/review/items/item-2/read")
        #expect(reply.status == .ok)
        #expect(reply.json["item_id"] as? String == "item-2")
        #expect(reply.json["reply_id"] as? String == "answer-1")
        #expect(read.status.code == 204)
        #expect(harness.review.replies == ["item-2: Спасибо!"])
        #expect(harness.review.reads == ["item-2"])
    }

    @Test("an empty, missing, blank (zero-width characters too) or repeated reply text, or one with control characters, is refused before the connector is called",
          arguments: ["{}", "{\"text\":null}", "{\"text\":\"  \"}", "{\"text\":\"\\u00a0\\u3000\\ufeff\"}", "{\"text\":\"\\u200b\\u200d\\u2060\"}", "{\"text\":\" \\u200c \"}", "{\"text\":5}", "{\"text\":\"Спасибо\",\"text\":\"Нет\"}",
                      "{\"text\":\"a\\u0000b\"}", "{\"text\":\"\\u001b[31mКрасный\"}", "{\"text\":\"Спасибо\\u0085\"}"])
    func emptyReply(body: String) async throws {
        let harness = ApplicationHarness()
        let response = try await harness.send(.post, "/connectors/wildberries/review/items/item-2/reply", body: body)
        #expect(response.status.code == 400)
        #expect((response.json["errors"] as? [[String: String]])?.map { $0["field"] } == ["text"])
        #expect(harness.review.replies.isEmpty)
    }

    @Test("tabs and line breaks are text: a reply with them reaches the connector as sent")
    func replyWithLineBreaks() async throws {
        let harness = ApplicationHarness()
        let response = try await harness.send(.post, "/connectors/wildberries/review/items/item-2/reply",
                                              body: "{\"text\":\"Спасибо!\\r\\n\\tЖдём снова.\"}")
        #expect(response.status == .ok)
        #expect(harness.review.replies == ["item-2: Спасибо!\r\n\tЖдём снова."])
    }

    @Test("connector errors map to their rows: not configured, unsupported, missing item, upstream")
    func connectorErrors() async throws {
        let harness = ApplicationHarness(tenantCredentials: [.wildberries])
        let notConfigured = try await harness.send(.get, "/connectors/ozon/chat/items")
        #expect(notConfigured.status.code == 403)
        #expect(notConfigured.json["code"] as? String == "connector_not_configured")
        // An operation the connector lacks is that, whatever the tenant's credentials.
        let unsupportedUnconfigured = try await harness.send(.post, "/connectors/ozon/chat/items/item-1/read")
        #expect(unsupportedUnconfigured.status.code == 501)
        #expect(unsupportedUnconfigured.json["code"] as? String == "operation_not_supported")
        let configured = ApplicationHarness()
        let unsupported = try await configured.send(.post, "/connectors/ozon/chat/items/item-1/read")
        #expect(unsupported.status.code == 501)
        let missing = try await configured.send(.get, "/connectors/wildberries/review/items/nope")
        #expect(missing.status.code == 404)
        #expect(missing.json["code"] as? String == "item_not_found")
        configured.review.failNext(with: .upstreamRateLimited(retryAfter: .seconds(7), nil))
        let limited = try await configured.send(.get, "/connectors/wildberries/review/items")
        #expect(limited.status.code == 429)
        #expect(limited.headers["Retry-After"] == "7")
        #expect(limited.json["code"] as? String == "upstream_rate_limited")
    }

    @Test("updates return a cursor to resume from, and resuming loses nothing")
    func updates() async throws {
        let harness = ApplicationHarness()
        let first = try await harness.send(.get, "/connectors/wildberries/review/updates?limit=30")
        let cursor = try #require(first.json["next_cursor"] as? String)
        #expect(first.json["has_more"] as? Bool == true)
        let second = try await harness.send(.post, "/connectors/wildberries/review/updates", body: "{\"cursor\":\"\(cursor)\",\"limit\":30}")
        let ids = ((first.json["items"] as? [[String: Any]] ?? []) + (second.json["items"] as? [[String: Any]] ?? [])).compactMap { $0["id"] as? String }
        #expect(ids == (0..<45).map { "item-\($0)" })
        #expect(second.json["has_more"] as? Bool == false)
    }
}
