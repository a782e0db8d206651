import Connectors

/// A read of the whole chat list that one `updates` call did not finish, carried in the cursor to
/// the next: a big account's list is read a few pages a call instead of all of it under one
/// request's deadline, and a page with more changed chats than a call may report is read again
/// by the next call for the rest. The watermark moves only when a sweep completes, bounded by
/// `ceiling`, so the chats a sweep has not reached yet stay news.
struct OzonChatSweep: Sendable, Equatable {
    /// Ozon's list position is opaque. One longer than this is not carried when a call could
    /// read on instead; carried, the edge gives way to it (see `OzonChatWatermark.fitEdge`).
    static let maxToken = 1024

    /// Ozon's list cursor for the page to read next; nil for the first page.
    var token: String?
    /// The highest id the mark may reach when this sweep completes: the highest last message id
    /// of its first list page, or of the call before it when that is higher. Fixed when the sweep
    /// starts, so a message written while the sweep runs stays above it.
    var ceiling: UInt64
    /// List pages read to their end so far (the sweep stops at `OzonChatConnector.maxSweepPages`).
    var pages = 0
    /// The lowest last message id of a conversation read so far, and whether every conversation
    /// with messages came most recent first (ids falling), which decides how far a sweep cut
    /// short may raise the mark (see `read(_:)`).
    var lowest = UInt64.max
    var inOrder = true
    /// When the page at `token` held more changed chats than a call could report: it reported
    /// them lowest id first, up to this one, and the next call reports the rest of that page.
    var reportedUpTo: UInt64?
    /// 32-bit keys of the chats that page held when first read and of those reported from it
    /// since: read again, it may hold a chat it did not hold then (one of its chats moved up,
    /// and the next page's first slid in), with any id; that one is still to be reported.
    var reportedKeys: [UInt32] = []
    /// Keys a cursor carries at most: a page's worth (past them, the oldest go, and a chat of
    /// theirs could come twice).
    static let maxReportedKeys = 100

    /// The highest last message id of a chat this sweep reported but let go of from the edge
    /// (more than `OzonChatWatermark.maxEdge` were reported, or the cursor had no room): when the
    /// sweep completes the mark may rise that far, as if all had been reported in one call.
    var dropped: UInt64?

    init(ceiling: UInt64) {
        self.ceiling = ceiling
    }

    /// Whether the sweep has begun, so the next call must go on with it.
    var started: Bool { pages > 0 || reportedUpTo != nil }

    /// Notes a chat read from the list for the first time in this sweep. As in a list's walk,
    /// Ozon's own chats (notices, support: they may be pinned anywhere) and a chat without
    /// messages (id 0, which may come anywhere) say nothing of the order: one pinned on top with
    /// an old message would otherwise make every big account's list "out of order", and its
    /// mark would never rise past a sweep cut short.
    mutating func read(_ chat: OzonChatListed) {
        let id = chat.lastMessageID
        guard chat.isConversation, id > 0 else { return }
        if id > lowest { inOrder = false }
        lowest = min(lowest, id)
    }

    /// Notes that a reported chat whose last message is `id` left the edge.
    mutating func drop(_ id: UInt64) {
        dropped = max(dropped ?? 0, id)
    }

    /// The sweep a cursor carries, if any (its fields beside the watermark's).
    init?(_ cursor: Cursor) throws(ConnectorError) {
        guard let pagesText = cursor["p"] else { return nil }
        guard let pages = Int(pagesText), pages >= 0, let ceiling = UInt64(cursor["c"] ?? ""),
              let lowest = UInt64(cursor["l"] ?? ""), let order = cursor["o"], order == "0" || order == "1",
              cursor["s"].map({ !$0.isEmpty }) ?? true
        else { throw OzonChatWatermark.invalid }
        self.init(ceiling: ceiling)
        token = cursor["s"]
        self.pages = pages
        self.lowest = lowest
        inOrder = order == "1"
        if let text = cursor["r"] {
            guard let reportedUpTo = UInt64(text) else { throw OzonChatWatermark.invalid }
            self.reportedUpTo = reportedUpTo
        }
        // A cursor of an earlier version names the page's lowest id, which no longer decides
        // anything: its keys are only the chats reported from below it, so others may come again.
        if let text = cursor["rl"] {
            guard reportedUpTo != nil, UInt64(text) != nil else { throw OzonChatWatermark.invalid }
        }
        if let text = cursor["rk"] {
            guard reportedUpTo != nil, let keys = CursorKeys.decode(Substring(text)), keys.count <= Self.maxReportedKeys else {
                throw OzonChatWatermark.invalid
            }
            reportedKeys = keys
        }
        if let text = cursor["d"] {
            guard let dropped = UInt64(text) else { throw OzonChatWatermark.invalid }
            self.dropped = dropped
        }
        guard started else { throw OzonChatWatermark.invalid }
    }

    /// The cursor fields of a sweep in progress.
    func write(into fields: inout [String: String]) {
        guard started else { return }
        fields["s"] = token
        fields["c"] = String(ceiling)
        fields["p"] = String(pages)
        fields["l"] = String(lowest)
        fields["o"] = inOrder ? "1" : "0"
        if let reportedUpTo {
            fields["r"] = String(reportedUpTo)
            // For a process of the earlier version (a rolling deploy, a rollback), which reads
            // keys only beside the page's lowest id and awaits, at or below `r`, the chats below
            // it that are not keyed: with the highest id there is, that is this version's rule.
            fields["rl"] = String(UInt64.max)
        }
        if !reportedKeys.isEmpty { fields["rk"] = CursorKeys.encode(reportedKeys) }
        if let dropped { fields["d"] = String(dropped) }
    }
}
