import Connectors

/// `wildberries/question`: buyer questions on feedbacks-api. Lists, reads one, answers (or edits
/// the answer, once) with `PATCH /api/v1/questions` and state `wbRu`, marks viewed, and syncs.
public struct WildberriesQuestionConnector: ChannelConnector {
    /// What Wildberries lets this channel do; the registry lists it before any connector is built.
    public static let supported: Set<ConnectorOperation> = [.listItems, .item, .reply, .markRead, .updates]

    /// `wildberries/question`.
    public let key = ConnectorKey(.wildberries, .question)
    /// `Self.supported`: every operation.
    public var operations: Set<ConnectorOperation> { Self.supported }
    let source: WildberriesRecordSource<WildberriesQuestion>

    /// The tenant's question connector over the session's feedbacks-api caller.
    public init(session: WildberriesSession) {
        source = WildberriesRecordSource(session: session, plural: "questions", singular: "question",
                                         caps: .questions(maxTotal: session.options.questionsMaxTotal))
    }

    /// Newest first, from `GET /api/v1/questions` by `isAnswered`; see `WildberriesRecordSource.list`.
    public func listItems(_ query: ListQuery, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ItemPage {
        try await source.list(query, deadline: deadline)
    }

    /// `GET /api/v1/question?id=`, with the answer as `reply` when there is one.
    public func item(id: String, includeRaw: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> Item {
        let (question, raw) = try await source.item(id: id, includeRaw: includeRaw, deadline: deadline)
        return question.item(raw: raw)
    }

    /// The 200 envelope of `PATCH /api/v1/questions` is the upstream's confirmation; an unknown
    /// id is `itemNotFound`. The question is read first: a reply whose text already is the
    /// published answer (a retry after a lost response) writes nothing, as a second `PATCH` would
    /// count as the answer's one edit; the same text on a question the seller hid (state `none`,
    /// the text its rejection) is sent, as `wbRu` publishes it. Another published answer is
    /// edited only when `replacing`. Replies to one question run one at a time
    /// (`WildberriesSession.writing`).
    public func reply(to id: String, text: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ReplyReceipt {
        try await reply(to: id, text: text, replacing: false, deadline: deadline)
    }

    public func reply(to id: String, text: String, replacing: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ReplyReceipt {
        try WildberriesLimits.checkText(text, WildberriesLimits.questionAnswer)
        // An id of no such form is no item (404), whatever the token could afford.
        try ItemIDShape.token.check(id)
        let source = source
        try source.session.checkAnswerAffordable("question \(id)", deadline: deadline)
        return try await source.session.writing("question/" + id, until: deadline) { () throws(ConnectorError) -> ReplyReceipt in
            let (before, _) = try await source.item(id: id, includeRaw: false, deadline: deadline)
            if let existing = before.answer, existing.says(text), before.state != "none" {
                return ReplyReceipt(itemID: id, createdAt: existing.createdAt)
            }
            try before.answer?.checkEditable("question \(id)")
            if let existing = before.answer, before.state != "none" {
                try existing.checkReplaceable("question \(id)", replacing: replacing)
            }
            try await source.write("PATCH", path: "/api/v1/questions", body: ["id": id, "answer": ["text": text], "state": "wbRu"],
                                   safety: .nonIdempotent, operation: "questions.answer", deadline: deadline)
            return ReplyReceipt(itemID: id)
        }
    }

    /// `PATCH /api/v1/questions` with `wasViewed: true`; doing it twice does no harm.
    public func markRead(id: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) {
        try ItemIDShape.token.check(id)
        try await source.write("PATCH", path: "/api/v1/questions", body: ["id": id, "wasViewed": true],
                               safety: .idempotent, operation: "questions.viewed", deadline: deadline)
    }

    /// New and newly answered questions, oldest first; see `WildberriesRecordSource.updates`.
    public func updates(since cursor: Cursor?, limit: Int, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> UpdatesPage {
        try await source.updates(since: cursor, limit: limit, deadline: deadline)
    }
}
