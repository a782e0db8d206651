import HTTP

/// Finds the tenant for routes that need one, from `Authorization: Bearer <key>` or
/// `X-API-Key: <key>`; anything else on such a route is 401 with `WWW-Authenticate`. A tenant's
/// answers, errors included, say `Cache-Control: no-store`: a shared cache keeps responses to
/// `Authorization` requests to itself anyway, but not those to `X-API-Key` ones.
public struct AuthenticationMiddleware: Middleware {
    /// The tenants and their key digests that keys are checked against.
    public let directory: TenantDirectory

    /// Authenticates against `directory`, which is fixed for the gateway's life.
    public init(directory: TenantDirectory) {
        self.directory = directory
    }

    /// Passes public routes through. On tenant routes, sets `context.tenant` or throws
    /// `unauthorized` before `next` runs.
    public func handle(_ request: HTTPRequest, context: GatewayContext, next: GatewayHandler) async throws -> HTTPResponse {
        guard context.access == .tenant else { return try await next(request, context) }
        context.tenant = try Self.tenant(of: request, in: directory)
        context.responseHeaders.append(Self.noStore)
        var response = try await next(request, context)
        response.headers.add(Self.noStore.0, Self.noStore.1)
        return response
    }

    static let noStore = ("Cache-Control", "no-store")

    /// The tenant whose key `request` presents, or `unauthorized` saying what is wrong with it.
    static func tenant(of request: HTTPRequest, in directory: TenantDirectory) throws(GatewayError) -> Tenant {
        guard let tenant = directory.authenticate(key: try presentedKey(request)) else {
            throw .unauthorized(detail: "The API key is not valid.")
        }
        return tenant
    }

    static func presentedKey(_ request: HTTPRequest) throws(GatewayError) -> String {
        let authorization = request.headers.values("Authorization")
        let apiKey = request.headers.values("X-API-Key")
        guard authorization.count + apiKey.count <= 1 else {
            throw .unauthorized(detail: "Send one API key, in Authorization or in X-API-Key, not several.")
        }
        if let value = authorization.first {
            // `<scheme> 1*SP <credentials>` (RFC 9110 §11.4), read over bytes: splitting the
            // String walked grapheme clusters and built an array, for every request.
            let utf8 = value.utf8
            let space = UInt8(ascii: " ")
            guard let schemeStart = utf8.firstIndex(where: { $0 != space }),
                  let schemeEnd = utf8[schemeStart...].firstIndex(of: space),
                  utf8[schemeEnd...].contains(where: { $0 != space }),
                  HTTPHeaders.sameName(String(value[schemeStart..<schemeEnd]), "bearer")
            else {
                throw .unauthorized(detail: "Authorization must be \"Bearer <API key>\".")
            }
            let key = String(value[schemeEnd...].trimmingOWS())
            guard isPlausibleKey(key) else { throw .unauthorized(detail: "The API key is malformed.") }
            return key
        }
        if let value = apiKey.first {
            let key = String(value.trimmingOWS())
            guard isPlausibleKey(key) else { throw .unauthorized(detail: "The API key is malformed.") }
            return key
        }
        throw .unauthorized(detail: "An API key is required: Authorization: Bearer <key> or X-API-Key: <key>.")
    }

    /// Whether `key` could authenticate at all: 1–512 bytes of visible ASCII. `hash-key`
    /// refuses others, whose digest could never match.
    public static func isPlausibleKey(_ key: String) -> Bool {
        (1...512).contains(key.utf8.count) && hasKeyCharacters(key)
    }

    /// Whether `key` is made of the characters an API key may have: visible ASCII, as a header
    /// carries it.
    public static func hasKeyCharacters(_ key: String) -> Bool {
        key.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}
