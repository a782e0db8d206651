import Foundation
import HTTP

/// `buyer-chat-api.wildberries.ru`, simulated: the chat list, the event stream with its `next`
/// cursor (unix ms; the stream's times are whole seconds, and the next page starts strictly
/// after it), multipart message sending with the real 400 bodies, file downloads, token checks
/// and the per-seller limit of 10 requests per 10 seconds.
public final class WildberriesChatHost: SimulatedHost {
    /// Chats and events: the truth tests compare against, and the hooks that change it.
    public let store: WildberriesChatStore
    let options: WildberriesSimulatorOptions
    private let gate: WildberriesGate

    init(options: WildberriesSimulatorOptions, store: WildberriesChatStore) {
        self.options = options
        self.store = store
        gate = WildberriesGate(category: .chat, tokens: Set(options.tokens),
                               limiter: WildberriesRateLimiter(limit: options.chatRateLimit),
                               baseTokenLimiter: WildberriesRateLimiter(limit: options.chatBaseTokenRateLimit))
    }

    private static let downloadPrefix = "/api/v1/seller/download/"

    /// Routes as the real host: an unknown path is 404 and a wrong method 405 before any token
    /// check; then the token, the rate limit and the route's own validation.
    public func handle(_ request: SimulatorRequest) async -> HTTPResponse {
        let allowed: [String]
        switch request.path {
        case "/ping", "/api/v1/seller/chats", "/api/v1/seller/events": allowed = ["GET"]
        case "/api/v1/seller/message": allowed = ["POST"]
        case let path where path.hasPrefix(Self.downloadPrefix) && path.count > Self.downloadPrefix.count: allowed = ["GET"]
        default: return WildberriesResponses.pathNotFound()
        }
        guard allowed.contains(request.method) else { return WildberriesResponses.methodNotAllowed(allowed: allowed) }
        return gate.answer(request, with: route)
    }

    private func route(_ request: SimulatorRequest) -> HTTPResponse {
        switch request.path {
        case "/ping":
            return SimulatorResponse.json(["TS": WildberriesDateText.moscow(WildberriesResponses.nowMilliseconds()), "Status": "OK"])
        case "/api/v1/seller/chats":
            return WildberriesResponses.chatResult(store.chatList().map { $0.chat.json(lastMessage: $0.last) })
        case "/api/v1/seller/events":
            return events(request)
        case "/api/v1/seller/message":
            return message(request)
        default:
            return download(String(request.path.dropFirst(Self.downloadPrefix.count)))
        }
    }

    /// `?next=<ms>`: events after it; the terminal page has `totalEvents: 0`, the `next` echoed
    /// and null event times.
    private func events(_ request: SimulatorRequest) -> HTTPResponse {
        var next: Int64?
        if let text = request.query["next"] {
            guard let value = Int64(text) else { return WildberriesResponses.chatError(400, detail: "Invalid number") }
            guard value > 0 else { return WildberriesResponses.chatError(400, detail: "Invalid value for \"next\"") }
            next = value
        }
        let page = store.events(after: next, pageSize: options.eventsPageSize)
        let times = page.map { $0.0.streamTimestamp }
        let result: [String: Any] = [
            "next": times.last ?? next ?? WildberriesResponses.nowMilliseconds(),
            "newestEventTime": times.max().map { WildberriesDateText.utc($0) as Any } ?? NSNull(),
            "oldestEventTime": times.min().map { WildberriesDateText.utc($0) as Any } ?? NSNull(),
            "totalEvents": page.count,
            "events": page.map { $0.0.json(chat: $0.1) },
        ]
        return WildberriesResponses.chatResult(result)
    }

    private func download(_ id: String) -> HTTPResponse {
        guard let file = store.attachment(id: id) else {
            return WildberriesResponses.chatError(400, title: "invalid fileID", detail: "invalid fileID")
        }
        return HTTPResponse(status: .ok, headers: ["Content-Type": file.contentType], body: file.bytes)
    }

    /// The chat host's own 429 (with its rate-limit headers), 5xx, and maintenance answer (a 400
    /// announcing a "Технический перерыв").
    public func faultResponse(_ fault: Fault) -> HTTPResponse {
        switch fault {
        case .rateLimited(let retryAfter):
            return WildberriesGate.tooManyRequests(retry: String(retryAfter), limit: options.chatRateLimit.burst,
                                                   reset: String(retryAfter))
        case .serverError(let status):
            return WildberriesResponses.chatError(status, title: HTTPStatus(status).reasonPhrase, detail: "internal error")
        case .maintenance:
            return WildberriesResponses.chatError(
                400, detail: "Технический перерыв до 16:00: действуют временные ограничения на работу с чатами")
        default:
            return WildberriesResponses.chatError(500, title: "Internal Server Error", detail: "internal error")
        }
    }
}
