extension HTTPServer {
    /// What the loops are doing now (see `ServerActivity`), summed over them: for tests, while
    /// the server runs (a loop that has stopped never answers). Each loop is asked on its own
    /// thread, between two of its turns, so no count is kept on the way of a request.
    package func activity() async -> ServerActivity {
        var total = ServerActivity()
        for loop in runningLoops {
            let one = await withUnsafeContinuation { continuation in
                loop.withValue { continuation.resume(returning: $0.activity) }
            }
            total.receivingBody += one.receivingBody
            total.awaitingBodyRoom += one.awaitingBodyRoom
            total.bodyBytesReserved += one.bodyBytesReserved
            total.awaitingDrain += one.awaitingDrain
            total.closing += one.closing
            total.lingering += one.lingering
            total.drainingLoops += one.drainingLoops
            total.finishedLoops += one.finishedLoops
        }
        return total
    }
}
