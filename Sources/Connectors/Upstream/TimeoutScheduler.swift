import CSystem
import Foundation
import Glibc

/// Fires the timeouts of upstream calls from one thread of its own. A call schedules its deadline
/// and cancels it when the answer comes, almost always long before it is due. A Dispatch timer
/// per call (what `Task.sleep` costs on Linux) wakes Dispatch's manager thread to arm it and
/// fires anyway when due, cancelled or not; here scheduling a deadline later than the earliest
/// one pending wakes nobody, cancelling one removes it, and the thread sleeps until the earliest
/// live deadline, which in steady traffic is always a fresh one.
///
/// `@unchecked Sendable`: every stored property other than the mutex and condition is read and
/// written only with `mutex` held (the thread's loop included), and the mutex and condition
/// themselves live at fixed addresses that are never freed: the scheduler's thread runs for the
/// life of the process and holds the scheduler strongly, so it is never deallocated.
final class TimeoutScheduler: @unchecked Sendable {
    /// The scheduler every `URLSessionUpstreamClient` uses.
    static let shared = TimeoutScheduler()

    typealias Action = @Sendable () -> Void

    private struct Entry {
        var deadline: UInt64
        var id: UInt64
    }

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    /// A binary min-heap on `deadline`; an entry whose id is no longer in `actions` was cancelled.
    private var heap: [Entry] = []
    private var actions: [UInt64: Action] = [:]
    private var nextID: UInt64 = 1
    /// The deadline the thread sleeps towards (`UInt64.max`: none), so that only an earlier one
    /// needs to wake it.
    private var sleepingUntil = UInt64.max

    /// A scheduler with a thread of its own, which holds it for the life of the process: make
    /// one only as a global or a `static let`, as `shared` is.
    init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
        Thread.detachNewThread { self.run() }
    }

    /// Runs `action` on the scheduler's thread once `timeout` has passed, unless cancelled first.
    /// The returned id cancels it.
    func schedule(after timeout: Duration, _ action: @escaping Action) -> UInt64 {
        let nanoseconds = UInt64(max(0, timeout.components.seconds)) &* 1_000_000_000
            &+ UInt64(max(0, timeout.components.attoseconds / 1_000_000_000))
        let deadline = Self.now() &+ nanoseconds
        pthread_mutex_lock(mutex)
        let id = nextID
        nextID += 1
        actions[id] = action
        push(Entry(deadline: deadline, id: id))
        let wake = deadline < sleepingUntil
        pthread_mutex_unlock(mutex)
        if wake { pthread_cond_signal(condition) }
        return id
    }

    /// Forgets the deadline: its action will not run (unless it already has).
    func cancel(_ id: UInt64) {
        pthread_mutex_lock(mutex)
        actions[id] = nil
        dropCancelled()
        pthread_mutex_unlock(mutex)
    }

    private func run() {
        // Set here: a new thread inherits its creator's name (an event loop's, often), and
        // Foundation's `Thread.name` does not reach the kernel on Linux.
        cs_set_thread_name("upstream-timers")
        pthread_mutex_lock(mutex)
        while true {
            dropCancelled()
            let now = Self.now()
            if let first = heap.first, first.deadline <= now {
                pop()
                if let action = actions.removeValue(forKey: first.id) {
                    pthread_mutex_unlock(mutex)
                    action()
                    pthread_mutex_lock(mutex)
                }
                continue
            }
            sleepingUntil = heap.first?.deadline ?? UInt64.max
            if sleepingUntil == UInt64.max {
                pthread_cond_wait(condition, mutex)
            } else {
                var until = timespec(tv_sec: Int(sleepingUntil / 1_000_000_000), tv_nsec: Int(sleepingUntil % 1_000_000_000))
                pthread_cond_timedwait(condition, mutex, &until)
            }
            // Awake: no deadline scheduled now needs a signal, as the loop looks at the heap
            // again before it sleeps.
            sleepingUntil = 0
        }
    }

    /// Pops cancelled entries off the top, so the thread never wakes for a call that is over.
    private func dropCancelled() {
        while let first = heap.first, actions[first.id] == nil { pop() }
    }

    private func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func pop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count, heap[right].deadline < heap[smallest].deadline { smallest = right }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }

    private static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// Whether the thread is asleep towards a deadline (in its timed wait, which it enters
    /// holding the mutex it set `sleepingUntil` under): an observable for tests that must know
    /// the thread sleeps before they schedule an earlier deadline that has to wake it, instead
    /// of sleeping and hoping it does.
    var isAsleepTowardsADeadline: Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return sleepingUntil != 0 && sleepingUntil != UInt64.max
    }
}
