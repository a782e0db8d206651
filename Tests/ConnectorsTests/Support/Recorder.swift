import Synchronization

/// Entries appended from any thread, in order, and a way to wait until there are enough.
final class Recorder<Entry: Sendable>: Sendable {
    private let state = Mutex<(entries: [Entry], watchers: [(Int, CheckedContinuation<Void, Never>)])>(([], []))

    var entries: [Entry] { state.withLock { $0.entries } }

    func append(_ entry: Entry) {
        let ready = state.withLock { state in
            state.entries.append(entry)
            let count = state.entries.count
            let ready = state.watchers.filter { $0.0 <= count }.map(\.1)
            state.watchers.removeAll { $0.0 <= count }
            return ready
        }
        for watcher in ready { watcher.resume() }
    }

    /// Returns once `count` entries have been appended.
    func waitFor(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                if state.entries.count >= count { return true }
                state.watchers.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
