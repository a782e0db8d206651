import CSystem
import Glibc

/// A blocking TCP client over Glibc for loopback tests. Every receive is bounded by
/// SO_RCVTIMEO and every connect/send by SO_SNDTIMEO, so no test can hang forever.
///
/// `@unchecked Sendable`: a client belongs to the code that created it, either one test body
/// (run on its dedicated thread by `withServer` or `onDedicatedThread`) or one `TestThreads`
/// worker closure, and only that code uses it, one call after another. No test passes a client
/// to another thread or task, or shares it with one.
final class TestClient: @unchecked Sendable {
    static let defaultTimeout: Duration = .seconds(10)

    let fd: Int32
    private(set) var isClosed = false
    /// Received bytes not yet returned.
    private var buffer: [UInt8] = []
    private var start = 0
    private let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)

    /// Connects to `host` (an IPv4 address) on `port`. `receiveBufferSize` sets SO_RCVBUF before
    /// connecting, so the advertised window stays small.
    init(port: Int, host: String = "127.0.0.1", receiveBufferSize: Int32? = nil,
         timeout: Duration = TestClient.defaultTimeout) throws(TestClientError) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | CS_SOCK_CLOEXEC, 0)
        guard fd >= 0 else {
            chunk.deallocate()
            throw .connectFailed(errno: errno)
        }
        self.fd = fd
        setOption(Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        if let size = receiveBufferSize { setOption(SOL_SOCKET, SO_RCVBUF, size) }
        setTimeout(SO_RCVTIMEO, timeout)
        setTimeout(SO_SNDTIMEO, timeout)  // also bounds connect() on Linux
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr(host)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if rc != 0 {
            let e = errno
            _ = Glibc.close(fd)
            isClosed = true
            throw .connectFailed(errno: e)
        }
    }

    /// The client's own port, as the server sees it.
    var localPort: Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let rc = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return rc == 0 ? Int(UInt16(bigEndian: address.sin_port)) : -1
    }

    deinit {
        if !isClosed { _ = Glibc.close(fd) }
        chunk.deallocate()
    }

    // MARK: Options

    private func setOption(_ level: Int32, _ name: Int32, _ value: Int32) {
        var v = value
        _ = setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size))
    }

    private func setTimeout(_ name: Int32, _ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        _ = setsockopt(fd, SOL_SOCKET, name, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// How long a receive may wait for the next byte.
    func setReceiveTimeout(_ duration: Duration) {
        setTimeout(SO_RCVTIMEO, duration)
    }

    // MARK: Sending

    func send(_ text: String) throws(TestClientError) {
        try send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) throws(TestClientError) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .sendFailed(errno: errno)
            }
            sent += n
        }
    }

    /// Sends each byte on its own (TCP_NODELAY is on), pausing `pauseMicroseconds` between them
    /// so that they arrive as separate segments.
    func sendByteByByte(_ bytes: [UInt8], pauseMicroseconds: UInt32 = 500) throws(TestClientError) {
        for byte in bytes {
            try send([byte])
            if pauseMicroseconds > 0 { usleep(pauseMicroseconds) }
        }
    }

    // MARK: Receiving

    private enum Fill {
        case bytes
        case eof
        case reset
        case timedOut
        case failed(Int32)
    }

    private var buffered: Int { buffer.count - start }

    private func fill() -> Fill {
        while true {
            let n = Glibc.recv(fd, chunk.baseAddress, chunk.count, 0)
            if n > 0 {
                if start > 0, start == buffer.count {
                    buffer.removeAll(keepingCapacity: true)
                    start = 0
                } else if start > 1 << 20 {
                    buffer.removeFirst(start)
                    start = 0
                }
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
                return .bytes
            }
            if n == 0 { return .eof }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .timedOut
            case ECONNRESET: return .reset
            case let e: return .failed(e)
            }
        }
    }

    private func fillOrThrow() throws(TestClientError) {
        switch fill() {
        case .bytes: return
        case .eof: throw .closedEarly(buffered: buffered)
        case .reset: throw .reset(buffered: buffered)
        case .timedOut: throw .timedOut(buffered: buffered)
        case .failed(let e): throw .receiveFailed(errno: e)
        }
    }

    /// Reads one response: status line, headers, and a body of Content-Length bytes (none for
    /// 1xx, 204, 304, or when `headOnly` says the request was HEAD).
    func readResponse(headOnly: Bool = false) throws(TestClientError) -> TestResponse {
        var scanned = 0  // bytes after `start` already searched for the empty line
        var headEnd: Int?
        while headEnd == nil {
            var i = start + max(0, scanned - 3)
            while i + 3 < buffer.count {
                if buffer[i] == 13, buffer[i + 1] == 10, buffer[i + 2] == 13, buffer[i + 3] == 10 {
                    headEnd = i + 4
                    break
                }
                i += 1
            }
            if headEnd == nil {
                scanned = buffered
                try fillOrThrow()
            }
        }
        let headText = String(decoding: buffer[start..<(headEnd! - 4)], as: UTF8.self)
        var lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw .malformedResponse("status line \(statusLine.debugDescription)")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw .malformedResponse("header line \(line.debugDescription)") }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingSpaces
            headers.append((name, value))
        }
        var length = 0
        let noBody = headOnly || (100..<200).contains(status) || status == 204 || status == 304
        if !noBody, let declared = headers.first(where: { $0.name.lowercased() == "content-length" })?.value {
            guard let value = Int(declared), value >= 0 else { throw .malformedResponse("Content-Length \(declared)") }
            length = value
        }
        let headLength = headEnd! - start
        while buffered < headLength + length { try fillOrThrow() }
        let bodyStart = start + headLength
        let body = Array(buffer[bodyStart..<(bodyStart + length)])
        start = bodyStart + length
        return TestResponse(statusLine: statusLine, status: status, headers: headers, body: body)
    }

    /// Reads until the server closes, resets, or stays silent for the receive timeout. Returns
    /// every byte received (including any already buffered) and how the stream ended.
    func readUntilClose() -> (bytes: [UInt8], end: StreamEnd) {
        var end: StreamEnd
        loop: while true {
            switch fill() {
            case .bytes: continue
            case .eof: end = .eof; break loop
            case .reset: end = .reset; break loop
            case .timedOut: end = .timedOut; break loop
            case .failed(let e): end = .failed(e); break loop
            }
        }
        let bytes = Array(buffer[start...])
        buffer.removeAll()
        start = 0
        return (bytes, end)
    }

    /// Reads at most `chunkSize` bytes at a time with a pause after each, as a slow but steady
    /// reader does, until `total` bytes came or the stream ended; counts them without keeping them.
    func drainSlowly(total: Int, chunkSize: Int, pauseMicroseconds: UInt32) -> (count: Int, end: StreamEnd?, longestStall: Duration) {
        var count = buffered
        buffer.removeAll()
        start = 0
        // The longest time from a read's return to the next read beyond the pause: how long this
        // reader itself held the sender up (a busy machine's scheduling, not the pace asked for).
        var longestStall = Duration.zero
        var returned: ContinuousClock.Instant?
        while count < total {
            if let returned {
                longestStall = max(longestStall, ContinuousClock.now - returned - .microseconds(Int(pauseMicroseconds)))
            }
            let n = Glibc.recv(fd, chunk.baseAddress, min(chunkSize, chunk.count), 0)
            if n > 0 {
                returned = ContinuousClock.now
                count += n
                if pauseMicroseconds > 0 { usleep(pauseMicroseconds) }
                continue
            }
            if n == 0 { return (count, .eof, longestStall) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return (count, .timedOut, longestStall)
            case ECONNRESET: return (count, .reset, longestStall)
            case let e: return (count, .failed(e), longestStall)
            }
        }
        return (count, nil, longestStall)
    }

    /// Counts bytes until close without keeping them (for large bodies).
    func drainUntilClose() -> (count: Int, end: StreamEnd) {
        let (count, end, _) = drainSlowly(total: .max, chunkSize: .max, pauseMicroseconds: 0)
        return (count, end ?? .eof)
    }

    /// True when something (bytes, EOF or an error) can be read within `milliseconds`.
    func waitReadable(milliseconds: Int32) -> Bool {
        if buffered > 0 { return true }
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&pfd, 1, milliseconds) > 0
    }

    // MARK: Closing

    /// Orderly close: the server reads EOF (FIN).
    func close() {
        guard !isClosed else { return }
        isClosed = true
        _ = Glibc.close(fd)
    }

    /// Half-close: no more requests, but responses can still be read.
    func shutdownWrite() {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    /// Abortive close: SO_LINGER 0 makes close() send RST.
    func resetClose() {
        guard !isClosed else { return }
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        close()
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        var s = self
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}
