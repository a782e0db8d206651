import CSystem

extension EventLoop {
    /// This loop's part of `HTTPServer.activity()`, counted now by walking its connections: for
    /// tests only, off every request's way.
    var activity: ServerActivity {
        var activity = ServerActivity()
        activity.bodyBytesReserved = bodyBytesReserved
        activity.drainingLoops = isDraining ? 1 : 0
        activity.finishedLoops = isFinished ? 1 : 0
        activity.acceptPaused = listenerPaused ? 1 : 0
        activity.roomSearches = roomSearches
        for case let connection? in connections {
            if connection.phase == .processing, connection.finSeen { activity.halfClosed += 1 }
            activity.inputBufferBytes += connection.storage.capacity + connection.pending.capacity
            switch connection.phase {
            case .head where !connection.parser.hasNotBegunARequest || connection.pendingHoldsARequest:
                activity.readingHead += 1
            case .processing where connection.interest & (CS_EPOLLIN | CS_EPOLLRDHUP) == CS_EPOLLRDHUP:
                activity.watchedForHangUp += 1
            case .body:
                activity.receivingBody += 1
                if connection.awaitsBodyRoom { activity.awaitingBodyRoom += 1 }
            case .idle where connection.awaitingDrain:
                activity.awaitingDrain += 1
            case .closing:
                activity.closing += 1
            case .lingering:
                activity.lingering += 1
            default:
                break
            }
        }
        return activity
    }
}
