import Foundation
import Synchronization

/// Text a child process writes, collected as it arrives.
final class TextBuffer: Sendable {
    private let value = Mutex("")

    func append(_ data: Data) {
        value.withLock { $0 += String(decoding: data, as: UTF8.self) }
    }

    var text: String { value.withLock { $0 } }
}
