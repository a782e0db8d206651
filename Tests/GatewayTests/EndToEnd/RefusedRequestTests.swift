import Connectors
import Foundation
import Gateway
import Server
import Testing

/// Requests the HTTP layer refuses before routing, over a real socket: they must still be
/// traceable (`X-Request-ID`, `request_id`, an access-log line) like every other answer.
@Suite("Requests refused before routing")
struct RefusedRequestTests {
    /// Sends `request` raw to an in-process gateway on loopback; returns the answer's head fields,
    /// its problem document, and the access log.
    private func refuse(_ request: String, configure: (inout ServerConfiguration) -> Void = { _ in })
        async throws -> (head: [String: String], status: Int, problem: [String: Any], log: [[String: Any]]) {
        var configuration = ApplicationHarness().application.configuration
        configuration.server = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.server.loopCount = 1
        configure(&configuration.server)
        let log = LogSink.capturing()
        let application = GatewayApplication(configuration: configuration, registry: ConnectorRegistry(),
                                             staticFiles: StaticFiles(directory: nil), log: log)
        try application.start()
        let sockets = try RawHTTPClient.connectAndSend(port: application.server.port, requests: [request])
        let answer = await RawHTTPClient.readAllUntilClose(sockets)[0]
        await application.stop()
        let parts = answer.components(separatedBy: "\r\n\r\n")
        let headLines = parts[0].components(separatedBy: "\r\n")
        var head: [String: String] = [:]
        for line in headLines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            head[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let status = Int(headLines[0].split(separator: " ")[1]) ?? 0
        let problem = (try? JSONSerialization.jsonObject(with: Data(parts.dropFirst().joined(separator: "\r\n\r\n").utf8))) as? [String: Any] ?? [:]
        let lines = log.lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        return (head, status, problem, lines)
    }

    @Test("given a malformed request line, when refused, then the 400 carries a request id in the header, the body and the log")
    func malformedRequest() async throws {
        let answer = try await refuse("GET /connectors HTTP/1.1 extra\r\nHost: x\r\nX-Request-ID: client-id\r\n\r\n")
        #expect(answer.status == 400)
        let id = try #require(answer.head["x-request-id"])
        #expect(!id.isEmpty && id != "client-id")
        #expect(answer.problem["request_id"] as? String == id)
        #expect(answer.problem["code"] as? String == "invalid_request")
        // the same title as the gateway's own invalid_request problems: one type, one title
        #expect(answer.problem["title"] as? String == "Invalid request")
        #expect(answer.problem["retryable"] as? Bool == false)
        #expect(answer.problem["instance"] == nil)
        let line = try #require(answer.log.first { $0["request_id"] as? String == id })
        #expect(line["status"] as? Int == 400)
        #expect(line["client"] as? String == "127.0.0.1")
    }

    @Test("given a body over the limit, when refused, then the 413 carries a request id in the header, the body and the log")
    func bodyTooLarge() async throws {
        let answer = try await refuse("POST /connectors/ozon/review/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n",
                                      configure: { $0.limits.maxBodyLength = 1000 })
        #expect(answer.status == 413)
        let id = try #require(answer.head["x-request-id"])
        #expect(answer.problem["request_id"] as? String == id)
        #expect(answer.problem["code"] as? String == "payload_too_large")
        #expect(answer.problem["type"] as? String == "/problems/payload_too_large")
        #expect(answer.problem["title"] as? String == "Content Too Large")
        #expect(answer.log.contains { $0["request_id"] as? String == id && $0["status"] as? Int == 413 })
    }

    @Test("given a head that never ends, when the header timeout passes, then the 408 is retryable and carries a request id")
    func headerTimeout() async throws {
        let answer = try await refuse("GET /connectors HTTP/1.1\r\nHost: x\r\n",
                                      configure: { $0.headerReadTimeout = .milliseconds(200) })
        #expect(answer.status == 408)
        let id = try #require(answer.head["x-request-id"])
        #expect(answer.problem["request_id"] as? String == id)
        #expect(answer.problem["retryable"] as? Bool == true)
    }
}
