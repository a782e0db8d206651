import Connectors
import Foundation

/// What all Wildberries connectors of one tenant share: one caller per host, each with its own
/// connection pool and circuit breaker, and the tenant's token. The callers draw on the rate
/// budgets of the token's seller (`WildberriesSellerAccount`): feedbacks and questions from one,
/// as Wildberries counts them in one bucket, and every tenant of the same seller from the same.
public final class WildberriesSession: MarketplaceSession {
    public let marketplace = Marketplace.wildberries
    /// feedbacks-api: feedbacks and questions.
    public let feedbacks: UpstreamCaller
    /// buyer-chat-api.
    public let chat: UpstreamCaller
    let options: WildberriesOptions
    private let token: String

    /// Fails with `credentialsMissing` when the credentials carry no `token`.
    init(credentials: MarketplaceCredentials, endpoints: MarketplaceEndpoints, options: WildberriesOptions,
         budgets: (feedbacks: RateBudgets, chat: RateBudgets)) throws(ConnectorError) {
        token = try credentials.require(["token"])[0]
        self.options = options
        let seller = WildberriesSellerAccount.of(token: token)
        func caller(_ url: URL, _ budget: RateBudget) -> UpstreamCaller {
            let client = options.clients.client(baseURL: url, maxConnections: options.maxConnections)
            return UpstreamCaller(
                marketplace: .wildberries, client: client, classifier: WildberriesErrorClassifier(),
                budget: budget,
                breaker: CircuitBreaker(host: client.host, failureThreshold: options.breakerFailureThreshold,
                                        coolDown: options.breakerCoolDown, clock: options.clock),
                retry: options.retry, attemptTimeout: options.attemptTimeout, clock: options.clock)
        }
        feedbacks = caller(endpoints.wildberriesFeedbacks, budgets.feedbacks.budget(for: seller))
        chat = caller(endpoints.wildberriesChat, budgets.chat.budget(for: seller))
    }

    /// The header Wildberries reads the token from, in the raw form its spec gives.
    var authorization: (name: String, value: String) { ("Authorization", token) }
}
