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
