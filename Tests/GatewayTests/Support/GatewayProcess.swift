import Foundation

/// The real `connector-gateway` binary, started for a test and stopped with a signal. Its first
/// stdout line (the start event) tells the port it listens on.
final class GatewayProcess: Sendable {
    let process: Process
    let port: Int
    private let output = TextBuffer()
    private let errors = TextBuffer()

    /// The binary SwiftPM built next to the test bundle.
    static var binary: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: directory.appendingPathComponent("connector-gateway").path) {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("connector-gateway")
    }

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    enum StartError: Error { case exited(Int32, String), noStartLine(String) }

    init(arguments: [String] = [], environment: [String: String] = [:], directory: URL? = nil) throws {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ["PATH": "/usr/bin:/bin", "PORT": "0", "GATEWAY_STATIC_ROOT": Self.packageRoot.path]
        for (name, value) in environment { env[name] = value }
        process.environment = env
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        let output = self.output
        let errors = self.errors
        stdout.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { output.append(data) }
        }
        stderr.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { errors.append(data) }
        }
        try process.run()
        self.process = process
        var port: Int?
        for _ in 0..<400 {
            let text = output.text
            if let range = text.range(of: "\"listen\":\"127.0.0.1:") ?? text.range(of: "\"listen\":\"[::1]:")
                ?? text.range(of: "\"listen\":\"0.0.0.0:") {
                port = Int(text[range.upperBound...].prefix(while: \.isNumber))
                break
            }
            if !process.isRunning { break }
            usleep(25_000)
        }
        guard let port else {
            process.waitUntilExit()
            throw StartError.noStartLine(errors.text + output.text)
        }
        self.port = port
    }

    deinit {
        // A test that failed half-way must not leave a gateway running.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    var stdout: String { output.text }
    var stderr: String { errors.text }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Stops reading the binary's stdout: its pipe fills, as a stalled log reader's would.
    func stopReadingStdout() {
        (process.standardOutput as? Pipe)?.fileHandleForReading.readabilityHandler = nil
    }

    /// Waits for the process to end (bounded by the test's time limit) and returns its status.
    /// Waits for the process to end and returns its status; after `limit` it is killed and -1 returned.
    func waitForExit(limit: Duration = .seconds(45)) async -> Int32 {
        let end = ContinuousClock.now + limit
        while process.isRunning, ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(20)) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            return -1
        }
        return process.terminationStatus
    }

    /// Runs the binary to completion (for commands that exit by themselves).
    static func run(arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdoutData, as: UTF8.self), String(decoding: stderrData, as: UTF8.self))
    }
}
