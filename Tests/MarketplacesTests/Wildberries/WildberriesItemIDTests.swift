import Connectors
import Foundation
@testable import Marketplaces
import Testing

@Suite("Wildberries item ids")
struct WildberriesItemIDTests {
    typealias Env = WildberriesTestEnvironment

    @Test("given an id no feedback or question can have, then it is malformedItemID and Wildberries is not asked",
          .timeLimit(.minutes(1)))
    func malformedRecordIDs() async throws {
        try await Env.with { env in
            for id in ["junk", "1:6f2a1c3e-8b7d-4e2f-9a1b-3c4d5e6f7a8b", "6f2a1c3e-8b7d-4e2f-9a1b-3c4d5e6f7a8b", "YX52RZEBhH9mrcYd EJuD"] {
                await #expect(throws: ConnectorError.malformedItemID(id: id, shape: .token)) {
                    _ = try await env.review.item(id: id, includeRaw: false, deadline: Env.deadline)
                }
                await #expect(throws: ConnectorError.malformedItemID(id: id, shape: .token)) {
                    _ = try await env.review.reply(to: id, text: "Спасибо!", deadline: Env.deadline)
                }
                await #expect(throws: ConnectorError.malformedItemID(id: id, shape: .token)) {
                    _ = try await env.question.item(id: id, includeRaw: false, deadline: Env.deadline)
                }
                await #expect(throws: ConnectorError.malformedItemID(id: id, shape: .token)) {
                    _ = try await env.question.reply(to: id, text: "Ответ на вопрос", deadline: Env.deadline)
                }
                await #expect(throws: ConnectorError.malformedItemID(id: id, shape: .token)) {
                    try await env.question.markRead(id: id, deadline: Env.deadline)
                }
            }
            #expect(env.simulator.feedbacksLog.total == 0)
        }
    }

    @Test("given an id no chat can have, then it is malformedItemID and the chat list is not read", .timeLimit(.minutes(1)))
    func malformedChatIDs() async throws {
        try await Env.with { env in
            for id in ["junk", "YX52RZEBhH9mrcYdEJuD", "6f2a1c3e-8b7d-4e2f-9a1b-3c4d5e6f7a8b", "1:nope", "1:6f2a1c3e-8b7d-4e2f-9a1b-3c4d5e6f7a8b:1:ff"] {
                await #expect(throws: ConnectorError.malformedItemID(id: id, shape: .versionedUUID)) {
                    _ = try await env.chat.item(id: id, includeRaw: false, deadline: Env.deadline)
                }
                await #expect(throws: ConnectorError.malformedItemID(id: id, shape: .versionedUUID)) {
                    _ = try await env.chat.reply(to: id, text: "Hello", deadline: Env.deadline)
                }
            }
            #expect(env.simulator.chatLog.total == 0)
        }
    }
}
