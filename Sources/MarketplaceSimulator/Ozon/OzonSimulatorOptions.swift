import Foundation

/// How a simulated Ozon Seller host behaves: the accounts it accepts, how much seeded data each
/// has, and its rate limit. The defaults are realistic (Ozon's published 50 requests per second
/// per Client-Id, a few dozen reviews, questions and chats) so demo mode looks like the real thing.
public struct OzonSimulatorOptions: Sendable {
    /// The same seed gives the same reviews, questions, chats and messages.
    public var seed: UInt64
    /// Reviews and questions seeded per account.
    public var reviewCount: Int
    /// Questions seeded per account.
    public var questionCount: Int
    /// Buyer chats seeded per account (plus one Ozon notifications chat, as real accounts have).
    public var chatCount: Int
    /// Messages in each seeded buyer chat (at least 1).
    public var messagesPerChat: Int
    /// Every seeded item is dated before this instant; items added later get the current time.
    public var anchor: Date
    /// Token-bucket refill rate per Client-Id.
    public var requestsPerSecond: Double
    /// Token-bucket size per Client-Id: requests that may arrive at once.
    public var burst: Int
    /// The seller accounts accepted; each gets its own data from the seed and its Client-Id.
    public var accounts: [OzonAccount]
    /// `/v3/chat/list` gives the most recent conversation first, as the seller's interface does;
    /// false lists chats in the order they were opened, for tests of a client that must not
    /// rely on the order (Ozon does not document it).
    public var chatListMostRecentFirst: Bool
    /// `/v3/chat/list`'s opaque cursor goes on after the chat that ended the page, by its sort
    /// key then (keyset), rather than after a count of chats; Ozon does not say which it is.
    /// Keyset, a chat moving up pulls the next page's first onto a page read again.
    public var chatListKeysetCursor = false
    /// `/v3/chat/list`'s opaque cursor padded to at least this many characters: Ozon does not say
    /// how long it may be, and a client must carry a long one as well as a short one.
    public var chatListCursorLength = 0
    /// `/v3/chat/history` gives a message's text as markdown: its punctuation escaped with a
    /// backslash and each line an entry of `data`. Ozon documents `data` as markdown strings
    /// but not how a plain text sent is shown; a client looking for its own message must not
    /// need it back byte for byte.
    public var chatHistoryAsMarkdown = false
    /// A review comment or a question answer is stored with its white space at the ends cut off
    /// and `\r\n` made `\n`: Ozon does not say it keeps a text byte for byte, and a client
    /// looking for its own reply must not need it so.
    public var repliesStoredTrimmed = false
    /// The review and question lists come newest first whatever `sort_dir` asks (one version of
    /// Ozon's spec has no `sort_dir` for `/v1/question/list`): for tests of updates that must not
    /// rely on it.
    public var listsIgnoreSortDirection = false
    /// Paths answered with the plain-text 404 of an unknown method, as an Ozon that serves only
    /// one spelling of a method the documents disagree on (`/v1/question/change_status`).
    public var withdrawnPaths: Set<String> = []

    /// Realistic defaults for the demo account. Negative counts become 0, and at least one message
    /// per chat and a burst of one are kept.
    public init(seed: UInt64 = 20_260_514, reviewCount: Int = 60, questionCount: Int = 40, chatCount: Int = 12,
                messagesPerChat: Int = 6, anchor: Date = Date(), requestsPerSecond: Double = 50, burst: Int = 50,
                accounts: [OzonAccount] = [.demo], chatListMostRecentFirst: Bool = true) {
        self.seed = seed
        self.reviewCount = max(0, reviewCount)
        self.questionCount = max(0, questionCount)
        self.chatCount = max(0, chatCount)
        self.messagesPerChat = max(1, messagesPerChat)
        self.anchor = anchor
        self.requestsPerSecond = requestsPerSecond
        self.burst = max(1, burst)
        self.accounts = accounts
        self.chatListMostRecentFirst = chatListMostRecentFirst
    }
}
