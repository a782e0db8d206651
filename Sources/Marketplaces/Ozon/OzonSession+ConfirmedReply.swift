import Connectors
import Foundation

extension OzonSession {
    /// How long before its send a reply found afterwards may be dated and still be taken for it:
    /// Ozon's clock is not ours, and a seller rarely sends the same words to the same item twice
    /// within it.
    static let confirmationWindow: Int64 = 10 * 60 * 1000

    /// Sends a reply with `write` (`UpstreamCaller.confirmedWrite`). When the write fails after
    /// it may have reached Ozon, asks `find` for the reply on the item (given the instant
    /// `confirmationWindow` before the send, from which one of the same words may be dated), and
    /// reports the one found as sent: Ozon has no idempotency key, so this is how a reply whose
    /// answer was lost is told from one that was not made.
    func confirmedReply(deadline: ContinuousClock.Instant,
                        write: @Sendable (ContinuousClock.Instant) async throws(ConnectorError) -> ReplyReceipt,
                        find: (_ since: Timestamp, ContinuousClock.Instant) async throws(ConnectorError) -> ReplyReceipt?)
        async throws(ConnectorError) -> ReplyReceipt {
        let since = Timestamp(millisecondsSinceEpoch: Timestamp.wallClock().millisecondsSinceEpoch - Self.confirmationWindow)
        return try await caller.confirmedWrite(deadline: deadline, write: write) { until throws(ConnectorError) in
            try await find(since, until)
        }
    }
}
