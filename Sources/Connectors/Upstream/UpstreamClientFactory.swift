import Foundation

/// Makes the `UpstreamClient` for one upstream base URL. Marketplaces take one in their options,
/// so whoever assembles the gateway decides how upstreams are reached: the default sends every
/// call through URLSession; the gateway serves plain-`http` upstreams from its own event loops.
public struct UpstreamClientFactory: Sendable {
    private let make: @Sendable (_ baseURL: URL, _ maxConnections: Int) -> any UpstreamClient

    /// A factory that builds each client with `make`, given the upstream's base URL and the most
    /// keep-alive connections the client may hold to it.
    public init(_ make: @escaping @Sendable (_ baseURL: URL, _ maxConnections: Int) -> any UpstreamClient) {
        self.make = make
    }

    /// A new client for `baseURL`, with its own connections; a session makes one per host and
    /// shares it among its channels.
    public func client(baseURL: URL, maxConnections: Int) -> any UpstreamClient {
        make(baseURL, maxConnections)
    }

    /// Every upstream through `URLSessionUpstreamClient`.
    public static let urlSession = UpstreamClientFactory { URLSessionUpstreamClient(baseURL: $0, maxConnections: $1) }
}
