import Connectors
import Foundation
import MarketplaceSimulator
import Marketplaces

/// A started Wildberries simulator with the three connectors of one tenant pointed at it.
/// Caps are tiny on both sides so that walking past them takes a handful of calls; rate limits
/// are out of the way unless a test sets them; retries wait a millisecond or so.
struct WildberriesTestEnvironment {
    static let tenant = "tenant-1"

    let simulator: WildberriesSimulator
    let registry: ConnectorRegistry
    let review: any ChannelConnector
    let question: any ChannelConnector
    let chat: any ChannelConnector

    static func simulatorOptions(_ configure: (inout WildberriesSimulatorOptions) -> Void = { _ in }) -> WildberriesSimulatorOptions {
        var options = WildberriesSimulatorOptions(seed: 7, feedbackCount: 30, questionCount: 24, chatCount: 5,
                                                  feedbacksRateLimit: .unlimited, chatRateLimit: .unlimited,
                                                  feedbacksMaxSkip: 10, questionsMaxTotal: 15, eventsPageSize: 4)
        configure(&options)
        return options
    }

    static func connectorOptions(_ configure: (inout WildberriesOptions) -> Void = { _ in }) -> WildberriesOptions {
        let unlimited = RateLimit(burst: 100_000, interval: .nanoseconds(1))
        var options = WildberriesOptions(feedbacksRateLimit: unlimited, chatRateLimit: unlimited,
                                         retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5)),
                                         attemptTimeout: .seconds(20), breakerFailureThreshold: 1000,
                                         feedbacksMaxSkip: 10, questionsMaxTotal: 15)
        // The simulator's `Date` is the real time, which most tests' clocks are not.
        options.chatClockFromDate = false
        // Each test's reads are its own unless it shares them (a test clock may not move).
        options.chatEventsShareWindow = .zero
        configure(&options)
        return options
    }

    init(simulator simulatorOptions: WildberriesSimulatorOptions = simulatorOptions(),
         connector connectorOptions: WildberriesOptions = connectorOptions(),
         token: String = WildberriesToken.demo) throws {
        simulator = WildberriesSimulator(options: simulatorOptions)
        try simulator.start()
        registry = ConnectorRegistry()
        WildberriesConnectors.register(in: registry,
                                       endpoints: MarketplaceEndpoints(wildberriesFeedbacks: simulator.feedbacksURL,
                                                                       wildberriesChat: simulator.chatURL),
                                       options: connectorOptions)
        let credentials = MarketplaceCredentials(marketplace: .wildberries, fields: ["token": token])
        review = try registry.connector(for: ConnectorKey(.wildberries, .review), tenant: Self.tenant, credentials: credentials)
        question = try registry.connector(for: ConnectorKey(.wildberries, .question), tenant: Self.tenant, credentials: credentials)
        chat = try registry.connector(for: ConnectorKey(.wildberries, .chat), tenant: Self.tenant, credentials: credentials)
    }

    /// Runs `body` against a fresh environment and stops the simulator afterwards.
    @discardableResult
    static func with<T>(simulator: WildberriesSimulatorOptions = simulatorOptions(),
                        connector: WildberriesOptions = connectorOptions(),
                        token: String = WildberriesToken.demo,
                        _ body: (WildberriesTestEnvironment) async throws -> T) async throws -> T {
        let environment = try WildberriesTestEnvironment(simulator: simulator, connector: connector, token: token)
        do {
            let result = try await body(environment)
            await environment.simulator.stop()
            return result
        } catch {
            await environment.simulator.stop()
            throw error
        }
    }

    /// A deadline comfortably longer than any test call.
    static var deadline: ContinuousClock.Instant { .now + .seconds(45) }

    /// Every page of a list, following cursors to the end.
    static func walk(_ connector: any ChannelConnector, _ query: ListQuery) async throws -> (items: [Item], pages: Int) {
        var query = query
        var items: [Item] = []
        var pages = 0
        while true {
            let page = try await connector.listItems(query, deadline: deadline)
            items += page.items
            pages += 1
            guard let next = page.nextCursor, pages < 100 else { break }
            query.cursor = next
        }
        return (items, pages)
    }
}

extension Item {
    /// Whether the item's reply is one Wildberries' moderation turned down (the simulator seeds
    /// `rejectedAntispam` answers): filed as answered, shown as waiting for an answer.
    var replyWasRejected: Bool { ["rejected", "rejectedAntispam"].contains(reply?.state ?? "") }
}
