import Foundation

/// Both Wildberries hosts on loopback — feedbacks-api (feedbacks, questions) and buyer-chat-api —
/// with seeded data, ready for tests and demo mode. Point a connector at `feedbacksURL` and
/// `chatURL`; inject faults through `feedbacksFaults`/`chatFaults`, count calls in
/// `feedbacksLog`/`chatLog`, and change the world through the stores' hooks (a buyer writes,
/// a new feedback arrives).
public final class WildberriesSimulator: Sendable {
    /// What the simulator was built with.
    public let options: WildberriesSimulatorOptions
    /// The hosts (their state is in `feedbacks` and `chats`) and the servers that serve them.
    public let feedbacksHost: WildberriesFeedbacksHost
    /// The buyer-chat host; its state is in `chats`.
    public let chatHost: WildberriesChatHost
    /// The loopback server of the feedbacks host.
    public let feedbacksServer: SimulatorServer
    /// The loopback server of the chat host.
    public let chatServer: SimulatorServer

    /// Builds the hosts and their seeded data; `start()` binds them (port 0: any free port).
    public init(options: WildberriesSimulatorOptions = WildberriesSimulatorOptions(), feedbacksPort: Int = 0, chatPort: Int = 0) {
        self.options = options
        let reference = options.referenceDate.map { Int64($0.timeIntervalSince1970 * 1000) } ?? WildberriesResponses.nowMilliseconds()
        let seed = WildberriesSeedData(options: options, referenceMilliseconds: reference)
        feedbacksHost = WildberriesFeedbacksHost(
            options: options, store: WildberriesFeedbacksStore(feedbacks: seed.feedbacks, questions: seed.questions, seed: options.seed))
        chatHost = WildberriesChatHost(options: options,
                                       store: WildberriesChatStore(chats: seed.chats, events: seed.events, seed: options.seed))
        feedbacksServer = SimulatorServer(host: feedbacksHost, port: feedbacksPort)
        chatServer = SimulatorServer(host: chatHost, port: chatPort)
    }

    /// Binds both hosts to loopback; if the second cannot start, the first is stopped again.
    public func start() throws {
        try feedbacksServer.start()
        do {
            try chatServer.start()
        } catch {
            Task { [feedbacksServer] in await feedbacksServer.stop() }
            throw error
        }
    }

    /// Stops both hosts, letting requests in flight finish.
    public func stop() async {
        await feedbacksServer.stop()
        await chatServer.stop()
    }

    /// The token both hosts accept by default.
    public static var demoToken: String { WildberriesToken.demo }

    /// Base URLs to point `MarketplaceEndpoints` at; faults to inject and the log of what each host received.
    public var feedbacksURL: URL { feedbacksServer.baseURL }
    /// The chat host's base URL; meaningful once started.
    public var chatURL: URL { chatServer.baseURL }
    /// Faults for the feedbacks host's next requests.
    public var feedbacksFaults: FaultInjector { feedbacksServer.faults }
    /// Faults for the chat host's next requests.
    public var chatFaults: FaultInjector { chatServer.faults }
    /// What the feedbacks host received.
    public var feedbacksLog: RequestLog { feedbacksServer.log }
    /// What the chat host received.
    public var chatLog: RequestLog { chatServer.log }

    /// Feedbacks and questions, for reading the truth and for hooks (`addFeedback`, `addQuestion`).
    public var feedbacks: WildberriesFeedbacksStore { feedbacksHost.store }
    /// Chats and their events, for reading the truth and for hooks (`addBuyerMessage`, `startChat`).
    public var chats: WildberriesChatStore { chatHost.store }

    /// A new, unanswered feedback dated now.
    @discardableResult
    public func addFeedback(text: String, rating: Int = 5, userName: String = "Мария") -> WildberriesSimulatedFeedback {
        feedbacks.addFeedback(text: text, rating: rating, userName: userName, createdAt: WildberriesResponses.nowMilliseconds())
    }

    /// A new, unanswered question dated now.
    @discardableResult
    public func addQuestion(text: String) -> WildberriesSimulatedQuestion {
        feedbacks.addQuestion(text: text, createdAt: WildberriesResponses.nowMilliseconds())
    }

    /// A buyer writes into an existing chat now; nil for an unknown chat.
    @discardableResult
    public func addBuyerMessage(chatID: String, text: String) -> WildberriesSimulatedChatEvent? {
        chats.addBuyerMessage(chatID: chatID, text: text)
    }
}
