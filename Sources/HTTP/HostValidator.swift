/// Checks a Host field value against `uri-host [ ":" port ]` (RFC 9110 §7.2, RFC 3986 §3.2.2).
/// An empty value is valid: it is what a client sends when the target has no authority.
enum HostValidator {
    static func isValid(_ buffer: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
        var i = start
        if i < end, buffer[i] == UInt8(ascii: "[") {
            i += 1
            guard let close = ipLiteralEnd(buffer, i, end) else { return false }
            i = close + 1
        } else {
            while i < end, buffer[i] != UInt8(ascii: ":") {
                if buffer[i] == UInt8(ascii: "%") {
                    // pct-encoded: two hexadecimal digits follow.
                    guard end - i > 2, ASCII.classes[Int(buffer[i + 1])] & ASCII.hex != 0,
                          ASCII.classes[Int(buffer[i + 2])] & ASCII.hex != 0 else { return false }
                    i += 3
                    continue
                }
                guard isRegNameByte(buffer[i]) else { return false }
                i += 1
            }
        }
        guard i < end else { return true }
        guard buffer[i] == UInt8(ascii: ":") else { return false }
        i += 1
        // port = *DIGIT: leading zeros are allowed (`000080` is 80), a value past 65535 is not.
        var port = 0
        while i < end {
            guard buffer[i] >= 48, buffer[i] <= 57 else { return false }
            port = port * 10 + Int(buffer[i] - 48)
            guard port <= 65535 else { return false }
            i += 1
        }
        return true
    }

    /// The index of the `]` closing an IP-literal that starts at `start` (just past its `[`), or
    /// nil when it is not one: an IPv6 address (hex digits, `:` and `.`, as far as this checks) or
    /// `IPvFuture` = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" ) (RFC 3986 §3.2.2).
    private static func ipLiteralEnd(_ buffer: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
        var i = start
        if i < end, buffer[i] | 0x20 == UInt8(ascii: "v") {
            i += 1
            let versionStart = i
            while i < end, ASCII.classes[Int(buffer[i])] & ASCII.hex != 0 { i += 1 }
            guard i > versionStart, i < end, buffer[i] == UInt8(ascii: ".") else { return nil }
            i += 1
            let addressStart = i
            while i < end, buffer[i] != UInt8(ascii: "]") {
                guard isRegNameByte(buffer[i]) || buffer[i] == UInt8(ascii: ":") else { return nil }
                i += 1
            }
            return i < end && i > addressStart ? i : nil
        }
        while i < end, buffer[i] != UInt8(ascii: "]") {
            let c = buffer[i]
            guard ASCII.classes[Int(c)] & ASCII.hex != 0 || c == UInt8(ascii: ":") || c == UInt8(ascii: ".") else { return nil }
            i += 1
        }
        return i < end && i > start ? i : nil
    }

    /// unreserved / sub-delims (pct-encoded is checked by the caller).
    private static func isRegNameByte(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
             UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="):
            true
        default:
            false
        }
    }
}
