import CSystem
import Glibc

/// One epoll instance. Registrations carry a 64-bit id chosen by the caller (the loop puts a
/// slot and a generation in it), so an event that arrives for a closed fd whose number was
/// already reused is recognised as stale and dropped.
struct Selector {
    let epfd: Int32
    private let events: UnsafeMutableRawPointer
    let capacity: Int

    init(capacity: Int = 512) throws(IOError) {
        epfd = epoll_create1(CS_EPOLL_CLOEXEC)
        guard epfd >= 0 else { throw IOError.last("epoll_create1") }
        self.capacity = capacity
        events = UnsafeMutableRawPointer.allocate(byteCount: capacity * cs_epoll_event_size(), alignment: 8)
    }

    func close() {
        _ = Glibc.close(epfd)
        events.deallocate()
    }

    func add(_ fd: Int32, events: UInt32, id: UInt64) throws(IOError) {
        guard cs_epoll_ctl(epfd, EPOLL_CTL_ADD, fd, events, id) == 0 else { throw IOError.last("epoll_ctl(ADD)") }
    }

    func modify(_ fd: Int32, events: UInt32, id: UInt64) {
        _ = cs_epoll_ctl(epfd, EPOLL_CTL_MOD, fd, events, id)
    }

    func remove(_ fd: Int32) {
        _ = cs_epoll_ctl(epfd, EPOLL_CTL_DEL, fd, 0, 0)
    }

    /// Waits up to `timeoutMilliseconds` (-1: forever) and calls `handle(id, events)` for each event.
    func wait(timeoutMilliseconds: Int32, _ handle: (UInt64, UInt32) -> Void) {
        let n = epoll_wait(epfd, events.assumingMemoryBound(to: epoll_event.self), Int32(capacity), timeoutMilliseconds)
        guard n > 0 else { return }
        let size = cs_epoll_event_size()
        for i in 0..<Int(n) {
            let event = (events + i * size).assumingMemoryBound(to: epoll_event.self)
            handle(cs_epoll_event_data(event), cs_epoll_event_events(event))
        }
    }
}
