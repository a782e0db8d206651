import Foundation
import Glibc
import Hashing
import MarketplaceSimulator
import Server
import Testing

@Suite("connector-gateway binary, end to end", .serialized)
struct GatewayBinaryTests {
    @Test("demo mode serves every marketplace through the real connectors, and SIGTERM drains in-flight requests", .timeLimit(.minutes(1)))
    func demoMode() async throws {
        // given: the binary started with no configuration
        let gateway = try GatewayProcess()
        #expect(gateway.stdout.contains("DEMO MODE"))
        // then: health, the registry and items of every connector answer
        #expect(try await GatewayClient.send("GET", port: gateway.port, "/healthz", key: nil).status == 200)
        let registry = try await GatewayClient.send("GET", port: gateway.port, "/connectors")
        let connectors = try #require(registry.body["connectors"] as? [[String: Any]])
        #expect(connectors.count == 6)
        #expect(connectors.allSatisfy { $0["configured"] as? Bool == true })
        for connector in connectors {
            let path = "/connectors/\(connector["marketplace"]!)/\(connector["channel"]!)/items?limit=3"
            let list = try await GatewayClient.send("GET", port: gateway.port, path)
            #expect(list.status == 200, "\(path): \(list.text)")
            #expect((list.body["items"] as? [Any])?.isEmpty == false, "\(path)")
        }
        // the access log tells how many upstream calls each listing cost
        func listLines() -> [Substring] {
            gateway.stdout.split(separator: "\n").filter { $0.contains("\"route\":\"/connectors/{marketplace}/{channel}/items\"") }
        }
        for _ in 0..<250 where listLines().count < 6 { try await Task.sleep(for: .milliseconds(20)) }  // lines arrive through a pipe
        #expect(listLines().count == 6)
        #expect(listLines().allSatisfy { !$0.contains("\"upstream_calls\":0") && $0.contains("\"upstream_calls\":") })
        #expect(try await GatewayClient.send("GET", port: gateway.port, "/connectors").headers["ratelimit-policy"] == "\"tenant\";q=100;w=2")
        #expect(try await GatewayClient.send("GET", port: gateway.port, "/connectors", key: "wrong").status == 401)

        // when: a burst of list calls has reached the gateway (Wildberries allows 3/s, so most of
        // them wait in the rate budget, and some are not even read yet)…
        let requests = (0..<12).map { index in
            "GET /connectors/wildberries/review/items?limit=\(index + 1) HTTP/1.1\r\nHost: gateway\r\n"
                + "Authorization: Bearer demo-key\r\n\r\n"
        }
        let began = ContinuousClock.now
        let sockets = try RawHTTPClient.connectAndSend(port: gateway.port, requests: requests)
        // …and SIGTERM arrives
        gateway.signal(SIGTERM)
        for _ in 0..<250 where !gateway.stdout.contains("\"event\":\"drain\"") { try await Task.sleep(for: .milliseconds(20)) }
        // the budget's refills (one each 333 ms) until the drain was seen to begin: a busy machine
        // can take seconds to get there
        let refills = Int((ContinuousClock.now - began) / .milliseconds(333))
        // then: every call still gets its complete answer, and the process exits 0. Answers sent
        // after the drain began say Connection: close; only the budget's burst (6) and its refills
        // can have been answered before the signal arrived.
        let answers = await RawHTTPClient.readAllUntilClose(sockets)
        for (index, answer) in answers.enumerated() {
            #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), "request \(index): \(answer.prefix(300))")
            #expect(answer.hasSuffix("}"), "request \(index) was cut short")
        }
        let closing = answers.filter { $0.lowercased().contains("\r\nconnection: close\r\n") }
        #expect(closing.count >= max(1, answers.count - 6 - refills),
                "\(closing.count) of \(answers.count) answers said Connection: close (\(refills) refills)")
        #expect(await gateway.waitForExit() == 0)
        #expect(gateway.stdout.contains("\"event\":\"drain\""))
    }

    @Test("with a config file: its tenants and keys, marketplaces pointed at given URLs", .timeLimit(.minutes(1)))
    func configured() async throws {
        // given: an Ozon simulator of our own, and a config naming it, with the secret from the environment
        let ozon = try OzonSimulator()
        let key = "acme-0123456789abcdef"
        let digest = Hex.encode(SHA256.hash(key.utf8))
        let config = """
            {"listen": {"host": "127.0.0.1", "port": 0},
             "cursor_secret": "${CURSOR_SECRET}",
             "tenants": [{"id": "acme", "api_key_sha256": ["\(digest)"], "rate_limit": {"rate": 20, "burst": 5},
                          "credentials": {"ozon": {"client_id": "\(ozon.credentials["client_id"]!)", "api_key": "${OZON_KEY}"}}}],
             "marketplaces": {"ozon": {"seller_url": "\(ozon.baseURL.absoluteString)"}}}
            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID()).json")
        try config.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let gateway = try GatewayProcess(arguments: ["--config", file.path],
                                         environment: ["CURSOR_SECRET": "a-secret-of-enough-length", "OZON_KEY": ozon.credentials["api_key"]!])
        // then
        let reviews = try await GatewayClient.send("GET", port: gateway.port, "/connectors/ozon/review/items?limit=5", key: key)
        #expect(reviews.status == 200, "\(reviews.text)")
        #expect(reviews.headers["ratelimit-policy"] == "\"tenant\";q=5;w=1")  // 20/s, but 5 at once
        // and start-up said why the policy promises less than the rate
        let warning = "Tenant acme: with a rate of 20.0/s and a burst of 5, its RateLimit-Policy can promise only q=5;w=1"
        for _ in 0..<250 where !gateway.stdout.contains(warning) { try await Task.sleep(for: .milliseconds(20)) }
        #expect(gateway.stdout.contains(warning), "\(gateway.stdout)")
        #expect(ozon.log.total > 0)
        let wildberries = try await GatewayClient.send("GET", port: gateway.port, "/connectors/wildberries/review/items", key: key)
        #expect(wildberries.status == 403)
        #expect(wildberries.body["code"] as? String == "connector_not_configured")
        #expect(try await GatewayClient.send("GET", port: gateway.port, "/connectors", key: "demo-key").status == 401)
        gateway.signal(SIGINT)
        #expect(await gateway.waitForExit() == 0)
        await ozon.stop()
    }

    @Test("no secret from the configuration ever appears in a log line or a response, and LOG_LEVEL quiets request lines",
          .timeLimit(.minutes(1)))
    func secretsNeverLeak() async throws {
        // given: known secrets in the config: a tenant key, a Wildberries token, an Ozon key, the cursor secret
        let secrets = ["tenant-secret-key-AAAA1111", "wb-secret-token-BBBB2222", "ozon-secret-key-CCCC3333", "cursor-secret-DDDD4444"]
        let ozon = try OzonSimulator(options: OzonSimulatorOptions(accounts: [OzonAccount(clientID: 4242, apiKey: secrets[2])]))
        let wildberries = WildberriesSimulator()
        try wildberries.start()
        let config = """
            {"cursor_secret": "\(secrets[3])",
             "tenants": [{"id": "acme", "api_key_sha256": ["\(Hex.encode(SHA256.hash(secrets[0].utf8)))"],
                          "credentials": {"wildberries": {"token": "${WB_TOKEN}"},
                                          "ozon": {"client_id": "4242", "api_key": "\(secrets[2])"}}}],
             "marketplaces": {"ozon": {"seller_url": "\(ozon.baseURL.absoluteString)"},
                              "wildberries": {"feedbacks_url": "\(wildberries.feedbacksURL.absoluteString)",
                                              "chat_url": "\(wildberries.chatURL.absoluteString)"}}}
            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("secrets-\(UUID()).json")
        try config.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let gateway = try GatewayProcess(arguments: ["--config", file.path], environment: ["WB_TOKEN": secrets[1]])
        // when: successes, upstream refusals and client errors of every kind
        var bodies: [String] = []
        for (method, path, key, json) in [
            ("GET", "/connectors", secrets[0], nil),
            ("GET", "/connectors/ozon/review/items?limit=5", secrets[0], nil),
            ("GET", "/connectors/ozon/review", secrets[0], nil),
            ("GET", "/connectors/wildberries/review/items", secrets[0], nil),  // the token is refused upstream
            ("POST", "/connectors/ozon/review/items/nope/reply", secrets[0], "{\"text\":\"x\"}"),
            ("GET", "/connectors", "wrong-key", nil),
            ("GET", "/connectors/ozon/review/items?cursor=forged", secrets[0], nil),
            ("GET", "/metrics", nil, nil),
        ] as [(String, String, String?, String?)] {
            let response = try await GatewayClient.send(method, port: gateway.port, path, key: key, json: json)
            bodies.append(response.text + response.headers.map { "\($0.key): \($0.value)" }.joined(separator: "\n"))
        }
        #expect(bodies[3].contains("upstream_auth_failed"))
        gateway.signal(SIGTERM)
        #expect(await gateway.waitForExit() == 0)
        // then
        let logs = gateway.stdout + gateway.stderr
        #expect(logs.contains("\"event\":\"start\"") && logs.contains("\"version\""))
        #expect(logs.contains("\"route\":\"/connectors\""))
        for secret in secrets {
            #expect(!logs.contains(secret), "a log line contains \(secret)")
            for body in bodies { #expect(!body.contains(secret), "a response contains \(secret)") }
        }
        // and: with LOG_LEVEL=warn, the request lines are gone but the start line stays
        let quiet = try GatewayProcess(arguments: ["--config", file.path], environment: ["WB_TOKEN": secrets[1], "LOG_LEVEL": "warn"])
        _ = try await GatewayClient.send("GET", port: quiet.port, "/connectors", key: secrets[0])
        quiet.signal(SIGTERM)
        #expect(await quiet.waitForExit() == 0)
        #expect(quiet.stdout.contains("\"event\":\"start\""))
        #expect(!quiet.stdout.contains("\"route\""))
        await ozon.stop()
        await wildberries.stop()
    }

    @Test("an invalid configuration stops start-up with exit code 2 naming the field", arguments: [
        ("{\"tenants\": []}", "tenants"),
        ("{\"tenants\": [{\"id\": \"a\", \"api_key_sha256\": [\"not-hex\"]}]}", "tenants[0].api_key_sha256[0]"),
        ("{\"tenants\": [{\"id\": \"a\", \"api_key_sha256\": [\"\(String(repeating: "a", count: 64))\"], \"rate_limit\": {\"burst\": 0}}]}", "tenants[0].rate_limit.burst"),
        ("{\"listen\": {\"port\": 70000}, \"tenants\": []}", "listen.port"),
        ("{\"lisen\": {}}", "lisen"),
        ("{\"cursor_secret\": \"${UNSET_VARIABLE_X}\"}", "UNSET_VARIABLE_X"),
        ("not json", "not valid JSON"),
    ])
    func invalidConfig(config: String, named: String) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID()).json")
        try config.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try GatewayProcess.run(arguments: ["--config", file.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains(named), "\(result.stderr)")
    }

    @Test("a listen address that is not numeric, an empty GATEWAY_CONFIG or a configuration file that cannot be read stops start-up with exit code 2 saying why", arguments: [
        (["--host", "gateway.internal"], [String: String](), "--host"),
        ([], ["HOST": "gateway.internal"], "HOST"),
        ([], ["PORT": "80a"], "PORT"),
        (["healthcheck"], ["PORT": "abc"], "PORT"),
        (["healthcheck"], ["PORT": "0"], "port 0"),
        (["healthcheck", "--port", "0"], [String: String](), "port 0"),
        (["healthcheck"], ["HOST": "gateway.internal"], "HOST"),
        (["healthcheck"], ["GATEWAY_CONFIG": ""], "GATEWAY_CONFIG is set but empty"),
        ([], ["GATEWAY_CONFIG": ""], "GATEWAY_CONFIG is set but empty"),
        (["check-config"], ["GATEWAY_CONFIG": ""], "GATEWAY_CONFIG is set but empty"),
        (["--config", "/nonexistent/gateway.json"], [String: String](), "no such file"),
        (["--config", "/tmp"], [String: String](), "it is a directory"),
    ])
    func invalidListenOverride(arguments: [String], environment: [String: String], named: String) throws {
        let result = try GatewayProcess.run(arguments: arguments, environment: environment)
        #expect(result.status == 2)
        #expect(result.stderr.contains(named), "\(result.stderr)")
    }

    @Test("given no static root and a working directory elsewhere, then the files are found beside the binary; given a wrong one, start-up warns", .timeLimit(.minutes(1)))
    func staticRoot() async throws {
        let elsewhere = FileManager.default.temporaryDirectory
        // given: GATEWAY_STATIC_ROOT empty (unset) and the working directory without the files
        let found = try GatewayProcess(environment: ["GATEWAY_STATIC_ROOT": ""], directory: elsewhere)
        // then: the checkout above the build folder is found, and the spec and problem pages answer
        #expect(try await GatewayClient.send("GET", port: found.port, "/openapi.yaml", key: nil).status == 200)
        #expect(try await GatewayClient.send("GET", port: found.port, "/problems/rate_limited", key: nil).status == 200)
        found.signal(SIGTERM)
        #expect(await found.waitForExit() == 0)
        // and start-up warned of nothing (checked once its stdout was read to the end)
        #expect(found.stdout.contains("\"event\":\"start\""))
        #expect(!found.stdout.contains("\"event\":\"warning\""), "\(found.stdout)")
        // given: a static root without the files
        let missing = try GatewayProcess(environment: ["GATEWAY_STATIC_ROOT": elsewhere.path])
        // then: the gateway runs, says at start-up what will be 404, and it is
        for _ in 0..<250 where !missing.stdout.contains("\"event\":\"warning\"") { try await Task.sleep(for: .milliseconds(20)) }
        #expect(missing.stdout.contains("\"event\":\"warning\""))
        #expect(missing.stdout.contains("GATEWAY_STATIC_ROOT"))
        #expect(try await GatewayClient.send("GET", port: missing.port, "/openapi.yaml", key: nil).status == 404)
        missing.signal(SIGTERM)
        #expect(await missing.waitForExit() == 0)
    }

    @Test("check-config accepts a good file with exit 0 and a summary line, refuses a bad one, a journal whose folder is missing, or none at all with exit 2 saying why")
    func checkConfig() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("check-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let digest = Hex.encode(SHA256.hash("acme-0123456789abcdef".utf8))
        func write(_ text: String) throws -> String {
            let file = folder.appendingPathComponent("\(UUID()).json")
            try text.write(to: file, atomically: true, encoding: .utf8)
            return file.path
        }
        let good = try write("""
            {"idempotency": {"journal": "\(folder.path)/idempotency.journal"},
             "tenants": [{"id": "acme", "api_key_sha256": ["\(digest)"], "credentials": {"ozon": {"client_id": "1", "api_key": "${OZON_KEY}"}}}]}
            """)
        let accepted = try GatewayProcess.run(arguments: ["check-config", "--config", good], environment: ["OZON_KEY": "k-0123456789"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.stdout.contains(#""event":"config_ok""#) && accepted.stdout.contains(#""tenants":1"#)
                && accepted.stdout.contains(#""marketplaces_configured":["ozon"]"#), "\(accepted.stdout)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/idempotency.journal"), "the journal is not created by a check")
        let byEnvironment = try GatewayProcess.run(arguments: ["check-config"], environment: ["GATEWAY_CONFIG": good, "OZON_KEY": "k-0123456789"])
        #expect(byEnvironment.status == 0)
        // serve's warnings, in serve's words
        let warned = try GatewayProcess.run(arguments: ["check-config", "--config", try write("""
            {"tenants": [{"id": "acme", "api_key_sha256": ["\(digest)"], "rate_limit": {"rate": 20, "burst": 5}}]}
            """)])
        #expect(warned.status == 0)
        #expect(warned.stdout.contains(#""event":"warning""#) && warned.stdout.contains("Tenant acme: with a rate of 20.0/s and a burst of 5"),
                "\(warned.stdout)")
        #expect(!warned.stdout.contains("server.loops"), "loops left to their default: \(warned.stdout)")
        // more loops than the CPUs it may run on, and as many
        let cpus = ServerConfiguration.availableCPUs
        func loops(_ count: Int) throws -> String {
            try write(#"{"server": {"loops": \#(count)}, "tenants": [{"id": "acme", "api_key_sha256": ["\#(digest)"]}]}"#)
        }
        let crowded = try GatewayProcess.run(arguments: ["check-config", "--config", try loops(cpus + 1)])
        #expect(crowded.status == 0)
        #expect(crowded.stdout.contains("server.loops \(cpus + 1) is more than the \(cpus) CPU"), "\(crowded.stdout)")
        let fitting = try GatewayProcess.run(arguments: ["check-config", "--config", try loops(cpus)])
        #expect(fitting.status == 0 && !fitting.stdout.contains("server.loops"), "\(fitting.stdout)")
        // and the static root's, from --static-root or GATEWAY_STATIC_ROOT, as serve takes them
        let noFiles = "No Public/ and openapi.yaml under /nonexistent-root"
        let flagged = try GatewayProcess.run(arguments: ["check-config", "--config", good, "--static-root", "/nonexistent-root"],
                                             environment: ["OZON_KEY": "k-0123456789"])
        #expect(flagged.status == 0 && flagged.stdout.contains(noFiles), "\(flagged.stdout)\(flagged.stderr)")
        let variable = try GatewayProcess.run(arguments: ["check-config", "--config", good],
                                              environment: ["OZON_KEY": "k-0123456789", "GATEWAY_STATIC_ROOT": "/nonexistent-root"])
        #expect(variable.status == 0 && variable.stdout.contains(noFiles), "\(variable.stdout)")
        #expect(!accepted.stdout.contains("No Public/"), "the checkout's files are found")

        let unset = try GatewayProcess.run(arguments: ["check-config", "--config", good])
        #expect(unset.status == 2)
        #expect(unset.stderr.contains("OZON_KEY"), "\(unset.stderr)")
        let bad = try GatewayProcess.run(arguments: ["check-config", "--config", try write(#"{"tenants": [{"id": "a", "api_key_sha256": ["x"]}]}"#)])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("tenants[0].api_key_sha256[0]"), "\(bad.stderr)")
        let noFolderConfig = try write("""
            {"idempotency": {"journal": "\(folder.path)/missing/idempotency.journal"}, "tenants": [{"id": "acme", "api_key_sha256": ["\(digest)"]}]}
            """)
        let noFolder = try GatewayProcess.run(arguments: ["check-config", "--config", noFolderConfig])
        #expect(noFolder.status == 2)
        #expect(noFolder.stderr.contains("idempotency.journal") && noFolder.stderr.contains("does not exist"), "\(noFolder.stderr)")
        // and serve refuses it in the same words
        let noFolderServed = try GatewayProcess.run(arguments: ["--config", noFolderConfig])
        #expect(noFolderServed.status == 2)
        #expect(noFolderServed.stderr == noFolder.stderr, "\(noFolderServed.stderr)")
        let badPort = try GatewayProcess.run(arguments: ["check-config", "--config", good], environment: ["OZON_KEY": "k-0123456789", "PORT": "80000"])
        #expect(badPort.status == 2, "PORT is checked as serve checks it")
        #expect(badPort.stderr.contains("PORT"))
        for (journal, reason) in [(folder.path, "not a regular file"), (good, "not an idempotency journal")] {
            let refused = try GatewayProcess.run(arguments: ["check-config", "--config", try write("""
                {"idempotency": {"journal": "\(journal)"}, "tenants": [{"id": "acme", "api_key_sha256": ["\(digest)"]}]}
                """)])
            #expect(refused.status == 2)
            #expect(refused.stderr.contains(reason), "\(refused.stderr)")
        }
        let none = try GatewayProcess.run(arguments: ["check-config"])
        #expect(none.status == 2)
        #expect(none.stderr.contains("--config"))
    }

    @Test("version and --version print the build's version and exit 0", arguments: [["version"], ["--version"]])
    func version(arguments: [String]) throws {
        let result = try GatewayProcess.run(arguments: arguments)
        #expect(result.status == 0)
        #expect(result.stdout.wholeMatch(of: /connector-gateway \d+\.\d+\.\d+\n/) != nil, "\(result.stdout)")
    }

    @Test("given a signal while the configuration is still being read, then the gateway starts, drains at once and exits 0, instead of dying by the signal unheard; a second signal, start-up still stuck, exits 1 at once",
          .timeLimit(.minutes(1)), arguments: [false, true])
    func signalDuringStartUp(secondSignal: Bool) async throws {
        // given: the configuration comes through a FIFO, only its first half written so far. The
        // test holds the FIFO open for writing and reading (so opening it waits for nobody, and
        // writing to it never raises SIGPIPE); close-on-exec, so no child holds it open past us.
        let directory = FileManager.default.temporaryDirectory
        let fifo = directory.appendingPathComponent("gateway-\(UUID()).fifo")
        let log = directory.appendingPathComponent("gateway-\(UUID()).out")
        try #require(mkfifo(fifo.path, 0o600) == 0)
        let writer = open(fifo.path, O_RDWR | O_CLOEXEC)
        var writerOpen = writer >= 0
        defer {
            if writerOpen { close(writer) }
            try? FileManager.default.removeItem(at: fifo)
            try? FileManager.default.removeItem(at: log)
        }
        try #require(writer >= 0)
        let digest = Hex.encode(SHA256.hash("acme-0123456789abcdef".utf8))
        let config = Array(#"{"listen":{"host":"127.0.0.1","port":0},"tenants":[{"id":"acme","api_key_sha256":["\#(digest)"]}]}"#.utf8)
        let half = config.count / 2
        try #require(write(writer, config, half) == half)
        // Spawned with no signal blocked, as a shell or a container runtime starts it: a child of
        // this test process would inherit its mask, which blocks SIGTERM, and never see it early.
        let pid = try Self.spawnUnblocked(GatewayProcess.binary.path, ["--config", fifo.path], stdout: log.path,
                                          environment: ["PATH=/usr/bin:/bin", "GATEWAY_STATIC_ROOT=\(GatewayProcess.packageRoot.path)"])
        var status: Int32 = 0
        defer { if waitpid(pid, &status, WNOHANG) == 0 { kill(pid, SIGKILL); waitpid(pid, &status, 0) } }
        // the gateway took the first half (so it is reading the configuration, which it does only
        // after setting up its signal handling) and waits for the rest
        for _ in 0..<2_000 where Self.unreadBytes(writer) != 0 { try await Task.sleep(for: .milliseconds(10)) }
        try #require(Self.unreadBytes(writer) == 0, "the gateway never read its configuration")
        // when: SIGTERM, taken by the gateway before the rest of the configuration is written
        kill(pid, SIGTERM)
        for _ in 0..<2_000 where Self.isPending(SIGTERM, in: pid) { try await Task.sleep(for: .milliseconds(5)) }
        #expect(!Self.isPending(SIGTERM, in: pid), "the signal was never taken")
        #expect(!((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("\"event\":\"start\""), "started on half a configuration")
        if secondSignal {
            // and another past the echo window, the rest of the configuration never written
            try await Task.sleep(for: .milliseconds(400))
            kill(pid, SIGTERM)
            var exited: pid_t = 0
            for _ in 0..<3_000 {
                exited = waitpid(pid, &status, WNOHANG)
                if exited != 0 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            // then: it exits 1, by itself
            try #require(exited == pid, "still running after a second signal")
            #expect(status & 0x7F == 0, "killed by signal \(status & 0x7F)")
            #expect((status >> 8) & 0xFF == 1)
            return
        }
        try #require(write(writer, Array(config[half...]), config.count - half) == config.count - half)
        close(writer)
        writerOpen = false
        // then: it starts, drains at once and exits 0
        var exited: pid_t = 0
        for _ in 0..<4_000 {
            exited = waitpid(pid, &status, WNOHANG)
            if exited != 0 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(exited == pid)
        let signalled = status & 0x7F
        #expect(signalled == 0, "killed by signal \(signalled)")
        #expect((status >> 8) & 0xFF == 0)
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(text.contains("\"event\":\"start\"") && text.contains("\"event\":\"drain\""), "\(text)")
    }

    @Test("given a drain held by a request in flight, when the same signal comes again at once (timeout signals the process and then its group), then it is one signal and the drain ends in exit 0; a second signal later exits 1 at once",
          .timeLimit(.minutes(1)), arguments: [false, true])
    func secondSignal(later: Bool) async throws {
        // The echo case holds only when this machine sends the two signals well within the
        // gateway's 250 ms: a run where they came further apart proves nothing, and is tried
        // again, a few times at most.
        for attempt in 1...3 {
            let run = try await signalTwice(later: later)
            let withinWindow = run.apart < .milliseconds(100)
            guard later || withinWindow else {
                if attempt == 3 {
                    Issue.record("the two signals were never sent within 100 ms of each other (last \(run.apart)): the echo case went unchecked")
                }
                continue
            }
            // The gateway times a signal when its thread reads it: on a busy machine that thread
            // may read the echo past the window though it was sent within it. Tried again; three
            // such runs in a row fail.
            if !later, run.status == 1, attempt < 3 { continue }
            // then: a second signal exits 1 at once, saying so; an echo is ignored and the drain
            // ends with 0
            #expect(run.status == (later ? 1 : 0), "signals \(run.apart) apart: \(run.stdout.suffix(400))")
            #expect(run.stdout.contains("second signal") == later, "\(run.stdout.suffix(400))")
            return
        }
    }

    /// One try of `secondSignal`: a gateway whose drain a list waiting on Ozon holds, sent SIGTERM
    /// and, once its drain began, SIGTERM again at once or 600 ms later. Returns its exit status,
    /// its whole stdout, and how far apart this test sent the two signals.
    private func signalTwice(later: Bool) async throws -> (status: Int32, stdout: String, apart: Duration) {
        // given: an Ozon whose next answer takes 5 s, and a list waiting on it; 50 s and a drain of
        // 30 s when the second signal comes later, so that however long the test takes to send
        // it, the drain is still held
        let ozon = try OzonSimulator()
        ozon.faults.inject(.latency(.seconds(later ? 50 : 5)))
        let key = OzonTenantGateway.key
        let started = try OzonTenantGateway(ozon: ozon, drainMilliseconds: later ? 30_000 : 3000)
        defer { started.removeConfiguration() }
        let gateway = started.process
        let port = gateway.port
        let list = Task { _ = try? await GatewayClient.send("GET", port: port, "/connectors/ozon/review/items?limit=5", key: key) }
        // the list reaches Ozon (it takes the held-back answer)
        for _ in 0..<500 where ozon.faults.pending > 0 { try await Task.sleep(for: .milliseconds(20)) }
        try #require(ozon.faults.pending == 0, "the list never reached Ozon")
        // when: SIGTERM, and once its drain has begun (so the two are not merged into one pending
        // signal), SIGTERM again at once, as timeout sends it; or again later
        gateway.signal(SIGTERM)
        let first = ContinuousClock.now
        // Waited for on this thread: sleeps on a busy pool can stretch past the 250 ms.
        while !gateway.stdout.contains("\"event\":\"drain\""), ContinuousClock.now - first < .seconds(10) { usleep(200) }
        try #require(gateway.stdout.contains("\"event\":\"drain\""), "no drain began: \(gateway.stdout.suffix(400))")
        if later { try await Task.sleep(for: .milliseconds(600)) }
        gateway.signal(SIGTERM)
        let apart = ContinuousClock.now - first
        let status = await gateway.waitForExit()
        _ = await list.value
        await ozon.stop()
        return (status, gateway.stdout, apart)
    }

    @Test("healthcheck --config (or GATEWAY_CONFIG) asks the port the configuration names", .timeLimit(.minutes(1)))
    func healthcheckFromConfiguration() async throws {
        let gateway = try GatewayProcess()
        let digest = Hex.encode(SHA256.hash("acme-0123456789abcdef".utf8))
        let config = #"{"listen": {"port": \#(gateway.port)}, "tenants": [{"id": "acme", "api_key_sha256": ["\#(digest)"]}]}"#
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("health-\(UUID()).json")
        try config.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        // (PORT empty, as unset: `run` sets PORT=0 by default, which would win over the file's port)
        let byFlag = try GatewayProcess.run(arguments: ["healthcheck", "--config", file.path], environment: ["PORT": ""])
        let byEnvironment = try GatewayProcess.run(arguments: ["healthcheck"], environment: ["GATEWAY_CONFIG": file.path, "PORT": ""])
        gateway.signal(SIGTERM)
        #expect(await gateway.waitForExit() == 0)
        // The file naming a port nothing listens on (held closed).
        let held = try Self.holdClosedPort()
        defer { close(held.fd) }
        try config.replacingOccurrences(of: "\"port\": \(gateway.port)", with: "\"port\": \(held.port)")
            .write(to: file, atomically: true, encoding: .utf8)
        let down = try GatewayProcess.run(arguments: ["healthcheck", "--config", file.path], environment: ["PORT": ""])
        #expect(byFlag.status == 0, "\(byFlag.stderr)")
        #expect(byEnvironment.status == 0, "\(byEnvironment.stderr)")
        #expect(down.status == 1)
        #expect(down.stderr.contains(String(held.port)), "\(down.stderr)")
    }

    @Test("given HOST and PORT set, as the image sets them, when the configuration file no longer loads, then healthcheck still asks the running gateway",
          .timeLimit(.minutes(1)))
    func healthcheckIgnoresFileWhenEnvironmentNamesAddress() async throws {
        let gateway = try GatewayProcess()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("health-\(UUID()).json")
        try #"{"cursor_secret": "${NOT_IN_THIS_ENVIRONMENT}", "tenants": []}"#.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let environment = ["GATEWAY_CONFIG": file.path, "HOST": "127.0.0.1", "PORT": String(gateway.port)]
        let byEnvironment = try GatewayProcess.run(arguments: ["healthcheck"], environment: environment)
        let byFlags = try GatewayProcess.run(arguments: ["healthcheck", "--config", file.path, "--host", "127.0.0.1",
                                                         "--port", String(gateway.port)], environment: ["PORT": ""])
        // Only the port named outside the file: the host may come from it, so it is read.
        let portOnly = try GatewayProcess.run(arguments: ["healthcheck"], environment: ["GATEWAY_CONFIG": file.path, "PORT": String(gateway.port)])
        gateway.signal(SIGTERM)
        #expect(await gateway.waitForExit() == 0)
        #expect(byEnvironment.status == 0, "\(byEnvironment.stderr)")
        #expect(byFlags.status == 0, "\(byFlags.stderr)")
        #expect(portOnly.status == 2)
        #expect(portOnly.stderr.contains("NOT_IN_THIS_ENVIRONMENT"), "\(portOnly.stderr)")
    }

    @Test("healthcheck exits 0 against a running gateway and 1 when none listens", .timeLimit(.minutes(1)))
    func healthcheck() async throws {
        let gateway = try GatewayProcess()
        let up = try GatewayProcess.run(arguments: ["healthcheck", "--port", String(gateway.port)])
        gateway.signal(SIGTERM)
        #expect(await gateway.waitForExit() == 0)
        let held = try Self.holdClosedPort()
        defer { close(held.fd) }
        let down = try GatewayProcess.run(arguments: ["healthcheck", "--port", String(held.port)])
        #expect(up.status == 0)
        #expect(down.status == 1)
        #expect(down.stderr.contains("nothing listens on 127.0.0.1:\(held.port)"), "\(down.stderr)")
    }

    @Test("given HOST :: (IPv4 and IPv6) where ::1 does not answer (IPv6 turned off), then healthcheck asks 127.0.0.1 too", .timeLimit(.minutes(1)))
    func healthcheckOfTheIPv6WildcardFallsBackToIPv4() async throws {
        // given: a gateway on 127.0.0.1 only, as one on :: is reached when the host has no ::1
        let gateway = try GatewayProcess()
        // when
        let check = try GatewayProcess.run(arguments: ["healthcheck", "--host", "::", "--port", String(gateway.port)])
        gateway.signal(SIGTERM)
        #expect(await gateway.waitForExit() == 0)
        // then
        #expect(check.status == 0, "\(check.stderr)")
    }

    @Test("given a port where something takes the connection and never answers, then healthcheck exits 1 saying it had no answer",
          .timeLimit(.minutes(1)))
    func healthcheckNoAnswer() throws {
        // given: a listener that never accepts (the kernel completes the connection in its backlog)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try #require(withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 4) == 0 && getsockname(fd, $0, &length) == 0 }
        })
        // when
        let result = try GatewayProcess.run(arguments: ["healthcheck", "--port", String(UInt16(bigEndian: address.sin_port))])
        // then
        #expect(result.status == 1)
        #expect(result.stderr.contains("healthcheck: unhealthy (no answer)"), "\(result.stderr)")
    }

    @Test("given HOST=localhost for both, when healthcheck asks, then it reaches the gateway on 127.0.0.1, where serve listens for localhost",
          .timeLimit(.minutes(1)))
    func healthcheckLocalhost() async throws {
        let gateway = try GatewayProcess(environment: ["HOST": "localhost"])
        let result = try GatewayProcess.run(arguments: ["healthcheck"], environment: ["HOST": "localhost", "PORT": String(gateway.port)])
        gateway.signal(SIGTERM)
        #expect(await gateway.waitForExit() == 0)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(gateway.stdout.contains("\"listen\":\"127.0.0.1:"))
    }

    /// Whether this machine has `::1` (many containers have no IPv6 at all).
    static let hasIPv6Loopback: Bool = {
        let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
        } == 0
    }()

    @Test("given a gateway on IPv6 loopback, when healthcheck asks it, then it answers 200: the Host field has brackets",
          .enabled(if: Self.hasIPv6Loopback, "no IPv6 loopback here"), .timeLimit(.minutes(1)))
    func healthcheckOverIPv6() async throws {
        let gateway = try GatewayProcess(environment: ["HOST": "::1"])
        let result = try GatewayProcess.run(arguments: ["healthcheck", "--host", "::1", "--port", String(gateway.port)])
        gateway.signal(SIGHUP)
        #expect(await gateway.waitForExit() == 0, "SIGHUP drains and exits 0 as SIGTERM does")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(gateway.stdout.contains("\"listen\":\"[::1]:"))
        let down = try GatewayProcess.run(arguments: ["healthcheck", "--host", "::1", "--port", String(gateway.port)])
        #expect(down.stderr.contains("nothing listens on [::1]:\(gateway.port)"), "\(down.stderr)")
    }
}
