/// One upstream page of a listing: its entries, the token that fetches the next page (`last_id`
/// or the chat list `cursor`), and whether there is one.
struct OzonPage<Entry: Sendable>: Sendable {
    var entries: [Entry]
    var nextToken: String?
    var hasNext: Bool

    init(entries: [Entry], nextToken: String?, hasNext: Bool) {
        self.entries = entries
        self.nextToken = nextToken
        // A page without a token to continue from is the last, whatever `has_next` says.
        self.hasNext = hasNext && !(nextToken ?? "").isEmpty
    }
}
