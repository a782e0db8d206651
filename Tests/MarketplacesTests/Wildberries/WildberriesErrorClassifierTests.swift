import Connectors
import Foundation
@testable import Marketplaces
import Testing

@Suite("Wildberries error classifier")
struct WildberriesErrorClassifierTests {
    @Test("a 200 envelope saying error true is looked at closely, however its JSON is spaced", arguments: [
        #"{"data":null,"error":true,"errorText":"Ошибка"}"#, #"{"data":null,"error" : true}"#,
        "{\"error\":\n\ttrue,\"errorText\":\"x\"}", #"{"error":  true}"#,
    ])
    func errorFlag(body: String) {
        #expect(WildberriesErrorClassifier.mayCarryErrorFlag(Array(body.utf8)))
    }

    @Test("a 400 to a list is the API's disagreement (upstreamError, not retryable); to one item's read, a refusal of its id")
    func badRequestOnReads() {
        let classifier = WildberriesErrorClassifier()
        let refusal = UpstreamResponse(status: 400, headers: ["content-type": "application/json"],
                                       body: Data(#"{"title":"Bad request","detail":"Плохой формат isAnswered"}"#.utf8))
        let list = classifier.classify(refusal, for: UpstreamRequest(method: "GET", path: "/api/v1/feedbacks",
                                                                     query: [("isAnswered", "maybe")], safety: .idempotent, operation: "list"))
        guard case .upstreamError(let failure)? = list else { Issue.record("got \(String(describing: list))"); return }
        #expect(failure.status == 400)
        #expect(list?.isRetryable == false)
        let one = classifier.classify(refusal, for: UpstreamRequest(method: "GET", path: "/api/v1/feedback",
                                                                    query: [("id", "x y")], safety: .idempotent, operation: "item"))
        guard case .invalidRequest(let field, _)? = one else { Issue.record("got \(String(describing: one))"); return }
        #expect(field == "id")
    }

    @Test("a read answered with a status the API does not explain, or any call with a redirect, is the upstream's error, not a refusal of content",
          arguments: [("GET", 301), ("GET", 308), ("GET", 405), ("GET", 409), ("GET", 410), ("POST", 302), ("PATCH", 307)])
    func unexplainedStatuses(method: String, status: Int) {
        let answer = UpstreamResponse(status: status, headers: ["content-type": "text/plain"], body: Data("moved".utf8))
        let request = UpstreamRequest(method: method, path: "/api/v1/feedbacks", query: [], safety: method == "GET" ? .idempotent : .nonIdempotent,
                                      operation: "feedbacks")
        guard case .upstreamError(let failure)? = WildberriesErrorClassifier().classify(answer, for: request) else {
            Issue.record("got \(String(describing: WildberriesErrorClassifier().classify(answer, for: request)))")
            return
        }
        #expect(failure.status == status)
    }

    @Test("a 503 naming its wait is the marketplace unavailable for that long, on a read as on a write; without a wait, a 5xx like the others",
          arguments: ["GET", "PATCH"])
    func unavailableWithWait(method: String) {
        let request = UpstreamRequest(method: method, path: "/api/v1/questions", query: [],
                                      safety: method == "GET" ? .idempotent : .nonIdempotent, operation: "questions")
        let named = UpstreamResponse(status: 503, headers: ["content-type": "text/plain", "retry-after": "7"], body: Data("busy".utf8))
        guard case .upstreamUnavailable(let wait, let failure)? = WildberriesErrorClassifier().classify(named, for: request) else {
            Issue.record("got \(String(describing: WildberriesErrorClassifier().classify(named, for: request)))")
            return
        }
        #expect(wait == .seconds(7))
        #expect(failure?.status == 503)
        let unnamed = UpstreamResponse(status: 503, headers: ["content-type": "text/plain"], body: Data("busy".utf8))
        guard case .upstreamError? = WildberriesErrorClassifier().classify(unnamed, for: request) else {
            Issue.record("a 503 without a wait is upstreamError")
            return
        }
    }

    @Test("a 429 that names only when its burst is back (X-Ratelimit-Reset) is retried after that; X-Ratelimit-Retry, when sent, wins")
    func rateLimitReset() {
        let request = UpstreamRequest(method: "GET", path: "/api/v1/feedbacks", query: [], safety: .idempotent, operation: "feedbacks")
        let resetOnly = UpstreamResponse(status: 429, headers: ["content-type": "application/problem+json", "x-ratelimit-reset": "29",
                                                                "x-ratelimit-limit": "10"], body: Data(#"{"title":"too many requests"}"#.utf8))
        guard case .upstreamRateLimited(let wait, _)? = WildberriesErrorClassifier().classify(resetOnly, for: request) else {
            Issue.record("expected upstreamRateLimited")
            return
        }
        #expect(wait == .seconds(29))
        let both = UpstreamResponse(status: 429, headers: ["x-ratelimit-reset": "29", "x-ratelimit-retry": "2"], body: Data())
        guard case .upstreamRateLimited(let retry, _)? = WildberriesErrorClassifier().classify(both, for: request) else {
            Issue.record("expected upstreamRateLimited")
            return
        }
        #expect(retry == .seconds(2))
    }

    @Test("a write answered with a 4xx the API does not name otherwise is a refusal of its content")
    func writeRefused() {
        let answer = UpstreamResponse(status: 409, headers: ["content-type": "application/json"], body: Data(#"{"detail":"already answered"}"#.utf8))
        let request = UpstreamRequest(method: "PATCH", path: "/api/v1/feedbacks", query: [], safety: .nonIdempotent, operation: "answer")
        guard case .upstreamRejected? = WildberriesErrorClassifier().classify(answer, for: request) else {
            Issue.record("expected upstreamRejected")
            return
        }
    }

    @Test("a write answered 408 or 425 is asked to come again later, not refused for its content", arguments: [408, 425])
    func writeAskedLater(status: Int) {
        let answer = UpstreamResponse(status: status, headers: ["content-type": "text/plain"], body: Data("timeout".utf8))
        let request = UpstreamRequest(method: "PATCH", path: "/api/v1/feedbacks", query: [], safety: .nonIdempotent, operation: "answer")
        let error = WildberriesErrorClassifier().classify(answer, for: request)
        guard case .upstreamError(let failure)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(failure.status == status)
        #expect(error?.isRetryable == true)
    }

    @Test("a 200 envelope saying error true is Wildberries' word that it did not act; only maintenance outlasts the request")
    func errorEnvelopeNotApplied() {
        let classifier = WildberriesErrorClassifier()
        let refused = UpstreamResponse(status: 200, headers: ["content-type": "application/json"],
                                       body: Data(#"{"data":null,"error":true,"errorText":"Ошибка","additionalErrors":null}"#.utf8))
        #expect(classifier.saysNotApplied(refused))
        #expect(!classifier.outlastsTheRequest(refused))
        let done = UpstreamResponse(status: 200, headers: ["content-type": "application/json"],
                                    body: Data(#"{"data":null,"error":false,"errorText":"","additionalErrors":null}"#.utf8))
        #expect(!classifier.saysNotApplied(done))
        let failed = UpstreamResponse(status: 500, headers: ["content-type": "application/json"],
                                      body: Data(#"{"data":null,"error":true,"errorText":"Ошибка"}"#.utf8))
        #expect(!classifier.saysNotApplied(failed), "a 5xx's envelope is no promise: a proxy may give it after passing the write on")
        let maintenance = UpstreamResponse(status: 503, headers: ["content-type": "application/json"],
                                           body: Data(#"{"error":true,"errorText":"Технический перерыв до 16:00"}"#.utf8))
        #expect(classifier.saysNotApplied(maintenance) && classifier.outlastsTheRequest(maintenance))
    }

    @Test("an envelope without the flag set is read as a success", arguments: [
        #"{"data":{},"error":false,"errorText":""}"#, #"{"errorText":"true"}"#, #"{"data":{"text":"\"error\": maybe"}}"#,
        #"{"error""#, "",
    ])
    func noErrorFlag(body: String) {
        #expect(!WildberriesErrorClassifier.mayCarryErrorFlag(Array(body.utf8)))
    }
}
