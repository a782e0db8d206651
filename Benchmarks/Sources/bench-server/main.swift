import Glibc
import Server

// bench-server: our server on the benchmark's routes. PORT (default 8080) and HOST (default
// 127.0.0.1); LOOPS overrides the loop count (default: the CPUs this process may run on).
// SIGTERM or SIGINT drains and exits 0; a second signal exits at once.

func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}

var configuration = ServerConfiguration(host: environment("HOST") ?? "127.0.0.1",
                                        port: environment("PORT").flatMap(Int.init) ?? 8080)
if let loops = environment("LOOPS").flatMap(Int.init) { configuration.loopCount = loops }

let server = HTTPServer(configuration: configuration, responder: BenchResponder())
do {
    let waiter = try SignalWaiter([SIGTERM, SIGINT])
    try server.start()
    var draining = false
    for await _ in waiter.signals {
        if draining { exit(1) }
        draining = true
        Task {
            await server.stop(gracePeriod: .seconds(5))
            exit(0)
        }
    }
} catch {
    let message = Array("bench-server: \(error)\n".utf8)
    _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(1)
}
