import Foundation

extension String {
    /// The text as Wildberries keeps an answer or a chat message: without the white space and
    /// line breaks around it. Two texts with the same words are one reply, whether the gateway
    /// compares a standing answer with a new one or looks for a message it may have sent.
    var wildberriesWords: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
