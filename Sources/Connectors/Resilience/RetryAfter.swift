import Foundation

/// Reads how long an upstream asks us to wait: `Retry-After` as delta-seconds or as an
/// HTTP-date (RFC 9110 §10.2.3), or Wildberries' `X-Ratelimit-Retry` in seconds.
public enum RetryAfter {
    /// The wait the response announces, if any; never negative.
    public static func delay(in response: UpstreamResponse, now: Date = Date()) -> Duration? {
        if let value = response.header("x-ratelimit-retry"), let seconds = seconds(value) { return seconds }
        if let value = response.header("retry-after") { return parse(value, now: now) }
        return nil
    }

    /// `Retry-After` in either of its forms.
    public static func parse(_ value: String, now: Date = Date()) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = seconds(trimmed) { return seconds }
        guard let date = httpDate(trimmed) else { return nil }
        let interval = date.timeIntervalSince(now)
        return .milliseconds(Int64(max(0, interval) * 1000))
    }

    private static func seconds(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) || Double(trimmed) != nil,
              let value = Double(trimmed), value.isFinite, value >= 0 else { return nil }
        return .milliseconds(Int64(min(value, 86_400) * 1000))
    }

    /// IMF-fixdate, and the two obsolete forms RFC 9110 says recipients must accept.
    private static func httpDate(_ text: String) -> Date? {
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
