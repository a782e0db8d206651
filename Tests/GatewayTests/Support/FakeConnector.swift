import Connectors
import Synchronization

/// A connector over an in-memory list of items, counting calls, with scripted failures: enough
/// to drive the gateway's handlers without an upstream.
final class FakeConnector: ChannelConnector {
    let key: ConnectorKey
    let operations: Set<ConnectorOperation>
    let items: [Item]
    private let state = Mutex<(replies: [String], reads: [String], failure: ConnectorError?, failAfterWrite: Bool, lastQuery: ListQuery?)>(
        ([], [], nil, false, nil))
    /// When set, reply waits for it (to hold a request in flight).
    let replyGate = Mutex<CheckedContinuation<Void, Never>?>(nil)
    let holdReplies: Bool

    init(key: ConnectorKey, count: Int, operations: Set<ConnectorOperation> = Set(ConnectorOperation.allCases), holdReplies: Bool = false) {
        self.key = key
        self.operations = operations
        self.holdReplies = holdReplies
        items = (0..<count).map { index in
            Item(id: "item-\(index)", marketplace: key.marketplace, channel: key.channel, kind: .review,
                 text: "Текст отзыва \(index)", createdAt: Timestamp(secondsSinceEpoch: 1_780_000_000 + Int64(index)),
                 status: index.isMultiple(of: 2) ? .unanswered : .answered, rating: 1 + index % 5,
                 raw: .object(["id": .string("item-\(index)")]))
        }
    }

    var replies: [String] { state.withLock { $0.replies } }
    var reads: [String] { state.withLock { $0.reads } }
    var lastQuery: ListQuery? { state.withLock { $0.lastQuery } }

    /// The next call throws `error`; with `afterWrite`, a reply or mark-read first reports a write
    /// the marketplace may have applied, as `UpstreamCaller` does for a write that timed out.
    func failNext(with error: ConnectorError, afterWrite: Bool = false) {
        state.withLock {
            $0.failure = error
            $0.failAfterWrite = afterWrite
        }
    }

    private func takeWriteFailure() -> ConnectorError? {
        let (failure, afterWrite) = state.withLock { state in
            defer { (state.failure, state.failAfterWrite) = (nil, false) }
            return (state.failure, state.failAfterWrite)
        }
        if failure != nil, afterWrite {
            UpstreamCallCounter.current?.record(UpstreamCallReport(marketplace: key.marketplace, host: "fake.example", operation: "write",
                                                                   attempt: 1, outcome: .timeout, duration: .zero, mayHaveChanged: true))
        }
        return failure
    }

    private func takeFailure() -> ConnectorError? {
        state.withLock { state in
            defer { state.failure = nil }
            return state.failure
        }
    }

    func listItems(_ query: ListQuery, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ItemPage {
        state.withLock { $0.lastQuery = query }
        if let failure = takeFailure() { throw failure }
        let start = query.cursor.flatMap { $0["offset"] }.flatMap(Int.init) ?? 0
        let matching = items.filter { query.status == nil || $0.status == query.status }
        let page = Array(matching.dropFirst(start).prefix(query.limit)).map { item -> Item in
            var item = item
            if !query.includeRaw { item.raw = nil }
            return item
        }
        let next = start + page.count < matching.count ? Cursor(["offset": String(start + page.count)]) : nil
        return ItemPage(items: page, nextCursor: next)
    }

    func item(id: String, includeRaw: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> Item {
        if let failure = takeFailure() { throw failure }
        guard var item = items.first(where: { $0.id == id }) else { throw .itemNotFound(id: id) }
        if !includeRaw { item.raw = nil }
        return item
    }

    /// Recorded as `id: text (replacing)` when `replacing`.
    func reply(to id: String, text: String, replacing: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ReplyReceipt {
        try await reply(to: id, text: text + (replacing ? " (replacing)" : ""), deadline: deadline)
    }

    func reply(to id: String, text: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ReplyReceipt {
        guard operations.contains(.reply) else { throw .operationNotSupported(key, .reply) }
        if holdReplies {
            await withCheckedContinuation { continuation in replyGate.withLock { $0 = continuation } }
            // As an upstream call does when its task is cancelled meanwhile.
            if Task.isCancelled { throw .upstreamTimeout(UpstreamFailure(marketplace: key.marketplace, status: nil, message: "reply was cancelled by the caller")) }
        }
        if let failure = takeWriteFailure() { throw failure }
        guard items.contains(where: { $0.id == id }) else { throw .itemNotFound(id: id) }
        let count = state.withLock { state in
            state.replies.append("\(id): \(text)")
            return state.replies.count
        }
        return ReplyReceipt(itemID: id, replyID: "answer-\(count)", createdAt: Timestamp(secondsSinceEpoch: 1_790_000_000))
    }

    var isReplyWaiting: Bool { replyGate.withLock { $0 != nil } }

    /// Lets a held reply continue; false when none is waiting yet.
    func releaseReply() -> Bool {
        let continuation = replyGate.withLock { gate in
            defer { gate = nil }
            return gate
        }
        continuation?.resume()
        return continuation != nil
    }

    func markRead(id: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) {
        guard operations.contains(.markRead) else { throw .operationNotSupported(key, .markRead) }
        if holdReplies {
            // Held as a reply is (`releaseReply`).
            await withCheckedContinuation { continuation in replyGate.withLock { $0 = continuation } }
        }
        if let failure = takeWriteFailure() { throw failure }
        state.withLock { $0.reads.append(id) }
    }

    func updates(since cursor: Cursor?, limit: Int, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> UpdatesPage {
        let start = cursor.flatMap { $0["seen"] }.flatMap(Int.init) ?? 0
        let page = Array(items.dropFirst(start).prefix(limit))
        return UpdatesPage(items: page, nextCursor: Cursor(["seen": String(start + page.count)]), hasMore: start + page.count < items.count)
    }
}
