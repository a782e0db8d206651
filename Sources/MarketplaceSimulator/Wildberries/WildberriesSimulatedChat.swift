import Foundation

/// One buyer chat as the chat host keeps it; its last message is derived from its events.
public struct WildberriesSimulatedChat: Sendable, Equatable {
    /// `1:<uuid>`.
    public var chatID: String
    /// `1:<uuid>:<digits>:<hex>`: what a seller must send to write into this chat.
    public var replySign: String
    /// The buyer's name as the chat list and the buyer's events show it.
    public var clientName: String
    /// The product of the order the chat is about (`goodCard`).
    public var product: WildberriesSimulatedProduct
    /// The order (`goodCard.rid`) the buyer wrote about.
    public var orderID: String
    /// Unix ms of the order (`goodCard.date`).
    public var orderedAt: Int64

    /// A chat as given; `orderedAt` in unix ms.
    public init(chatID: String, replySign: String, clientName: String, product: WildberriesSimulatedProduct,
                orderID: String, orderedAt: Int64) {
        self.chatID = chatID
        self.replySign = replySign
        self.clientName = clientName
        self.product = product
        self.orderID = orderID
        self.orderedAt = orderedAt
    }

    /// `goodCard` as the 2026 spec has it (with `date`, without the retired `statusID`).
    func goodCard() -> [String: Any] {
        ["date": WildberriesDateText.utc(orderedAt, fractionDigits: 6), "nmID": product.nmId, "price": product.price,
         "priceCurrency": "RUB", "rid": orderID, "size": product.size]
    }

    /// The Chat object of `GET /api/v1/seller/chats`.
    func json(lastMessage: WildberriesSimulatedChatEvent?) -> [String: Any] {
        var chat: [String: Any] = ["chatID": chatID, "replySign": replySign, "clientName": clientName, "goodCard": goodCard()]
        if let lastMessage {
            chat["lastMessage"] = ["text": lastMessage.text ?? "", "addTimestamp": lastMessage.addTimestamp]
        }
        return chat
    }
}
