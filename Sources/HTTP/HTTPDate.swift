/// IMF-fixdate (RFC 9110 §5.6.7) without Foundation: `Sun, 06 Nov 1994 08:49:37 GMT`.
public enum HTTPDate {
    /// The date for `secondsSinceEpoch` (UTC), as 29 ASCII bytes.
    public static func imfFixdate(secondsSinceEpoch: Int) -> [UInt8] {
        let days = secondsSinceEpoch >= 0 ? secondsSinceEpoch / 86_400 : (secondsSinceEpoch - 86_399) / 86_400
        let secondsOfDay = secondsSinceEpoch - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        let weekday = ((days % 7) + 11) % 7 // 1970-01-01 was a Thursday
        var out: [UInt8] = []
        out.reserveCapacity(29)
        out.append(contentsOf: weekdays[weekday].utf8)
        out.append(contentsOf: ", ".utf8)
        two(day, &out)
        out.append(ASCII.sp)
        out.append(contentsOf: months[month - 1].utf8)
        out.append(ASCII.sp)
        two(year / 100, &out)
        two(year % 100, &out)
        out.append(ASCII.sp)
        two(secondsOfDay / 3600, &out)
        out.append(ASCII.colon)
        two(secondsOfDay / 60 % 60, &out)
        out.append(ASCII.colon)
        two(secondsOfDay % 60, &out)
        out.append(contentsOf: " GMT".utf8)
        return out
    }

    /// Proleptic Gregorian calendar from days since 1970-01-01 (H. Hinnant's algorithm). Public
    /// so that the marketplace simulators write their RFC 3339 dates with the same arithmetic.
    public static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date: the inverse of `civil(fromDays:)`.
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func two(_ value: Int, _ out: inout [UInt8]) {
        out.append(UInt8(48 + value / 10 % 10))
        out.append(UInt8(48 + value % 10))
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
