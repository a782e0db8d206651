import CSystem
import Dispatch
import Glibc
import Synchronization

/// A `TaskExecutor` with one thread of its own. Test bodies run on it (see `onDedicatedThread`)
/// so that their blocking socket calls never occupy Swift's small cooperative pool, which the
/// server's handlers need for `Task.sleep` and friends: with 2 cores, two tests blocked in
/// `recv` would otherwise stall every sleeping handler until the pool grows.
final class DedicatedThreadExecutor: TaskExecutor {
    private let state = Mutex<(jobs: [UnownedJob], stopped: Bool)>(([], false))
    private let wake = DispatchSemaphore(value: 0)

    private final class Box: Sendable {
        let executor: DedicatedThreadExecutor
        init(_ executor: DedicatedThreadExecutor) { self.executor = executor }
    }

    init() {
        let box = Unmanaged.passRetained(Box(self))
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            cs_set_thread_name("test-body")
            box.executor.run()
            return nil
        }, box.toOpaque())
        precondition(rc == 0, "pthread_create failed: \(rc)")
        pthread_detach(thread)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        state.withLock { $0.jobs.append(job) }
        wake.signal()
    }

    /// Lets the thread end once the jobs queued so far have run.
    func shutdown() {
        state.withLock { $0.stopped = true }
        wake.signal()
    }

    private func run() {
        while true {
            wake.wait()
            let next = state.withLock { state -> UnownedJob?? in
                if !state.jobs.isEmpty { return .some(state.jobs.removeFirst()) }
                return state.stopped ? .none : .some(nil)
            }
            switch next {
            case .none: return
            case .some(nil): continue
            case .some(let job?): job.runSynchronously(on: asUnownedTaskExecutor())
            }
        }
    }
}

/// Runs `body` in the current task (so `#expect` is attributed to the running test) but on a
/// dedicated thread, where blocking client calls are harmless.
func onDedicatedThread<T>(_ body: () async throws -> T) async throws -> T {
    let executor = DedicatedThreadExecutor()
    defer { executor.shutdown() }
    return try await withTaskExecutorPreference(executor) { try await body() }
}
