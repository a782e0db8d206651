/// A kind of conversation a marketplace offers: reviews, questions, buyer chats.
public struct Channel: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The lower-case name used in paths, `connectors/{marketplace}/{channel}`.
    public let rawValue: String

    /// Any name is accepted; one no connector serves is the registry's `unknownConnector`.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Buyer reviews of products (Wildberries feedbacks, Ozon reviews).
    public static let review = Channel(rawValue: "review")
    /// Buyer questions about products.
    public static let question = Channel(rawValue: "question")
    /// Buyer chats with the seller, one item per conversation.
    public static let chat = Channel(rawValue: "chat")

    public var description: String { rawValue }
}
