/// Where a listing stopped, possibly inside an upstream page: the token that fetches that page
/// (nil: the first page), how many of its entries were already consumed, and the id of the last
/// one consumed (to find the spot again if the page has shifted since). For a page ordered by a
/// key (chats, by last message id), `afterKey` is that entry's key: the listing resumes below it
/// even when the entry itself has moved (a chat with a new message goes to the top). For a page
/// ordered by date (reviews, questions), `afterDate` is that entry's instant (Unix ms): the
/// listing resumes there when the entry has left the page.
struct OzonListPosition: Sendable, Equatable {
    var page: String?
    var skip: Int
    var after: String?
    var afterKey: UInt64?
    var afterDate: Int64?
    /// At a page boundary of a dated listing, the instant (Unix ms) of the entry `page` names
    /// (Ozon's `last_id` is the id of the previous page's last entry): should Ozon refuse that
    /// token, the entry having left it, the listing re-enters by date there instead of failing.
    var pageDate: Int64?
    /// The listing was re-entered by date: every page of it, from the first (`page` nil) on, is
    /// asked for entries published at or before this instant (Unix ms).
    var upTo: Int64?

    init(page: String?, skip: Int, after: String?, afterKey: UInt64? = nil, afterDate: Int64? = nil, pageDate: Int64? = nil,
         upTo: Int64? = nil) {
        self.page = page
        self.skip = skip
        self.after = after
        self.afterKey = afterKey
        self.afterDate = afterDate
        self.pageDate = pageDate
        self.upTo = upTo
    }

    static let start = OzonListPosition(page: nil, skip: 0, after: nil)
}
