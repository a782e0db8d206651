import Foundation
import Gateway
import HTTP
import Testing

/// One `errors` entry a field, for each of the request's mistakes at once, in the same words on
/// every connector.
@Suite("Field errors: one entry a field, all of them at once")
struct FieldErrorTests {
    private func errors(_ response: HTTPResponse) throws -> [[String: String]] {
        try #require(response.json["errors"] as? [[String: String]])
    }

    @Test("given a parameter both unknown and repeated, then it is one entry, as unknown, in the query and in the body alike",
          arguments: [(HTTPMethod.get, "?zzz=1&zzz=2&limit=5", nil),
                      (.post, "", #"{"zzz":1,"zzz":2,"limit":5}"#)] as [(HTTPMethod, String, String?)])
    func unknownAndRepeated(method: HTTPMethod, query: String, body: String?) async throws {
        // given
        let harness = ApplicationHarness()
        // when
        let response = try await harness.send(method, "/connectors/wildberries/review/items\(query)", body: body)
        // then
        #expect(response.status.code == 400)
        #expect(try errors(response) == [["field": "zzz", "message": "is not a known field"]])
    }

    @Test("given a key repeated inside an object a field holds, then only that field is reported, not a field of the key's name",
          arguments: [("/connectors/wildberries/review/items", #"{"limit":1,"x":{"limit":1,"limit":2}}"#, "x", "is not a known field"),
                      ("/connectors/wildberries/review/items/item-2/reply", #"{"text":"Спасибо!","":{"text":1,"text":2}}"#, "", "is not a known field"),
                      ("/connectors/wildberries/review/items/item-2/reply", #"{"text":{"a":1,"a":2}}"#, "text", "must be a string")])
    func repeatedInsideAField(path: String, body: String, field: String, message: String) async throws {
        // given
        let harness = ApplicationHarness()
        // when
        let response = try await harness.send(.post, path, body: body)
        // then
        #expect(response.status.code == 400)
        #expect(try errors(response) == [["field": field, "message": message]])
        #expect(harness.review.replies.isEmpty)
    }

    @Test("given a reply text beyond the connector's bounds beside an unknown field, then both are reported at once, nothing is sent, and the bounds are worded alike on every connector",
          arguments: [("/connectors/wildberries/review/items/item-2/reply", 5001, "must be 2 to 5000 characters (Unicode scalars), got 5001"),
                      ("/connectors/wildberries/review/items/item-2/reply", 1, "must be 2 to 5000 characters (Unicode scalars), got 1"),
                      ("/connectors/ozon/chat/items/item-1/reply", 1001, "must be 1 to 1000 characters (Unicode scalars), got 1001")])
    func textBoundsBesideOthers(path: String, length: Int, message: String) async throws {
        // given: a text of `length` scalars, the last a combining mark (two scalars, one character)
        let harness = ApplicationHarness()
        let text = String(repeating: "я", count: length - 1) + "\u{301}"
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["text": text, "x": 1]), as: UTF8.self)
        // when
        let response = try await harness.send(.post, path, body: body)
        // then
        #expect(response.status.code == 400)
        #expect(try errors(response) == [["field": "text", "message": message], ["field": "x", "message": "is not a known field"]]
                || errors(response) == [["field": "x", "message": "is not a known field"], ["field": "text", "message": message]])
        #expect(harness.review.replies.isEmpty && harness.chat.replies.isEmpty)
    }

    @Test("given an unknown field's name of one character carrying thousands of combining marks, then it is echoed cut to 64 scalars, not whole")
    func longNameCutByScalars() async throws {
        // given: "a" and 20,000 acute accents, one character
        let harness = ApplicationHarness()
        let name = "a" + String(repeating: "\u{301}", count: 20_000)
        let body = String(decoding: try JSONSerialization.data(withJSONObject: [name: 1, "limit": 5]), as: UTF8.self)
        // when
        let response = try await harness.send(.post, "/connectors/wildberries/review/items", body: body)
        // then
        #expect(response.status.code == 400)
        let field = try #require(try errors(response).first?["field"])
        #expect(field.unicodeScalars.count == 65)
        #expect(field.hasSuffix("…"))
        #expect(response.body.count < 2_000)
    }

    @Test("given the same name twice where it cannot be read (undecodable, or a query on a POST), then it is still one entry",
          arguments: [(HTTPMethod.get, "?%FF=1&%FF=2&limit=5", nil as String?, "%FF"),
                      (.post, "?a=1&a=2", #"{"limit":5}"#, "a"),
                      // a name that decodes, twice, once with a value that does not
                      (.get, "?limit=0&li%6dit=%FF", nil, "limit")])
    func unreadableTwice(method: HTTPMethod, query: String, body: String?, field: String) async throws {
        let harness = ApplicationHarness()
        let response = try await harness.send(method, "/connectors/wildberries/review/items\(query)", body: body)
        #expect(response.status.code == 400)
        let fields = try errors(response).compactMap { $0["field"] }
        #expect(fields.count == Set(fields).count, "\(fields)")
        #expect(fields == [field])
    }

    @Test("given a malformed Idempotency-Key beside a body's mistakes, then all are reported at once, the key as a field")
    func keyBesideTheBody() async throws {
        let harness = ApplicationHarness()
        let response = try await harness.send(.post, "/connectors/wildberries/review/items/item-2/reply", body: #"{"text":"hi","zzz":1}"#,
                                              headers: [("Idempotency-Key", "bad key")])
        #expect(response.status.code == 400)
        #expect(Set(try errors(response).compactMap { $0["field"] }) == ["Idempotency-Key", "zzz"])
        #expect(harness.review.replies.isEmpty)
    }
}
