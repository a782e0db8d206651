/// The date forms Wildberries writes (reference §5.3), from unix milliseconds: UTC with `Z`,
/// with 0–9 fractional digits, or Moscow time with `+03:00`.
public enum WildberriesDateText {
    /// `2026-05-14T08:21:37Z`, optionally with `fractionDigits` digits after the second.
    public static func utc(_ milliseconds: Int64, fractionDigits: Int = 0) -> String {
        render(milliseconds, offsetMinutes: 0, fractionDigits: fractionDigits)
    }

    /// `2026-05-14T11:21:37+03:00`.
    public static func moscow(_ milliseconds: Int64) -> String {
        render(milliseconds, offsetMinutes: 180, fractionDigits: 0)
    }

    static func render(_ milliseconds: Int64, offsetMinutes: Int64, fractionDigits: Int) -> String {
        let local = milliseconds + offsetMinutes * 60_000
        let millis = ((local % 1000) + 1000) % 1000
        let seconds = (local - millis) / 1000
        var days = seconds / 86_400
        var secondOfDay = seconds - days * 86_400
        if secondOfDay < 0 { secondOfDay += 86_400; days -= 1 }
        let (y, m, d) = civil(days)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        var text = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        if fractionDigits > 0 {
            // Digits past the millisecond are made up from the milliseconds, as a real clock's would be.
            let digits = pad(millis, 3) + String(String(millis * 7919 % 1_000_000).reversed())
            let fraction = String((digits + "000000000").prefix(min(9, fractionDigits)))
            text += "." + fraction
        }
        if offsetMinutes == 0 { return text + "Z" }
        return text + (offsetMinutes > 0 ? "+" : "-") + pad(abs(offsetMinutes) / 60, 2) + ":" + pad(abs(offsetMinutes) % 60, 2)
    }

    /// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
    static func civil(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
