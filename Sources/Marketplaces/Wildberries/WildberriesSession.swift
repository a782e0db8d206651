import Connectors
import Foundation

/// What all Wildberries connectors of one tenant share: one caller per host, each with its own
/// connection pool and the circuit breaker of the token's seller on that host (`WildberriesHost`,
/// shared by every tenant of that seller), and the tenant's token. The callers draw on the rate budgets of the
/// token's seller (`WildberriesTokenClaims`): feedbacks and questions from one, as Wildberries
/// counts them in one bucket, and every tenant of the same seller from the same. A base token's
/// calls draw on budgets of their own, at Wildberries' far lower limits for base tokens.
public final class WildberriesSession: MarketplaceSession {
    /// Always `wildberries`.
    public let marketplace = Marketplace.wildberries
    /// feedbacks-api: feedbacks and questions.
    public let feedbacks: UpstreamCaller
    /// buyer-chat-api.
    public let chat: UpstreamCaller
    let options: WildberriesOptions
    private let token: String
    private let account: String
    private let writeLocks: ItemWriteLocks
    /// The pace feedbacks-api allows this token: a base token's is far slower.
    private let feedbacksLimit: RateLimit
    /// Whether the token is a base token (`acc` 1).
    let isBaseToken: Bool

    /// Fails with `credentialsMissing` when the credentials carry no `token`.
    init(credentials: MarketplaceCredentials, options: WildberriesOptions,
         hosts: (feedbacks: WildberriesHost, chat: WildberriesHost)) throws(ConnectorError) {
        token = try credentials.require(["token"])[0]
        self.options = options
        let claims = WildberriesTokenClaims(token: token)
        account = claims.account
        isBaseToken = claims.isBase
        feedbacksLimit = claims.isBase ? options.feedbacksBaseTokenRateLimit : options.feedbacksRateLimit
        writeLocks = hosts.feedbacks.writeLocks
        func caller(_ host: WildberriesHost) -> UpstreamCaller {
            UpstreamCaller(marketplace: .wildberries,
                           client: options.clients.client(baseURL: host.baseURL, maxConnections: options.maxConnections),
                           classifier: WildberriesErrorClassifier(),
                           budget: host.budget(for: claims), breaker: host.breaker(for: claims),
                           retry: options.retry, attemptTimeout: options.attemptTimeout, clock: options.clock)
        }
        feedbacks = caller(hosts.feedbacks)
        chat = caller(hosts.chat)
    }

    /// Runs an answer's read, compare and write to one feedback or question (`item`, such as
    /// `question/<id>`) after the others to it: of this tenant and of every tenant of the same
    /// seller. Two replies sent together thus cannot both find it unanswered and both write, the
    /// second spending the answer's one edit.
    func writing<T>(_ item: String, until deadline: ContinuousClock.Instant,
                    _ body: () async throws(ConnectorError) -> T) async throws(ConnectorError) -> T {
        try await writeLocks.withLock(account + "/" + item, marketplace: .wildberries, until: deadline, clock: options.clock, body)
    }

    /// Refuses, before any call, an answer to `item` (such as `feedback <id>`) that the token's
    /// feedbacks-api pace cannot serve by `deadline`: an answer reads the item, then writes, and
    /// a base token's second call is 12 minutes after its first, past any deadline. Without this
    /// the read would spend the slot and the write be refused as rate-limited, with a wait after
    /// which a retry does the same again.
    func checkAnswerAffordable(_ item: String, deadline: ContinuousClock.Instant) throws(ConnectorError) {
        guard feedbacksLimit.burst < 2, options.clock.now + feedbacksLimit.interval > deadline else { return }
        let pace = feedbacksLimit.interval.components.seconds
        throw .upstreamAuthFailed(UpstreamFailure(
            marketplace: .wildberries, status: nil,
            message: "answering \(item) takes two feedbacks-api calls (a read, then the write), and this"
                + " \(isBaseToken ? "base " : "")token is allowed one every \(pace) s, longer than the request's deadline:"
                + " use a personal or service token"))
    }

    /// The header Wildberries reads the token from, in the raw form its spec gives.
    var authorization: (name: String, value: String) { ("Authorization", token) }
}
