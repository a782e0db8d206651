import Connectors

/// `wildberries/chat`: buyer chats on buyer-chat-api. Conversations come from
/// `/api/v1/seller/chats`, who wrote each last message from the event stream (read as far as
/// needed), updates from the stream's `next` cursor, replies through the multipart
/// `/api/v1/seller/message` with the chat's `replySign`. Wildberries has no "read" for chats.
public struct WildberriesChatConnector: ChannelConnector {
    /// What Wildberries lets this channel do; the registry lists it before any connector is built.
    public static let supported: Set<ConnectorOperation> = [.listItems, .item, .reply, .updates]

    /// `wildberries/chat`.
    public let key = ConnectorKey(.wildberries, .chat)
    /// `Self.supported`: everything but `markRead`.
    public var operations: Set<ConnectorOperation> { Self.supported }
    let api: WildberriesChatAPI
    let ledger = WildberriesChatLedger()
    let reads: WildberriesEventReads
    let catchUpPages: Int
    let unixMilliseconds: @Sendable () -> Int64
    let clockFromDate: Bool

    /// Catch-ups in a row whose failure a call lets go before it fails the call.
    static let quietCatchUpFailures = 3

    /// The tenant's chat connector over the session's chat caller. Its ledger of conversations and
    /// event-stream position lives as long as the connector, which the registry keeps per tenant.
    public init(session: WildberriesSession) {
        api = WildberriesChatAPI(session: session)
        catchUpPages = session.options.chatCatchUpPages
        unixMilliseconds = session.options.unixMilliseconds
        clockFromDate = session.options.chatClockFromDate
        reads = WildberriesEventReads(window: session.options.chatEventsShareWindow, unixMilliseconds: session.options.unixMilliseconds)
    }

    /// The event stream's page from `next`, shared with the tenant's other callers asking the same
    /// (`WildberriesEventReads`: an answer a little old may stand in for a wait for the budget),
    /// taken into the ledger by whoever asked Wildberries for it.
    func events(next: Int64?, deadline: ContinuousClock.Instant,
                budget: UpstreamCaller.BudgetUse = .wait) async throws(ConnectorError) -> WildberriesEventRead {
        try await reads.read(next: next, deadline: deadline, mayWait: budget == .wait) { (spareOnly: Bool) async throws(ConnectorError) -> WildberriesEventRead in
            let askedAt = unixMilliseconds()
            let page = try await api.events(next: next, deadline: deadline, budget: spareOnly ? .atHand : budget)
            ledger.absorb(page.events)
            ledger.noteStreamTimes(page, answeredAt: unixMilliseconds(), fromDate: clockFromDate)
            return WildberriesEventRead(page: page, askedAt: askedAt)
        }
    }

    /// Whether a second of the event stream is over (see `WildberriesChatLedger.isSettled`) by
    /// the time `read` was asked for, whatever the wait for its answer and since.
    func secondsOver(asOf read: WildberriesEventRead) -> (Int64) -> Bool {
        { [ledger] second in ledger.isSettled(second, unixNow: read.askedAt) }
    }

