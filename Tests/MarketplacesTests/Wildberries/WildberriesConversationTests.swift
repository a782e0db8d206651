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
        let item = conversation.item(historyKnown: true)
        #expect(item.status == .answered)
        #expect(item.lastMessage?.sender == "system")
        #expect(item.lastMessage?.text == "Покупатель оценил ответ")
    }

    @Test("given the buyer wrote last before a notice, then it is unanswered; given only notices, then there is nothing to answer, unless the chat's history is not known")
    func systemAfterBuyer() throws {
        let conversation = try Self.conversation(("e1", "seller", 1_000), ("e2", "client", 2_000), ("e3", "wb", 3_000))
        #expect(conversation.item(historyKnown: true).status == .unanswered)
        let notices = try Self.conversation(("e4", "wb", 1_000))
        #expect(notices.item(historyKnown: true).status == .answered)
        // After a start whose reading of the stream has not reached its end, the buyer may have
        // written before the notice: the chat is surfaced, as one whose last sender is unknown.
        #expect(notices.item(historyKnown: false).status == .unanswered)
        #expect(conversation.item(historyKnown: false).status == .unanswered)
        let answered = try Self.conversation(("e5", "client", 1_000), ("e6", "seller", 2_000), ("e7", "wb", 3_000))
        #expect(answered.item(historyKnown: false).status == .answered)
    }

    static func listed(text: String, at: Int64) throws -> WildberriesChat {
        try WildberriesChat(parsing: Array(#"{"chatID":"1:c","lastMessage":{"text":"\#(text)","addTimestamp":\#(at)}}"#.utf8))
    }

    static func bareEvent(sender: String, at: Int64) throws -> WildberriesChatEvent {
        try WildberriesChatEvent(parsing: Array(#"{"chatID":"1:c","eventID":"b1","eventType":"message","addTimestamp":\#(at),"sender":"\#(sender)"}"#.utf8))
    }

    @Test("given the stream in whole seconds and the list in milliseconds, when they show the same message, then its sender is the stream's, in either order",
          arguments: [true, false])
    func sameMessageAtAnotherPrecision(listFirst: Bool) throws {
        var conversation = WildberriesConversation(chatID: "1:c")
        let event = try Self.event("e9", sender: "seller", at: 1_698_038_124_000, text: "Заменим товар")
        let chat = try Self.listed(text: "Заменим товар", at: 1_698_038_124_345)
        if listFirst {
            conversation.absorb(chat)
            conversation.absorb(event)
        } else {
            conversation.absorb(event)
            conversation.absorb(chat)
        }
        let item = conversation.item(historyKnown: true)
        #expect(item.status == .answered)
        #expect(item.lastMessage?.sender == "seller")
        #expect(item.lastMessage?.id == "e9")
        #expect(item.lastMessage?.createdAt.millisecondsSinceEpoch == 1_698_038_124_345)
    }

    @Test("given a list message the stream shows otherwise (other text, or further apart), then its sender stays unknown and it counts as the buyer's")
    func differentMessageStaysUnknown() throws {
        var conversation = WildberriesConversation(chatID: "1:c")
        conversation.absorb(try Self.event("e9", sender: "seller", at: 1_698_038_124_000, text: "Заменим товар"))
        conversation.absorb(try Self.listed(text: "А когда?", at: 1_698_038_124_500))
        #expect(conversation.item(historyKnown: true).status == .unanswered)
        var later = WildberriesConversation(chatID: "1:c")
        later.absorb(try Self.event("e9", sender: "seller", at: 1_698_038_124_000, text: "Заменим товар"))
        later.absorb(try Self.listed(text: "Заменим товар", at: 1_698_038_126_000))
        #expect(later.last?.sender == nil)
    }

    @Test("given a list message without text and a bare event of the seller as close, then it is the seller's")
    func bareEventAttributes() throws {
        var conversation = WildberriesConversation(chatID: "1:c")
        conversation.absorb(try Self.listed(text: "", at: 1_698_045_576_200))
        conversation.absorb(try Self.bareEvent(sender: "seller", at: 1_698_045_576_000))
        #expect(conversation.item(historyKnown: true).status == .answered)
        #expect(conversation.item(historyKnown: true).lastMessage?.sender == "seller")
    }

    @Test("given a reply just sent, when the list shows it timed a little later, then it is still the seller's")
    func sentReplyRetimedByTheList() throws {
        var conversation = WildberriesConversation(chatID: "1:c")
        conversation.absorb(try Self.event("e1", sender: "client", at: 1_000, text: "Где заказ?"))
        conversation.noteSent(text: "Уже в пути", at: 5_000)
        conversation.absorb(try Self.listed(text: "Уже в пути", at: 5_004))
        #expect(conversation.item(historyKnown: true).status == .answered)
        #expect(conversation.item(historyKnown: true).lastMessage?.sender == "seller")
        // and a notice of Wildberries' own after it leaves it answered
        conversation.absorb(try Self.event("e2", sender: "wb", at: 6_000, text: "Покупатель оценил ответ"))
        #expect(conversation.item(historyKnown: true).status == .answered)
    }

    @Test("given a reply just sent (its receipt's milliseconds), when the stream shows it in whole seconds, then it is one message: the stream's id, the receipt's time")
    func sentReplyFromTheStream() throws {
        var conversation = WildberriesConversation(chatID: "1:c")
        conversation.absorb(try Self.event("e1", sender: "client", at: 1_000, text: "Где заказ?"))
        conversation.noteSent(text: "Уже в пути", at: 5_733)
        // a buyer's message of the same text, shown first, is not taken for it
        conversation.absorb(try Self.event("e3", sender: "client", at: 5_000, text: "Уже в пути"))
        #expect(conversation.item(historyKnown: true).lastMessage?.id != "e3")
        #expect(conversation.item(historyKnown: true).lastMessage?.sender == "seller")
        conversation.absorb(try Self.event("e2", sender: "seller", at: 5_000, text: "Уже в пути"))
        let message = conversation.item(historyKnown: true).lastMessage
        #expect(message?.id == "e2")
        #expect(message?.createdAt.millisecondsSinceEpoch == 5_733)
        #expect(conversation.item(historyKnown: true).status == .answered)
        // and the other way round: the stream first (an updates call meanwhile), then the receipt
        var streamFirst = WildberriesConversation(chatID: "1:c")
        streamFirst.absorb(try Self.event("e1", sender: "client", at: 1_000, text: "Где заказ?"))
        streamFirst.absorb(try Self.event("e2", sender: "seller", at: 5_000, text: "Уже в пути"))
        streamFirst.noteSent(text: "Уже в пути", at: 5_733)
        #expect(streamFirst.item(historyKnown: true).lastMessage?.id == "e2")
        #expect(streamFirst.item(historyKnown: true).lastMessage?.createdAt.millisecondsSinceEpoch == 5_733)
    }

    @Test("given events out of order, when absorbed, then the newest person's message decides")
    func outOfOrder() throws {
        let conversation = try Self.conversation(("e3", "wb", 3_000), ("e2", "seller", 2_000), ("e1", "client", 1_000))
        #expect(conversation.item(historyKnown: true).status == .answered)
        #expect(conversation.item(historyKnown: true).lastMessage?.sender == "system")
    }

    @Test("given the list's reply sign, when an old first event of the chat is read again, then the list's sign stays")
    func listSignWins() throws {
        var conversation = WildberriesConversation(chatID: "1:c")
        conversation.absorb(try WildberriesChat(parsing: Array(#"{"chatID":"1:c","replySign":"1:c:fresh"}"#.utf8)))
        let first = try WildberriesChatEvent(parsing: Array(#"""
            {"chatID":"1:c","eventID":"e0","eventType":"message","isNewChat":true,"replySign":"1:c:old","addTimestamp":1000,"sender":"client","message":{"text":"Здравствуйте"}}
            """#.utf8))
        conversation.absorb(first)
        #expect(conversation.replySign == "1:c:fresh")
        // An event is the source only for a chat the list has not shown yet.
        var unseen = WildberriesConversation(chatID: "1:c")
        unseen.absorb(first)
        #expect(unseen.replySign == "1:c:old")
    }
}
