import Glibc
import HTTP
import Server
import Testing

@Suite("HTTPClient: a host that takes no connection")
struct HTTPClientConnectTimeoutTests {
    @Test("given a listener whose backlog is full (the kernel drops new SYNs), when a call's time runs out while it connects, then it fails as connectTimedOut")
    func connectTimesOut() async throws {
        // given: a listener with the smallest backlog, filled by connections it never accepts
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(listener >= 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try #require(withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && listen(listener, 0) == 0 && getsockname(listener, $0, &length) == 0 }
        })
        var fillers: [Int32] = []
        defer { fillers.forEach { close($0) } }
        for _ in 0..<4 {
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            fillers.append(filler)
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, length) } }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        // when
        let error = await #expect(throws: HTTPClientError.self) {
            try await HTTPClient(host: "127.0.0.1", port: port).execute(HTTPClientRequest(method: "GET", target: Array("/".utf8), isIdempotent: true),
                                                                        timeout: .milliseconds(300))
        }
        // then
        #expect(error == .connectTimedOut)
    }
}
