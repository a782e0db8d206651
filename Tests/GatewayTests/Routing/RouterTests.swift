import Gateway
import HTTP
import Testing

@Suite("Gateway router")
struct RouterTests {
    let harness = GatewayHarness()

    @Test("a path parameter is captured and percent-decoded")
    func parameters() async throws {
        let response = try await harness.send(.get, "/things/caf%C3%A9%20au%20lait", key: GatewayHarness.aliceKey)
        #expect(response.status == .ok)
        #expect(response.text == "thing café au lait")
    }

    @Test("a literal segment written with escapes is the same segment: /%74hings/7 is /things/7",
          arguments: ["/%74hings/7", "/thing%73/7", "/%74%68%69%6E%67%73/7"])
    func escapedLiteral(path: String) async throws {
        let response = try await harness.send(.get, path, key: GatewayHarness.aliceKey)
        #expect(response.status == .ok)
        #expect(response.text == "thing 7")
    }

    @Test("unknown paths get 404 problem+json, without needing a key",
          arguments: ["/nope", "/things", "/things/1/poke/extra", "/things//poke", "/healthz/", "//healthz", "/thing%2Fs/7", "/%54hings/7"])
    func unknownPath(path: String) async throws {
        let response = try await harness.send(.get, path)
        #expect(response.status.code == 404)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(response.json["code"] as? String == "not_found")
    }

    @Test("a known path with another method gets 405 with Allow, for any method token",
          arguments: [HTTPMethod.post, .delete, .put, .patch, .trace, .query, .other("BREW")])
    func methodNotAllowed(method: HTTPMethod) async throws {
        let response = try await harness.send(method, "/things/7")
        #expect(response.status.code == 405)
        #expect(response.headers["Allow"] == "GET, HEAD, OPTIONS")
        #expect(response.json["code"] as? String == "method_not_allowed")
    }

    @Test("given a method as long as the server takes (34 bytes), then the 405 names it whole")
    func longestMethodNamedWhole() async throws {
        let method = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh"
        #expect(method.utf8.count == RequestHeadParser.maxMethodLength)
        let response = try await harness.send(.other(method), "/things/7")
        #expect(response.status.code == 405)
        #expect((response.json["detail"] as? String)?.hasPrefix(method + " is not allowed here") == true, "\(response.json)")
    }

    @Test("HEAD is served by the GET route")
    func head() async throws {
        let response = try await harness.send(.head, "/things/7", key: GatewayHarness.aliceKey)
        #expect(response.status == .ok)
        #expect(response.text == "thing 7")  // the server, not the router, drops the body on the wire
    }

    @Test("OPTIONS answers 204 with the methods the path allows")
    func options() async throws {
        let response = try await harness.send(.options, "/things/7/poke")
        #expect(response.status.code == 204)
        #expect(response.headers["Allow"] == "POST, OPTIONS")
    }

    @Test("OPTIONS on a path whose parameter encodes a slash or NUL is 400, as every method of the route would answer, without a key",
          arguments: ["/things/a%2Fb/poke", "/things/a%00b/poke", "/things/%zz/poke"])
    func optionsHostileEncoding(path: String) async throws {
        let response = try await harness.send(.options, path)
        #expect(response.status.code == 400)
        #expect(response.json["code"] as? String == "invalid_request")
        #expect(response.headers["Allow"] == nil)
    }

    @Test("OPTIONS * asks about the server: 204 with the methods its paths take, without a key")
    func optionsAsterisk() async throws {
        let response = try await harness.send(.options, "*")
        #expect(response.status.code == 204)
        #expect(response.headers["Allow"] == "GET, HEAD, POST, OPTIONS")
        // logged under its target, not taken for a path
        #expect(harness.log.lines.contains { $0.contains(#""route":"*""#) })
    }

    @Test("given CONNECT to host:port (or to a path), then it is 405 with an empty Allow and no instance: the gateway is no proxy, and the target no path of its own",
          arguments: ["example.com:443", "127.0.0.1:8080"])
    func connect(target: String) async throws {
        let response = try await harness.send(.connect, target, key: GatewayHarness.aliceKey)
        #expect(response.status.code == 405)
        #expect(response.headers["Allow"] == "")
        #expect(response.json["code"] as? String == "method_not_allowed")
        #expect(response.json["instance"] == nil)
        #expect((response.json["detail"] as? String)?.contains("not a proxy") == true)
    }

    @Test("given a parameter that is not valid percent-encoded UTF-8 (or encodes a slash or NUL), then it is 400 naming it, after authentication",
          arguments: ["/things/a%2Fb", "/things/a%00b", "/things/%zz", "/things/%C3%28", "/things/%"])
    func hostileEncoding(path: String) async throws {
        let response = try await harness.send(.get, path, key: GatewayHarness.aliceKey)
        #expect(response.status.code == 400)
        #expect(response.json["code"] as? String == "invalid_request")
        #expect((response.json["errors"] as? [[String: String]])?.map { $0["field"] } == ["id"])
        let anonymous = try await harness.send(.get, path)
        #expect(anonymous.status.code == 401)
        // a method the path does not take is still 405, however its parameter is encoded
        let put = try await harness.send(.put, path, key: GatewayHarness.aliceKey)
        #expect(put.status.code == 405)
        #expect(put.headers["Allow"] == "GET, HEAD, OPTIONS")
    }
}
