import HTTP
import Server

/// Records who the client is (`GatewayContext.clientAddress`): the TCP peer, or, when the peer
/// is one of the `trusted_proxies`, the address it reports in `X-Forwarded-For`
/// (`TrustedProxies.client(peer:forwardedFor:)`). The access log writes it as `client`.
public struct ClientAddressMiddleware: Middleware {
    /// The proxies whose `X-Forwarded-For` is believed.
    public let trustedProxies: TrustedProxies

    /// With no trusted proxies the middleware changes nothing: the client is the TCP peer.
    public init(trustedProxies: TrustedProxies) {
        self.trustedProxies = trustedProxies
    }

    /// Sets `context.clientAddress` from `X-Forwarded-For` when the peer is trusted, then calls `next`.
    public func handle(_ request: HTTPRequest, context: GatewayContext, next: GatewayHandler) async throws -> HTTPResponse {
        if let client = Self.forwardedClient(of: request, peer: context.connection.remoteAddress, trusting: trustedProxies) {
            context.clientAddress = client
        }
        return try await next(request, context)
    }

    /// The client a trusted `peer` reports for `request` in `X-Forwarded-For`, or nil when the
    /// peer is not trusted or reports none (then the client is the peer). Also used for requests
    /// the server refuses or the client abandons after their head was read.
    static func forwardedClient(of request: HTTPRequest, peer: SocketAddress?, trusting trustedProxies: TrustedProxies) -> String? {
        guard let peer, !trustedProxies.ranges.isEmpty else { return nil }
        let forwarded = request.headers.values("X-Forwarded-For")
        guard !forwarded.isEmpty else { return nil }
        return trustedProxies.client(peer: IPAddress(peer), forwardedFor: forwarded).description
    }
}
