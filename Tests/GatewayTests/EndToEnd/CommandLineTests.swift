import Foundation
import Hashing
import Testing

/// The command line as an operator types it: every mistake is refused with exit 2 and a reason,
/// never ignored, and `--flag=value` is taken like `--flag value`.
@Suite("connector-gateway command line")
struct CommandLineTests {
    @Test("given a flag with a signed or out-of-range port, a flag given twice, or one its command does not use, then exit 2 naming it",
          arguments: [
              (["--port", "+5"], "--port must be 0…65535"), (["--port=99999"], "--port must be 0…65535"),
              (["--config", "a.json", "-c", "b.json"], "--config is given twice"),
              (["hash-key", "--config", "a.json"], "hash-key takes no --config"),
              (["healthcheck", "--static-root", "/tmp"], "healthcheck takes no --static-root"),
              (["--help=yes"], "--help takes no value"), (["--bogus"], "unknown option \"--bogus\""),
              (["--static-root", ""], "--static-root needs a folder"), (["--static-root="], "--static-root needs a folder"),
          ])
    func refused(arguments: [String], reason: String) throws {
        let result = try GatewayProcess.run(arguments: arguments, stdin: "")
        #expect(result.status == 2)
        #expect(result.stderr.contains(reason), "\(result.stderr)")
    }

    @Test("given a key pasted where a command or an option goes, then exit 2 without repeating it whole",
          arguments: [["sk-live-0123456789abcdefghijklmnopqrstuvwxyz0123"], ["serve", "sk-live-0123456789abcdefghijklmnopqrstuvwxyz0123"],
                      ["serve", "123e4567-e89b-12d3-a456-426614174000"]])
    func strayKeyNotRepeated(arguments: [String]) throws {
        let result = try GatewayProcess.run(arguments: arguments, stdin: "")
        let key = arguments.last!
        #expect(result.status == 2)
        #expect(result.stderr.contains("\"\(key.prefix(6))\"… (\(key.utf8.count) bytes, not repeated in full)"), "\(result.stderr)")
        #expect(!result.stderr.contains(key.suffix(12)), "\(result.stderr)")
    }

    @Test("given --version before or after other flags, then the version is shown either way")
    func versionAnywhere() throws {
        let first = try GatewayProcess.run(arguments: ["--version", "--port", "80"], stdin: "")
        let last = try GatewayProcess.run(arguments: ["--port", "80", "--version"], stdin: "")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(!first.stdout.isEmpty && first.stdout == last.stdout)
    }

    @Test("given PORT with a sign, then a good configuration is refused with exit 2 naming PORT, as --port is")
    func signedPortVariable() throws {
        let digest = Hex.encode(SHA256.hash("acme-key-0123456789abcdef".utf8))
        let configuration = #"{"tenants": [{"id": "acme", "api_key_sha256": ["\#(digest)"]}]}"#
        let accepted = try GatewayProcess.run(arguments: ["check-config", "--config", "/dev/stdin"], environment: ["PORT": "8080"], stdin: configuration)
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let result = try GatewayProcess.run(arguments: ["check-config", "--config", "/dev/stdin"], environment: ["PORT": "+8080"], stdin: configuration)
        #expect(result.status == 2)
        #expect(result.stderr.contains("PORT must be 0…65535"), "\(result.stderr)")
    }

