import Connectors
import Foundation

extension WildberriesChatConnector {
    /// How long before its send a message found in the stream afterwards may be dated and still
    /// be taken for it: room for Wildberries' clock not being ours, short enough that a seller
    /// rarely sends the same words to the same chat twice within it.
    static let confirmationWindow: Int64 = 60_000

    /// What a chat showed before a send, which the look-up after a lost answer passes over: the
    /// events of the chat the ledger had read from the stream (its latest few), and its last
    /// messages, which may be known by a receipt alone.
    struct KnownMessages: Sendable {
        var eventIDs: Set<String> = []
        var messages: [WildberriesConversation.Message] = []

        /// Of these, what to pass over for a message of `text`'s words: every event read, and
        /// the seller's last messages of the same words.
        func with(sameWordsAs text: String) -> KnownMessages {
            let words = text.wildberriesWords
            var kept = self
            kept.messages = messages.filter { message in
                message.sender == "seller" && message.text.wildberriesWords == words
            }
            return kept
        }

        func contains(_ event: WildberriesChatEvent) -> Bool {
            eventIDs.contains(event.eventID) || messages.contains { $0.isSame(asEvent: event.eventID, at: event.addTimestamp) }
        }
    }

    /// What `conversation` shows before a send.
    static func knownBefore(_ conversation: WildberriesConversation) -> KnownMessages {
        KnownMessages(eventIDs: Set(conversation.recentEventIDs),
                      messages: [conversation.last, conversation.lastFromPerson].compactMap { $0 })
    }

    /// The seller's message `text` in the chat `chatID`, dated `since` (this machine's unix ms) or
    /// later, from the event stream read from there (as many pages as a catch-up reads); nil when
    /// it does not show. Buyer-chat-api has no idempotency key: this is how a message whose answer
    /// was lost is told from one that was not sent.
    ///
    /// The stream's times are Wildberries': the window moves by how far its clock runs ahead of
    /// this one (`WildberriesChatLedger.clockLead`), and starts over from earlier, once, when the
    /// first answer's `Date` shows it so far behind what the ledger knew that the message could
    /// lie before the window (a lead that moved by less only shifts the window within its slack).
    /// Each page after the first is asked for from just below its newest event, as a catch-up
    /// reads: the stream's own `next` gives only what follows that event's second, and would pass
    /// over the rest of a second a page boundary cut, where the message may be.
    /// `besides`: what the chat showed before the send, which is not it.
    func sentMessage(chatID: String, text: String, since: Int64, besides earlier: KnownMessages = KnownMessages(),
                     deadline: ContinuousClock.Instant) async throws(ConnectorError) -> WildberriesChatEvent? {
        let words = text.wildberriesWords
        func isSent(_ event: WildberriesChatEvent, from: Int64) -> Bool {
            event.chatID == chatID && event.sender == "seller" && event.addTimestamp >= from
                && event.text?.wildberriesWords == words && !earlier.contains(event)
        }
        var from = since + ledger.clockLead
        var next = max(1, from - 1)
        var windowChecked = false
        for _ in 0..<max(1, catchUpPages) {
            let page = try await api.events(next: next, deadline: deadline)
            ledger.absorb(page.events)
            ledger.noteStreamTimes(page, answeredAt: unixMilliseconds(), fromDate: clockFromDate)
            if let sent = page.events.first(where: { isSent($0, from: from) }) { return sent }
            if !windowChecked {
                windowChecked = true
                let corrected = since + ledger.clockLead
                if from - corrected > Self.confirmationWindow - 2 * WildberriesChatLedger.dateMargin {
                    from = corrected
                    next = max(1, from - 1)
                    continue
                }
            }
            // A page shorter than the stream's pages held all there was.
            guard page.totalEvents > 0, ledger.notePage(page).full,
                  let newest = page.events.map(\.addTimestamp).max() else { return nil }
            // A page all of one second does not move that way: only the stream's `next` gets past it.
            if newest - 1 > next {
                next = newest - 1
            } else if let further = page.next, further > next {
                next = further
            } else {
                return nil
            }
        }
        return nil
    }
}
