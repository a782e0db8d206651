import HTTP

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
        let (y, m, d) = HTTPDate.civil(fromDays: Int(days))
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        var text = "\(pad(Int64(y), 4))-\(pad(Int64(m), 2))-\(pad(Int64(d), 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        if fractionDigits > 0 {
            // Digits past the millisecond are made up from the milliseconds, as a real clock's would be.
            let digits = pad(millis, 3) + String(String(millis * 7919 % 1_000_000).reversed())
            let fraction = String((digits + "000000000").prefix(min(9, fractionDigits)))
            text += "." + fraction
        }
        if offsetMinutes == 0 { return text + "Z" }
        return text + (offsetMinutes > 0 ? "+" : "-") + pad(abs(offsetMinutes) / 60, 2) + ":" + pad(abs(offsetMinutes) % 60, 2)
    }
}
