import Connectors
import Foundation
import MarketplaceSimulator
import Marketplaces
import Testing

/// A simulated Ozon Seller host on loopback and a registry with the Ozon connectors pointed at
/// it, for one test. Small seeded data, a generous upstream rate limit and tiny retry delays keep
/// tests fast; each test overrides what it is about.
struct OzonTestbed {
    let simulator: OzonSimulator
    let registry: ConnectorRegistry
    let clock: OzonTestClock

    /// Seeded data ends an hour ago, so whatever a test adds "now" is newer.
    static var anchor: Date { Date(timeIntervalSinceNow: -3600) }

    static func simulatorOptions(reviews: Int = 45, questions: Int = 30, chats: Int = 9, rate: Double = 100_000,
                                 burst: Int = 100_000) -> OzonSimulatorOptions {
        OzonSimulatorOptions(seed: 11, reviewCount: reviews, questionCount: questions, chatCount: chats, messagesPerChat: 5,
                             anchor: anchor, requestsPerSecond: rate, burst: burst)
    }

    static func connectorOptions(_ clock: OzonTestClock) -> OzonOptions {
        OzonOptions(rateLimit: RateLimit(burst: 1000, interval: .microseconds(10)),
                    retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(2), maxDelay: .milliseconds(10), random: { 0.5 }),
                    attemptTimeout: .seconds(5), breakerThreshold: 100, breakerCoolDown: .seconds(30), clock: clock)
    }

    /// Runs `body` with a fresh testbed and stops the simulator afterwards, whatever happens.
    static func run(simulator options: OzonSimulatorOptions = simulatorOptions(),
                    connectors configure: (inout OzonOptions) -> Void = { _ in },
                    _ body: (OzonTestbed) async throws -> Void) async throws {
        let clock = OzonTestClock()
        let simulator = try OzonSimulator(options: options)
        var connectorOptions = connectorOptions(clock)
        configure(&connectorOptions)
        let registry = ConnectorRegistry()
        OzonConnectors.register(in: registry, endpoints: MarketplaceEndpoints(ozonSeller: simulator.baseURL), options: connectorOptions)
        let bed = OzonTestbed(simulator: simulator, registry: registry, clock: clock)
        do {
            try await body(bed)
        } catch {
            await simulator.stop()
            throw error
        }
        await simulator.stop()
    }

    var credentials: MarketplaceCredentials {
        MarketplaceCredentials(marketplace: .ozon, fields: simulator.credentials)
    }

    func connector(_ channel: Channel, tenant: String = "tenant-1",
                   credentials: MarketplaceCredentials? = nil) throws(ConnectorError) -> any ChannelConnector {
        try registry.connector(for: ConnectorKey(.ozon, channel), tenant: tenant, credentials: credentials ?? self.credentials)
    }

    var review: OzonReviewConnector { get throws(ConnectorError) { try connector(.review) as! OzonReviewConnector } }
    var question: OzonQuestionConnector { get throws(ConnectorError) { try connector(.question) as! OzonQuestionConnector } }
    var chat: OzonChatConnector { get throws(ConnectorError) { try connector(.chat) as! OzonChatConnector } }

    var log: RequestLog { simulator.log }
    var faults: FaultInjector { simulator.faults }
    var host: OzonSellerHost { simulator.host }

    /// A deadline comfortably in the future, on the connectors' clock.
    var deadline: ContinuousClock.Instant { clock.now + .seconds(30) }

    /// Every page of a listing, following cursors to the end.
    func listAll(_ connector: any ChannelConnector, limit: Int, status: Item.Status? = nil) async throws -> [Item] {
        var items: [Item] = []
        var cursor: Cursor?
        var pages = 0
        repeat {
            let page = try await connector.listItems(ListQuery(status: status, limit: limit, cursor: cursor), deadline: deadline)
            #expect(page.items.count <= limit)
            items += page.items
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil && pages < 500
        return items
    }

    /// The items of every page from `cursor` on, following cursors to the end: the rest of a walk.
    func walk(_ connector: any ChannelConnector, from cursor: Cursor?, limit: Int) async throws -> [Item] {
        var items: [Item] = []
        var cursor = cursor
        while let next = cursor {
            let page = try await connector.listItems(ListQuery(limit: limit, cursor: next), deadline: deadline)
            items += page.items
            cursor = page.nextCursor
        }
        return items
    }

    /// Every update from a nil cursor until a page says there is no more (at most `calls` calls):
    /// the ids in order, and whether the last page still said more.
    func drainUpdates(_ connector: any ChannelConnector, limit: Int, calls: Int = 200) async throws -> (ids: [String], hasMore: Bool) {
        var page = try await connector.updates(since: nil, limit: limit, deadline: deadline)
        var ids = page.items.map(\.id)
        for _ in 0..<calls where page.hasMore {
            page = try await connector.updates(since: page.nextCursor, limit: limit, deadline: deadline)
            ids += page.items.map(\.id)
        }
        return (ids, page.hasMore)
    }
}
