import HTTP

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
        if let peer = context.connection.remoteAddress, !trustedProxies.ranges.isEmpty {
            let forwarded = request.headers.values("X-Forwarded-For")
            if !forwarded.isEmpty {
                context.clientAddress = trustedProxies.client(peer: IPAddress(peer), forwardedFor: forwarded).description
            }
        }
        return try await next(request, context)
    }
}
