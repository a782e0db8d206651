import Foundation

extension UpstreamResponse {
    /// The upstream's own time when it answered (`Date`, RFC 9110 §6.6.1), in unix seconds; nil
    /// without a readable one. What the upstream had at that time its answer could show, by its
    /// clock rather than this machine's.
    public var answeredAtUnixSeconds: Int64? {
        guard let value = header("date"), let date = RetryAfter.httpDate(value) else { return nil }
        return Int64(date.timeIntervalSince1970.rounded(.down))
    }
}
