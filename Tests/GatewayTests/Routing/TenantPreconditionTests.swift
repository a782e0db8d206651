import Gateway
import HTTP
import Testing

@Suite("If-Match on the tenant routes, whose resources carry no entity tags")
struct TenantPreconditionTests {
    static let reply = "/connectors/wildberries/review/items/item-1/reply"

    @Test("given If-Match naming tags, in one line or several, then a reply is refused with 412 precondition_failed and never sent",
          arguments: [[#""v1""#], [#""v1", W/"v2""#], [#""v1""#, #"W/"v2""#], [#""a,*,b""#], [#""v1""#, "*"], [#"*, "v1""#]])
    func tagsRefuseTheWrite(lines: [String]) async throws {
        // given
        let harness = ApplicationHarness()
        // when
        let response = try await harness.send(.post, Self.reply, body: #"{"text":"thanks"}"#, headers: lines.map { ("If-Match", $0) })
        // then
        #expect(response.status.code == 412)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(response.json["code"] as? String == "precondition_failed")
        #expect((response.json["detail"] as? String)?.contains("no entity tags") == true)
        #expect(harness.review.replies.isEmpty)
    }

    @Test("given If-Match: * alone (on one line or, with empty list elements, several), then the request is carried out as without it")
    func anyRepresentationHolds() async throws {
        let harness = ApplicationHarness()
        let star = try await harness.send(.post, Self.reply, body: #"{"text":"thanks"}"#, headers: [("If-Match", "*")])
        let spaced = try await harness.send(.post, Self.reply, body: #"{"text":"again"}"#, headers: [("If-Match", " *, "), ("If-Match", ",")])
        let list = try await harness.send(.get, "/connectors/wildberries/review/items?limit=5", headers: [("If-Match", "*")])
        #expect(star.status == .ok)
        #expect(spaced.status == .ok)
        #expect(harness.review.replies == ["item-1: thanks", "item-1: again"])
        #expect(list.status == .ok)
    }

    @Test("given If-Match naming tags on a request that is invalid anyway, then it is the 400 it would have been: preconditions count only for a request the gateway would carry out")
    func invalidRequestsStayInvalid() async throws {
        let harness = ApplicationHarness()
        let tags = [("If-Match", #""v1""#)]
        let noText = try await harness.send(.post, Self.reply, body: "{}", headers: tags)
        let badKey = try await harness.send(.post, Self.reply, body: #"{"text":"thanks"}"#, headers: tags + [("Idempotency-Key", "\"unclosed")])
        let badLimit = try await harness.send(.get, "/connectors/wildberries/review/items?limit=0", headers: tags)
        #expect([noText.status.code, badKey.status.code, badLimit.status.code] == [400, 400, 400])
        #expect(harness.review.replies.isEmpty)
    }

    @Test("given If-Match naming tags and an item id of a form the connector's items never have, then it is the 404 it would have been, on a read, a reply and a mark-read; an id of that form is 412")
    func malformedIDsStayNotFound() async throws {
        // given: a connector whose items have UUIDs
        let harness = ApplicationHarness(reviewIDShape: .uuid)
        let tags = [("If-Match", #""v1""#)]
        // when
        let read = try await harness.send(.get, "/connectors/wildberries/review/items/item-1", headers: tags)
        let reply = try await harness.send(.post, Self.reply, body: #"{"text":"thanks"}"#, headers: tags)
        let markRead = try await harness.send(.post, "/connectors/wildberries/review/items/item-1/read", body: "", headers: tags)
        let uuid = "/connectors/wildberries/review/items/0192f3a4-5b6c-7d8e-9f01-23456789abcd"
        let wellFormed = try await harness.send(.post, uuid + "/reply", body: #"{"text":"thanks"}"#, headers: tags)
        // then
        #expect(read.status.code == 404)
        #expect(read.json["code"] as? String == "item_not_found")
        #expect(reply.status.code == 404)
        #expect(markRead.status.code == 404)
        #expect(wellFormed.status.code == 412)
        #expect(harness.review.replies.isEmpty)
    }

    @Test("given If-Match naming tags on a read, then it is refused too; without a key it is still 401, on an unknown path 404")
    func readsAndOrder() async throws {
        let harness = ApplicationHarness()
        let tags = [("If-Match", #""v1""#)]
        let list = try await harness.send(.get, "/connectors/wildberries/review/items?limit=5", headers: tags)
        let anonymous = try await harness.send(.get, "/connectors/wildberries/review/items?limit=5", headers: tags, authenticated: false)
        let unknown = try await harness.send(.get, "/connectors/wildberries/nothing", headers: tags)
        #expect(list.status.code == 412)
        #expect(harness.review.lastQuery == nil)
        #expect(anonymous.status.code == 401)
        #expect(unknown.status.code == 404)
    }
}
