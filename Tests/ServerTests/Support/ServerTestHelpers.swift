import Server

/// Runs `body` with a started server and stops the server afterwards, also when `body` throws.
/// `body` runs on a dedicated thread (see `onDedicatedThread`), so it may block.
func withServer(
    _ configure: (inout ServerConfiguration) -> Void = { _ in },
    handler: @escaping Handler,
    _ body: (TestServer) async throws -> Void
) async throws {
    try await onDedicatedThread {
        let server = try TestServer(configure, handler: handler)
        do {
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}

/// Polls `condition` every few milliseconds until it holds or `timeout` passes (a deadlock guard,
/// not a timing assertion: long, as a starved machine can stretch every poll). Returns whether it held.
func eventually(timeout: Duration = .seconds(60), _ condition: @Sendable () -> Bool) async -> Bool {
    await eventuallyAwaiting(timeout: timeout) { condition() }
}

/// `eventually` for a condition that must be awaited (one that asks a loop, say).
func eventuallyAwaiting(timeout: Duration = .seconds(60), _ condition: () async -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return await condition()
}
