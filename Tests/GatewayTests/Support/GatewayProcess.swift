import Foundation
import Testing

/// The real `connector-gateway` binary, started for a test and stopped with a signal. Its first
/// stdout line (the start event) tells the port it listens on.
final class GatewayProcess: Sendable {
    let process: Process
    let port: Int
    private let output: PipeReader
    private let errors: PipeReader

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
        let stdout = try PipeReader.pipe(), stderr = try PipeReader.pipe()
        process.standardOutput = stdout.writing
        process.standardError = stderr.writing
        output = PipeReader(stdout.reading)
        errors = PipeReader(stderr.reading)
        try process.run()
        // The child has its copies: without ours closed, the pipes never reach their end.
        try stdout.writing.close()
        try stderr.writing.close()
        self.process = process
        var port: Int?
        for _ in 0..<400 {
            if let found = Self.listenPort(in: output.text) {
                port = found
                break
            }
            if !process.isRunning { break }
            usleep(25_000)
        }
        guard let port else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            _ = PipeReader.waitForEnd(of: [output, errors], until: .now + .seconds(10))
            throw StartError.noStartLine(errors.text + output.text)
        }
        self.port = port
    }

    /// The port of the start line's `"listen"`, once its digits and closing quote have arrived.
    private static func listenPort(in text: String) -> Int? {
        guard let range = text.range(of: "\"listen\":\"127.0.0.1:") ?? text.range(of: "\"listen\":\"[::1]:")
                ?? text.range(of: "\"listen\":\"0.0.0.0:") else { return nil }
        let digits = text[range.upperBound...].prefix(while: \.isNumber)
        guard text[digits.endIndex...].hasPrefix("\"") else { return nil }
        return Int(digits)
    }

    deinit {
        // A test that failed half-way must not leave a gateway running.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// What the binary wrote so far. While it runs, a line may still be on its way: a test that
    /// checks for a line's absence does so after `waitForExit`, which reads both to their end.
    var stdout: String { output.text }
    var stderr: String { errors.text }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Stops reading the binary's stdout: its pipe fills, as a stalled log reader's would.
    func stopReadingStdout() {
        output.pause()
    }

    /// Waits for the process to end and returns its status; after `limit` it is killed and -1
    /// returned. Then reads stdout and stderr to their end (a stdout no longer read is read
    /// again), so `stdout` and `stderr` hold everything it wrote; an issue is recorded if they
    /// do not reach it.
    func waitForExit(limit: Duration = .seconds(45)) async -> Int32 {
        let end = ContinuousClock.now + limit
        while process.isRunning, ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(20)) }
        var status: Int32?
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            status = -1
            while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        }
        output.resume()
        if !(await PipeReader.waitForEnd(of: [output, errors], until: .now + .seconds(10))) {
            Issue.record("the gateway exited, but its stdout or stderr did not reach its end within 10 s: a check of them would miss lines")
        }
        return status ?? process.terminationStatus
    }

    /// Runs the binary to completion (for commands that exit by themselves), with `PORT=0` unless
    /// `environment` says otherwise (a configuration wrongly accepted serves on a free port, not
    /// on 8080). Still running after `limit`, it is killed: status -1, and stderr says so.
    static func run(arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
                    stdinFile: FileHandle? = nil, limit: Duration = .seconds(30)) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin", "PORT": "0"].merging(environment) { $1 }
        let out = try PipeReader.pipe(), err = try PipeReader.pipe(), input = try PipeReader.pipe()
        let inputReading = FileHandle(fileDescriptor: input.reading, closeOnDealloc: true)
        process.standardOutput = out.writing
        process.standardError = err.writing
        process.standardInput = stdinFile ?? inputReading
        // Both read at once, as the binary writes: a full stderr cannot stall it while we wait on stdout.
        let output = PipeReader(out.reading), errors = PipeReader(err.reading)
        try process.run()
        // The child has its copies: without ours closed, the pipes never reach their end.
        try out.writing.close()
        try err.writing.close()
        try inputReading.close()
        if let stdin { input.writing.write(Data(stdin.utf8)) }
        try input.writing.close()
        let deadline = ContinuousClock.now + limit
        while process.isRunning || !(output.atEnd && errors.atEnd), ContinuousClock.now < deadline { usleep(5_000) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            _ = PipeReader.waitForEnd(of: [output, errors], until: .now + .seconds(5))
            return (-1, output.text, errors.text + "\n[GatewayProcess.run: \(arguments) still running after \(limit): killed]")
        }
        if !(output.atEnd && errors.atEnd) {
            Issue.record("\(arguments) exited, but its stdout or stderr did not reach its end within \(limit)")
        }
        return (process.terminationStatus, output.text, errors.text)
    }
}
