/// A marketplace (an upstream business API family), by its lower-case identifier as used in paths.
public struct Marketplace: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public static let wildberries = Marketplace(rawValue: "wildberries")
    public static let ozon = Marketplace(rawValue: "ozon")

    public var description: String { rawValue }
}
