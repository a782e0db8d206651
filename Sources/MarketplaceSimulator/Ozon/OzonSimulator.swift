import Foundation

/// A running simulated Ozon Seller host on loopback, ready to point a connector (or the gateway's
/// demo mode) at: its base URL, the credentials it accepts, the faults to inject, the log of what
/// it received, and hooks that make buyers act.
public final class OzonSimulator: Sendable {
    /// The simulated accounts: hooks and a look at their state.
    public let host: OzonSellerHost
    /// The loopback HTTP server in front of the host.
    public let server: SimulatorServer

    /// Starts serving at once on 127.0.0.1:`port` (0: any free port).
    public init(options: OzonSimulatorOptions = OzonSimulatorOptions(), port: Int = 0) throws {
        precondition(!options.accounts.isEmpty, "an Ozon simulator needs at least one account")
        host = OzonSellerHost(options: options)
        server = SimulatorServer(host: host, port: port)
        try server.start()
    }

    /// `http://127.0.0.1:<port>`: what `MarketplaceEndpoints.ozonSeller` should be.
    public var baseURL: URL { server.baseURL }
    /// Faults for the next requests (429 bursts, 5xx, latency, resets, broken bodies, maintenance).
    public var faults: FaultInjector { server.faults }
    /// Every request received, with the status answered, retries included.
    public var log: RequestLog { server.log }

    /// The first configured account: the one tests and demo mode use.
    public var account: OzonAccount { host.options.accounts[0] }

    /// The credential fields a tenant configures for Ozon (`client_id`, `api_key`).
    public var credentials: [String: String] {
        ["client_id": String(account.clientID), "api_key": account.apiKey]
    }

    /// Stops serving; requests in flight get a second to finish.
    public func stop() async {
        await server.stop()
    }

    /// A buyer writes into chat `chatID`, or into a new chat when nil; returns the chat.
    @discardableResult
    public func addBuyerMessage(_ text: String, chatID: String? = nil, at date: Date? = nil) -> OzonChat {
        host.addBuyerMessage(text, chatID: chatID, at: date)
    }

    /// A buyer publishes a review, now unless `publishedAt` says when; returns it.
    @discardableResult
    public func addReview(text: String, rating: Int = 5, sku: Int64? = nil, publishedAt: Date? = nil) -> OzonReview {
        host.addReview(text: text, rating: rating, sku: sku, publishedAt: publishedAt)
    }

    /// A buyer asks a question, now unless `publishedAt` says when; returns it.
    @discardableResult
    public func addQuestion(text: String, authorName: String = "Покупатель", sku: Int64? = nil, publishedAt: Date? = nil) -> OzonQuestion {
        host.addQuestion(text: text, authorName: authorName, sku: sku, publishedAt: publishedAt)
    }

    /// Switches the account's paid subscription (review methods, chat writes) on or off.
    public func setSubscription(_ enabled: Bool) {
        host.setSubscription(enabled)
    }
}
