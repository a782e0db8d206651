@testable import Gateway
import HTTP
import Testing

@Suite("Gateway request ids")
struct RequestIDTests {
    let harness = GatewayHarness()

    @Test("a sane incoming X-Request-ID is echoed, on successes and on problems alike")
    func echoed() async throws {
        let ok = try await harness.send(.get, "/healthz", headers: [("X-Request-ID", "proxy-42.a:b_c")])
        let problem = try await harness.send(.get, "/nope", headers: [("X-Request-ID", "proxy-43")])
        #expect(ok.headers["X-Request-ID"] == "proxy-42.a:b_c")
        #expect(problem.headers["X-Request-ID"] == "proxy-43")
        #expect(problem.json["request_id"] as? String == "proxy-43")
    }

    @Test("an insane one is replaced by a fresh id, different per request",
          arguments: ["", "has space", String(repeating: "x", count: 129), "quote\"", "semi;colon"])
    func replaced(offered: String) async throws {
        let first = try await harness.send(.get, "/healthz", headers: [("X-Request-ID", offered)])
        let second = try await harness.send(.get, "/healthz", headers: [("X-Request-ID", offered)])
        let id1 = try #require(first.headers["X-Request-ID"])
        let id2 = try #require(second.headers["X-Request-ID"])
        #expect(id1 != offered && id2 != offered)
        #expect(id1 != id2)
    }

    @Test("given two X-Request-ID lines, each sane, when sent, then neither is taken: together they are a list, and a fresh id is given")
    func twoLines() async throws {
        let response = try await harness.send(.get, "/healthz", headers: [("X-Request-ID", "one"), ("X-Request-ID", "two")])
        let id = try #require(response.headers["X-Request-ID"])
        #expect(id != "one" && id != "two")
    }

    @Test("given an X-Request-ID that is the caller's key, or part of its Authorization field, then it is neither echoed nor logged: a fresh id is given",
          arguments: [("X-API-Key", GatewayHarness.aliceKey, GatewayHarness.aliceKey),
                      ("Authorization", "Bearer \(GatewayHarness.aliceKey)", GatewayHarness.aliceKey),
                      ("Authorization", "Bearer \(GatewayHarness.aliceKey)", "secret-key")])
    func credentialAsID(field: String, value: String, offered: String) async throws {
        let response = try await harness.send(.get, "/whoami", headers: [(field, value), ("X-Request-ID", offered)])
        let id = try #require(response.headers["X-Request-ID"])
        #expect(response.status == .ok)
        #expect(id != offered)
    }

    @Test("given an X-Request-ID found in another field that carries credentials (a proxy's, a cookie), then it is not echoed either",
          arguments: [("Proxy-Authorization", "Basic SECRETKEY-7777777777"), ("Cookie", "session=SECRETKEY-7777777777; theme=dark")])
    func credentialFromAnotherField(field: String, value: String) async throws {
        let response = try await harness.send(.get, "/whoami", headers: [("X-API-Key", GatewayHarness.aliceKey), (field, value),
                                                                        ("X-Request-ID", "SECRETKEY-7777777777")])
        #expect(response.status == .ok)
        #expect(response.headers["X-Request-ID"] != "SECRETKEY-7777777777")
    }

    @Test("given a short X-Request-ID that happens to occur in the Authorization field, then it is kept: under 8 bytes it is no key")
    func shortIDInAuthorization() async throws {
        let response = try await harness.send(.get, "/whoami", headers: [("Authorization", "Bearer \(GatewayHarness.aliceKey)"),
                                                                        ("X-Request-ID", "key")])
        #expect(response.headers["X-Request-ID"] == "key")
    }

    @Test("given a fresh generator, when ids are drawn, then each is the start-up prefix, a dash and the count in hex")
    func generated() throws {
        let generator = RequestIDGenerator()
        let ids = (1...300).map { _ in generator.next() }
        let prefix = try #require(ids[0].split(separator: "-").first)
        #expect(!prefix.isEmpty && prefix.allSatisfy(\.isHexDigit))
        for (index, id) in ids.enumerated() {
            #expect(id == "\(prefix)-\(String(index + 1, radix: 16))")
        }
    }
}
