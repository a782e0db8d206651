/// What a server's loops are doing, each loop looked at on its own thread, one after another
/// (`HTTPServer.activity()`): an observable for tests that must know the server has read,
/// queued or held something back before they check what it did not do, instead of sleeping
/// and hoping it has. Counted only when asked; the loops keep no count of their own.
package struct ServerActivity: Sendable {
    /// Connections whose request head has begun to arrive (a byte of it read, not all of it).
    package var readingHead = 0
    /// Connections whose read runs while bytes sent after it wait unread, watched only for the
    /// client's FIN (`Connection.watchOnlyForHangUp`).
    package var watchedForHangUp = 0
    /// Connections whose client shut its side (a FIN seen) while a request of theirs runs.
    package var halfClosed = 0
    /// Connections receiving a request's body (its head read), waiting for room or not.
    package var receivingBody = 0
    /// Of those, the ones whose body waits, unread, for room under `maxLoopBodyBytes`.
    package var awaitingBodyRoom = 0
    /// Body bytes the loops have given room to (`EventLoop+BodyRoom`).
    package var bodyBytesReserved = 0
    /// Memory the connections hold for requests' input: their buffers' capacity (what was
    /// allocated, not what fills it), of requests being read and of bytes kept unparsed.
    package var inputBufferBytes = 0
    /// Connections that take no further request until their client reads the output they hold.
    package var awaitingDrain = 0
    /// Connections sending their last response before shutting their side (`Connection: close`).
    package var closing = 0
    /// Connections whose side is shut, reading what the client still sends until it closes.
    package var lingering = 0
    /// Loops that stopped accepting: the server is full and a newcomer waits in the backlog.
    package var acceptPaused = 0
    /// Times a full loop looked among its connections for one to close for a newcomer waiting
    /// at its listener: at the newcomer's arrival, then every 100 ms while it waits.
    package var roomSearches = 0
    /// Loops told to drain (`stop`).
    package var drainingLoops = 0
    /// Loops done: drained, or past their grace period, with nothing left to wait for.
    package var finishedLoops = 0

    /// A loop whose thread has ended.
    static let stopped = ServerActivity(drainingLoops: 1, finishedLoops: 1)

    package init() {}

    private init(drainingLoops: Int, finishedLoops: Int) {
        self.drainingLoops = drainingLoops
        self.finishedLoops = finishedLoops
    }

    static func += (total: inout ServerActivity, loop: ServerActivity) {
        total.readingHead += loop.readingHead
        total.watchedForHangUp += loop.watchedForHangUp
        total.halfClosed += loop.halfClosed
        total.receivingBody += loop.receivingBody
        total.awaitingBodyRoom += loop.awaitingBodyRoom
        total.bodyBytesReserved += loop.bodyBytesReserved
        total.inputBufferBytes += loop.inputBufferBytes
        total.awaitingDrain += loop.awaitingDrain
        total.closing += loop.closing
        total.lingering += loop.lingering
        total.acceptPaused += loop.acceptPaused
        total.roomSearches += loop.roomSearches
        total.drainingLoops += loop.drainingLoops
        total.finishedLoops += loop.finishedLoops
    }
}
