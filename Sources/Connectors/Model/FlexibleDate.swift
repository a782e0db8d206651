/// Parses every date form the upstreams send (reference §5.3): RFC 3339 with any number of
/// fractional digits, `Z` or a numeric offset (and `z`, or a space instead of `T`), and unix seconds or
/// milliseconds given as digits (told apart by magnitude). Empty text is "no date" (nil).
public enum FlexibleDate {
    /// The instant `text` names in any of the forms above; nil for empty or unreadable text. A
    /// fraction finer than the millisecond is cut.
    public static func parse(_ text: String) -> Timestamp? {
        var text = text
        return text.withUTF8 { parse(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// `parse` over the text's UTF-8, for readers that have the bytes and no `String`.
    public static func parse(utf8 bytes: UnsafeRawBufferPointer) -> Timestamp? {
        guard !bytes.isEmpty else { return nil }
        if bytes.allSatisfy({ $0 >= 48 && $0 <= 57 }) || (bytes.first == UInt8(ascii: "-") && bytes.count > 1) {
            guard let value = JSONTape.plainInteger(bytes) ?? Int64(String(decoding: bytes, as: UTF8.self)) else { return nil }
            return unix(value)
        }
        return rfc3339(bytes)
    }

    /// Unix time as a number: milliseconds when it is too large to be seconds (after year 33658);
    /// nil outside `years` (an upstream's junk, which would otherwise overflow where it is
    /// rendered).
    public static func unix(_ value: Int64) -> Timestamp? {
        milliseconds(value.magnitude >= 1_000_000_000_000 ? value : value * 1000)
    }

    /// Unix milliseconds, as an upstream that always gives them writes them; nil outside `years`.
    public static func milliseconds(_ value: Int64) -> Timestamp? {
        years.contains(value) ? Timestamp(millisecondsSinceEpoch: value) : nil
    }

    /// The same for a number with a fraction or an exponent, its fraction dropped; nil for one
    /// no 64-bit integer holds (infinite, NaN, 1e300).
    public static func unix(_ value: Double) -> Timestamp? {
        guard value.isFinite, let integer = Int64(exactly: value.rounded(.towardZero)) else { return nil }
        return unix(integer)
    }

    /// Years 0000 to 9999 in Unix ms: the instants RFC 3339 text can name.
    public static let years: ClosedRange<Int64> = -62_167_219_200_000...253_402_300_799_999

    private static func rfc3339(_ b: UnsafeRawBufferPointer) -> Timestamp? {
        if b.count == 24 || b.count == 20, let common = utc(b) { return common }
        var i = 0
        func digits(_ n: Int) -> Int64? {
            guard i + n <= b.count else { return nil }
            var v: Int64 = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")),
              let day = digits(2) else { return nil }
        guard i < b.count, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == UInt8(ascii: " ") else { return nil }
        i += 1
        guard let hour = digits(2), expect(UInt8(ascii: ":")), let minute = digits(2), expect(UInt8(ascii: ":")),
              let second = digits(2) else { return nil }
        var millis: Int64 = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var count = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if count < 3 { millis = millis * 10 + Int64(b[i] - 48) }
                count += 1
                i += 1
            }
            guard count >= 1 else { return nil }  // RFC 3339 sets no bound on the fraction's digits
            if count < 3 { for _ in count..<3 { millis *= 10 } }
        }
        var offsetMinutes: Int64 = 0
        guard i < b.count else { return nil }
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            let sign: Int64 = b[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let oh = digits(2) else { return nil }
            _ = expect(UInt8(ascii: ":"))
            guard let om = digits(2), oh < 24, om < 60 else { return nil }
            offsetMinutes = sign * (oh * 60 + om)
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        return instant(year, month, day, hour, minute, second, millis: millis, offsetMinutes: offsetMinutes)
    }

    /// The instant a date and time name, once their fields are in range (a leap second counts as
    /// the 59th); nil for a field out of range, a day the month does not have (2026-02-30)
    /// included, and for an instant outside `years` once the offset is applied
    /// (`0000-01-01T00:00:00+00:01`, which would be written as a year before 0). Both readers end here.
    private static func instant(_ year: Int64, _ month: Int64, _ day: Int64, _ hour: Int64, _ minute: Int64, _ second: Int64,
                                millis: Int64, offsetMinutes: Int64) -> Timestamp? {
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year, month), hour < 24, minute < 60, second <= 60 else {
            return nil
        }
        let days = Timestamp.days(year: year, month: Int(month), day: Int(day))
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offsetMinutes * 60
        return milliseconds(seconds * 1000 + millis)
    }

    private static func daysInMonth(_ year: Int64, _ month: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` and `YYYY-MM-DDTHH:MM:SSZ`, the forms the marketplaces write,
    /// read at their fixed places without the general reader's bookkeeping (a fifth of its cost);
    /// nil for anything else, which the general reader then decides on.
    private static func utc(_ b: UnsafeRawBufferPointer) -> Timestamp? {
        let last = b[b.count - 1]
        guard b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
              last == UInt8(ascii: "Z") || last == UInt8(ascii: "z"),
              b.count == 20 || b[19] == UInt8(ascii: ".")
        else { return nil }
        var invalid = false
        func number(_ start: Int, _ count: Int) -> Int64 {
            var value: Int64 = 0
            for index in start..<start + count {
                let digit = b[index] &- UInt8(ascii: "0")
                invalid = invalid || digit > 9
                value = value &* 10 &+ Int64(digit)
            }
            return value
        }
        let (year, month, day) = (number(0, 4), number(5, 2), number(8, 2))
        let (hour, minute, second) = (number(11, 2), number(14, 2), number(17, 2))
        let millis = b.count == 24 ? number(20, 3) : 0
        guard !invalid else { return nil }
        return instant(year, month, day, hour, minute, second, millis: millis, offsetMinutes: 0)
    }
}
