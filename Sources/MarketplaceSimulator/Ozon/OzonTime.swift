import Foundation
import HTTP

/// Ozon's instants: microseconds since the Unix epoch, written as RFC 3339 UTC with millisecond
/// (`2024-10-10T07:23:55.970Z`) or microsecond (`…55.970123Z`) precision, as the real host does.
enum OzonTime {
    static func micros(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
    }

    static var now: Int64 { micros(Date()) }

    /// RFC 3339 UTC with `fractionDigits` (3 or 6) fractional digits.
    static func format(_ micros: Int64, fractionDigits: Int = 3) -> String {
        var seconds = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 { fraction += 1_000_000; seconds -= 1 }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 { secondOfDay += 86_400; days -= 1 }
        let (y, m, d) = HTTPDate.civil(fromDays: Int(days))
        let frac = fractionDigits >= 6 ? pad(fraction, 6) : pad(fraction / 1000, 3)
        return "\(pad(Int64(y), 4))-\(pad(Int64(m), 2))-\(pad(Int64(d), 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(frac)Z"
    }

    /// Parses RFC 3339 (`Z` or a numeric offset, 0–9 fractional digits); nil when it is not one.
    static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int64? {
            guard i + n <= b.count else { return nil }
            var v: Int64 = 0
            for k in 0..<n {
                guard b[i + k] >= 48, b[i + k] <= 57 else { return nil }
                v = v * 10 + Int64(b[i + k] - 48)
            }
            i += n
            return v
        }
        func expect(_ c: Character) -> Bool {
            guard i < b.count, b[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2),
              (1...12).contains(month), (1...31).contains(day),
              i < b.count, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == UInt8(ascii: " ")
        else { return nil }
        i += 1
        guard let hour = digits(2), expect(":"), let minute = digits(2), expect(":"), let second = digits(2),
              hour < 24, minute < 60, second < 61 else { return nil }
        var micros: Int64 = 0
        if expect(".") {
            var count = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if count < 6 { micros = micros * 10 + Int64(b[i] - 48) }
                count += 1
                i += 1
            }
            guard count > 0 else { return nil }
            for _ in min(count, 6)..<6 { micros *= 10 }
        }
        var offset: Int64 = 0
        if expect("Z") || expect("z") {
        } else if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            let sign: Int64 = b[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let oh = digits(2), expect(":"), let om = digits(2) else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let seconds = Int64(HTTPDate.days(year: Int(year), month: Int(month), day: Int(day))) * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offset
        return seconds * 1_000_000 + micros
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
