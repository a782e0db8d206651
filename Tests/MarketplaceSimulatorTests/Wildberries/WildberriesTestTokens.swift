import MarketplaceSimulator

/// Tokens the Wildberries simulator tests present.
enum WildberriesTestTokens {
    static let demo = WildberriesToken.demo
    /// A well-formed token for the feedbacks category only.
    static let feedbacksOnly = WildberriesToken.make(sellerID: "11111111-2222-4333-8444-555555555555", categories: [.feedbacks])
    /// Another seller's token with both categories, for per-seller limits.
    static let otherSeller = WildberriesToken.make(sellerID: "99999999-2222-4333-8444-555555555555", categories: [.feedbacks, .chat])

    static func options(_ configure: (inout WildberriesSimulatorOptions) -> Void = { _ in }) -> WildberriesSimulatorOptions {
        var options = WildberriesSimulatorOptions(seed: 42, feedbackCount: 30, questionCount: 20, chatCount: 4,
                                                  tokens: [demo, feedbacksOnly, otherSeller],
                                                  feedbacksRateLimit: .unlimited, chatRateLimit: .unlimited)
        configure(&options)
        return options
    }

    /// Runs `body` against a started simulator and stops it afterwards.
    static func withSimulator<T>(_ options: WildberriesSimulatorOptions = options(),
                                 _ body: (WildberriesSimulator) async throws -> T) async throws -> T {
        let simulator = WildberriesSimulator(options: options)
        try simulator.start()
        do {
            let result = try await body(simulator)
            await simulator.stop()
            return result
        } catch {
            await simulator.stop()
            throw error
        }
    }
}
