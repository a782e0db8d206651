import CLoad
import Glibc

/// One keep-alive connection: a non-blocking socket in the epoll set, the answer being read, the
/// request in flight and those due behind it.
final class Connection {
    let index: Int
    private let target: Target
    private(set) var fd: Int32 = -1
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    private var filled = 0
    private(set) var inFlight: Due?
    private var waiting: [Due] = []
    private var firstWaiting = 0

    init(index: Int, target: Target) {
        self.index = index
        self.target = target
    }

    var isIdle: Bool { inFlight == nil && firstWaiting == waiting.count }

    /// Sends now, or queues behind the request in flight.
    func dispatch(_ due: Due, epoll: Int32, tally: inout Tally) {
        if inFlight == nil { send(due, epoll: epoll, tally: &tally) } else { waiting.append(due) }
    }

    private func send(_ due: Due, epoll: Int32, tally: inout Tally) {
        guard fd >= 0 || open(epoll: epoll) else { return }
        let sentAt = nanosecondsNow()
        var offset = 0
        while offset < target.request.count {
            let written = target.request[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else {
                // A request of a few hundred bytes into an idle connection's empty send buffer
                // is written whole; anything else means the connection is gone.
                reset()
                return
            }
            offset += written
        }
        tally.lag[due.number] = sentAt &- min(sentAt, due.time)
        inFlight = due
    }

    /// Reads what arrived; records each whole answer and sends the next waiting request.
    func readable(epoll: Int32, tally: inout Tally) {
        while true {
            if filled == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
            let count = buffer[filled...].withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                filled += count
                continue
            }
            if count < 0, cl_errno() == EAGAIN { break }
            // Closed or failed: the request in flight is lost; the next one reconnects.
            inFlight = nil
            reset()
            sendNext(epoll: epoll, tally: &tally)
            return
        }
        while let (status, length) = answer() {
            let now = nanosecondsNow()
            buffer.withUnsafeMutableBytes { raw in _ = memmove(raw.baseAddress!, raw.baseAddress! + length, filled - length) }
            filled -= length
            guard let due = inFlight else { fail("an answer nobody asked for on connection \(index)") }
            tally.latency[due.number] = now &- min(now, due.time)
            tally.status[due.number] = UInt16(clamping: status)
            inFlight = nil
            sendNext(epoll: epoll, tally: &tally)
        }
    }

    private func sendNext(epoll: Int32, tally: inout Tally) {
        guard inFlight == nil, firstWaiting < waiting.count else { return }
        let due = waiting[firstWaiting]
        firstWaiting += 1
        if firstWaiting == waiting.count { waiting.removeAll(keepingCapacity: true); firstWaiting = 0 }
        send(due, epoll: epoll, tally: &tally)
    }

    /// Status and length of the whole answer at the front of the buffer, once all of it is in.
    private func answer() -> (Int, Int)? {
        buffer.withUnsafeBytes { raw -> (Int, Int)? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var end = -1
            var i = 3
            while i < filled {
                if bytes[i] == 0x0A, bytes[i - 1] == 0x0D, bytes[i - 2] == 0x0A, bytes[i - 3] == 0x0D { end = i + 1; break }
                i += 1
            }
            guard end > 0 else { return nil }
            guard end >= 12, bytes[0] == UInt8(ascii: "H") else { fail("not an HTTP answer on connection \(index)") }
            let status = (Int(bytes[9]) - 48) * 100 + (Int(bytes[10]) - 48) * 10 + (Int(bytes[11]) - 48)
            var contentLength = 0
            var line = 0
            while line < end {
                var next = line
                while next < end, bytes[next] != 0x0A { next += 1 }
                if Self.starts(bytes, at: line, upTo: next, with: "transfer-encoding:") { fail("chunked answers are not supported") }
                if Self.starts(bytes, at: line, upTo: next, with: "content-length:") {
                    var digit = line + 15
                    while digit < next, bytes[digit] == 0x20 { digit += 1 }
                    while digit < next, bytes[digit] >= 0x30, bytes[digit] <= 0x39 {
                        contentLength = contentLength * 10 + Int(bytes[digit] - 0x30)
                        digit += 1
                    }
                }
                line = next + 1
            }
            return filled >= end + contentLength ? (status, end + contentLength) : nil
        }
    }

    private static func starts(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, upTo end: Int, with name: StaticString) -> Bool {
        let count = name.utf8CodeUnitCount
        guard end - start >= count else { return false }
        for offset in 0..<count where bytes[start + offset] | 0x20 != name.utf8Start[offset] { return false }
        return true
    }

    /// Connects (blocking: on loopback that is immediate), then joins the epoll set non-blocking.
    func open(epoll: Int32) -> Bool {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(target.port).bigEndian)
        inet_pton(AF_INET, target.host == "localhost" ? "127.0.0.1" : target.host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0, fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0, cl_epoll_add(epoll, fd, UInt64(index)) == 0 else {
            reset()
            return false
        }
        return true
    }

    private func reset() {
        if fd >= 0 { close(fd) }
        fd = -1
        filled = 0
    }
}
