import Foundation
@testable import Gateway
import Hashing
import HTTP
import Server
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

    @Test("given an X-Request-ID that holds the caller's key, its Basic password, or a cookie's value, then it is not echoed (nor, being the request's id, logged)",
          arguments: [("Authorization", "Bearer \(GatewayHarness.aliceKey)", "\(GatewayHarness.aliceKey).1"),
                      ("X-API-Key", GatewayHarness.aliceKey, "req-\(GatewayHarness.aliceKey)"),
                      ("Proxy-Authorization", "Basic " + Data("user:SECRETKEY-7777777777".utf8).base64EncodedString(), "SECRETKEY-7777777777"),
                      ("Cookie", "session=SECRETKEY-7777777777; theme=dark", "id-SECRETKEY-7777777777-2")])
    func idHoldingACredential(field: String, value: String, offered: String) async throws {
        var headers = [(field, value), ("X-Request-ID", offered)]
        if field != "X-API-Key" && field != "Authorization" { headers.append(("X-API-Key", GatewayHarness.aliceKey)) }
        let response = try await harness.send(.get, "/whoami", headers: headers)
        #expect(response.status == .ok)
        #expect(response.headers["X-Request-ID"] != offered)
    }

    @Test("given an X-Request-ID that is the caller's key in another letter case, or with its dashes changed or dropped, then it is not echoed either",
          arguments: ["ALICE-SECRET-KEY", "Alice_Secret_Key", "alicesecretkey", "req.ALICE.SECRET.KEY.7", "SECRETKEY"])
    func credentialVariantAsID(offered: String) async throws {
        let response = try await harness.send(.get, "/whoami", headers: [("Authorization", "Bearer \(GatewayHarness.aliceKey)"),
                                                                        ("X-Request-ID", offered)])
        #expect(response.status == .ok)
        #expect(response.headers["X-Request-ID"] != offered)
        // while an id that only shares a few letters with the key is kept
        let kept = try await harness.send(.get, "/whoami", headers: [("Authorization", "Bearer \(GatewayHarness.aliceKey)"),
                                                                    ("X-Request-ID", "alice-order-42")])
        #expect(kept.headers["X-Request-ID"] == "alice-order-42")
    }

    @Test("given a key of 8 bytes or more that folds to fewer (demo-key, a-b-c-d-e-f-g---), when the id is the key or holds it, then it is not echoed; an id that only shares its letters is",
          arguments: [("demo-key", "demo-key"), ("demo-key", "DEMO_KEY"), ("demo-key", "req-demo-key-1"), ("a-b-c-d-e-f-g---", "a-b-c-d-e-f-g---"),
                      ("a-b-c-d-e-f-g---", "abcdefg-42")])
    func keyThatFoldsShort(key: String, offered: String) {
        for (field, value) in [("Authorization", "Bearer \(key)"), ("X-API-Key", key)] {
            let request = HTTPRequest(method: .get, target: "/connectors", headers: [("Host", "gateway"), (field, value), ("X-Request-ID", offered)], body: [])
            #expect(RequestIDMiddleware.offeredID(in: request) == nil, "\(offered) with \(field): \(value)")
        }
        // an id whose letters are the key's only when its separators are dropped, shorter than 8 as sent, is kept
        let short = HTTPRequest(method: .get, target: "/connectors", headers: [("Host", "gateway"), ("X-API-Key", "demo-key"), ("X-Request-ID", "demokey")], body: [])
        #expect(RequestIDMiddleware.offeredID(in: short) == "demokey")
        // and a run that is all separators matches nothing
        let dashes = HTTPRequest(method: .get, target: "/connectors", headers: [("Host", "gateway"), ("Cookie", "s=--------.--"), ("X-Request-ID", "order-1234")], body: [])
        #expect(RequestIDMiddleware.offeredID(in: dashes) == "order-1234")
    }

    @Test("given a configured secret, however short, sent as the id by a request that does not carry it, then the id is kept, and only the log is told not to repeat it")
    func configuredSecretAsTheID() {
        for secret in ["k3y", "keyD-0123456789abcdef"] {
            let request = HTTPRequest(method: .get, target: "/healthz", headers: [("Host", "gateway"), ("X-Request-ID", secret)], body: [])
            let held = RequestIDMiddleware.offered(in: request, unloggedDigests: [SHA256.hash(secret.utf8)])
            #expect(held?.id == secret)
            #expect(held?.logged == false)
            let other = RequestIDMiddleware.offered(in: request, unloggedDigests: [SHA256.hash("another".utf8)])
            #expect(other?.id == secret)
            #expect(other?.logged == true)
        }
    }

    @Test("given a tenant's key, a marketplace credential or the metrics token offered as the id with no credential sent, then answers and refusals echo it as they echo any id: a fresh one would tell /healthz's caller that a guess is a key")
    func configuredSecretsAsIDsTellNothing() async throws {
        let harness = ApplicationHarness(metricsToken: "metrics-token-0123456789")
        for offered in [ApplicationHarness.key, "proxy-0123456789", "metrics-token-0123456789"] {
            let answered = try await harness.send(.get, "/healthz", headers: [("X-Request-ID", offered)], authenticated: false)
            #expect(answered.status == .ok)
            #expect(answered.headers["X-Request-ID"] == offered)
            let request = HTTPRequest(method: .post, target: "/connectors", headers: [("Host", "gateway"), ("X-Request-ID", offered)], body: [])
            let refused = harness.application.responder.refusal(ServerRefusal(status: .contentTooLarge, code: "content_too_large", detail: "Too large."),
                                                                request: request, context: RequestContext())
            #expect(refused.headers["X-Request-ID"] == offered)
        }
        let ids = harness.application.log.lines.compactMap { line in
            ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])?["request_id"] as? String
        }
        #expect(ids.count == 6)
        #expect(ids.filter { $0 == "[redacted]" }.count == 4, "the key and the token, answered and refused: \(ids)")
        #expect(ids.filter { $0 == "proxy-0123456789" }.count == 2)
    }

    @Test("given credential fields made to be costly (a megabyte of short runs, each a scheme's name), then the id is judged in linear time",
          .timeLimit(.minutes(1)))
    func costlyFieldsStayLinear() {
        let runs = String(repeating: "basic;", count: 170_000) + "abcdefgh-secret"
        let request = HTTPRequest(method: .get, target: "/healthz",
                                  headers: [("Host", "gateway"), ("X-Request-ID", "id-abcdefgh-secret"), ("Cookie", runs),
                                            ("Authorization", "basic " + runs), ("X-API-Key", String(repeating: "abcdefgh:", count: 110_000))],
                                  body: [])
        #expect(RequestIDMiddleware.offeredID(in: request) == nil)
        // and an id that nearly matches everywhere in a megabyte-long field
        let nearly = String(repeating: "a", count: 127) + "b"
        let repetitive = HTTPRequest(method: .get, target: "/healthz",
                                     headers: [("Host", "gateway"), ("X-Request-ID", nearly), ("Cookie", String(repeating: "a", count: 1 << 20))],
                                     body: [])
        #expect(RequestIDMiddleware.offeredID(in: repetitive) == nearly)
    }

    @Test("given credential fields of many runs each starting like a part of the id (each would be searched for), then past a few dozen the id is replaced rather than searched for again; fields of other runs, however many, leave it echoed")
    func runsLikeTheIDAreNotSearchedWithoutEnd() {
        // given: an id of `a`s and four fields of `aaaaaaaab;`, no run of which is in the id
        let id = String(repeating: "a", count: 128)
        let alike = String(repeating: "aaaaaaaab;", count: 800)
        let costly = HTTPRequest(method: .get, target: "/healthz",
                                 headers: [("Host", "gateway"), ("X-Request-ID", id), ("Cookie", alike), ("X-API-Key", alike)],
                                 body: [])
        // then
        #expect(RequestIDMiddleware.offeredID(in: costly) == nil)
        // and a long cookie of runs unlike the id keeps it
        let cookie = (0..<2_000).map { "s\($0)=zzzzzzzzzzzz\($0)" }.joined(separator: "; ")
        let ordinary = HTTPRequest(method: .get, target: "/healthz",
                                   headers: [("Host", "gateway"), ("X-Request-ID", "req-0123456789abcdef"), ("Cookie", cookie)],
                                   body: [])
        #expect(RequestIDMiddleware.offeredID(in: ordinary) == "req-0123456789abcdef")
    }

    @Test("given an id found inside a Basic field's decoded password (or user), then it is replaced, as one inside a Bearer token is",
          arguments: ["S3cretPassw0rd", "Passw0rd", "user-name"])
    func idInsideBasicCredentials(id: String) {
        let basic = "Basic " + Data("user-name:S3cretPassw0rd-and-more".utf8).base64EncodedString()
        for field in ["Authorization", "Proxy-Authorization"] {
            let request = HTTPRequest(method: .get, target: "/healthz", headers: [("Host", "gateway"), ("X-Request-ID", id), (field, basic)], body: [])
            #expect(RequestIDMiddleware.offeredID(in: request) == nil, "\(field)")
        }
    }

    @Test("the search for an id inside a field finds it wherever it starts, overlapping prefixes included, and nowhere else")
    func search() {
        for (needle, haystack, found) in [("aab", "aaab", true), ("abab", "abaabab", true), ("abc", "ab", false), ("aaaa", "aaabaaab", false),
                                          ("key-0123", "Bearer key-0123", true), ("b", "", false)] {
            #expect(RequestIDMiddleware.find(Array(needle.utf8), in: Array(haystack.utf8)[...]) == found, "\(needle) in \(haystack)")
        }
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
