/// Carries a value that belongs to one event loop (a connection) through a `@Sendable` closure.
///
/// `@unchecked Sendable` is sound because the value is only reachable through `withValue`, which
/// traps unless it runs on the owning loop's thread, and every loop-confined object is only ever
/// touched on that thread. So the value is never accessed concurrently, whichever thread carries
/// the wrapper around.
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
