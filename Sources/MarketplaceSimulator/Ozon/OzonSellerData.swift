import Foundation

/// Everything one seller account has on the simulated host: its reviews, questions and chats,
/// and the generator that gives new objects their ids. Lives behind the host's lock.
struct OzonSellerData: Sendable {
    var account: OzonAccount
    var reviews: [OzonReview] = []
    var questions: [OzonQuestion] = []
    var chats: [OzonChat] = []
    var random: OzonRandom
    /// `/v3/chat/list` order: most recent conversation first, or the order chats were opened.
    var chatListMostRecentFirst = true
    /// `/v3/chat/list` cursors name the last chat of their page (keyset) instead of a count.
    var chatListKeysetCursor = false
    /// See `OzonSimulatorOptions.chatListCursorLength`.
    var chatListCursorLength = 0
    /// See `OzonSimulatorOptions.chatHistoryAsMarkdown`.
    var chatHistoryAsMarkdown = false
    /// See `OzonSimulatorOptions.repliesStoredTrimmed`.
    var repliesStoredTrimmed = false
    /// See `OzonSimulatorOptions.listsIgnoreSortDirection`.
    var listsIgnoreSortDirection = false
    /// The id the next chat message gets; message ids only grow, across all chats.
    var nextMessageID: UInt64 = 3_000_000_000_118_032_000

    init(account: OzonAccount, seed: UInt64) {
        self.account = account
        random = OzonRandom(seed: seed)
    }

    /// A reply's text as this account keeps it (`repliesStoredTrimmed`).
    func stored(_ text: String) -> String {
        guard repliesStoredTrimmed else { return text }
        return text.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    mutating func allocateMessageID() -> UInt64 {
        nextMessageID += UInt64(random.int(in: 1...977))
        return nextMessageID
    }

    func reviewIndex(_ id: String) -> Int? { reviews.firstIndex { $0.id == id } }
    func questionIndex(_ id: String) -> Int? { questions.firstIndex { $0.id == id } }
    func chatIndex(_ id: String) -> Int? { chats.firstIndex { $0.id == id } }
}
