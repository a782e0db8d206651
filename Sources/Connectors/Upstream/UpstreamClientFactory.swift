import Foundation

/// Makes the `UpstreamClient` for one upstream base URL. Marketplaces take one in their options,
/// so whoever assembles the gateway decides how upstreams are reached: the default sends every
/// call through URLSession; the gateway serves plain-`http` upstreams from its own event loops.
public struct UpstreamClientFactory: Sendable {
    private let make: @Sendable (_ baseURL: URL, _ maxConnections: Int) -> any UpstreamClient

    public init(_ make: @escaping @Sendable (_ baseURL: URL, _ maxConnections: Int) -> any UpstreamClient) {
        self.make = make
    }

    public func client(baseURL: URL, maxConnections: Int) -> any UpstreamClient {
        make(baseURL, maxConnections)
    }

    /// Every upstream through `URLSessionUpstreamClient`.
    public static let urlSession = UpstreamClientFactory { URLSessionUpstreamClient(baseURL: $0, maxConnections: $1) }
}