    /// One chat, from a fresh chat list (and the event stream, to learn who wrote its last message).
    /// `malformedItemID` for an id not of the form `1:<uuid>`; `itemNotFound` when neither shows the
    /// chat and the stream was read to its end; when the reading stopped short of it (no request
    /// to spare in the budget, a passing failure, the pages of one call spent), the reason it
    /// stopped: the chat may be further on.
    public func item(id: String, includeRaw: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> Item {
        try ItemIDShape.versionedUUID.check(id)
        let chats = try await freshChats(includeRaw: includeRaw, deadline: deadline)
        let listed = chats.first { $0.0.chatID == id }
        // The chat list has been seen to lag behind the event stream: a chat the stream showed
        // counts too, and the stream is read on for one the list does not show yet.
        func known() -> WildberriesConversation? {
            ledger.conversation(id).flatMap { listed != nil || $0.last != nil ? $0 : nil }
        }
        var stoppedShort: ConnectorError?
        if listed == nil, known() == nil { stoppedShort = try await catchUp(deadline: deadline) }
        guard let conversation = known() else { throw stoppedShort ?? .itemNotFound(id: id) }
        return conversation.item(raw: listed?.1, historyKnown: ledger.hasCaughtUp)
    }

    /// Sends `text` into the chat with its `replySign`, taken from the connector's cache or —
    /// when the chat is new to it, or Wildberries refuses the cached sign — from a fresh chat list,
    /// or for a chat the list does not show yet, from the event stream read on. A send that fails
    /// after it may have reached Wildberries (no answer, a lost connection, a 5xx) is looked for
    /// in the stream (`sentMessage`): found, it is reported sent, so that a client's retry does
    /// not send it twice.
    public func reply(to id: String, text: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ReplyReceipt {
        try WildberriesLimits.checkText(text, WildberriesLimits.chatMessage)
        try ItemIDShape.versionedUUID.check(id)
        var sign = ledger.replySign(id)
        if sign == nil {
            ledger.absorb(try await api.chats(includeRaw: false, deadline: deadline).map(\.0))
            sign = ledger.replySign(id)
        }
        var stoppedShort: ConnectorError?
        if sign == nil {
            // A chat the list does not show yet: its first event in the stream carries the sign.
            stoppedShort = try await catchUp(deadline: deadline)
            sign = ledger.replySign(id)
        }
        guard let sign else {
            if let stoppedShort { throw stoppedShort }
            // Known, but neither the list nor the stream gave a sign to answer it with.
            if ledger.conversation(id) != nil { throw .upstreamRejected(Self.signless) }
            throw .itemNotFound(id: id)
        }
        // The message goes into the event stream: answers read before it are not given again.
        defer { reads.forget() }
        let since = unixMilliseconds() - Self.confirmationWindow
        // What the chat showed before the send is not this message: the look-up after a lost
        // answer must not take the same words sent a moment ago (a template) for it.
        let earlier = ledger.conversation(id).map(Self.knownBefore) ?? WildberriesChatConnector.KnownMessages()
        let (api, ledger) = (api, ledger)
        let receipt = try await api.session.chat.confirmedWrite(deadline: deadline) { until throws(ConnectorError) -> WildberriesMessageReceipt in
            do throws(ConnectorError) {
                return try await api.send(replySign: sign, text: text, deadline: until)
            } catch {
                // Wildberries refused the sign (a 400: nothing was sent): the chat list has the
                // current one. Sent once more only with a sign that differs.
                guard case .upstreamRejected(let failure) = error, failure.message.lowercased().contains("signature") else { throw error }
                ledger.absorb(try await api.chats(includeRaw: false, deadline: until).map(\.0))
                guard let fresh = ledger.replySign(id), fresh != sign else { throw error }
                return try await api.send(replySign: fresh, text: text, deadline: until)
            }
        } find: { until throws(ConnectorError) -> WildberriesMessageReceipt? in
            try await sentMessage(chatID: id, text: text, since: since, besides: earlier.with(sameWordsAs: text), deadline: until)
                .map { WildberriesMessageReceipt(addedAt: Timestamp(millisecondsSinceEpoch: $0.addTimestamp), chatID: id) }
        }
        if let at = receipt.addedAt { ledger.noteSent(chatID: id, text: text, at: at.millisecondsSinceEpoch) }
        return ReplyReceipt(itemID: receipt.chatID ?? id, createdAt: receipt.addedAt)
    }

    /// The chat list taken into the ledger; when it shows a last message the ledger cannot
    /// attribute, the event stream is read on (a bounded number of pages) to learn its sender,
    /// as far as the chat budget has requests to spare and the stream answers: the list already
    /// answers the call, and a sender still unknown shows as the buyer's (unanswered) until a
    /// later call learns it. A failure that is the request's own (the token refused) still fails it.
    func freshChats(includeRaw: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> [(WildberriesChat, JSONValue?)] {
        let chats = try await api.chats(includeRaw: includeRaw, deadline: deadline)
        ledger.absorb(chats.map(\.0))
        let historyKnown = ledger.hasCaughtUp
        if chats.contains(where: { chat in ledger.conversation(chat.0.chatID)?.needsHistory(historyKnown: historyKnown) ?? false }) {
            try await catchUp(deadline: deadline)
        }
        return chats
    }

    /// Reads the event stream on from the ledger's own position, which moves with each page
    /// read: a call that stops part way (no request to spare in the budget, a passing failure)
    /// leaves the next one to go on from there, not to read the same pages again. It never
    /// waits for the budget: after a restart the stream may be long, and waiting for it would
    /// hold this call and the calls of every other tenant on the credential. A failure is let go
    /// twice (a refused token at once fails the call); the third catch-up in a row that fails
    /// (catch-ups running at once count as one) fails its call, so an event stream that stays
    /// broken is seen rather than hidden behind chats shown as unanswered. A 4xx, the stream
    /// refusing the position, starts the reading over once (see
    /// `WildberriesChatLedger.restartReading`).
    /// `countsFailures: false` for a caller that lets any failure go (updates): its failures
    /// must not bring a list's "third in a row" nearer.
    ///
    /// Returns nil when the reading reached the stream's end (or all but its last unsettled
    /// seconds); else why it stopped short, for a caller that looked for one chat and must not
    /// call it missing when it may be further on.
    @discardableResult
    func catchUp(deadline: ContinuousClock.Instant, countsFailures: Bool = true) async throws(ConnectorError) -> ConnectorError? {
        let failureMark = ledger.catchUpFailureMark
        var position = ledger.position
        var query = position.query
        for _ in 0..<catchUpPages {
            let read: WildberriesEventRead
            do {
                read = try await events(next: query, deadline: deadline, budget: .atHand)
            } catch {
                var restarted = false
                switch error {
                case .upstreamRateLimited:
                    return error
                case .upstreamAuthFailed, .credentialsMissing:
                    throw error
                case .upstreamError(let failure) where !error.isRetryable && (400..<500).contains(failure.status ?? 0):
                    // The stream refused its own cursor: going on from there would fail the same
                    // way on every call, so the reading starts over from the oldest event the
                    // stream keeps, once; refused there again, the failure stands and is counted.
                    restarted = ledger.restartReading(refusedAt: query)
                default:
                    break
                }
                // Started over, the next call reads from the oldest event on: the chat may be there.
                if !countsFailures || ledger.catchUpFailed(since: failureMark) < Self.quietCatchUpFailures {
                    return restarted ? Self.stillReading : error
                }
                throw error
            }
            ledger.catchUpSucceeded()
            let page = read.page, settled = secondsOver(asOf: read)
            guard page.totalEvents > 0 else {
                ledger.noteCaughtUp()
                return nil
            }
            guard !page.events.isEmpty else {
                // Past a page of events it cannot read, the stream may go on: the next call reads on.
                position.pass(unreadable: page, settled: settled)
                ledger.advance(to: position)
                return Self.stillReading
            }
            var progressed = false
            for event in position.unconsumed(in: page) {
                guard position.consume(event, settled: settled) else { break }
                progressed = true
            }
            let moved = position.settle(over: page, settled: settled)
            let length = ledger.notePage(page)
            let next = position.nextQuery(after: page, asked: query, progressed: progressed, moved: moved, length: length,
                                          settled: settled)
            ledger.advance(to: position)
            // A page with news shorter than the stream's ends a poll (it most likely held all
            // there was), but Wildberries does not promise its page size: only its terminal page
            // (`totalEvents: 0`) shows the history whole, which decides chats' statuses. The
            // catch-up reads on to it.
            if next == .end, !length.full, progressed || moved {
                if let further = position.query, further != query {
                    query = further
                    continue
                }
                // The page held only the rest of the watermark's second: once that second is
                // over, the stream's own `next` gets past it.
                if let streamNext = page.next, streamNext > (query ?? .min), let watermark = position.watermark, settled(watermark) {
                    query = streamNext
                    continue
                }
            }
            guard case .ask(let next) = next else {
                // Stopped short of an unsettled second, the reading has not reached the end, unless
                // it stops below it with events kept ahead: only the last few seconds are unread.
                if next == .end || position.hasEventsAhead {
                    ledger.noteCaughtUp()
                    return nil
                }
                // Stopped at a second not yet over: a short page held all there was (the chat
                // would be known by now), a full one may have more after it.
                return length.full ? Self.stillReading : nil
            }
            query = next
        }
        return Self.stillReading
    }

    /// Why a look-up stopped short of the stream's end is told when it is the gateway's own
    /// reading that did (its pages for one call spent, a second not yet over, a reading started
    /// over): retry in a second.
    static let stillReading = ConnectorError.upstreamUnavailable(retryAfter: .seconds(1), readingOn)

    /// Why a look-up ends 503 when one call's pages of the event stream did not reach its end: the
    /// next call reads on from there.
    static let readingOn = UpstreamFailure(marketplace: .wildberries, status: nil,
                                           message: "Wildberries' chat event stream is still being read up to the present; retry shortly.")

    /// Why a reply ends 422 for a chat the gateway knows but has no `replySign` for.
    static let signless = UpstreamFailure(marketplace: .wildberries, status: nil,
                                          message: "Wildberries gave no reply sign for this chat, so no message can be sent into it.",
                                          isLasting: true)
}
