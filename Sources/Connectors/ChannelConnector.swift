/// One (marketplace, channel) for one tenant's credentials: the unified interface every
/// connector implements. Each call runs under `deadline`; cancelling the calling task cancels
/// the upstream request. An operation not in `operations` throws `operationNotSupported`.
public protocol ChannelConnector: Sendable {
    var key: ConnectorKey { get }
    var operations: Set<ConnectorOperation> { get }

    func listItems(_ query: ListQuery, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ItemPage
    func item(id: String, includeRaw: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> Item
    func reply(to id: String, text: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ReplyReceipt
    func markRead(id: String, deadline: ContinuousClock.Instant) async throws(ConnectorError)
    func updates(since cursor: Cursor?, limit: Int, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> UpdatesPage
}

extension ChannelConnector {
    public func item(id: String, includeRaw: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> Item {
        throw .operationNotSupported(key, .item)
    }

    public func reply(to id: String, text: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ReplyReceipt {
        throw .operationNotSupported(key, .reply)
    }

    public func markRead(id: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) {
        throw .operationNotSupported(key, .markRead)
    }

    public func updates(since cursor: Cursor?, limit: Int, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> UpdatesPage {
        throw .operationNotSupported(key, .updates)
    }
}
