import Hashing

extension ConnectorError {
    /// The error with `secrets` (a tenant's credentials) taken out of every text that came from
    /// outside: a marketplace may quote the key it refused ("Api-Key … is invalid"), an answer
    /// that could not be read is quoted in part, and both reach the client in `detail` and
    /// `upstream.message`. Such texts are cut to a few hundred characters, so a secret cut off
    /// at the end is taken out too (its first `shortestRedacted` characters or more).
    public func redacting(_ secrets: [String]) -> ConnectorError {
        let secrets = secrets.filter { $0.count >= Self.shortestRedacted }
        guard !secrets.isEmpty else { return self }
        func clean(_ failure: UpstreamFailure) -> UpstreamFailure {
            var failure = failure
            failure.message = Self.redact(failure.message, secrets)
            return failure
        }
        switch self {
        case .invalidRequest(let field, let reason): return .invalidRequest(field: field, reason: Self.redact(reason, secrets))
        case .upstreamAuthFailed(let failure): return .upstreamAuthFailed(clean(failure))
        case .upstreamRejected(let failure): return .upstreamRejected(clean(failure))
        case .upstreamRateLimited(let wait, let failure): return .upstreamRateLimited(retryAfter: wait, failure.map(clean))
        case .upstreamUnavailable(let wait, let failure): return .upstreamUnavailable(retryAfter: wait, failure.map(clean))
        case .upstreamTimeout(let failure): return .upstreamTimeout(failure.map(clean))
        case .upstreamError(let failure): return .upstreamError(clean(failure))
        case .unknownConnector, .credentialsMissing, .operationNotSupported, .itemNotFound, .malformedItemID: return self
        }
    }

    /// Any run of this many characters or more of a secret, wherever it stands in a text: half of
    /// an API key, or a key with its dashes taken out (`Tenant.secrets` adds that form), is
    /// still most of the secret. Sixteen characters of a key or token never come up by chance.
    static let shortestFragment = 16

    /// `text` with every run of `shortestFragment` or more bytes that also stands in `secret`
    /// (ASCII letters in any case) replaced, overlapping runs as one. Such a run is a union of
    /// windows of `shortestFragment` bytes found in the secret, so the windows are looked up in
    /// a set of the secret's, linear in both lengths; overlapping windows from different places
    /// in the secret may take out a little more than one run of it, never less.
    static func redactingFragments(_ text: String, of secret: String) -> String {
        func folded(_ byte: UInt8) -> UInt8 { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte }
        let textBytes = Array(text.utf8), secretBytes = secret.utf8.map(folded)
        guard textBytes.count >= shortestFragment, secretBytes.count >= shortestFragment else { return text }
        // Sixteen bytes, folded, as two words: `shortestFragment` is the width of a window.
        struct Window: Hashable { var low: UInt64, high: UInt64 }
        func window(_ bytes: some RandomAccessCollection<UInt8>, at start: Int) -> Window {
            var window = Window(low: 0, high: 0)
            for (offset, byte) in bytes.dropFirst(start).prefix(shortestFragment).enumerated() {
                let value = UInt64(folded(byte))
                if offset < 8 { window.low |= value << (8 * offset) } else { window.high |= value << (8 * (offset - 8)) }
            }
            return window
        }
        var windows = Set<Window>(minimumCapacity: secretBytes.count)
        for start in 0...(secretBytes.count - shortestFragment) { windows.insert(window(secretBytes, at: start)) }
        var ranges: [Range<Int>] = []
        for start in 0...(textBytes.count - shortestFragment) where windows.contains(window(textBytes, at: start)) {
            var lower = start
            // Whole characters: a run never starts or ends inside a multi-byte one.
            while lower > 0, textBytes[lower] & 0xC0 == 0x80 { lower -= 1 }
            if let last = ranges.last, last.upperBound >= lower {
                ranges[ranges.count - 1] = last.lowerBound..<(start + shortestFragment)
            } else {
                ranges.append(lower..<(start + shortestFragment))
            }
        }
        guard !ranges.isEmpty else { return text }
        var out: [UInt8] = []
        var position = 0
        for range in ranges {
            // A space the secret holds ("Bearer <token>") stays in the text around it.
            var (start, end) = (range.lowerBound, range.upperBound)
            while start < end, textBytes[start] == UInt8(ascii: " ") { start += 1 }
            while end > start, textBytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
            while end < textBytes.count, textBytes[end] & 0xC0 == 0x80 { end += 1 }
            out += textBytes[position..<start]
            out += "[redacted]".utf8
            position = end
        }
        out += textBytes[min(position, textBytes.count)...]
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` with the percent-escapes of unreserved characters (letters, digits, `-._~`) written
    /// as those characters, as RFC 3986 §6.2.2.2 normalizes them: a secret quoted with its
    /// letters escaped is then the same text as one quoted without. Other escapes stay.
    static func decodingUnreserved(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = Hex.value(bytes[index + 1]), let low = Hex.value(bytes[index + 2]) {
                let decoded = high << 4 | low
                let unreserved = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(decoded | 0x20)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(decoded) || "-._~".utf8.contains(decoded)
                if unreserved {
                    out.append(decoded)
                    index += 3
                    continue
                }
            }
            out.append(bytes[index])
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Shorter values (an Ozon Client-Id is a few digits, and not secret) would blank out
    /// ordinary numbers and words.
    static let shortestRedacted = 8

    static func redact(_ text: String, _ secrets: [String]) -> String {
        var text = decodingUnreserved(text)
        // Both sides normalized alike: a secret with an escape of its own matches as quoted.
        for secret in secrets.map(decodingUnreserved) {
            // In any letter case: a marketplace may quote a key lower-cased or upper-cased.
            text = text.replacingOccurrences(of: secret, with: "[redacted]", options: .caseInsensitive)
            text = redactingFragments(text, of: secret)
            // The start of a secret where the text was cut.
            let (lowerText, lowerSecret) = (text.lowercased(), secret.lowercased())
            for length in stride(from: min(secret.count - 1, text.count), through: shortestRedacted, by: -1)
            where lowerText.hasSuffix(lowerSecret.prefix(length)) {
                text = String(text.dropLast(length)) + "[redacted]"
                break
            }
        }
        return text
    }
}
