/// A marketplace (an upstream business API family), by its lower-case identifier as used in paths.
public struct Marketplace: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public static let wildberries = Marketplace(rawValue: "wildberries")
    public static let ozon = Marketplace(rawValue: "ozon")

    public var description: String { rawValue }
}

/// A kind of conversation a marketplace offers: reviews, questions, buyer chats.
public struct Channel: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public static let review = Channel(rawValue: "review")
    public static let question = Channel(rawValue: "question")
    public static let chat = Channel(rawValue: "chat")

    public var description: String { rawValue }
}

/// The (marketplace, channel) pair the registry maps to a connector.
public struct ConnectorKey: Hashable, Sendable, CustomStringConvertible {
    public var marketplace: Marketplace
    public var channel: Channel

    public init(_ marketplace: Marketplace, _ channel: Channel) {
        self.marketplace = marketplace
        self.channel = channel
    }

    public var description: String { "\(marketplace)/\(channel)" }
}

/// What a connector can do. A connector lists the operations it supports and throws
/// `ConnectorError.operationNotSupported` for the others, never a silent no-op.
public enum ConnectorOperation: String, Hashable, Sendable, Codable, CaseIterable {
    case listItems = "list_items"
    case item
    case reply
    case markRead = "mark_read"
    case updates
}
