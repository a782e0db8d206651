import Synchronization

/// A chat connector's memory of the tenant's chats (`WildberriesConversation` by `chatID`) and
/// of how far it has read the event stream for itself. It caches every chat's `replySign`.
final class WildberriesChatLedger: Sendable {
    private struct State {
        var conversations: [String: WildberriesConversation] = [:]
        var position = WildberriesEventPosition()
        var catchUpFailures = 0
        /// Every failure `catchUpFailures` has counted, never reset: the mark a catch-up takes
        /// when it begins.
        var failuresCounted = 0
        /// Where the stream last refused the position (and the reading started over from there).
        var refusedAt: Int64?
        /// The most events (readable or not) a page of the stream has held: its page size, as
        /// far as it has shown it.
        var largestPage = 0
        /// The connector's own reading has reached the stream's end once: every chat's history
        /// (who wrote last among people, when it opened, its product) is in the ledger since.
        var caughtUp = false
        /// How far Wildberries' clock is ahead of this machine's (ms; behind when negative), as
        /// far as the last answer's `Date` shows it, or else the most the stream's times have been
        /// seen ahead (at least 0).
        var clockLead: Int64 = 0
        /// `clockLead` came from a `Date`: event times no longer move it.
        var clockFromDate = false
    }

    /// A lead beyond this is taken for a wrong time (on an event, or in a `Date`), not for a clock.
    static let maxClockLead: Int64 = 86_400_000
    /// Taken off a lead read from a `Date`: the clock that writes Wildberries' headers (an edge
    /// server's, a proxy's) may run a little ahead of the one that stamps its events.
    static let dateMargin: Int64 = 1_000

    /// How far Wildberries' clock runs ahead of this machine's, in ms (see `State.clockLead`).
    var clockLead: Int64 {
        state.withLock { $0.clockLead }
    }

    /// Whether the stream's second `second` (unix ms), which a reading has reached, can take no
    /// more events: it is `WildberriesEventPosition.settleMilliseconds` old by Wildberries' clock
    /// as far as the stream has shown it: this machine's (`unixNow`) plus `State.clockLead`.
    func isSettled(_ second: Int64, unixNow: Int64) -> Bool {
        let lead = state.withLock { $0.clockLead }
        return second <= unixNow + lead - WildberriesEventPosition.settleMilliseconds
    }

    /// Learns how far Wildberries' clock runs ahead of this machine's, against the time the
    /// page's answer came (`unixNow`): not the time it was asked for, as a request that waited
    /// for the budget or a slow answer would make Wildberries' clock look ahead by the wait, and
    /// every second then over that much too soon. From the answer's `Date` when `fromDate` and
    /// it has one (its whole second, less `dateMargin`, so the lead errs low: seconds end late,
    /// never early), each such answer's replacing the last, so a clock set right again is
    /// followed and no one odd event time moves it; until the first, from the event times, the
    /// most seen ahead.
    func noteStreamTimes(_ page: WildberriesEventsPage, answeredAt unixNow: Int64, fromDate: Bool) {
        state.withLock { s in
            if fromDate, let upstreamNow = page.answeredAt, abs(upstreamNow - unixNow) < Self.maxClockLead {
                s.clockLead = upstreamNow - unixNow - Self.dateMargin
                s.clockFromDate = true
                return
            }
            guard !s.clockFromDate else { return }
            for event in page.events {
                let ahead = event.addTimestamp - unixNow
                if ahead > s.clockLead, ahead < Self.maxClockLead { s.clockLead = ahead }
            }
        }
    }

    /// Whether the ledger holds the stream's history (see `State.caughtUp`); false after a
    /// start until a catch-up reaches the stream's end.
    var hasCaughtUp: Bool {
        state.withLock { $0.caughtUp }
    }

    func noteCaughtUp() {
        state.withLock { $0.caughtUp = true }
    }

    /// Where the failure count stands, taken by a catch-up when it begins (`catchUpFailed(since:)`).
    var catchUpFailureMark: Int {
        state.withLock { $0.failuresCounted }
    }

    /// Catch-ups in a row that an event page's failure cut short, counting this one, begun at
    /// `mark`, unless a failure has been counted since: that catch-up ran beside this one, not
    /// before it, and as callers share the stream's requests (`WildberriesEventReads`), often
    /// failed on the very request this one shared. Three lists at once against one failed page
    /// are one failure, not the three in a row that fail a list.
    func catchUpFailed(since mark: Int) -> Int {
        state.withLock { s in
            guard s.failuresCounted == mark else { return s.catchUpFailures }
            s.failuresCounted += 1
            s.catchUpFailures += 1
            return s.catchUpFailures
        }
    }

    func catchUpSucceeded() {
        state.withLock { $0.catchUpFailures = 0 }
    }

    /// Notes a page of the stream: whether it was as long as the stream's longest (`full`: more
    /// may follow it at once; Wildberries does not say its page size, so until a page shows it,
    /// every page counts as full), and whether an earlier page had shown that length already
    /// (`surelyFull`).
    func notePage(_ page: WildberriesEventsPage) -> (full: Bool, surelyFull: Bool) {
        let count = page.events.count + page.unreadable
        return state.withLock { s in
            let known = s.largestPage
            s.largestPage = max(s.largestPage, count)
            return (count >= s.largestPage, known > 0 && count >= known)
        }
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

    /// The conversations the event stream has shown and the chat list never has (it lags the
    /// stream, or misses them), but for those in `listed`.
    func streamOnlyConversations(besides listed: Set<String>) -> [WildberriesConversation] {
        state.withLock { s in s.conversations.filter { !$0.value.seenInList && !listed.contains($0.key) }.map(\.value) }
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

    /// Starts the connector's own reading of the stream over, from the oldest event it keeps,
    /// after the stream refused to go on from `query`; not when it refused that same place the
    /// last time: the reading then stays there, each call fails at once, and the third in a row
    /// fails its list, so a refusal that stays is seen rather than read up to again and again.
    /// Whether it started over (false: refused at the same place as the last time).
    @discardableResult
    func restartReading(refusedAt query: Int64?) -> Bool {
        state.withLock { s in
            let place = query ?? 0
            guard s.refusedAt != place else { return false }
            s.refusedAt = place
            s.position = WildberriesEventPosition()
            return true
        }
    }

    /// Moves the reading position forward (never back, when two readers race).
    func advance(to position: WildberriesEventPosition) {
        state.withLock { s in
            if (position.watermark ?? .min) >= (s.position.watermark ?? .min) { s.position = position }
        }
    }
}
