import Glibc

/// Whether the FIN this socket sent (`shutdown` or `close` of its write side) has reached the
/// peer's socket: the peer's kernel acknowledged it, which moves this side to FIN-WAIT-2 (or
/// past it, once the peer closes too). Waits up to `timeout` (long: a busy machine can hold a
/// loopback segment a while); false when it never did.
func finAcknowledged(_ fd: Int32, timeout: Duration = .seconds(60)) -> Bool {
    let deadline = ContinuousClock.now + timeout
    repeat {
        var info = tcp_info()
        var length = socklen_t(MemoryLayout<tcp_info>.size)
        guard getsockopt(fd, Int32(IPPROTO_TCP), TCP_INFO, &info, &length) == 0 else { return false }
        // TCP_FIN_WAIT2, TCP_TIME_WAIT, TCP_CLOSE (linux/tcp_states.h)
        if [5, 6, 7].contains(Int(info.tcpi_state)) { return true }
        usleep(1_000)
    } while ContinuousClock.now < deadline
    return false
}
