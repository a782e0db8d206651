import Foundation
import HTTP

/// Reads how long an upstream asks us to wait: `Retry-After` as delta-seconds or as an
/// HTTP-date in any of the three forms RFC 9110 §5.6.7 makes recipients accept, or Wildberries'
/// `X-Ratelimit-Retry` in seconds, which wins when both are present: it is the marketplace's own
/// word on its limit, where a `Retry-After` beside it may be a generic one added on the way.
public enum RetryAfter {
    /// The wait the response announces, if any; never negative. A date is measured from the
    /// response's own `Date` when it has one (RFC 9110 §10.2.3), not from this machine's clock,
    /// which may run ahead of the marketplace's by more than the wait.
    public static func delay(in response: UpstreamResponse, now: Date = Date()) -> Duration? {
        if let value = response.header("x-ratelimit-retry"), let seconds = seconds(value) { return seconds }
        if let value = response.header("retry-after") {
            return parse(value, now: response.header("date").flatMap { dates(in: $0, now: now)?.first } ?? now)
        }
        return nil
    }

    /// `Retry-After` in either of its forms; a date in the past means no wait, garbage means nil.
    /// A field repeated on the way (joined `5, 5`, or two dates, whose own commas the join's
    /// cannot be told from by splitting alone) gives the longest of its waits; one unreadable
    /// member makes the whole unreadable.
    public static func parse(_ value: String, now: Date = Date()) -> Duration? {
        if let seconds = seconds(value) { return seconds }
        if let date = httpDate(value, now: now) { return wait(until: date, now: now) }
        guard let members = members(of: value, now: now) else { return nil }
        return members.map { member in
            switch member {
            case .seconds(let seconds): seconds
            case .date(let date): wait(until: date, now: now)
            }
        }.max()
    }

    /// The dates of a `Date` field, one or repeated (joined); nil when any member is no date.
    static func dates(in value: String, now: Date) -> [Date]? {
        if let date = httpDate(value, now: now) { return [date] }
        guard let members = members(of: value, now: now) else { return nil }
        var dates: [Date] = []
        for case .date(let date) in members { dates.append(date) }
        return dates.count == members.count ? dates : nil
    }

    private enum Member {
        case seconds(Duration)
        case date(Date)
    }

    /// The members of a joined field: each comma-separated piece is delta-seconds or an asctime
    /// date, or, when it is a weekday's name, the first half of an IMF-fixdate or RFC 850 date
    /// that the next piece completes.
    private static func members(of value: String, now: Date) -> [Member]? {
        let pieces = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var members: [Member] = []
        var index = 0
        while index < pieces.count {
            let piece = pieces[index]
            if let seconds = seconds(piece) {
                members.append(.seconds(seconds))
            } else if let date = httpDate(piece, now: now) {
                members.append(.date(date))
            } else if index + 1 < pieces.count, weekdays.contains(piece.trimmingOWS().lowercased()),
                      let date = httpDate(piece.trimmingOWS() + "," + pieces[index + 1], now: now) {
                members.append(.date(date))
                index += 1
            } else {
                return nil
            }
            index += 1
        }
        return members.isEmpty ? nil : members
    }

    /// The wait until `date`, rounded up to the millisecond; none for a date past; at most a day.
    private static func wait(until date: Date, now: Date) -> Duration {
        let millis = (date.timeIntervalSince(now) * 1000).rounded(.up)
        return .milliseconds(Int64(max(0, min(millis, 86_400_000))))
    }

    /// delta-seconds (`1*DIGIT`), tolerating surrounding spaces and a fraction; at most a day.
    /// A field repeated on the way (a proxy adding its copy: `5, 5` once joined) gives the
    /// longest of its waits, the one that keeps every sender's word.
    static func seconds(_ text: String) -> Duration? {
        if text.utf8.contains(UInt8(ascii: ",")) { return text.joinedRepeats { seconds(String($0)) }?.max() }
        let trimmed = text.trimmingOWS()
        let parts = trimmed.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.utf8.allSatisfy(isDigit),
              parts.count == 1 || (!parts[1].isEmpty && parts[1].utf8.allSatisfy(isDigit)),
              let value = Double(trimmed) else { return nil }
        return .milliseconds(Int64((min(value, 86_400) * 1000).rounded(.up)))
    }

    /// An HTTP-date: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850 form
    /// (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`). Names are
    /// matched without regard to case; `UTC` is taken for `GMT`.
    static func httpDate(_ text: String, now: Date = Date()) -> Date? {
        let tokens = text.split(separator: " ", omittingEmptySubsequences: true).map { $0.lowercased() }
        guard let first = tokens.first else { return nil }
        let year: Int, month: Int, day: Int, time: Substring
        if first.hasSuffix(",") {
            guard weekdays.contains(String(first.dropLast())) else { return nil }
            if tokens.count == 6 {
                // IMF-fixdate
                guard let d = number(tokens[1], digits: 1...2), let m = months.firstIndex(of: tokens[2]),
                      let y = number(tokens[3], digits: 4...4), isGMT(tokens[5]) else { return nil }
                (day, month, year, time) = (d, m + 1, y, Substring(tokens[4]))
            } else if tokens.count == 4 {
                // rfc850-date: day-month-yy
                let parts = tokens[1].split(separator: "-", omittingEmptySubsequences: false)
                guard parts.count == 3, let d = number(parts[0], digits: 2...2), let m = months.firstIndex(of: String(parts[1])),
                      let yy = number(parts[2], digits: 2...2), isGMT(tokens[3]) else { return nil }
                (day, month, year, time) = (d, m + 1, fullYear(twoDigit: yy, now: now), Substring(tokens[2]))
            } else {
                return nil
            }
        } else {
            // asctime-date: the day is padded with a space, which the split swallows.
            guard tokens.count == 5, weekdays.contains(first), let m = months.firstIndex(of: tokens[1]),
                  let d = number(tokens[2], digits: 1...2), let y = number(tokens[4], digits: 4...4) else { return nil }
            (day, month, year, time) = (d, m + 1, y, Substring(tokens[3]))
        }
        let clock = time.split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 3, let hour = number(clock[0], digits: 2...2), let minute = number(clock[1], digits: 2...2),
              let second = number(clock[2], digits: 2...2), hour < 24, minute < 60, second <= 60,
              day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        let days = Timestamp.days(year: Int64(year), month: month, day: day)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let weekdays: Set<String> = [
        "mon", "tue", "wed", "thu", "fri", "sat", "sun",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    ]

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func isGMT(_ zone: String) -> Bool { zone == "gmt" || zone == "utc" }

    private static func number<S: StringProtocol>(_ text: S, digits: ClosedRange<Int>) -> Int? {
        guard digits.contains(text.utf8.count), text.utf8.allSatisfy(isDigit) else { return nil }
        return Int(text)
    }

    /// RFC 9110: a two-digit year more than 50 years in the future is in the past century (and,
    /// symmetrically, one 50 or more years back is in this one).
    private static func fullYear(twoDigit yy: Int, now: Date) -> Int {
        let currentYear = Int(Timestamp.civil(Int64((now.timeIntervalSince1970 / 86_400).rounded(.down))).0)
        var year = currentYear - currentYear % 100 + yy
        if year > currentYear + 50 { year -= 100 } else if year <= currentYear - 50 { year += 100 }
        return year
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
