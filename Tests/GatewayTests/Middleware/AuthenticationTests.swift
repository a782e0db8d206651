import Gateway
import HTTP
import Testing

@Suite("Gateway authentication")
struct AuthenticationTests {
    let harness = GatewayHarness()

    @Test("a Bearer key or an X-API-Key finds the tenant")
    func bothForms() async throws {
        let bearer = try await harness.send(.get, "/whoami", headers: [("Authorization", "Bearer \(GatewayHarness.aliceKey)")])
        let apiKey = try await harness.send(.get, "/whoami", headers: [("X-API-Key", GatewayHarness.bobKey)])
        #expect(bearer.text == "alice")
        #expect(apiKey.text == "bob")
        // a tenant's answers are for that tenant only: no cache may keep them
        #expect(bearer.headers["Cache-Control"] == "no-store")
        #expect(apiKey.headers["Cache-Control"] == "no-store")
    }

    @Test("given a tenant's request that fails below authentication, then its problem says no-store too; a public answer does not")
    func noStoreOnErrors() async throws {
        let missing = try await harness.send(.get, "/things/%zz", key: GatewayHarness.aliceKey)
        #expect(missing.status.code == 400)
        #expect(missing.headers["Cache-Control"] == "no-store")
        let health = try await harness.send(.get, "/healthz")
        #expect(health.headers["Cache-Control"] == nil)
    }

    @Test("the scheme in any case, and blanks around the key, are accepted", arguments: [
        [("Authorization", "bearer \(GatewayHarness.aliceKey)")],
        [("Authorization", "BEARER  \(GatewayHarness.aliceKey)\t ")],
        [("X-API-Key", " \t\(GatewayHarness.aliceKey) ")],
    ])
    func lenient(headers: [(String, String)]) async throws {
        let response = try await harness.send(.get, "/whoami", headers: headers)
        #expect(response.text == "alice")
    }

    @Test("missing, malformed or unknown keys get 401 with WWW-Authenticate", arguments: [
        [(String, String)](),
        [("Authorization", "Basic YWxpY2U6cHc=")],
        [("Authorization", "Bearer")],
        [("Authorization", "Bearer  ")],
        [("Authorization", "Bearerx \(GatewayHarness.aliceKey)")],
        [("Authorization", "Bearer \(GatewayHarness.aliceKey) x")],
        [("Authorization", "Bearer wrong-key")],
        [("X-API-Key", "")],
        [("X-API-Key", "wrong-key")],
        [("Authorization", "Bearer \(GatewayHarness.aliceKey)"), ("X-API-Key", GatewayHarness.bobKey)],
    ])
    func refused(headers: [(String, String)]) async throws {
        let response = try await harness.send(.get, "/whoami", headers: headers)
        #expect(response.status.code == 401)
        #expect(response.headers["WWW-Authenticate"] == "Bearer realm=\"connector-gateway\"")
        #expect(response.json["code"] as? String == "unauthorized")
        #expect(!response.text.contains(GatewayHarness.aliceKey))
    }

    @Test("public routes answer without a key")
    func publicRoute() async throws {
        let response = try await harness.send(.get, "/healthz")
        #expect(response.status == .ok)
    }
}
