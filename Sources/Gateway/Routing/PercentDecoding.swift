import Connectors

/// Percent-decoding (RFC 3986 §2.1) of the parts of a request target: path segments, and query
/// names and values in form encoding, where `+` also stands for a space. Over the bytes, since
/// Foundation's `replacingOccurrences` and `removingPercentEncoding` cost more per request than
/// routing and authentication together.
enum PercentDecoding {
    /// The text of `bytes` with every `%XX` decoded (and `+` as a space when `plusIsSpace`); nil
    /// when an escape is malformed, the result is not UTF-8, or an escape decodes to a byte
    /// `refused` rejects.
    static func decode(_ bytes: some Collection<UInt8>, plusIsSpace: Bool, refusing refused: (UInt8) -> Bool = { _ in false }) -> String? {
        guard bytes.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else {
            return String(validUTF8: bytes)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            index = bytes.index(after: index)
            switch byte {
            case UInt8(ascii: "+") where plusIsSpace:
                out.append(0x20)
            case UInt8(ascii: "%"):
                guard index < bytes.endIndex, let high = hexValue(bytes[index]) else { return nil }
                index = bytes.index(after: index)
                guard index < bytes.endIndex, let low = hexValue(bytes[index]) else { return nil }
                index = bytes.index(after: index)
                let decoded = high << 4 | low
                guard !refused(decoded) else { return nil }
                out.append(decoded)
            default:
                out.append(byte)
            }
        }
        return String(validUTF8: out)
    }

    /// `text`, already UTF-8, decoded the same way; returned as it is when it has no escape.
    static func decode(_ text: Substring, plusIsSpace: Bool) -> String? {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else {
            return String(text)
        }
        return decode(text.utf8, plusIsSpace: plusIsSpace)
    }

    /// Whether every `%` in `bytes` starts an escape `decode` takes: two hex digits follow it.
    static func escapesAreWhole(_ bytes: some Collection<UInt8>) -> Bool {
        let bytes = Array(bytes)
        for index in bytes.indices where bytes[index] == UInt8(ascii: "%") {
            guard index + 2 < bytes.count, hexValue(bytes[index + 1]) != nil, hexValue(bytes[index + 2]) != nil else { return false }
        }
        return true
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
