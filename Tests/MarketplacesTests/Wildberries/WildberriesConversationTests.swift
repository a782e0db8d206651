import Connectors
@testable import Marketplaces
import Testing

@Suite("Wildberries chat status from its messages")
struct WildberriesConversationTests {
    static func event(_ id: String, sender: String, at: Int64, text: String = "…") throws -> WildberriesChatEvent {
        try WildberriesChatEvent(parsing: Array("""
            {"chatID":"1:c","eventID":"\(id)","eventType":"message","addTimestamp":\(at),"sender":"\(sender)","message":{"text":"\(text)"}}
            """.utf8))
    }

    /// A conversation that has absorbed `events` (id, sender, unix ms), in the order given.
    static func conversation(_ events: (String, String, Int64)...) throws -> WildberriesConversation {
        var conversation = WildberriesConversation(chatID: "1:c")
        for (id, sender, at) in events { conversation.absorb(try event(id, sender: sender, at: at)) }
        return conversation
    }

    @Test("given the seller answered and Wildberries wrote after, when the item is built, then it stays answered and shows the notice last")
    func systemAfterSeller() throws {
        var conversation = WildberriesConversation(chatID: "1:c")
        conversation.absorb(try Self.event("e1", sender: "client", at: 1_000, text: "Где заказ?"))
        conversation.absorb(try Self.event("e2", sender: "seller", at: 2_000, text: "Уже в пути"))
        conversation.absorb(try Self.event("e3", sender: "wb", at: 3_000, text: "Покупатель оценил ответ"))
        let item = conversation.item()
        #expect(item.status == .answered)
        #expect(item.lastMessage?.sender == "system")
        #expect(item.lastMessage?.text == "Покупатель оценил ответ")
    }

    @Test("given the buyer wrote last before a notice, then it is unanswered; given only notices, then there is nothing to answer")
    func systemAfterBuyer() throws {
        let conversation = try Self.conversation(("e1", "seller", 1_000), ("e2", "client", 2_000), ("e3", "wb", 3_000))
        #expect(conversation.item().status == .unanswered)
        let notices = try Self.conversation(("e4", "wb", 1_000))
        #expect(notices.item().status == .answered)
    }

    @Test("given events out of order, when absorbed, then the newest person's message decides")
    func outOfOrder() throws {
        let conversation = try Self.conversation(("e3", "wb", 3_000), ("e2", "seller", 2_000), ("e1", "client", 1_000))
        #expect(conversation.item().status == .answered)
        #expect(conversation.item().lastMessage?.sender == "system")
    }
}
