import HTTP

/// Records who the client is (`GatewayContext.clientAddress`): the TCP peer, or, when the peer
/// is one of the `trusted_proxies`, the address it reports in `X-Forwarded-For`
/// (`TrustedProxies.client(peer:forwardedFor:)`). The access log writes it as `client`.
public struct ClientAddressMiddleware: Middleware {
    public let trustedProxies: TrustedProxies

    public init(trustedProxies: TrustedProxies) {
        self.trustedProxies = trustedProxies
    }

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
