import Synchronization

/// Open connections across all loops, against the configured maximum. A loop that cannot take
/// another connection stops accepting (leaving newcomers in the kernel backlog) and is told to
/// resume when any loop closes one; it asks the other loops to close an idle connection for it,
/// as a newcomer is queued at one loop's listener and only that loop can take it. It also holds
/// the server's drain flag, which every loop's accepting consults.
final class ConnectionCounter: Sendable {
    let maximum: Int
    /// How far past `maximum` a drain takes in connections already waiting to be accepted.
    let drainAllowance: Int
    private let open = Atomic<Int>(0)
    private let draining = Atomic<Bool>(false)
    private let pausedLoops = Mutex<[LoopBound<EventLoop>]>([])
    private let loops = Mutex<[LoopBound<EventLoop>]>([])

    init(maximum: Int, drainAllowance: Int = 0) {
        self.maximum = maximum
        self.drainAllowance = drainAllowance
    }

    var current: Int { open.load(ordering: .relaxed) }
    var hasRoom: Bool { current < maximum }

    /// Set when the server begins to drain, before any loop hears of it: from then on no loop
    /// accepts as usual (a loop that has not begun its own drain would answer a queued request as
    /// keep-alive), and each takes in its listener's queue when its drain begins.
    var isDraining: Bool { draining.load(ordering: .acquiring) }

    func beginDraining() {
        draining.store(true, ordering: .releasing)
    }

    /// Reserves room for one connection; false when the server is full.
    func tryAcquire() -> Bool {
        tryAcquire(upTo: maximum)
    }

    /// Reserves room for a connection a drain takes in, up to `drainAllowance` past the maximum.
    func tryAcquireForDrain() -> Bool {
        tryAcquire(upTo: maximum + drainAllowance)
    }

    private func tryAcquire(upTo limit: Int) -> Bool {
        var value = open.load(ordering: .relaxed)
        while value < limit {
            let (exchanged, original) = open.compareExchange(expected: value, desired: value + 1, ordering: .relaxed)
            if exchanged { return true }
            value = original
        }
        return false
    }

    /// Gives back one connection's room and wakes every loop that stopped accepting.
    func release() {
        open.subtract(1, ordering: .relaxed)
        let waiting = pausedLoops.withLock { paused -> [LoopBound<EventLoop>] in
            guard !paused.isEmpty else { return [] }
            defer { paused.removeAll() }
            return paused
        }
        for loop in waiting {
            loop.withValue { $0.resumeAccepting() }
        }
    }

    /// Adds a loop that has started, for `askForRoom`.
    func register(_ loop: LoopBound<EventLoop>) {
        loops.withLock { $0.append(loop) }
    }

    /// Takes out the loop on `executor`, once it has stopped.
    func unregister(_ executor: LoopExecutor) {
        loops.withLock { $0.removeAll { $0.executor === executor } }
    }

    /// Asks the loops but the one on `asking`, one after another until one does, to close its
    /// longest idle connection, for a newcomer waiting at that loop's listener: one connection
    /// for one newcomer, each loop on its own thread.
    func askForRoom(besides asking: LoopExecutor) {
        let others = loops.withLock { $0.filter { $0.executor !== asking } }
        Self.ask(others[...])
    }

    /// Asks the first of `loops` to make room, and it the next when it has no idle connection.
    static func ask(_ loops: ArraySlice<LoopBound<EventLoop>>) {
        guard let first = loops.first else { return }
        let rest = loops.dropFirst()
        first.withValue { loop in
            if !loop.makeRoomForAnotherLoop() { ask(rest) }
        }
    }

    /// Records that `loop` stopped accepting, so that the next release resumes it (once, however
    /// often it stopped meanwhile: a full loop with a newcomer waiting stops again at every look).
    func notePaused(_ loop: LoopBound<EventLoop>) {
        pausedLoops.withLock { paused in
            if !paused.contains(where: { $0.executor === loop.executor }) { paused.append(loop) }
        }
    }
}
