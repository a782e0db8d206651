import Connectors
import Foundation

/// What all Wildberries connectors of one tenant share: one caller per host — so the feedbacks
/// and questions connectors draw on one rate budget, as Wildberries counts them in one bucket —
/// each with its own connection pool and circuit breaker, and the tenant's token.
public final class WildberriesSession: MarketplaceSession {
    public let marketplace = Marketplace.wildberries
    /// feedbacks-api: feedbacks and questions.
    public let feedbacks: UpstreamCaller
    /// buyer-chat-api.
    public let chat: UpstreamCaller
    let options: WildberriesOptions
    private let token: String

    /// Fails with `credentialsMissing` when the credentials carry no `token`.
    public init(credentials: MarketplaceCredentials, endpoints: MarketplaceEndpoints, options: WildberriesOptions) throws(ConnectorError) {
        token = try credentials.require(["token"])[0]
        self.options = options
        func caller(_ url: URL, _ limit: RateLimit) -> UpstreamCaller {
            let client = options.clients.client(baseURL: url, maxConnections: options.maxConnections)
            return UpstreamCaller(
                marketplace: .wildberries, client: client, classifier: WildberriesErrorClassifier(),
                budget: RateBudget(limit: limit, clock: options.clock),
                breaker: CircuitBreaker(host: client.host, failureThreshold: options.breakerFailureThreshold,
                                        coolDown: options.breakerCoolDown, clock: options.clock),
                retry: options.retry, attemptTimeout: options.attemptTimeout, clock: options.clock)
        }
        feedbacks = caller(endpoints.wildberriesFeedbacks, options.feedbacksRateLimit)
        chat = caller(endpoints.wildberriesChat, options.chatRateLimit)
    }

    /// The header Wildberries reads the token from, in the raw form its spec gives.
    var authorization: (name: String, value: String) { ("Authorization", token) }
}