    @Test("given GATEWAY_CONFIG naming a pipe, then healthcheck leaves it to serve and asks the port PORT names")
    func healthcheckLeavesAPipe() throws {
        // Nothing listens on the port (held closed): exit 1 (the check ran), not 2 (the empty
        // pipe read as a bad file).
        let held = try GatewayBinaryTests.holdClosedPort()
        defer { close(held.fd) }
        let result = try GatewayProcess.run(arguments: ["healthcheck"], environment: ["GATEWAY_CONFIG": "/dev/stdin", "PORT": String(held.port)], stdin: "")
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains(String(held.port)), "\(result.stderr)")
    }

    @Test("given a file's listen address that PORT or --port replaces, then check-config warns naming both; the same value, or none in the file, is quiet",
          arguments: [(["PORT": "8080"], [String](), true), ([:], ["--port", "8081"], true), (["PORT": "9090"], [], false), (["PORT": ""], [], false)])
    func listenReplaced(environment: [String: String], arguments: [String], warned: Bool) throws {
        let digest = Hex.encode(SHA256.hash("acme-key-0123456789abcdef".utf8))
        let configuration = #"{"listen": {"port": 9090}, "tenants": [{"id": "acme", "api_key_sha256": ["\#(digest)"]}]}"#
        let result = try GatewayProcess.run(arguments: ["check-config", "--config", "/dev/stdin"] + arguments, environment: environment, stdin: configuration)
        #expect(result.status == 0, "\(result.stderr)")
        #expect((result.stdout + result.stderr).contains("listen.port 9090 in the file is replaced by PORT or --port") == warned, "\(result.stdout)")
    }

    @Test("given a file's listen host that HOST or --host replaces, then check-config warns naming both; the same host is quiet",
          arguments: [(["HOST": "0.0.0.0"], [String](), true), ([:], ["--host", "::1"], true), (["HOST": "127.0.0.1"], [], false)])
    func listenHostReplaced(environment: [String: String], arguments: [String], warned: Bool) throws {
        let digest = Hex.encode(SHA256.hash("acme-key-0123456789abcdef".utf8))
        let configuration = #"{"listen": {"host": "127.0.0.1"}, "tenants": [{"id": "acme", "api_key_sha256": ["\#(digest)"]}]}"#
        let result = try GatewayProcess.run(arguments: ["check-config", "--config", "/dev/stdin"] + arguments, environment: environment, stdin: configuration)
        #expect(result.status == 0, "\(result.stderr)")
        #expect((result.stdout + result.stderr).contains("listen.host 127.0.0.1 in the file is replaced by HOST or --host") == warned, "\(result.stdout)")
    }

    @Test("given a HOST holding a terminal escape, then the refusal quotes it escaped, not raw")
    func escapeInAValue() throws {
        let digest = Hex.encode(SHA256.hash("acme-key-0123456789abcdef".utf8))
        let result = try GatewayProcess.run(arguments: ["check-config", "--config", "/dev/stdin"], environment: ["HOST": "\u{1B}[2Jhost"],
                                            stdin: #"{"tenants": [{"id": "acme", "api_key_sha256": ["\#(digest)"]}]}"#)
        #expect(result.status == 2)
        #expect(!result.stderr.contains("\u{1B}"), "\(result.stderr)")
        #expect(result.stderr.contains("\\u001B[2Jhost"), "\(result.stderr)")
    }

    @Test("given PORT, --port or LOG_LEVEL holding a terminal escape or 100,000 digits, then the refusal quotes it escaped and cut short, as HOST is",
          arguments: [([], ["PORT": "1\u{1B}[31mRED\nFAKE"]), (["--port", "1\u{1B}[31mRED\nFAKE"], [:]), ([], ["LOG_LEVEL": "x\u{1B}[2J"]),
                      ([], ["PORT": String(repeating: "9", count: 100_000)])] as [([String], [String: String])])
    func escapeInAnOverride(arguments: [String], environment: [String: String]) throws {
        let digest = Hex.encode(SHA256.hash("acme-key-0123456789abcdef".utf8))
        let result = try GatewayProcess.run(arguments: ["check-config", "--config", "/dev/stdin"] + arguments, environment: environment,
                                            stdin: #"{"tenants": [{"id": "acme", "api_key_sha256": ["\#(digest)"]}]}"#)
        #expect(result.status == 2)
        #expect(!result.stderr.contains("\u{1B}") && !result.stderr.contains("RED\nFAKE"), "\(result.stderr)")
        #expect(result.stderr.utf8.count < 2_000, "\(result.stderr.prefix(200))")
    }

    @Test("given PORT padded with leading zeros, then it is the port its digits say, however padded")
    func paddedPort() throws {
        let digest = Hex.encode(SHA256.hash("acme-key-0123456789abcdef".utf8))
        for port in ["00080", "0000008080"] {
            let result = try GatewayProcess.run(arguments: ["check-config", "--config", "/dev/stdin"], environment: ["PORT": port],
                                                stdin: #"{"tenants": [{"id": "acme", "api_key_sha256": ["\#(digest)"]}]}"#)
            #expect(result.status == 0, "\(port): \(result.stderr)")
        }
    }

    @Test("given --help before other flags, then the help is shown, whatever follows")
    func helpFirst() throws {
        let result = try GatewayProcess.run(arguments: ["--help", "--config", "x.json"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("usage: connector-gateway"), "\(result.stdout)")
    }

    @Test("given a configuration on a pipe (--config /dev/stdin, as <(…) or a secret manager gives it), then it is read to its end")
    func configurationFromAPipe() throws {
        let digest = Hex.encode(SHA256.hash("acme-key-0123456789abcdef".utf8))
        let result = try GatewayProcess.run(arguments: ["check-config", "--config", "/dev/stdin"],
                                            stdin: #"{"tenants": [{"id": "acme", "api_key_sha256": ["\#(digest)"]}]}"#)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(#""event":"config_ok""#) && result.stdout.contains(#""tenants":1"#), "\(result.stdout)")
    }

    @Test("given --config with an empty value (an unset variable's), then exit 2 saying it is empty", arguments: [["--config", ""], ["--config="]])
    func emptyConfigPath(arguments: [String]) throws {
        let result = try GatewayProcess.run(arguments: ["check-config"] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains("--config needs a file name"), "\(result.stderr)")
    }

    @Test("given --config=FILE or -c=FILE, then the file is read as with --config FILE", arguments: ["--config", "-c"])
    func inlineValue(flag: String) throws {
        let result = try GatewayProcess.run(arguments: ["check-config", "\(flag)=/nonexistent/gateway.json"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("/nonexistent/gateway.json"), "\(result.stderr)")
        #expect(!result.stderr.contains("unknown option"), "\(result.stderr)")
    }
}
