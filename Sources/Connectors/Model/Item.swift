/// Something one can reply to: a review, a question, or a chat conversation, mapped from any
/// upstream into one shape (DESIGN.md §4). Optional members are present where the upstream has them.
public struct Item: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case review, question, chat }

    /// Whether the seller has answered (for chats: whether the last message is the seller's).
    public enum Status: String, Sendable, Codable, CaseIterable { case unanswered, answered }

    public struct Author: Sendable, Equatable, Codable {
        public var name: String?
        public var id: String?
        @inlinable public init(name: String? = nil, id: String? = nil) {
            self.name = name
            self.id = id
        }
    }

    public struct Product: Sendable, Equatable, Codable {
        public var id: String
        public var name: String?
        public var url: String?
        @inlinable public init(id: String, name: String? = nil, url: String? = nil) {
            self.id = id
            self.name = name
            self.url = url
        }
    }

    public struct Reply: Sendable, Equatable, Codable {
        public var text: String
        public var createdAt: Timestamp?
        /// The upstream's state of the reply (e.g. under moderation), as the upstream names it.
        public var state: String?
        public var editable: Bool?
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

    public struct Message: Sendable, Equatable, Codable {
        public var id: String?
        public var text: String
        public var createdAt: Timestamp
        /// `buyer`, `seller` or `system`.
        public var sender: String
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

    public var id: String
    public var marketplace: Marketplace
    public var channel: Channel
    public var kind: Kind
    public var text: String
    public var createdAt: Timestamp
    public var status: Status
    public var author: Author?
    public var rating: Int?
    public var product: Product?
    public var reply: Reply?
    public var read: Bool?
    public var unreadCount: Int?
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
