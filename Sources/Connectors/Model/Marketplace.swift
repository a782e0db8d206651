/// A marketplace (an upstream business API family), by its lower-case identifier as used in paths.
public struct Marketplace: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The lower-case identifier, as in paths and configuration (`wildberries`, `ozon`).
    public let rawValue: String

    /// Any identifier is accepted; one with nothing registered is the registry's `unknownConnector`.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Wildberries: feedbacks-api (reviews, questions) and buyer-chat-api.
    public static let wildberries = Marketplace(rawValue: "wildberries")
    /// Ozon Seller API (reviews, questions, chats).
    public static let ozon = Marketplace(rawValue: "ozon")

    public var description: String { rawValue }
}
