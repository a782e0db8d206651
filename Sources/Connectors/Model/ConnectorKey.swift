/// The (marketplace, channel) pair the registry maps to a connector.
public struct ConnectorKey: Hashable, Sendable, CustomStringConvertible {
    /// The marketplace, the first path segment after `connectors/`.
    public var marketplace: Marketplace
    /// The channel, the path segment after the marketplace.
    public var channel: Channel

    /// The key of `marketplace`'s `channel`, whether or not a connector is registered for it.
    public init(_ marketplace: Marketplace, _ channel: Channel) {
        self.marketplace = marketplace
        self.channel = channel
    }

    public var description: String { "\(marketplace)/\(channel)" }
}
