import Connectors
import Foundation
@testable import Marketplaces
import Testing

@Suite("Ozon item ids")
struct OzonItemIDTests {
    /// A UUID of the shape Ozon issues that names nothing in the simulator.
    static let unknown = "0190b2c4-7e5a-7d1f-9c3b-5e8f2a4d6c10"

    @Test("given an id no review, question or chat can have, then every operation is malformedItemID and Ozon is not asked",
          .timeLimit(.minutes(1)), arguments: [Channel.review, .question, .chat])
    func malformed(channel: Channel) async throws {
        try await OzonTestbed.run { bed in
            let connector = try bed.connector(channel)
            let shape: ItemIDShape = channel == .chat ? .uuidOrNumber : .uuid
            for id in ["junk", "1:" + Self.unknown, Self.unknown + "0", "отзыв"] {
                await #expect(throws: ConnectorError.malformedItemID(id: id, shape: shape)) {
                    _ = try await connector.item(id: id, includeRaw: false, deadline: bed.deadline)
                }
                await #expect(throws: ConnectorError.malformedItemID(id: id, shape: shape)) {
                    _ = try await connector.reply(to: id, text: "Спасибо за отзыв", deadline: bed.deadline)
                }
                await #expect(throws: ConnectorError.malformedItemID(id: id, shape: shape)) {
                    try await connector.markRead(id: id, deadline: bed.deadline)
                }
            }
            #expect(bed.log.total == 0)
        }
    }

    @Test("given a well-formed id Ozon does not have, then it is asked and the item is not found",
          .timeLimit(.minutes(1)), arguments: [Channel.review, .question, .chat])
    func unknownWellFormed(channel: Channel) async throws {
        try await OzonTestbed.run { bed in
            let connector = try bed.connector(channel)
            for id in [Self.unknown, Self.unknown.uppercased()] {
                await #expect(throws: ConnectorError.itemNotFound(id: id)) {
                    _ = try await connector.item(id: id, includeRaw: false, deadline: bed.deadline)
                }
            }
            #expect(bed.log.total >= 2)
        }
    }
}
