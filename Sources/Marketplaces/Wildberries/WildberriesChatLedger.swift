import Synchronization

/// A chat connector's memory of the tenant's chats (`WildberriesConversation` by `chatID`) and
/// of how far it has read the event stream for itself. It caches every chat's `replySign`.
final class WildberriesChatLedger: Sendable {
    private struct State {
        var conversations: [String: WildberriesConversation] = [:]
        var position = WildberriesEventPosition()
        var catchUpFailures = 0
    }

    /// Catch-ups in a row that an event page's failure cut short, counting this one.
    func catchUpFailed() -> Int {
        state.withLock { s in
            s.catchUpFailures += 1
            return s.catchUpFailures
        }
    }

    func catchUpSucceeded() {
        state.withLock { $0.catchUpFailures = 0 }
    }

    private let state = Mutex(State())

    func absorb(_ events: [WildberriesChatEvent]) {
        state.withLock { s in
            for event in events {
                s.conversations[event.chatID, default: WildberriesConversation(chatID: event.chatID)].absorb(event)
            }
        }
    }

    func absorb(_ chats: [WildberriesChat]) {
        state.withLock { s in
            for chat in chats {
                s.conversations[chat.chatID, default: WildberriesConversation(chatID: chat.chatID)].absorb(chat)
            }
        }
    }

    /// Records a message the connector itself sent.
    func noteSent(chatID: String, text: String, at: Int64) {
        state.withLock { s in
            s.conversations[chatID, default: WildberriesConversation(chatID: chatID)].noteSent(text: text, at: at)
        }
    }

    func conversation(_ chatID: String) -> WildberriesConversation? {
        state.withLock { $0.conversations[chatID] }
    }

    func replySign(_ chatID: String) -> String? {
        state.withLock { $0.conversations[chatID]?.replySign }
    }

    /// Where the connector's own reading of the stream stands.
    var position: WildberriesEventPosition {
        state.withLock { $0.position }
    }

    /// Starts the connector's own reading of the stream over, from the oldest event it keeps.
    func restartReading() {
        state.withLock { $0.position = WildberriesEventPosition() }
    }

    /// Moves the reading position forward (never back, when two readers race).
    func advance(to position: WildberriesEventPosition) {
        state.withLock { s in
            if (position.watermark ?? .min) >= (s.position.watermark ?? .min) { s.position = position }
        }
    }
}
