import Connectors

/// `wildberries/review`: buyer feedbacks on feedbacks-api. Lists (by `isAnswered`, since a date,
/// past the offset caps through date windows, then the archive), reads one, answers or edits the
/// answer, and syncs. Wildberries no longer lets sellers mark feedbacks viewed, so `markRead` is not offered.
public struct WildberriesReviewConnector: ChannelConnector {
    /// What Wildberries lets this channel do; the registry lists it before any connector is built.
    public static let supported: Set<ConnectorOperation> = [.listItems, .item, .reply, .updates]

    /// `wildberries/review`.
    public let key = ConnectorKey(.wildberries, .review)
    /// `Self.supported`: everything but `markRead`.
    public var operations: Set<ConnectorOperation> { Self.supported }
    let source: WildberriesRecordSource<WildberriesFeedback>

    /// The tenant's review connector over the session's feedbacks-api caller, with the offset caps
    /// of `session.options`.
    public init(session: WildberriesSession) {
        source = WildberriesRecordSource(session: session, plural: "feedbacks", singular: "feedback",
                                         caps: .feedbacks(maxTake: session.options.feedbacksMaxTake,
                                                          maxSkip: session.options.feedbacksMaxSkip),
                                         archivePath: "/api/v1/feedbacks/archive")
    }

    /// Newest first, from `GET /api/v1/feedbacks` by `isAnswered`, then the archive; see
    /// `WildberriesRecordSource.list`.
    public func listItems(_ query: ListQuery, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ItemPage {
        try await source.list(query, deadline: deadline)
    }

    /// `GET /api/v1/feedback?id=`, with the seller's answer as `reply` when there is one.
    public func item(id: String, includeRaw: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> Item {
        let (feedback, raw) = try await source.item(id: id, includeRaw: includeRaw, deadline: deadline)
        return feedback.item(raw: raw)
    }

    /// Answers with `POST /api/v1/feedbacks/answer`, or edits an existing answer with `PATCH`.
    /// Wildberries answers 204 even for an id it does not have, so the feedback is read first
    /// (no such feedback: `itemNotFound`, nothing sent) and again afterwards for the answer's
    /// time. A reply whose text already is the answer (a retry after a lost response) writes
    /// nothing: Wildberries allows one edit, and sending it again would spend it; unless
    /// moderation turned that very text down, which is said rather than reported sent. An answer
    /// the buyer sees (or will, once moderated) is edited only when `replacing`. Replies to one
    /// feedback run one at a time (`WildberriesSession.writing`).
    public func reply(to id: String, text: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ReplyReceipt {
        try await reply(to: id, text: text, replacing: false, deadline: deadline)
    }

    public func reply(to id: String, text: String, replacing: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ReplyReceipt {
        try WildberriesLimits.checkText(text, WildberriesLimits.feedbackAnswer)
        // An id of no such form is no item (404), whatever the token could afford.
        try ItemIDShape.token.check(id)
        let source = source
        try source.session.checkAnswerAffordable("feedback \(id)", deadline: deadline)
        return try await source.session.writing("feedback/" + id, until: deadline) { () throws(ConnectorError) -> ReplyReceipt in
            let (before, _) = try await source.item(id: id, includeRaw: false, deadline: deadline)
            if let existing = before.answer, existing.says(text) {
                guard existing.wasRejected else { return ReplyReceipt(itemID: id, createdAt: existing.createdAt) }
                throw .upstreamRejected(UpstreamFailure(
                    marketplace: .wildberries, status: nil,
                    message: "not sent: Wildberries' moderation turned this very answer to feedback \(id) down (answer.state \(existing.state ?? "")); write another"))
            }
            try before.answer?.checkEditable("feedback \(id)")
            if let existing = before.answer, !existing.wasRejected {
                try existing.checkReplaceable("feedback \(id)", replacing: replacing)
            }
            let edit = before.answer != nil
            try await source.write(edit ? "PATCH" : "POST", path: "/api/v1/feedbacks/answer", body: ["id": id, "text": text],
                                   safety: .nonIdempotent, operation: edit ? "feedbacks.answer.edit" : "feedbacks.answer",
                                   deadline: deadline)
            let after: WildberriesFeedback
            do {
                (after, _) = try await source.item(id: id, includeRaw: false, deadline: deadline)
            } catch {
                // Wildberries took the answer (204) for a feedback the read before showed
                // exists; only the look that it shows failed (timed out, 5xx, rate-limited):
                // that is no reason to report the reply as failed, and a caller's retry would
                // find it there anyway.
                return ReplyReceipt(itemID: id)
            }
            // The 204 is Wildberries' word for a feedback the read before showed it has; an
            // answer not shown yet (or the old text still, while an edit waits for moderation)
            // is its replicas catching up, not a failure, and reporting one would invite a retry
            // that answers twice or spends the one edit.
            guard let answer = after.answer, answer.says(text) else { return ReplyReceipt(itemID: id) }
            return ReplyReceipt(itemID: id, createdAt: answer.createdAt)
        }
    }

    /// New and newly answered feedbacks, oldest first; see `WildberriesRecordSource.updates`.
    public func updates(since cursor: Cursor?, limit: Int, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> UpdatesPage {
        try await source.updates(since: cursor, limit: limit, deadline: deadline)
    }
}
