import Connectors
import Foundation

/// Reads the Seller API's error answers (reference §4.4):
///
/// - 429 (code 8) → `upstreamRateLimited`, with the wait from `retry-after`.
/// - "Circle is open" (a method blocked after heavy load or for maintenance), and a 503 with
///   `retry-after` → `upstreamUnavailable`; a 503 without one is a 5xx like the others.
///   Ozon blocks such a method "for a few minutes": without its own `retry-after` the wait is
///   `blockedMethodWait`, so the call is not retried into the block within its deadline and the
///   client is told to come back in a minute rather than at once. The block is the method's,
///   not the host's: the circuit of the host (and so of every other method) counts it as an answer.
/// - 401 (code 16), 403 (code 7: missing subscription, missing role, offer not signed, key
///   deactivated or IP-restricted), and anything about the Client-Id or Api-Key, including the
///   404 code 5 "Invalid Api-Key" Ozon sends for a wrong key → `upstreamAuthFailed`. A missing
///   subscription is the tenant's Ozon account lacking an entitlement: no other text would
///   succeed, the operator has to fix the account, exactly as for a key without the needed role,
///   so it is an auth failure (502), not a rejection of the content (422).
/// - Any other JSON 404 (code 5, "review not found") → `itemNotFound` with the id the request named.
/// - A JSON 400, 409 or 422 that says "not found" of the one item the call names → `itemNotFound`.
/// - 400 (code 3) → `upstreamRejected` for writes (a reply, a mark-read: Ozon refused what the
///   client asked of that item), `upstreamError` for reads: the gateway builds a read from input
///   it has already checked, so a refusal is Ozon's API and ours disagreeing (a renamed field, an
///   enum it no longer takes), not the client's request, and sending it again gets the same answer.
///   Every Seller API call is a POST, so a write is known by its path (`writePaths`), not its
///   method, and not by whether it may be sent twice: a mark-read may, and is still a write.
/// - 409, 422 → `upstreamRejected` for writes and `upstreamError` for reads, as 400; other 5xx, a
///   non-JSON 404 (unknown path), anything else → `upstreamError`.
struct OzonErrorClassifier: UpstreamErrorClassifier {
    func classify(_ response: UpstreamResponse, for request: UpstreamRequest) -> ConnectorError? {
        guard !response.isSuccess else { return nil }
        let body = try? OzonErrorBody(parsing: response.body)
        let message = response.errorMessage()
        let failure = UpstreamFailure(marketplace: .ozon, status: response.status, message: message, requestID: response.requestID)
        let lower = message.lowercased()
        let retryAfter = RetryAfter.delay(in: response)
        if Self.blocksMethod(lower) { return .upstreamUnavailable(retryAfter: retryAfter ?? Self.blockedMethodWait, failure) }
        let aboutCredentials = lower.contains("api-key") || lower.contains("api key") || lower.contains("client-id")
        switch response.status {
        case 429:
            return .upstreamRateLimited(retryAfter: retryAfter, failure)
        case 403 where lower.contains("subscription") || lower.contains("offer not signed"):
            return .upstreamAuthFailed(failure.lackingEntitlement)
        case 401, 403:
            return .upstreamAuthFailed(failure)
        case 404:
            guard body != nil else { return .upstreamError(failure) }
            if aboutCredentials || body?.code == 16 { return .upstreamAuthFailed(failure) }
            if let id = Self.itemID(in: request) { return .itemNotFound(id: id) }
            return .upstreamError(failure)
        case 400, 409, 422:
            if response.status == 400, aboutCredentials { return .upstreamAuthFailed(failure) }
            // The reference documents only 404 for a missing item; a refusal that says "not
            // found" of the one item a call names (a chat's history, a reply to it) is read the
            // same way, rather than as the API and the gateway disagreeing (a read's 502) or a
            // refused text (a write's 422), neither of which tells the client the id is wrong.
            if body != nil, lower.contains("not found") || lower.contains("not_found"), let id = Self.itemID(in: request) {
                return .itemNotFound(id: id)
            }
            return Self.isWrite(request) ? .upstreamRejected(failure) : .upstreamError(failure)
        case 503:
            // Unavailable for a time Ozon names; without one, a 5xx like any other (DESIGN §5),
            // rather than a wait the gateway would have to invent.
            return retryAfter.map { .upstreamUnavailable(retryAfter: $0, failure) } ?? .upstreamError(failure)
        default:
            if aboutCredentials, response.status < 500 { return .upstreamAuthFailed(failure) }
            return .upstreamError(failure)
        }
    }

    /// The Seller API methods the connectors change something with: replies and mark-reads
    /// (both spellings of the question status method).
    static let writePaths: Set<String> = [
        "/v1/review/comment/create", "/v1/review/change-status",
        "/v1/question/answer/create", "/v1/question/change-status", "/v1/question/change_status",
        "/v1/chat/send/message", "/v2/chat/read",
    ]

    /// Whether `request` changes something at Ozon: a refusal of it is the client's (422), not a
    /// disagreement between Ozon's API and a read the gateway built (502).
    static func isWrite(_ request: UpstreamRequest) -> Bool {
        request.safety == .nonIdempotent || writePaths.contains(request.path)
    }

    /// A method blocked ("Circle is open") is refused before Ozon acts on the request.
    func saysNotApplied(_ response: UpstreamResponse) -> Bool {
        Self.blocksMethod(response.errorMessage().lowercased())
    }

    /// Ozon blocks one method at a time: its reviews may be blocked while its chats answer.
    func blocksOperationOnly(_ response: UpstreamResponse) -> Bool {
        saysNotApplied(response)
    }

    /// A blocked method stays blocked for a while (the minute told to the caller): asking again
    /// within the request would only meet the block.
    func outlastsTheRequest(_ response: UpstreamResponse) -> Bool {
        saysNotApplied(response)
    }

    /// Whether Ozon's error text (lower-cased) says the method is blocked for a while.
    static func blocksMethod(_ lowerMessage: String) -> Bool {
        lowerMessage.contains("circle is open")
    }

    static let blockedMethodWait = Duration.seconds(60)

    /// The one item a request is about: `review_id`, `question_id`, `chat_id`, or the single
    /// element of `review_ids` / `question_ids`.
    static func itemID(in request: UpstreamRequest) -> String? {
        guard let body = request.body,
              let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        for key in ["review_id", "question_id", "chat_id"] {
            if let id = object[key] as? String, !id.isEmpty { return id }
        }
        for key in ["review_ids", "question_ids"] {
            if let ids = object[key] as? [String], ids.count == 1 { return ids[0] }
        }
        return nil
    }
}
