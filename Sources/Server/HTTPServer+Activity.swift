extension HTTPServer {
    /// What the loops are doing now (see `ServerActivity`), summed over them: for tests. Each
    /// loop is asked on its own thread, between two of its turns, so no count is kept on the way
    /// of a request; a loop that has stopped answers at once as finished.
    package func activity() async -> ServerActivity {
        var total = ServerActivity()
        for loop in startedLoops {
            total += await withUnsafeContinuation { continuation in
                loop.withValue({ continuation.resume(returning: $0.activity) },
                               ifStopped: { continuation.resume(returning: .stopped) })
            }
        }
        return total
    }
}
