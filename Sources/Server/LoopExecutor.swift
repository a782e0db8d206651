import CSystem
import Glibc
import Synchronization

/// The Swift-concurrency face of one event loop: a `TaskExecutor` whose jobs run on the loop's
/// thread between two `epoll_wait` calls.
///
/// A request handler is started as a task that prefers this executor, so a handler that never
/// really suspends runs start to finish on the loop thread with no thread hop. Work that finishes
/// on another thread (URLSession, an actor elsewhere) is enqueued here from that thread; the
/// enqueue writes the loop's eventfd once to wake it.
public final class LoopExecutor: TaskExecutor, Sendable {
    enum Work: Sendable {
        case job(UnownedJob)
        case closure(@Sendable () -> Void)
    }

    private let queue = Mutex<[Work]>([])
    private let wakePending = Atomic<Bool>(false)
    private let owner = Atomic<UInt>(0)
    let eventFD: Int32

    init() throws(IOError) {
        eventFD = eventfd(0, CS_EFD_NONBLOCK | CS_EFD_CLOEXEC)
        guard eventFD >= 0 else { throw IOError.last("eventfd") }
    }

    deinit {
        _ = Glibc.close(eventFD)
    }

    /// The executor of the loop whose thread this is, if any: a task started from a request's
    /// handler can prefer the same loop.
    public static var current: LoopExecutor? { EventLoop.onThisThread?.executor }

    /// Queues `job` to run on the loop thread. Safe from any thread; called off the loop, it
    /// also wakes the loop.
    public func enqueue(_ job: consuming ExecutorJob) {
        push(.job(UnownedJob(job)))
    }

    /// Runs `work` on the loop thread, soon. Safe to call from any thread.
    public func execute(_ work: @escaping @Sendable () -> Void) {
        push(.closure(work))
    }

    /// True on the loop's own thread.
    public var inLoop: Bool {
        pthread_equal(pthread_self(), pthread_t(owner.load(ordering: .relaxed))) != 0
    }

    func bindToCurrentThread() {
        owner.store(UInt(pthread_self()), ordering: .relaxed)
    }

    /// After the loop has ended: no thread is the loop thread any more.
    func unbind() {
        owner.store(0, ordering: .relaxed)
    }

    private func push(_ work: Work) {
        queue.withLock { $0.append(work) }
        if !inLoop, !wakePending.exchange(true, ordering: .acquiringAndReleasing) {
            var one: UInt64 = 1
            _ = Glibc.write(eventFD, &one, 8)
        }
    }

    /// Called by the loop when its eventfd is readable: empties the eventfd first, then lets the
    /// next `push` write it again. In the other order a push landing between the two would see
    /// `wakePending` still set, skip its write, and have that write erased by the read: the flag
    /// would then stay set with the eventfd empty, and no push would ever wake the loop again
    /// (a loop with no timers armed slept for good; this hung about one test run in fifteen).
    /// In this order such a push's work is already queued and runs in this same wake-up.
    func acknowledgeWake() {
        var value: UInt64 = 0
        _ = Glibc.read(eventFD, &value, 8)
        wakePending.store(false, ordering: .releasing)
    }

    /// Swaps the queued work into `batch` (which must be empty); returns false if there was none.
    func take(into batch: inout [Work]) -> Bool {
        queue.withLock { queued in
            guard !queued.isEmpty else { return false }
            swap(&queued, &batch)
            return true
        }
    }

    var hasWork: Bool { queue.withLock { !$0.isEmpty } }
}
