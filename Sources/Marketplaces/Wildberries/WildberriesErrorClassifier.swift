import Connectors
import Foundation

/// Wildberries' answers read as `ConnectorError`s (reference §3.2): 401/402/403 refuse the
/// token; 404 (or 422 on a read by id) means no such feedback or question; 429 is the rate limit
/// with `X-Ratelimit-Retry` (or, without it, `X-Ratelimit-Reset`); any body announcing
/// maintenance is `upstreamUnavailable`, whatever its status, and so is a 503 naming its wait
/// (`Retry-After`); 400 on a write is a rejection of
/// the content, on a read of one item a refusal of its id (the client's), on any other read
/// Wildberries' API and ours disagreeing (`upstreamError`: the gateway built it from input it had
/// checked); 5xx is the upstream's failure, and so is any other answer to a read, or a redirect
/// (`upstreamError`); any other 4xx to a write refuses its content (`upstreamRejected`). A 200
/// envelope with `error: true` is a failure too.
struct WildberriesErrorClassifier: UpstreamErrorClassifier {
    /// The wait a maintenance answer that names none is given (it says "до 16:00", in a time
    /// zone it does not name): when the caller may come back.
    static let maintenanceWait: Duration = .seconds(30)

    /// Wildberries' maintenance answer ("Технический перерыв"), and a 2xx envelope saying
    /// `error: true` (the envelope reports the request failed, with `errorText`): it did not act
    /// on the request.
    func saysNotApplied(_ response: UpstreamResponse) -> Bool {
        let body = WildberriesErrorBody(response)
        return body.isMaintenance || (response.isSuccess && body.errorFlag)
    }

    /// A maintenance window lasts minutes or hours: asking again within the request, however long
    /// its deadline, would only be refused again.
    func outlastsTheRequest(_ response: UpstreamResponse) -> Bool {
        WildberriesErrorBody(response).isMaintenance
    }

    func classify(_ response: UpstreamResponse, for request: UpstreamRequest) -> ConnectorError? {
        if response.isSuccess {
            guard Self.mayCarryErrorFlag(response.body) else { return nil }
            let body = WildberriesErrorBody(response)
            guard body.errorFlag else { return nil }
            let failure = UpstreamFailure(marketplace: .wildberries, status: response.status, message: body.message,
                                          requestID: body.requestID)
            return body.isMaintenance ? .upstreamUnavailable(retryAfter: Self.maintenanceWait, failure) : .upstreamError(failure)
        }
        let body = WildberriesErrorBody(response)
        let failure = UpstreamFailure(marketplace: .wildberries, status: response.status, message: body.message,
                                      requestID: body.requestID)
        if body.isMaintenance {
            return .upstreamUnavailable(retryAfter: RetryAfter.delay(in: response) ?? Self.maintenanceWait, failure)
        }
        let itemID = Self.itemID(of: request)
        switch response.status {
        case 402:
            // Payment required: the token is good, its service (a service token's) is unpaid.
            return .upstreamAuthFailed(failure.lackingEntitlement)
        case 401, 403:
            return .upstreamAuthFailed(failure)
        case 404:
            guard !body.isPathNotFound, let itemID else { return .upstreamError(failure) }
            return .itemNotFound(id: itemID)
        case 422 where request.method == "GET" && itemID != nil:
            return .itemNotFound(id: itemID!)
        case 429:
            return .upstreamRateLimited(retryAfter: RetryAfter.delay(in: response) ?? Self.burstRestored(response), failure)
        case 503:
            // Unavailable for a time Wildberries names; without one, a 5xx like any other
            // (DESIGN §5), rather than a wait the gateway would have to invent.
            return RetryAfter.delay(in: response).map { .upstreamUnavailable(retryAfter: $0, failure) } ?? .upstreamError(failure)
        case 400 where request.method == "GET":
            guard itemID != nil else { return .upstreamError(failure) }
            return .invalidRequest(field: "id", reason: "Wildberries refused the id: \(failure.message)")
        case 500...:
            return .upstreamError(failure)
        case _ where UpstreamFailure.saysLater(response.status):
            // 408 and 425 (429 is above): the request was not taken in, or not yet; it says come
            // back later, not that its content was refused.
            return .upstreamError(failure)
        case _ where request.method == "GET" || response.status < 400:
            // A read carries no content to refuse, and a redirect (not followed) refuses nothing:
            // an answer the API's description does not explain.
            return .upstreamError(failure)
        default:
            return .upstreamRejected(failure)
        }
    }

    /// `X-Ratelimit-Reset`, the seconds until the whole burst is back (reference §3.2): when a
    /// 429 names no earlier retry time, a retry after it is certain to be let through.
    static func burstRestored(_ response: UpstreamResponse) -> Duration? {
        response.header("x-ratelimit-reset").flatMap { RetryAfter.parse($0) }
    }

    /// The feedback or question a request is about: `?id=` or the JSON body's `id`.
    static func itemID(of request: UpstreamRequest) -> String? {
        if let id = request.query.first(where: { $0.name == "id" })?.value { return id }
        guard let body = request.body, request.headers.contains(where: { $0.value.hasPrefix("application/json") }),
              let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else { return nil }
        return object["id"] as? String
    }

    /// Cheap pre-check before parsing a success body: only an envelope saying `"error": true`
    /// needs a closer look.
    static func mayCarryErrorFlag(_ body: [UInt8]) -> Bool {
        let key: StaticString = "\"error\""
        let keyBytes = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        var start = 0
        while start + keyBytes.count <= body.count, let first = body[start...].firstIndex(of: keyBytes[0]) {
            start = first + 1
            guard first + keyBytes.count <= body.count, body[first..<first + keyBytes.count].elementsEqual(keyBytes) else { continue }
            var index = first + keyBytes.count
            while index < body.count, isWhitespace(body[index]) { index += 1 }
            guard index < body.count, body[index] == UInt8(ascii: ":") else { continue }
            index += 1
            while index < body.count, isWhitespace(body[index]) { index += 1 }
            if body[index...].starts(with: "true".utf8) { return true }
        }
        return false
    }
}
