import Foundation

/// One event of the chat host's stream: a message from the buyer, the seller or Wildberries.
public struct WildberriesSimulatedChatEvent: Sendable, Equatable {
    /// Who wrote the message: the buyer, the seller, or Wildberries itself.
    public enum Sender: String, Sendable { case client, seller, wb }

    /// The chat the event belongs to.
    public var chatID: String
    /// A UUID: the key clients deduplicate by.
    public var eventID: String
    /// True on the first event of a chat, the only one that carries `replySign`.
    public var isNewChat: Bool
    /// nil for an event without a `message` object (the spec's example has one).
    public var text: String?
    /// Files and images sent with the message.
    public var attachments: [WildberriesSimulatedAttachment]
    /// Whether the message carries the chat's `goodCard` (the first message of a chat does).
    public var includesGoodCard: Bool
    /// `seller-portal`, `seller-public-api`, `rusite`, `global`, `ios`, `android`.
    public var source: String
    /// Unix ms: the order the store keeps and the time the chat list shows. The stream shows it
    /// to the second (`streamTimestamp`), as the real one does.
    public var addTimestamp: Int64
    /// Who wrote it.
    public var sender: Sender

    /// An event as given; `addTimestamp` in unix ms.
    public init(chatID: String, eventID: String, isNewChat: Bool = false, text: String?, attachments: [WildberriesSimulatedAttachment] = [],
                includesGoodCard: Bool = false, source: String, addTimestamp: Int64, sender: Sender) {
        self.chatID = chatID
        self.eventID = eventID
        self.isNewChat = isNewChat
        self.text = text
        self.attachments = attachments
        self.includesGoodCard = includesGoodCard
        self.source = source
        self.addTimestamp = addTimestamp
        self.sender = sender
    }

    /// `addTimestamp` as the event stream gives it: whole seconds (every time in the spec's
    /// example ends in `000`), so many events share one.
    public var streamTimestamp: Int64 { addTimestamp - addTimestamp % 1000 }

    /// The Event object of `GET /api/v1/seller/events`.
    func json(chat: WildberriesSimulatedChat?) -> [String: Any] {
        var event: [String: Any] = ["chatID": chatID, "eventID": eventID, "eventType": "message", "source": source,
                                    "addTimestamp": streamTimestamp, "addTime": WildberriesDateText.utc(streamTimestamp),
                                    "sender": sender.rawValue]
        if isNewChat {
            event["isNewChat"] = true
            if let chat { event["replySign"] = chat.replySign }
        }
        if sender == .client, let chat { event["clientName"] = chat.clientName }
        if text != nil || !attachments.isEmpty || includesGoodCard {
            var message: [String: Any] = [:]
            if let text { message["text"] = text }
            var attached: [String: Any] = [:]
            if includesGoodCard, let chat { attached["goodCard"] = chat.goodCard() }
            let files = attachments.filter { !$0.isImage }.map { $0.json() }
            let images = attachments.filter(\.isImage).map { $0.json() }
            if !files.isEmpty { attached["files"] = files }
            if !images.isEmpty { attached["images"] = images }
            if !attached.isEmpty { message["attachments"] = attached }
            event["message"] = message
        }
        return event
    }
}
