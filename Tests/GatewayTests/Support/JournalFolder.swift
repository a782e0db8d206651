import Foundation

/// A folder of its own per test, for an idempotency journal, removed when the folder goes
/// (each test keeps it to its end with `withExtendedLifetime`: an optimised build may end an
/// object's life at its last use, and a journal may still be writing there).
final class JournalFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "idempotency-journal-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The journal's path inside the folder.
    var journal: String { path + "/idempotency.journal" }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
