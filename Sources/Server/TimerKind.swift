/// The timers of a connection's phase; at most one at a time (the write timer runs beside it, in
/// a list of its own: `EventLoop+WriteTimer`). Each kind has one fixed duration per server, so
/// the loop keeps one list per kind, ordered by deadline simply by appending: setting, resetting
/// and cancelling a timer are O(1) with no allocation.
enum TimerKind: Int, CaseIterable {
    /// From accept or the first byte of a request to the end of its head.
    case header
    /// From the end of the head to the end of the body.
    case body
    /// Keep-alive: between a response and the next request's first byte.
    case idle
    /// Draining input after the last response, before close.
    case linger
}
