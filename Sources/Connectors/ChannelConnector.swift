/// One (marketplace, channel) for one tenant's credentials: the unified interface every
/// connector implements. Each call runs under `deadline`; cancelling the calling task cancels
/// the upstream request. An operation not in `operations` throws `operationNotSupported`.
public protocol ChannelConnector: Sendable {
    /// The (marketplace, channel) this connector serves: the key the registry files it under and
    /// the one its cursors are sealed for.
    var key: ConnectorKey { get }
    /// What this connector offers. It must match the `operations` of its registry factory, which
    /// the registry checks before it builds or calls a connector; the others throw `operationNotSupported`.
    var operations: Set<ConnectorOperation> { get }

    /// One page of at most `query.limit` items that pass `query`'s filters, continuing from
    /// `query.cursor`. A page may come back short and still have a `nextCursor`; nil means the
    /// listing is over. A cursor or filter the connector cannot use is `invalidRequest`.
    func listItems(_ query: ListQuery, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ItemPage
    /// The item `id` as the upstream has it now, with `raw` when `includeRaw`. Throws
    /// `itemNotFound` when the upstream has no such item, and `malformedItemID` (without asking
    /// it) when `id` cannot be one of this marketplace's ids.
    func item(id: String, includeRaw: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> Item
    /// Posts `text` as the seller's answer to the item (a chat message for chats). A write: sent
    /// again only where the upstream cannot have applied it. Text outside the marketplace's bounds
    /// is `invalidRequest` (field `text`); content the upstream refuses is `upstreamRejected`.
    func reply(to id: String, text: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ReplyReceipt
    /// `reply`, and with `replacing` the item's standing answer is replaced by `text` where the
    /// marketplace keeps one answer (its registry factory's `replyReplaces`); without, an item
    /// that has another answer is `upstreamRejected`, so two writers, or a retry whose words
    /// changed, never overwrite an answer unasked.
    func reply(to id: String, text: String, replacing: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ReplyReceipt
    /// Marks the item seen by the seller, in whatever state the marketplace has for that; safe to
    /// repeat. Connectors whose marketplace has no such state leave it out of `operations`.
    func markRead(id: String, deadline: ContinuousClock.Instant) async throws(ConnectorError)
    /// Items created or changed since `cursor` (nil: from the oldest the upstream keeps), at most
    /// `limit` of them unless the connector documents otherwise. `nextCursor` is always set: callers
    /// store it and come back with it; `hasMore` says whether to come back at once.
    func updates(since cursor: Cursor?, limit: Int, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> UpdatesPage
}

extension ChannelConnector {
    /// Default for connectors that cannot fetch one item: throws `operationNotSupported`.
    public func item(id: String, includeRaw: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> Item {
        throw .operationNotSupported(key, .item)
    }

    /// Default for connectors that cannot reply: throws `operationNotSupported`.
    public func reply(to id: String, text: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ReplyReceipt {
        throw .operationNotSupported(key, .reply)
    }

    /// Default for connectors whose replies never replace an answer: `reply`; the gateway refuses
    /// `replace` for them before calling.
    public func reply(to id: String, text: String, replacing: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ReplyReceipt {
        guard !replacing else {
            throw .invalidRequest(field: "replace", reason: "\(key.marketplace)/\(key.channel) replies never replace an answer: leave it out")
        }
        return try await reply(to: id, text: text, deadline: deadline)
    }

    /// Default for connectors whose marketplace has no read state: throws `operationNotSupported`.
    public func markRead(id: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) {
        throw .operationNotSupported(key, .markRead)
    }

    /// Default for connectors that cannot report changes: throws `operationNotSupported`.
    public func updates(since cursor: Cursor?, limit: Int, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> UpdatesPage {
        throw .operationNotSupported(key, .updates)
    }
}
