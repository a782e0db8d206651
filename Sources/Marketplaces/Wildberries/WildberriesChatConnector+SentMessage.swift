import Connectors
import Foundation

extension WildberriesChatConnector {
    /// How long before its send a message found in the stream afterwards may be dated and still
    /// be taken for it: room for Wildberries' clock not being ours, short enough that a seller
    /// rarely sends the same words to the same chat twice within it.
    static let confirmationWindow: Int64 = 60_000

    /// The seller's message `text` in the chat `chatID`, dated `since` or later, from the event
    /// stream read from there (as many pages as a catch-up reads); nil when it does not show.
    /// Buyer-chat-api has no idempotency key: this is how a message whose answer was lost is
    /// told from one that was not sent.
    func sentMessage(chatID: String, text: String, since: Int64,
                     deadline: ContinuousClock.Instant) async throws(ConnectorError) -> WildberriesChatEvent? {
        let words = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var next: Int64? = max(0, since - 1)
        for _ in 0..<max(1, catchUpPages) {
            let page = try await api.events(next: next, deadline: deadline)
            ledger.absorb(page.events)
            if let sent = page.events.first(where: { event in
                event.chatID == chatID && event.sender == "seller" && event.addTimestamp >= since
                    && event.text?.trimmingCharacters(in: .whitespacesAndNewlines) == words
            }) {
                return sent
            }
            guard page.totalEvents > 0, !page.events.isEmpty, let further = page.next, further != next else { return nil }
            next = further
        }
        return nil
    }
}
