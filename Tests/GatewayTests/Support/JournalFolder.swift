import Foundation

/// A folder of its own per test, for an idempotency journal, removed at the end.
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
