/// An instant as milliseconds since the Unix epoch, UTC. Rendered as RFC 3339 with millisecond
/// precision (`2026-05-14T08:21:37.000Z`), which every client parses; parsed by `FlexibleDate`
/// from whatever an upstream sends.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z, negative before it.
    public var millisecondsSinceEpoch: Int64

    /// The instant `millisecondsSinceEpoch` ms after the epoch; not range-checked (`FlexibleDate` is).
    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// The instant at the start of that Unix second. Traps when the milliseconds overflow `Int64`.
    public init(secondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = secondsSinceEpoch * 1000
    }

    /// Whole Unix seconds, rounded down (towards the past also before 1970).
    public var secondsSinceEpoch: Int64 {
        millisecondsSinceEpoch >= 0 ? millisecondsSinceEpoch / 1000 : (millisecondsSinceEpoch - 999) / 1000
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.millisecondsSinceEpoch < b.millisecondsSinceEpoch }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public var rfc3339: String {
        var writer = ByteWriter(capacity: 32)
        appendRFC3339(to: &writer)
        return writer.withBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// `rfc3339`'s bytes appended to `writer`, with no String in between: items are written with
    /// it. A year of four digits (all but the far past and future) and the rest are written in
    /// place, two digits at a time from a table; a longer or negative year first, by itself.
    public func appendRFC3339(to writer: inout ByteWriter) {
        let seconds = secondsSinceEpoch
        let millis = Int(millisecondsSinceEpoch - seconds * 1000)
        var days = seconds / 86_400
        var secondOfDay = Int(seconds - days * 86_400)
        if secondOfDay < 0 { secondOfDay += 86_400; days -= 1 }
        let (year, month, day) = Self.civil(days)
        let fourDigits = (0...9999).contains(year)
        if !fourDigits {
            let text = String(year)
            for _ in text.utf8.count..<max(4, text.utf8.count) { writer.append(UInt8(ascii: "0")) }
            writer.append(utf8Of: text)
        }
        writer.write(upTo: 24) { out in
            let pairs = Self.digitPairs.utf8Start
            func two(_ value: Int, at offset: Int) {
                out[offset] = pairs[value &* 2]
                out[offset + 1] = pairs[value &* 2 &+ 1]
            }
            var at = 0
            if fourDigits {
                two(Int(year) / 100, at: 0)
                two(Int(year) % 100, at: 2)
                at = 4
            }
            out[at] = UInt8(ascii: "-")
            two(month, at: at + 1)
            out[at + 3] = UInt8(ascii: "-")
            two(day, at: at + 4)
            out[at + 6] = UInt8(ascii: "T")
            two(secondOfDay / 3600, at: at + 7)
            out[at + 9] = UInt8(ascii: ":")
            two(secondOfDay / 60 % 60, at: at + 10)
            out[at + 12] = UInt8(ascii: ":")
            two(secondOfDay % 60, at: at + 13)
            out[at + 15] = UInt8(ascii: ".")
            out[at + 16] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: millis / 100)
            two(millis % 100, at: at + 17)
            out[at + 19] = UInt8(ascii: "Z")
            return at + 20
        }
    }

    /// "00", "01", … "99", for writing two digits at once.
    private static let digitPairs: StaticString = """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899
        """

    public var description: String { rfc3339 }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = FlexibleDate.parse(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 date: \(text)")
        }
        self = parsed
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }

    /// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant).
    static func civil(_ days: Int64) -> (Int64, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// (year, month, day) to days since 1970-01-01.
    static func days(year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(month > 2 ? month - 3 : month + 9)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
