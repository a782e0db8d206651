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
        /// `ifStopped`: what to run instead, should the loop stop before it runs `body`.
        case closure(@Sendable () -> Void, ifStopped: (@Sendable () -> Void)?)
    }

    private struct Queue {
        var work: [Work] = []
        /// The loop has stopped: nothing queued from now on would ever run.
        var stopped = false
    }

    private let queue = Mutex(Queue())
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
        push(.closure(work, ifStopped: nil))
    }

    /// Runs `work` on the loop thread, soon; once the loop has stopped (or if it stops before
    /// `work` runs), `ifStopped` instead, on the calling thread (or the loop's, as it stops):
    /// for a caller that waits for `work` and must not wait forever.
    func execute(_ work: @escaping @Sendable () -> Void, ifStopped: @escaping @Sendable () -> Void) {
        guard push(.closure(work, ifStopped: ifStopped)) else { return ifStopped() }
    }

    /// Marks the loop stopped, drops what is queued and returns the `ifStopped` of the closures
    /// among it, for the loop to run: called once, by the loop, as its thread ends.
    func stop() -> [@Sendable () -> Void] {
        queue.withLock { queue in
            queue.stopped = true
            defer { queue.work = [] }
            return queue.work.compactMap { work in
                if case .closure(_, let ifStopped?) = work { return ifStopped }
                return nil
            }
        }
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

    /// Queues `work`; false, queuing nothing, once the loop has stopped.
    @discardableResult
    private func push(_ work: Work) -> Bool {
        let queued = queue.withLock { queue in
            guard !queue.stopped else { return false }
            queue.work.append(work)
            return true
        }
        if queued, !inLoop, !wakePending.exchange(true, ordering: .acquiringAndReleasing) {
            var one: UInt64 = 1
            _ = Glibc.write(eventFD, &one, 8)
        }
        return queued
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
        queue.withLock { queue in
            guard !queue.work.isEmpty else { return false }
            swap(&queue.work, &batch)
            return true
        }
    }

    var hasWork: Bool { queue.withLock { !$0.work.isEmpty } }
}
