/// Carries a value that belongs to one event loop (a connection) through a `@Sendable` closure.
///
/// `@unchecked Sendable` is sound because the value is only reachable on the owning loop's
/// thread: `withValue` runs `body` at once only when already there and otherwise enqueues it on
/// that loop's executor, whose jobs run only on its thread (and never once the loop has stopped);
/// `loopValue` traps anywhere else. Every loop-confined object is only ever touched on that
/// thread, so the value is never accessed concurrently, whichever thread carries the wrapper.
/// The wrapper's last release may come on any thread: that is safe only because no loop-bound
/// type (`Connection`, `ClientCall`, `ClientPool`, `EventLoop`) has a `deinit` that touches loop
/// state, an invariant to keep.
struct LoopBound<Value: AnyObject>: @unchecked Sendable {
    private let value: Value
    let executor: LoopExecutor

    init(_ value: Value, executor: LoopExecutor) {
        self.value = value
        self.executor = executor
    }

    /// Runs `body` with the value, on the loop thread: at once if already there, else enqueued.
    func withValue(_ body: @escaping @Sendable (Value) -> Void) {
        if executor.inLoop {
            body(value)
        } else {
            let bound = self
            executor.execute { bound.withValueInLoop(body) }
        }
    }

    /// Runs `body` with the value on the loop thread, as `withValue` does; once the loop has
    /// stopped, `ifStopped` instead: for a caller that waits for `body` and must not wait forever.
    func withValue(_ body: @escaping @Sendable (Value) -> Void, ifStopped: @escaping @Sendable () -> Void) {
        if executor.inLoop {
            body(value)
        } else {
            let bound = self
            executor.execute({ bound.withValueInLoop(body) }, ifStopped: ifStopped)
        }
    }

    /// The value itself, for code already running on the owning loop's thread (traps elsewhere).
    var loopValue: Value {
        precondition(executor.inLoop, "a loop-bound value was touched off its loop")
        return value
    }

    private func withValueInLoop(_ body: (Value) -> Void) {
        precondition(executor.inLoop, "a loop-bound value was touched off its loop")
        body(value)
    }
}
