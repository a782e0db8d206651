import Connectors
import Foundation
import Synchronization

/// What one tenant's Ozon connectors share: the tenant's Client-Id and Api-Key, and the
/// `UpstreamCaller` that carries the Client-Id's rate budget and the host's circuit breaker.
/// Built once per (tenant, Ozon) by the registry. The Api-Key only ever leaves in a header.
public final class OzonSession: MarketplaceSession {
    /// Always `ozon`.
    public let marketplace = Marketplace.ozon
    /// The seller account (Client-Id): not a secret, it names the account in logs and budgets.
    public let clientID: String
    private let apiKey: String
    /// Deadline, circuit breaker, rate budget, retries and error classification for every call.
    public let caller: UpstreamCaller
    /// Which spelling of the question status method this host answered last (the documents
    /// disagree: `change-status` or `change_status`); the other is tried on a plain 404.
    let questionStatusPath = Mutex(OzonQuestionConnector.statusPaths.0)

    /// The writes to one item under way, shared by every tenant of the Client-Id (`writing`).
    private let writeLocks: ItemWriteLocks

    /// A session for one Client-Id; `caller` should carry that Client-Id's shared budget and
    /// breaker, and `writeLocks` be that Client-Id's, as `OzonConnectors.register` builds them.
    public init(clientID: String, apiKey: String, caller: UpstreamCaller, writeLocks: ItemWriteLocks = ItemWriteLocks()) {
        self.clientID = clientID
        self.apiKey = apiKey
        self.caller = caller
        self.writeLocks = writeLocks
    }

    /// Runs a read-then-write of one item (`item`, such as `question/<id>`) after the others to
    /// it, of this tenant and of every tenant of the same Client-Id: a mark-read that read the
    /// question unprocessed cannot then set it viewed over an answer sent meanwhile.
    func writing<T>(_ item: String, until deadline: ContinuousClock.Instant,
                    _ body: () async throws(ConnectorError) -> T) async throws(ConnectorError) -> T {
        try await writeLocks.withLock(clientID + "/" + item, marketplace: .ozon, until: deadline, body)
    }

    /// POSTs `body` to `path` and decodes the answer as `T`; an answer that is not the promised
    /// JSON is `upstreamError`. Runs under `deadline`; cancelling the task cancels the call.
    func post<T: JSONReadable>(_ path: String, _ body: OzonBody, as type: T.Type, safety: UpstreamRequest.Safety,
                            operation: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> (T, UpstreamResponse) {
        try await post(path, body: body.bytes, as: type, safety: safety, operation: operation, deadline: deadline)
    }

    /// The same with the body's bytes already written.
    func post<T: JSONReadable>(_ path: String, body: [UInt8], as type: T.Type, safety: UpstreamRequest.Safety,
                            operation: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> (T, UpstreamResponse) {
        let request = UpstreamRequest.json("POST", path, body: body, safety: safety, operation: operation,
                                           headers: [("Client-Id", clientID), ("Api-Key", apiKey), ("Accept", "application/json")])
        let response = try await caller.call(request, deadline: deadline)
        do {
            return (try T(parsing: response.body), response)
        } catch {
            throw .upstreamError(UpstreamFailure(
                marketplace: .ozon, status: response.status,
                message: "unreadable answer to \(operation): \(response.bodyText(limit: 80))"))
        }
    }

    /// The objects under `key` in the answer, as the upstream wrote them, for `Item.raw`.
    static func rawObjects(_ response: UpstreamResponse, key: String) -> [JSONValue] {
        if case .array(let values)? = response.json()?[key] { return values }
        return []
    }
}
