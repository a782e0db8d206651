import Connectors
@testable import Gateway
import HTTP
import Testing

@Suite("Gateway idempotent replies")
struct IdempotencyTests {
    static let path = "/connectors/wildberries/review/items/item-4/reply"

    @Test("a repeat after completion replays the first response without a second reply upstream")
    func replay() async throws {
        let harness = ApplicationHarness()
        let first = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", "\"k-1\"")])
        let again = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", "\"k-1\"")])
        #expect(first.status == .ok)
        #expect(again.status == .ok)
        #expect(again.body == first.body)
        #expect(again.headers["Idempotent-Replayed"] == "true")
        #expect(harness.review.replies.count == 1)
    }

    @Test("the same key with a different body is 422; without a key every request runs")
    func mismatch() async throws {
        let harness = ApplicationHarness()
        _ = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", "k-2")])
        let other = try await harness.send(.post, Self.path, body: "{\"text\":\"Other\"}", headers: [("Idempotency-Key", "k-2")])
        #expect(other.status.code == 422)
        #expect(other.json["code"] as? String == "idempotency_mismatch")
        _ = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}")
        _ = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}")
        #expect(harness.review.replies.count == 3)
    }

    @Test("given a key used for a reply to one item, when the same key and text go to another item or another connector, then 422, nothing is replayed, and only the first item is answered")
    func mismatchAcrossItems() async throws {
        let harness = ApplicationHarness()
        let first = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", "k-9")])
        #expect(first.status == .ok)
        for path in ["/connectors/wildberries/review/items/item-5/reply", "/connectors/ozon/chat/items/item-1/reply"] {
            let other = try await harness.send(.post, path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", "k-9")])
            #expect(other.status.code == 422, "\(path)")
            #expect(other.json["code"] as? String == "idempotency_mismatch", "\(path)")
            #expect(other.headers["Idempotent-Replayed"] == nil, "\(path)")
        }
        #expect(harness.review.replies == ["item-4: Thanks"])
        #expect(harness.chat.replies.isEmpty)
    }

    @Test("given the same request written another way (spacing, escapes), when repeated under its key, then it replays, not 422",
          arguments: ["{ \"text\" : \"Thanks\" }", "{\"text\":\"\\u0054hanks\"}", "{\n\t\"text\": \"Thanks\"\n}"])
    func sameMeaning(repeat body: String) async throws {
        let harness = ApplicationHarness()
        let first = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", "k-8")])
        let again = try await harness.send(.post, Self.path, body: body, headers: [("Idempotency-Key", "k-8")])
        #expect(first.status == .ok)
        #expect(again.status == .ok)
        #expect(again.headers["Idempotent-Replayed"] == "true")
        #expect(harness.review.replies.count == 1)
        // and the same item named with an escape is the same item
        let escaped = try await harness.send(.post, "/connectors/wildberries/review/items/item%2D4/reply", body: body,
                                             headers: [("Idempotency-Key", "k-8")])
        #expect(escaped.headers["Idempotent-Replayed"] == "true")
        #expect(harness.review.replies.count == 1)
    }

    @Test("given a keyed reply in flight, when its client goes away (the request's task is cancelled), then the reply still completes and a retry replays it",
          .timeLimit(.minutes(1)))
    func clientGoneMidWrite() async throws {
        let harness = ApplicationHarness(holdReplies: true)
        let first = Task { try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", "k-gone")]) }
        while !harness.review.isReplyWaiting { await Task.yield() }
        // when
        first.cancel()
        while !harness.review.releaseReply() { await Task.yield() }
        _ = try? await first.value
        // then: a retry that would reply again is let through, to be counted
        let releaser = Task {
            while !Task.isCancelled {
                _ = harness.review.releaseReply()
                await Task.yield()
            }
        }
        defer { releaser.cancel() }
        let retry = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", "k-gone")])
        #expect(retry.status == .ok)
        #expect(retry.headers["Idempotent-Replayed"] == "true")
        #expect(harness.review.replies.count == 1)
    }

    @Test("a repeat while the first is in flight is 409", .timeLimit(.minutes(1)))
    func conflict() async throws {
        let harness = ApplicationHarness(holdReplies: true)
        let first = Task { try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", "k-3")]) }
        while !harness.review.isReplyWaiting { await Task.yield() }
        let concurrent = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", "k-3")])
        #expect(concurrent.status.code == 409)
        #expect(concurrent.json["code"] as? String == "idempotency_conflict")
        #expect(concurrent.headers["Retry-After"] == "1")
        while !harness.review.releaseReply() { await Task.yield() }
        #expect(try await first.value.status == .ok)
        #expect(harness.review.replies.count == 1)
    }

    @Test("after a failure that changed nothing upstream the key is free again, so the client's retry runs",
          arguments: [ConnectorError.upstreamRateLimited(retryAfter: .seconds(1), nil), .upstreamUnavailable(retryAfter: nil, nil),
                      .upstreamAuthFailed(UpstreamFailure(marketplace: .wildberries, status: 401, message: "token expired"))])
    func retryAfterFailure(failure: ConnectorError) async throws {
        let harness = ApplicationHarness()
        harness.review.failNext(with: failure)
        let failed = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", "k-4")])
        let retried = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", "k-4")])
        #expect(failed.status.code >= 400)
        #expect(retried.status == .ok)
        #expect(retried.headers["Idempotent-Replayed"] == nil)
        #expect(harness.review.replies.count == 1)
    }

    @Test("given a failure before any write (a read timed out), when retried under the key, then the retry runs")
    func failureBeforeWrite() async throws {
        let harness = ApplicationHarness()
        harness.review.failNext(with: .upstreamTimeout(nil))
        let failed = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", "k-7")])
        let retried = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", "k-7")])
        #expect(failed.status.code == 504)
        #expect(retried.status == .ok)
        #expect(harness.review.replies.count == 1)
    }

    @Test("after a write the marketplace may have applied, whatever failed then, a retry under the key replays it and never writes twice",
          arguments: [ConnectorError.upstreamTimeout(nil), .upstreamError(UpstreamFailure(marketplace: .wildberries, status: 502, message: "bad gateway")),
                      .upstreamRateLimited(retryAfter: .seconds(1), nil), .upstreamUnavailable(retryAfter: .seconds(2), nil)])
    func ambiguousFailureKept(failure: ConnectorError) async throws {
        let harness = ApplicationHarness()
        harness.review.failNext(with: failure, afterWrite: true)
        let failed = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", "k-5")])
        let retried = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", "k-5")])
        // Never 429 or 503, which say "not done, later" to any client or proxy that resends on them.
        #expect([502, 504].contains(failed.status.code))
        if failed.status.code == 502 { #expect(failed.json["code"] as? String == "upstream_error") }
        #expect((failed.json["detail"] as? String)?.contains("send again with a new key") == true)
        #expect(retried.status == failed.status)
        #expect(retried.headers["Idempotent-Replayed"] == "true")
        #expect(retried.json["detail"] as? String == failed.json["detail"] as? String)
        // Retrying under the key only replays: neither answer invites it.
        for answer in [failed, retried] {
            #expect(answer.json["retryable"] as? Bool == false)
            #expect(answer.json["retry_after"] == nil)
            #expect(answer.headers["Retry-After"] == nil)
        }
        #expect(harness.review.replies.isEmpty)
        let fresh = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", "k-6")])
        #expect(fresh.status == .ok)
    }

    @Test("given a write that may have been applied and a marketplace quoting the token, then neither the answer nor its replay carries the token")
    func keptOutcomeRedacted() async throws {
        let harness = ApplicationHarness(tenantCredentials: [.wildberries])
        harness.review.failNext(with: .upstreamError(UpstreamFailure(marketplace: .wildberries, status: 502, message: "token wb-token broke us")),
                                afterWrite: true)
        let failed = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", "k-7")])
        let replayed = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", "k-7")])
        #expect(failed.status.code == 502)
        #expect(replayed.headers["Idempotent-Replayed"] == "true")
        for answer in [failed, replayed] {
            #expect(!answer.text.contains("wb-token"), "\(answer.text)")
            #expect(answer.text.contains("[redacted]"))
        }
    }

    @Test("given a structured-field string with spaces or escapes, then it is a key, and its repeat replays",
          arguments: ["\"two words\"", "\"say \\\"hi\\\"\"", "\"back\\\\slash\"", "\"with-params\";p=1;q",
                     "\"quoted-param\"; a=\"x;y\";b=?1"])
    func structuredFieldString(key: String) async throws {
        let harness = ApplicationHarness()
        let first = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", key)])
        let again = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", key)])
        #expect(first.status == .ok)
        #expect(again.headers["Idempotent-Replayed"] == "true")
        #expect(harness.review.replies.count == 1)
    }

    @Test("given a key with parameters, quoted or bare, then the parameters are ignored: the other form's repeat replays it",
          arguments: [("\"abc\";p=1", "abc;p=1"), ("abc;p=1", "\"abc\""), ("abc; q", "abc;p=2")])
    func parametersIgnored(first key: String, then repeatKey: String) async throws {
        let harness = ApplicationHarness()
        let first = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", key)])
        let again = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", repeatKey)])
        #expect(first.status == .ok)
        #expect(again.headers["Idempotent-Replayed"] == "true")
        #expect(harness.review.replies.count == 1)
    }

    @Test("a malformed key is 400", arguments: ["", "\"\"", String(repeating: "k", count: 256), "two words", "\"unterminated",
                                                "\"a\"b", "\"bad \\x escape\"", "\"tab\there\"", "\"\(String(repeating: "k", count: 256))\"",
                                                // a list (two fields a proxy joined), and stray or malformed parameters
                                                "a1,a2", "\"a1\", \"a2\"", "\"a4\";;;", "a4;;", ";p=1", "\"a5\";X=1", "a5;X=1", "\"a6\";p=", "\"a7\";p=\"open"])
    func malformed(key: String) async throws {
        let harness = ApplicationHarness()
        let response = try await harness.send(.post, Self.path, body: "{\"text\":\"Thanks\"}", headers: [("Idempotency-Key", key)])
        #expect(response.status.code == 400)
        #expect(response.json["code"] as? String == "invalid_request")
        #expect((response.json["errors"] as? [[String: String]])?.first?["field"] == "Idempotency-Key", "\(response.json)")
        #expect(harness.review.replies.isEmpty)
    }
}
