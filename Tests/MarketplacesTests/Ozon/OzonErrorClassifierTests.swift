import Connectors
import Foundation
@testable import Marketplaces
import Testing

@Suite("Ozon error classification")
struct OzonErrorClassifierTests {
    let classifier = OzonErrorClassifier()

    func request(_ body: String = "{}", safety: UpstreamRequest.Safety = .idempotent) -> UpstreamRequest {
        .json("POST", "/v1/review/info", body: Array(body.utf8), safety: safety, operation: "test")
    }

    func response(_ status: Int, _ body: String, type: String = "application/json", headers: [String: String] = [:]) -> UpstreamResponse {
        UpstreamResponse(status: status, headers: headers.merging(["content-type": type]) { a, _ in a }, body: Data(body.utf8))
    }

    @Test("a wrong Api-Key (404 code 5) is an auth failure, a missing review (404 code 5) is itemNotFound")
    func notFound() {
        let key = classifier.classify(response(404, #"{"code":5,"message":"Invalid Api-Key, please check the key and try again","details":[]}"#),
                                      for: request(#"{"review_id":"r-1"}"#))
        guard case .upstreamAuthFailed(let failure)? = key else { Issue.record("got \(String(describing: key))"); return }
        #expect(failure.status == 404)
        #expect(classifier.classify(response(404, #"{"code":5,"message":"review not found"}"#), for: request(#"{"review_id":"r-1"}"#))
            == .itemNotFound(id: "r-1"))
        #expect(classifier.classify(response(404, #"{"code":5,"message":"not found","details":"x"}"#), for: request(#"{"question_ids":["q-9"]}"#))
            == .itemNotFound(id: "q-9"))
    }

    @Test("an unknown path's plain-text 404 is upstreamError")
    func unknownPath() {
        let result = classifier.classify(response(404, "404 page not found", type: "text/plain; charset=utf-8"), for: request(#"{"review_id":"r"}"#))
        guard case .upstreamError(let failure)? = result else { Issue.record("got \(String(describing: result))"); return }
        #expect(failure.message == "404 page not found")
    }

    @Test("401 code 16, 403 code 7 (subscription, offer, role) and a bad Client-Id are auth failures; a missing subscription or offer says the account lacks it")
    func auth() {
        let bodies = [
            (401, #"{"code":16,"message":"Client-Id and Api-Key headers are required"}"#, false),
            (403, #"{"code":7,"message":"rpc error: code = PermissionDenied desc = not available with existing subscription"}"#, true),
            (403, #"{"code":7,"message":"403 Offer not signed"}"#, true),
            (403, #"{"code":7,"message":"Api-Key is missing a required role for a method"}"#, false),
            (400, #"{"code":3,"message":"Client-Id header value should be positive integer"}"#, false),
        ]
        for (status, body, lacking) in bodies {
            let result = classifier.classify(response(status, body), for: request())
            guard case .upstreamAuthFailed(let failure)? = result else { Issue.record("\(status) \(body) → \(String(describing: result))"); continue }
            #expect(failure.lacksEntitlement == lacking, "\(body)")
        }
    }

    @Test("409 and 422 are upstreamRejected for a write and upstreamError (not retryable) for a read, whose content the gateway built",
          arguments: [409, 422])
    func conflictOrUnprocessable(status: Int) {
        let body = #"{"code":6,"message":"conflict"}"#
        let read = classifier.classify(response(status, body), for: request())
        #expect(read == .upstreamError(UpstreamFailure(marketplace: .ozon, status: status, message: "conflict")))
        #expect(read?.isRetryable == false)
        guard case .upstreamRejected? = classifier.classify(response(status, body), for: request(safety: .nonIdempotent)) else {
            Issue.record("a refused write is not upstreamRejected")
            return
        }
    }

    @Test("given a 400 that says the one chat or question the call names is not found, then it is itemNotFound, for a read and a write; not found of no single id stays as before",
          arguments: [(#"{"chat_id":"c-7","limit":1}"#, UpstreamRequest.Safety.idempotent), (#"{"chat_id":"c-7","text":"hi"}"#, .nonIdempotent)])
    func notFoundInBadRequest(body: String, safety: UpstreamRequest.Safety) {
        let answer = #"{"code":3,"message":"chat not found","details":[]}"#
        #expect(classifier.classify(response(400, answer), for: request(body, safety: safety)) == .itemNotFound(id: "c-7"))
        #expect(classifier.classify(response(400, #"{"code":5,"message":"NOT_FOUND"}"#), for: request(body, safety: safety)) == .itemNotFound(id: "c-7"))
        let unnamed = classifier.classify(response(400, answer), for: request(#"{"chat_id_list":["a","b"]}"#, safety: safety))
        if safety == .idempotent {
            guard case .upstreamError? = unnamed else { Issue.record("got \(String(describing: unnamed))"); return }
        } else {
            guard case .upstreamRejected? = unnamed else { Issue.record("got \(String(describing: unnamed))"); return }
        }
    }

    @Test("400 code 3 is upstreamError (not retryable) for a read and upstreamRejected for a write")
    func validation() {
        let body = #"{"code":3,"message":"Request validation error: invalid field text","details":"text"}"#
        let read = classifier.classify(response(400, body), for: request())
        #expect(read == .upstreamError(UpstreamFailure(marketplace: .ozon, status: 400,
                                                       message: "Request validation error: invalid field text")))
        #expect(read?.isRetryable == false)
        guard case .upstreamRejected? = classifier.classify(response(400, body), for: request(safety: .nonIdempotent)) else {
            Issue.record("a refused write is not upstreamRejected")
            return
        }
    }

    @Test("a refused mark-read (sent as safe to repeat) is a refused write, upstreamRejected, as a refused reply is; a refused read on another path stays upstreamError",
          arguments: ["/v1/review/change-status", "/v1/question/change-status", "/v1/question/change_status", "/v2/chat/read"])
    func refusedMarkRead(path: String) {
        for (status, body) in [(400, #"{"code":3,"message":"Request validation error: invalid chat_id"}"#), (409, #"{"code":6,"message":"conflict"}"#)] {
            let markRead = UpstreamRequest.json("POST", path, body: Array("{}".utf8), safety: .idempotent, operation: "test")
            guard case .upstreamRejected(let failure)? = classifier.classify(response(status, body), for: markRead) else {
                Issue.record("\(status) on \(path) is not upstreamRejected")
                continue
            }
            #expect(failure.status == status)
        }
        let read = UpstreamRequest.json("POST", "/v3/chat/history", body: Array("{}".utf8), safety: .idempotent, operation: "test")
        #expect(classifier.classify(response(409, #"{"code":6,"message":"conflict"}"#), for: read)
            == .upstreamError(UpstreamFailure(marketplace: .ozon, status: 409, message: "conflict")))
    }

    @Test("429 carries retry-after; Circle is open and a 503 naming its wait are unavailability; 500, a plain 503 and odd bodies are upstreamError")
    func transient() {
        let limited = classifier.classify(
            response(429, #"{"code":8,"message":"You have reached request rate limit per second"}"#, headers: ["retry-after": "1"]),
            for: request())
        guard case .upstreamRateLimited(let wait, _)? = limited else { Issue.record("got \(String(describing: limited))"); return }
        #expect(wait == .seconds(1))
        guard case .upstreamUnavailable? = classifier.classify(response(500, #"{"code":14,"message":"Circle is open"}"#), for: request()) else {
            Issue.record("Circle is open is not unavailability")
            return
        }
        let unavailable = classifier.classify(response(503, "Service Unavailable", type: "text/plain", headers: ["Retry-After": "7"]),
                                              for: request())
        guard case .upstreamUnavailable(let wait, _)? = unavailable else { Issue.record("got \(String(describing: unavailable))"); return }
        #expect(wait == .seconds(7))
        for (status, body) in [(500, #"{"code":13,"message":"Internal error"}"#), (502, "<html>Bad Gateway</html>"), (500, ""),
                               (503, "Service Unavailable")] {
            guard case .upstreamError(let failure)? = classifier.classify(response(status, body, type: "text/html"), for: request()) else {
                Issue.record("\(status) is not upstreamError")
                continue
            }
            #expect(failure.status == status)
        }
        #expect(classifier.classify(response(200, "{}"), for: request()) == nil)
    }
}
