import Glibc
import HTTP

// bench-parser: nanoseconds per operation on the server's hot paths, without sockets.
// Usage: bench-parser [iterations]   (release build: swift build -c release --package-path Benchmarks)

let iterations = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 1_000_000

/// Runs `body` `iterations` times and prints ns per call; `sink` keeps the work observable.
func measure(_ name: String, _ body: () -> Int) {
    var sink = 0
    for _ in 0..<(iterations / 10) { sink &+= body() }  // warm-up
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<iterations { sink &+= body() }
    let elapsed = clock.now - start
    let (seconds, attoseconds) = elapsed.components
    let ns = (Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(iterations)
    print("\(name)\t\(String(format: ns)) ns/op\t(sink \(sink % 10))")
}

func String(format ns: Double) -> String {
    let scaled = (ns * 10).rounded() / 10
    return "\(scaled)"
}

let wrkGet = Array("GET /hello HTTP/1.1\r\nHost: 127.0.0.1:18085\r\n\r\n".utf8)
let wrkPost = Array(("POST /connectors/demo/review/items HTTP/1.1\r\nHost: 127.0.0.1:18085\r\n" +
    "Content-Length: 19\r\nContent-Type: application/json\r\nAuthorization: Bearer test-key\r\n\r\n").utf8)
let browser = Array(("GET /connectors/wildberries/review/items?status=unanswered&limit=20 HTTP/1.1\r\n" +
    "Host: gateway.example.com\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36\r\n" +
    "Accept: application/json,text/html;q=0.9,*/*;q=0.8\r\nAccept-Language: en-US,en;q=0.5\r\n" +
    "Accept-Encoding: gzip, deflate, br\r\nAuthorization: Bearer 0123456789abcdef0123456789abcdef\r\n" +
    "X-Request-ID: 3f2b8c1e-5d7a-4e9b-a1c2-7d8e9f0a1b2c\r\nConnection: keep-alive\r\n\r\n").utf8)
let chunked = Array("5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n".utf8)

var parser = RequestHeadParser()
for (name, bytes) in [("parse wrk GET", wrkGet), ("parse wrk POST head", wrkPost), ("parse browser GET", browser)] {
    measure(name) {
        bytes.withUnsafeBytes { buffer in
            (try? parser.parse(buffer))??.length ?? 0
        }
    }
}

var body: [UInt8] = []
body.reserveCapacity(64)
measure("decode chunked body") {
    var decoder = ChunkedBodyDecoder()
    body.removeAll(keepingCapacity: true)
    return chunked.withUnsafeBytes { (try? decoder.decode($0, into: &body)) ?? 0 }
}

let headers: HTTPHeaders = ["Content-Type": "text/plain; charset=utf-8"]
let dateLine = Array("Date: Sun, 22 Nov 2026 04:36:56 GMT\r\n".utf8)
var out: [UInt8] = []
out.reserveCapacity(512)
measure("write 200 head") {
    out.removeAll(keepingCapacity: true)
    ResponseHeadWriter.write(status: .ok, headers: headers, contentLength: 13, dateLine: dateLine,
                             connection: .none, into: &out)
    return out.count
}

var headParser = RequestHeadParser()
let head = wrkPost.withUnsafeBytes { try! headParser.parse($0)! }
let storage = wrkPost + Array("{\"skip\":0,\"take\":2}".utf8)
measure("request auth header check") {
    let request = HTTPRequest(head: head, storage: storage, bodyRange: head.length..<storage.count)
    return request.headers.firstValue("Authorization", equals: "Bearer test-key") ? 1 : 0
}
