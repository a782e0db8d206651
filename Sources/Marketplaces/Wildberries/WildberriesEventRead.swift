/// A page of the chat event stream with the time it was asked for, by which a reading judges
/// which of its seconds were over (`WildberriesChatLedger.isSettled`): whoever reads the page,
/// and however long after.
struct WildberriesEventRead: Sendable {
    let page: WildberriesEventsPage
    /// This machine's time (unix ms) when the page was asked for.
    let askedAt: Int64
}
