import Connectors
import Foundation
@testable import Gateway
import HTTP
import Server
import Synchronization
import Testing

@Suite("The gateway's own upstream client: how its failures reach the caller")
struct LoopUpstreamClientTests {
    @Test("given a failure of the client, then the caller sees the case that says whether the host is at fault and whether anything was sent",
          arguments: [
              (HTTPClientError.connectFailed("Connection refused"), UpstreamTransportError.connectionRefused("Connection refused")),
              (.localFailure("socket: Too many open files"), .localFailure("socket: Too many open files")),
              (.notSent("no connection came free"), .notSent("no connection came free")),
              (.connectionLost("reset"), .connectionLost("reset")),
          ])
    func mapping(client: HTTPClientError, caller: UpstreamTransportError) {
        #expect(LoopUpstreamClient.transportError(client) == caller)
    }

    @Test("given an http base URL with a path (a proxy or sidecar under a prefix), when a call is sent, then its target is the prefix, the path and the query, encoded once")
    func basePathPrefix() async throws {
        // given
        let targets = Mutex<[String]>([])
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.loopCount = 1
        let server = HTTPServer(configuration: configuration, responder: ClosureResponder { request, _ in
            targets.withLock { $0.append(request.target) }
            return HTTPResponse(status: .ok, body: Array("{}".utf8))
        })
        try server.start()
        let response: UpstreamResponse
        do {
            let client = try #require(LoopUpstreamClient(baseURL: URL(string: "http://127.0.0.1:\(server.port)/wb%20api/")!, maxConnections: 1))
            // when
            response = try await client.send(UpstreamRequest(method: "GET", path: "/api/v1/feedbacks", query: [("isAnswered", "false"), ("q", "a b&c")],
                                                             safety: .idempotent, operation: "test.get"),
                                             timeout: .seconds(10))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        // then
        #expect(response.status == 200)
        #expect(targets.withLock { $0 } == ["/wb%20api/api/v1/feedbacks?isAnswered=false&q=a%20b%26c"])
    }

    @Test("given a base URL that is not plain http with a usable port, then there is no loop client for it", arguments: [
        "https://127.0.0.1:8443", "http://127.0.0.1:0", "ftp://127.0.0.1:21", "http:///path",
    ])
    func notPlainHTTP(url: String) throws {
        #expect(LoopUpstreamClient(baseURL: try #require(URL(string: url)), maxConnections: 1) == nil)
    }
}
