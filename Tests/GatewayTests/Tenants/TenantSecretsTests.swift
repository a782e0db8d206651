import Connectors
@testable import Gateway
import Hashing
import Testing

@Suite("What of a tenant's credentials is kept out of problems")
struct TenantSecretsTests {
    let token = "eyJhbGciOiJFUzI1NiIsImtpZCI6IjIwMjUwOTA0djEifQ.eyJlbnQiOjEsImV4cCI6MTc4MDAwMDAwMH0.c2lnbmF0dXJlLXNlY3JldC1wYXJ0LW9mLXRoZS10b2tlbg"
    let apiKey = "7d5f3c1e-9a2b-4c8d-b6e4-2f0a9c7e1b35"

    var tenant: Tenant {
        Tenant(id: "acme", keyDigests: [SHA256.hash("k".utf8)], rateLimit: TenantRateLimit(rate: 1, burst: 1), credentials: [
            .wildberries: MarketplaceCredentials(marketplace: .wildberries, fields: ["token": token]),
            .ozon: MarketplaceCredentials(marketplace: .ozon, fields: ["client_id": "1836402", "api_key": apiKey]),
        ])
    }

    func redactedFor(key: String, _ message: String) -> String {
        let tenant = Tenant(id: "t", keyDigests: [SHA256.hash("k".utf8)], rateLimit: TenantRateLimit(rate: 1, burst: 1),
                            credentials: [.ozon: MarketplaceCredentials(marketplace: .ozon, fields: ["client_id": "1", "api_key": key])])
        let error = ConnectorError.upstreamAuthFailed(UpstreamFailure(marketplace: .ozon, status: 401, message: message))
        guard case .upstreamAuthFailed(let failure) = error.redacting(tenant.secrets) else { return "" }
        return failure.message
    }

    func redacted(_ message: String) -> String {
        let error = ConnectorError.upstreamAuthFailed(UpstreamFailure(marketplace: .ozon, status: 401, message: message))
        guard case .upstreamAuthFailed(let failure) = error.redacting(tenant.secrets) else { return "" }
        return failure.message
    }

    @Test("given a token written with its scheme (Bearer <token>), when the marketplace quotes the token alone, then it is kept out too")
    func tokenWithScheme() {
        let opaque = "opaqueTokenCccccccccccccccccccccc1234"
        for written in ["Bearer \(opaque)", "bearer  \(opaque)"] {
            let tenant = Tenant(id: "t", keyDigests: [SHA256.hash("k".utf8)], rateLimit: TenantRateLimit(rate: 1, burst: 1),
                                credentials: [.wildberries: MarketplaceCredentials(marketplace: .wildberries, fields: ["token": written])])
            let error = ConnectorError.upstreamAuthFailed(UpstreamFailure(marketplace: .wildberries, status: 401, message: "bad token \(opaque): key=x"))
            guard case .upstreamAuthFailed(let failure) = error.redacting(tenant.secrets) else { Issue.record("not an auth failure"); continue }
            #expect(failure.message == "bad token [redacted]: key=x", "\(written)")
        }
    }

    @Test("given a marketplace that quotes a credential whole, percent-encoded in any case, or a token's signature alone, then none of it reaches the client")
    func quotedForms() {
        let signature = String(token.split(separator: ".")[2])
        #expect(redacted("bad signature \(signature)") == "bad signature [redacted]")
        #expect(redacted("key 7d5f3c1e%2D9a2b%2D4c8d%2Db6e4%2D2f0a9c7e1b35 unknown") == "key [redacted] unknown")
        #expect(redacted("key 7d5f3c1e%2d9a2b%2d4c8d%2db6e4%2d2f0a9c7e1b35 unknown") == "key [redacted] unknown")
        #expect(redacted("token \(token) expired") == "token [redacted] expired")
        // as RFC 3986 encodes it (unreserved characters kept): a key with a '+' quoted as %2B
        #expect(redactedFor(key: "ab-cd+ef/gh.ij", "key ab-cd%2Bef%2Fgh.ij unknown") == "key [redacted] unknown")
        #expect(!redacted("claims \(token.split(separator: ".")[1])").contains(String(token.split(separator: ".")[1])))
    }

    @Test("given a marketplace that quotes part of a key, or the key without its dashes, then the part of 16 characters or more is kept out, the text around it stays")
    func fragments() {
        #expect(redacted("bad key 7d5f3c1e-9a2b-4c8d here") == "bad key [redacted] here")
        #expect(redacted("bad key 7D5F3C1E9A2B4C8DB6E42F0A9C7E1B35.") == "bad key [redacted].")
        #expect(redacted("tail 4c8d-b6e4-2f0a9c7e, head 7d5f3c1e-9a2b-4c8d") == "tail [redacted], head [redacted]")
        // a run inside non-ASCII text keeps the letters around it whole
        #expect(redacted("ключ «9a2b-4c8d-b6e4-2f0a» неверен") == "ключ «[redacted]» неверен")
        // fifteen characters are not enough to be taken out; sixteen are
        #expect(redacted("id 7d5f3c1e-9a2b-4 ok") == "id 7d5f3c1e-9a2b-4 ok")
        #expect(redacted("id 7d5f3c1e-9a2b-4c ok") == "id [redacted] ok")
        // a token's middle, across its dots
        let middle = String(token.dropFirst(30).prefix(40))
        #expect(redacted("jwt …\(middle)…") == "jwt …[redacted]…")
    }

    @Test("given a key that is no UUID, with dashes in other places, when the marketplace quotes it without them or in part, then all of it is kept out: one form's run taken out does not hide the rest of another",
          arguments: ["ozonapikey0123456789abcdef", "OZONAPIKEY0123456789ABCDEF", "ozon-api-key-0123456789abcdef", "ozonapikey0123456789"])
    func otherDashedKeys(quoted: String) {
        let key = "ozon-api-key-0123456789abcdef"
        #expect(redactedFor(key: key, "nodash \(quoted) refused") == "nodash [redacted] refused")
    }

    @Test("given a short value that is not secret (an Ozon Client-Id), then ordinary text is left alone")
    func shortValuesKept() {
        #expect(redacted("client 1836402 has no access") == "client 1836402 has no access")
    }
}
