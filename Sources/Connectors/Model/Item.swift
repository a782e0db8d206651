/// Something one can reply to: a review, a question, or a chat conversation, mapped from any
/// upstream into one shape (DESIGN.md §4). Optional members are present where the upstream has them.
public struct Item: Sendable, Equatable, Codable {
    /// What sort of thing the item is; the raw value is the `kind` clients see.
    public enum Kind: String, Sendable, Codable { case review, question, chat }

    /// Whether the seller has answered (for chats: whether the last message is the seller's).
    public enum Status: String, Sendable, Codable, CaseIterable { case unanswered, answered }

    /// Who wrote the item, as far as the upstream says: often only a display name, or only an id.
    public struct Author: Sendable, Equatable, Codable {
        /// The display name the upstream shows, when it gives one.
        public var name: String?
        /// The upstream's id of the buyer (Ozon chats), when it gives one.
        public var id: String?
        /// An author with whatever the upstream gave.
        @inlinable public init(name: String? = nil, id: String? = nil) {
            self.name = name
            self.id = id
        }
    }

    /// The product the item is about.
    public struct Product: Sendable, Equatable, Codable {
        /// The upstream's product id (Wildberries nmId, Ozon sku), as text.
        public var id: String
        /// The product's name, when the upstream gives it with the item.
        public var name: String?
        /// A link to the product page, when the upstream gives one.
        public var url: String?
        /// A product by its upstream id, with whatever else the upstream gave.
        @inlinable public init(id: String, name: String? = nil, url: String? = nil) {
            self.id = id
            self.name = name
            self.url = url
        }
    }

    /// The seller's answer to a review or a question.
    public struct Reply: Sendable, Equatable, Codable {
        /// The answer's text, as the upstream keeps it.
        public var text: String
        /// When the answer was given, when the upstream says.
        public var createdAt: Timestamp?
        /// The upstream's state of the reply (e.g. under moderation), as the upstream names it.
        public var state: String?
        /// Whether the upstream still lets the seller edit the answer (Wildberries allows one edit).
        public var editable: Bool?
        /// An answer with whatever the upstream told of it.
        @inlinable public init(text: String, createdAt: Timestamp? = nil, state: String? = nil, editable: Bool? = nil) {
            self.text = text
            self.createdAt = createdAt
            self.state = state
            self.editable = editable
        }

        enum CodingKeys: String, CodingKey {
            case text, state, editable
            case createdAt = "created_at"
        }
    }

    /// One message of a chat: the last one, shown as `last_message`.
    public struct Message: Sendable, Equatable, Codable {
        /// The upstream's id of the message (an event id on Wildberries), when it has one.
        public var id: String?
        /// The message's text; empty for a message that is only an attachment.
        public var text: String
        /// When the message was sent.
        public var createdAt: Timestamp
        /// `buyer`, `seller` or `system`.
        public var sender: String
        /// A message; `sender` is `buyer`, `seller` or `system`.
        @inlinable public init(id: String? = nil, text: String, createdAt: Timestamp, sender: String) {
            self.id = id
            self.text = text
            self.createdAt = createdAt
            self.sender = sender
        }

        enum CodingKeys: String, CodingKey {
            case id, text, sender
            case createdAt = "created_at"
        }
    }

    /// The upstream's id of the review, question or chat: what `item`, `reply` and `markRead` take.
    public var id: String
    /// The marketplace the item comes from.
    public var marketplace: Marketplace
    /// The channel the item was listed on; with `marketplace`, the connector to address it through.
    public var channel: Channel
    /// Review, question or chat.
    public var kind: Kind
    /// The buyer's text; for a chat, the latest message's. Empty when there is none (a rating alone).
    public var text: String
    /// When the buyer wrote it; for a chat, when the conversation began, as near as the upstream
    /// tells (`last_message` has the latest message's time).
    public var createdAt: Timestamp
    /// Answered or unanswered, by the rule of `Status`.
    public var status: Status
    /// The buyer, where the upstream names one.
    public var author: Author?
    /// The review's stars, 1…5; nil for questions and chats.
    public var rating: Int?
    /// The product the item is about, where the upstream says.
    public var product: Product?
    /// The seller's answer, where the upstream gives it (Ozon lists omit it; `item` has it).
    public var reply: Reply?
    /// Whether the seller has seen the item, on marketplaces that track it; nil elsewhere.
    public var read: Bool?
    /// For chats: messages the seller has not read, where the upstream counts them.
    public var unreadCount: Int?
    /// For chats: the latest message, with its sender.
    public var lastMessage: Message?
    /// The upstream's own object, only when the caller asked for it.
    public var raw: JSONValue?

    /// Inlinable: the connectors build one per upstream record, and across the module boundary
    /// the call cost ~850 instructions an item (every optional member copied through value
    /// witnesses), more than reading the record.
    @inlinable
    public init(id: String, marketplace: Marketplace, channel: Channel, kind: Kind, text: String,
                createdAt: Timestamp, status: Status, author: Author? = nil, rating: Int? = nil,
                product: Product? = nil, reply: Reply? = nil, read: Bool? = nil, unreadCount: Int? = nil,
                lastMessage: Message? = nil, raw: JSONValue? = nil) {
        self.id = id
        self.marketplace = marketplace
        self.channel = channel
        self.kind = kind
        self.text = text
        self.createdAt = createdAt
        self.status = status
        self.author = author
        self.rating = rating
        self.product = product
        self.reply = reply
        self.read = read
        self.unreadCount = unreadCount
        self.lastMessage = lastMessage
        self.raw = raw
    }

    enum CodingKeys: String, CodingKey {
        case id, marketplace, channel, kind, text, status, author, rating, product, reply, read, raw
        case createdAt = "created_at"
        case unreadCount = "unread_count"
        case lastMessage = "last_message"
    }
}
