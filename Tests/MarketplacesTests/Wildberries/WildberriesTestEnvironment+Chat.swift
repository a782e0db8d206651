import Connectors
import Foundation
import MarketplaceSimulator
import Marketplaces

/// What the chat connector's tests do to the simulator and the stream between calls.
extension WildberriesTestEnvironment {
    /// The event stream answers its next `times` pages with the 400 Wildberries gives a `next` it refuses.
    func refuseStreamPosition(times: Int = 1) {
        simulator.chatFaults.inject(
            .answer(status: 400, json: #"{"title":"Bad Request","detail":"Invalid value for \"next\"","errors":["invalid next"]}"#),
            times: times, pathPrefix: "/api/v1/seller/events")
    }

    /// The chat connector of a process that starts afresh against the same simulator: its own,
    /// empty memory of the chats.
    func restartedChat(_ options: WildberriesOptions) throws -> any ChannelConnector {
        let restarted = ConnectorRegistry()
        WildberriesConnectors.register(in: restarted,
                                       endpoints: MarketplaceEndpoints(wildberriesFeedbacks: simulator.feedbacksURL,
                                                                       wildberriesChat: simulator.chatURL),
                                       options: options)
        return try restarted.connector(for: ConnectorKey(.wildberries, .chat), tenant: Self.tenant,
                                       credentials: MarketplaceCredentials(marketplace: .wildberries, fields: ["token": WildberriesToken.demo]))
    }

    /// Reads chat updates to the end of the stream, returning the cursor there.
    func drainedChat() async throws -> Cursor? {
        var cursor: Cursor?
        for _ in 0..<50 {
            let page = try await chat.updates(since: cursor, limit: 100, deadline: Self.deadline)
            cursor = page.nextCursor
            if !page.hasMore { break }
        }
        return cursor
    }

    /// A whole second (unix ms) `seconds` after the stream's newest event.
    func second(after seconds: Int64) -> Int64 {
        ((simulator.chats.events.last?.addTimestamp ?? 0) / 1000 + seconds) * 1000
    }
}
