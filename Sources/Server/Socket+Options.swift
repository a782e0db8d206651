import CSystem
import Glibc

extension Socket {
    func setOption(_ level: Int32, _ name: Int32, _ value: Int32) throws(IOError) {
        var v = value
        guard setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw IOError.last("setsockopt(\(level), \(name))")
        }
    }

    /// Sends small responses at once instead of waiting for the peer's delayed ACK.
    func setNoDelay() {
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Bytes the peer has not acknowledged yet, sent or still queued (`TIOCOUTQ`); nil if unknown.
    var unacknowledgedBytes: Int? {
        let bytes = cs_send_queue_bytes(fd)
        return bytes >= 0 ? Int(bytes) : nil
    }

    /// On close, reset the connection at once instead of lingering (for timed-out writers).
    func setAbortiveClose() {
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
    }
}
