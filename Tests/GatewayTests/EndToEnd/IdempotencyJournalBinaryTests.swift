import Foundation
import Glibc
import Hashing
import MarketplaceSimulator
import Testing

@Suite("The binary's idempotency journal")
struct IdempotencyJournalBinaryTests {
    @Test("given a keyed reply answered, when the gateway is killed (SIGKILL) and started again on its journal, then the repeat replays the answer and Ozon got one comment; a second gateway on the same journal is refused",
          .timeLimit(.minutes(1)))
    func replayAfterKill() async throws {
        // given: an Ozon simulator and a config whose journal lies in a folder of our own
        let ozon = try OzonSimulator()
        let key = "acme-0123456789abcdef"
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = folder.appendingPathComponent("idempotency.journal").path
        let config = """
            {"listen": {"host": "127.0.0.1", "port": 0}, "cursor_secret": "a-secret-of-enough-length",
             "idempotency": {"journal": "\(journal)"},
             "tenants": [{"id": "acme", "api_key_sha256": ["\(Hex.encode(SHA256.hash(key.utf8)))"],
                          "credentials": {"ozon": {"client_id": "\(ozon.credentials["client_id"]!)", "api_key": "\(ozon.credentials["api_key"]!)"}}}],
             "marketplaces": {"ozon": {"seller_url": "\(ozon.baseURL.absoluteString)"}}}
            """
        let file = folder.appendingPathComponent("gateway.json")
        try config.write(to: file, atomically: true, encoding: .utf8)
        let first = try GatewayProcess(arguments: ["--config", file.path])
        let list = try await GatewayClient.send("GET", port: first.port, "/connectors/ozon/review/items?limit=1&status=unanswered", key: key)
        let id = try #require((list.body["items"] as? [[String: Any]])?.first?["id"] as? String, "\(list.text)")
        let path = "/connectors/ozon/review/items/\(id)/reply"
        let reply = #"{"text":"Thank you for the review!"}"#
        let answered = try await GatewayClient.send("POST", port: first.port, path, key: key, json: reply, headers: ["Idempotency-Key": "reply-1"])
        #expect(answered.status == 200, "\(answered.text)")
        #expect(ozon.log.count(path: "/v1/review/comment/create") == 1)
        // A second gateway on the same journal would keep outcomes the first does not see.
        let second = try GatewayProcess.run(arguments: ["--config", file.path], environment: ["PORT": "0"])
        #expect(second.status == 2)
        #expect(second.stderr.contains("idempotency.journal") && second.stderr.contains("another process"), "\(second.stderr)")

        // when: killed with no chance to flush anything, and started again
        first.signal(SIGKILL)
        _ = await first.waitForExit()
        let restarted = try GatewayProcess(arguments: ["--config", file.path])
        #expect(restarted.stdout.contains(#""idempotency_outcomes_restored":1"#), "\(restarted.stdout)")
        let again = try await GatewayClient.send("POST", port: restarted.port, path, key: key, json: reply, headers: ["Idempotency-Key": "reply-1"])

        // then
        #expect(again.status == 200)
        #expect(again.headers["idempotent-replayed"] == "true")
        #expect(again.text == answered.text)
        #expect(ozon.log.count(path: "/v1/review/comment/create") == 1)
        let other = try await GatewayClient.send("POST", port: restarted.port, path, key: key, json: #"{"text":"Another text"}"#,
                                                 headers: ["Idempotency-Key": "reply-1"])
        #expect(other.status == 422)
        restarted.signal(SIGTERM)
        #expect(await restarted.waitForExit() == 0)
        await ozon.stop()
    }

    @Test("a journal that cannot be opened stops start-up with exit code 2 naming idempotency.journal and why",
          arguments: [("/nonexistent-folder/idempotency.journal", "its folder /nonexistent-folder does not exist"), ("", "must name a file")])
    func unusableJournal(path: String, reason: String) throws {
        let digest = Hex.encode(SHA256.hash("acme-0123456789abcdef".utf8))
        let config = #"{"idempotency": {"journal": "\#(path)"}, "tenants": [{"id": "acme", "api_key_sha256": ["\#(digest)"]}]}"#
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("journal-config-\(UUID()).json")
        try config.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try GatewayProcess.run(arguments: ["--config", file.path], environment: ["PORT": "0"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("idempotency.journal") && result.stderr.contains(reason), "\(result.stderr)")
    }
}
