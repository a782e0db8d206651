import Connectors
import Foundation

/// The calls of buyer-chat-api, through the tenant's chat caller with its token.
struct WildberriesChatAPI: Sendable {
    let session: WildberriesSession

    /// `GET /api/v1/seller/chats`: every chat (no paging), each with its raw JSON when asked.
    func chats(includeRaw: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> [(WildberriesChat, JSONValue?)] {
        let operation = "chat.list"
        let response = try await session.chat.call(
            UpstreamRequest(method: "GET", path: "/api/v1/seller/chats", headers: [session.authorization],
                            safety: .idempotent, operation: operation),
            deadline: deadline)
        let envelope = try WildberriesDecoding.decode(WildberriesChatEnvelope<WildberriesLossyList<WildberriesChat>>.self,
                                                      from: response, operation: operation)
        // A 200 whose `errors` say why it has no `result` is a failure, not a seller without chats.
        if envelope.result == nil, !envelope.errors.isEmpty {
            throw .upstreamError(UpstreamFailure(marketplace: .wildberries, status: response.status,
                                                 message: envelope.errors.joined(separator: "; ")))
        }
        var raws: [JSONValue] = []
        if includeRaw, case .array(let values)? = try WildberriesDecoding.json(response, operation: operation)["result"] {
            raws = values
        }
        return (envelope.result?.elements ?? []).enumerated().compactMap { index, chat in
            chat.map { ($0, index < raws.count ? raws[index] : nil) }
        }
    }

    /// `GET /api/v1/seller/events?next=<ms>` (from the oldest when `next` is nil).
    func events(next: Int64?, deadline: ContinuousClock.Instant,
                budget: UpstreamCaller.BudgetUse = .wait) async throws(ConnectorError) -> WildberriesEventsPage {
        let operation = "chat.events"
        let response = try await session.chat.call(
            UpstreamRequest(method: "GET", path: "/api/v1/seller/events", query: next.map { [("next", String($0))] } ?? [],
                            headers: [session.authorization], safety: .idempotent, operation: operation),
            deadline: deadline, budget: budget)
        let envelope = try WildberriesDecoding.decode(WildberriesChatEnvelope<WildberriesEventsPage>.self,
                                                      from: response, operation: operation)
        guard var page = envelope.result else { throw WildberriesDecoding.malformed(response, operation: operation) }
        page.answeredAt = response.answeredAtUnixSeconds.map { $0 * 1000 }
        return page
    }

    /// `POST /api/v1/seller/message` (multipart) with the chat's `replySign`.
    func send(replySign: String, text: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> WildberriesMessageReceipt {
        let operation = "chat.message"
        var form = WildberriesMultipartBody()
        form.add("replySign", replySign)
        form.add("message", text)
        let response = try await session.chat.call(
            UpstreamRequest(method: "POST", path: "/api/v1/seller/message",
                            headers: [session.authorization, ("Content-Type", form.contentType)], body: form.finished,
                            safety: .nonIdempotent, operation: operation),
            deadline: deadline)
        let envelope = try WildberriesDecoding.decode(WildberriesChatEnvelope<WildberriesMessageReceipt>.self,
                                                      from: response, operation: operation)
        guard let receipt = envelope.result else { throw WildberriesDecoding.malformed(response, operation: operation) }
        return receipt
    }
}
