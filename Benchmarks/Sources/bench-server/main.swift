import Dispatch
import Foundation
import Glibc
import Server

// bench-server: our server on the benchmark's routes. PORT (default 8080) on 127.0.0.1;
// LOOPS overrides the loop count (default: the CPUs this process may run on).
let environment = ProcessInfo.processInfo.environment
var configuration = ServerConfiguration(host: environment["HOST"] ?? "127.0.0.1",
                                        port: environment["PORT"].flatMap(Int.init) ?? 8080)
if let loops = environment["LOOPS"].flatMap(Int.init) { configuration.loopCount = loops }

let server = HTTPServer(configuration: configuration, responder: BenchResponder())
do {
    try server.start()
} catch {
    FileHandle.standardError.write(Data("bench-server: \(error)\n".utf8))
    exit(1)
}

signal(SIGTERM, SIG_IGN)
signal(SIGINT, SIG_IGN)
let stopSignals = [SIGTERM, SIGINT].map { DispatchSource.makeSignalSource(signal: $0, queue: .global()) }
for source in stopSignals {
    source.setEventHandler {
        Task {
            await server.stop(gracePeriod: .seconds(5))
            exit(0)
        }
    }
    source.resume()
}
await server.waitUntilStopped()
