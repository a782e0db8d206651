/// One upstream page of a listing: its entries, the token that fetches the next page (`last_id`
/// or the chat list `cursor`), and whether there is one.
struct OzonPage<Entry: Sendable>: Sendable {
    var entries: [Entry]
    var nextToken: String?
    var hasNext: Bool
    /// The page said there was more but named as its next the very token it was asked with: the
    /// listing ends here without having been read to its end (a chat sweep then keeps its old
    /// watermark rather than take the chats it never reached as seen).
    var stalled: Bool

    /// - Parameter asked: the token the page was fetched with (nil for the first page).
    init(entries: [Entry], nextToken: String?, hasNext: Bool, asked: String? = nil) {
        // A page that says there is more but names as its next the very token it was asked with
        // has not moved on: the same page again, or an empty one. Its entries, if any, are the
        // ones before it (the token is the last of them), and following it would ask for it
        // forever: the listing ends here.
        if hasNext, let asked, !asked.isEmpty, nextToken == asked {
            self.entries = []
            self.nextToken = nil
            self.hasNext = false
            stalled = true
            return
        }
        self.entries = entries
        self.nextToken = nextToken
        // A page without a token to continue from is the last, whatever `has_next` says: no
        // later call could read past it either, so holding the watermark for pages nobody can
        // reach would only report the chats already reported again and again.
        self.hasNext = hasNext && !(nextToken ?? "").isEmpty
        stalled = false
    }
}
