import Glibc
import HTTP
@testable import Server
import Synchronization
import Testing

/// Which connection a call goes on: reads reuse kept-alive connections, a write never does. A
/// server may close a kept-alive connection at the very moment it is reused, after any check the
/// client can make, and a write lost that way could not be told from one the server applied.
@Suite("HTTP client: a write on a connection of its own", .timeLimit(.minutes(1)))
struct HTTPClientConnectionChoiceTests {
    /// A request line and the connection (0, 1, …) it came on.
    struct Seen: Equatable, Sendable {
        var connection: Int
        var line: String
    }

    /// Answers every request, keeping the connection open, and notes which connection (0, 1, …)
    /// each request line came on.
    static func noting(into log: Recorder<Seen>) -> @Sendable (ScriptedUpstream.Peer) -> Void {
        { peer in
            while let request = peer.readRequest() {
                let line = String(request.prefix { $0 != "\r\n" })
                log.append(Seen(connection: peer.index, line: line))
                peer.send("HTTP/1.1 200 OK\r\nContent-Length: \(line.utf8.count)\r\n\r\n\(line)")
            }
            peer.close()
        }
    }

    @Test("given a kept-alive connection, when a write comes, then it goes on a new connection, and the next read reuses one",
          arguments: [1, 8])
    func writeOnItsOwnConnection(maxConnections: Int) async throws {
        let log = Recorder<Seen>()
        let upstream = ScriptedUpstream(Self.noting(into: log))
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port,
                                configuration: HTTPClient.Configuration(maxConnections: maxConnections, idleTimeout: .seconds(3600)))
        // given
        _ = try await client.execute(HTTPClientTests.getRequest("/before"), timeout: .seconds(5))
        // when
        let reply = try await client.execute(HTTPClientTests.post("{}"), timeout: .seconds(5))
        _ = try await client.execute(HTTPClientTests.getRequest("/after"), timeout: .seconds(5))
        // then
        #expect(HTTPClientTests.text(reply) == "POST /reply HTTP/1.1")
        let seen = log.all
        try #require(seen.count == 3)
        #expect(seen[0] == Seen(connection: 0, line: "GET /before HTTP/1.1"))
        #expect(seen[1] == Seen(connection: 1, line: "POST /reply HTTP/1.1"))
        #expect(seen[2].line == "GET /after HTTP/1.1")
        #expect(upstream.connectionCount == 2)
    }

    @Test("given the only connection busy and a write waiting before a read, when it frees, then it is closed for the write's own, and the read waits its turn")
    func writeKeepsItsTurn() async throws {
        let log = Recorder<Seen>()
        let release = Atomic<Bool>(false)
        let upstream = ScriptedUpstream { peer in
            while let request = peer.readRequest() {
                let line = String(request.prefix { $0 != "\r\n" })
                if line.hasPrefix("GET /slow") { while !release.load(ordering: .relaxed) { usleep(5_000) } }
                log.append(Seen(connection: peer.index, line: line))
                peer.send("HTTP/1.1 200 OK\r\nContent-Length: \(line.utf8.count)\r\n\r\n\(line)")
            }
            peer.close()
        }
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port, configuration: HTTPClient.Configuration(maxConnections: 1, idleTimeout: .seconds(3600)))
        // given: the only connection busy, then a write in line, then a read behind it
        async let slow = client.execute(HTTPClientTests.getRequest("/slow"), timeout: .seconds(30))
        #expect(await eventually { upstream.connectionCount == 1 })
        async let write = client.execute(HTTPClientTests.post("{}"), timeout: .seconds(30))
        while await client.waitingOnSharedLoop() < 1 { try await Task.sleep(for: .milliseconds(5)) }
        async let read = client.execute(HTTPClientTests.getRequest("/next"), timeout: .seconds(30))
        while await client.waitingOnSharedLoop() < 2 { try await Task.sleep(for: .milliseconds(5)) }
        // when
        release.store(true, ordering: .relaxed)
        // then
        _ = try await (slow, write, read)
        let seen = log.all
        try #require(seen.count == 3)
        #expect(seen.map(\.line) == ["GET /slow HTTP/1.1", "POST /reply HTTP/1.1", "GET /next HTTP/1.1"])
        #expect(seen.map(\.connection) == [0, 1, 1])
    }
}
