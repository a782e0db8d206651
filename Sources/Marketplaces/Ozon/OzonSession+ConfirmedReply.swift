import Connectors
import Foundation

extension OzonSession {
    /// How long before its send a reply found afterwards may be dated and still be taken for it:
    /// Ozon's clock is not ours, and a seller rarely sends the same words to the same item twice
    /// within it.
    static let confirmationWindow: Int64 = 10 * 60 * 1000

    /// The part of a reply's remaining time held back for looking it up after a failure: a
    /// quarter, and at most 3 s.
    func lookupReserve(until deadline: ContinuousClock.Instant) -> Duration {
        min(.seconds(3), max(.zero, deadline - caller.now) / 4)
    }

    /// Sends a reply with `write`, under a deadline that keeps `lookupReserve` back. When the
    /// write fails after it may have reached Ozon (no answer in time, a lost connection, a 5xx),
    /// asks `find` for the reply on the item (given the instant `confirmationWindow` before the
    /// send, from which one of the same words may be dated), and reports the one found as sent:
    /// Ozon has no idempotency key, so this is how a reply whose answer was lost is told from one
    /// that was not made. Otherwise, or when the look fails, the write's failure stands, still
    /// saying that Ozon may have applied it.
    func confirmedReply(deadline: ContinuousClock.Instant,
                        write: @Sendable (ContinuousClock.Instant) async throws(ConnectorError) -> ReplyReceipt,
                        find: (_ since: Timestamp, ContinuousClock.Instant) async throws(ConnectorError) -> ReplyReceipt?)
        async throws(ConnectorError) -> ReplyReceipt {
        // The gateway's counter when there is one (its log counts these calls), else one of ours.
        let counter = UpstreamCallCounter.current ?? UpstreamCallCounter()
        let before = counter.count
        let since = Timestamp(millisecondsSinceEpoch: Timestamp.wallClock().millisecondsSinceEpoch - Self.confirmationWindow)
        let writeDeadline = deadline - lookupReserve(until: deadline)
        let failure: ConnectorError
        do {
            return try await UpstreamCallCounter.$current.withValue(counter) { try await write(writeDeadline) }
        } catch let error as ConnectorError {
            failure = error
        } catch {
            // `write` throws only ConnectorError; `withValue` forgets the type.
            failure = .upstreamError(UpstreamFailure(marketplace: .ozon, status: nil, message: "\(error)"))
        }
        guard counter.reports.dropFirst(before).contains(where: \.mayHaveChanged) else { throw failure }
        let found = await UpstreamCaller.$isLookingUp.withValue(true) { try? await find(since, deadline) }
        guard let found = found ?? nil else { throw failure }
        return found
    }
}
