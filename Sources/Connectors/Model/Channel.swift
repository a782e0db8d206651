/// A kind of conversation a marketplace offers: reviews, questions, buyer chats.
public struct Channel: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public static let review = Channel(rawValue: "review")
    public static let question = Channel(rawValue: "question")
    public static let chat = Channel(rawValue: "chat")

    public var description: String { rawValue }
}
