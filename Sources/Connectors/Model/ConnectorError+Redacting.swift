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

    /// The runs of `shortestFragment` or more bytes of `text` that also stand in `secret` (both
    /// folded: ASCII letters in lower case), overlapping runs as one. Such a run is a union of
    /// windows of `shortestFragment` bytes found in the secret, so the windows are looked up in
    /// a set of the secret's, linear in both lengths; overlapping windows from different places
    /// in the secret may take out a little more than one run of it, never less.
    static func fragmentRanges(in text: [UInt8], of secret: [UInt8]) -> [Range<Int>] {
        guard text.count >= shortestFragment, secret.count >= shortestFragment else { return [] }
        // Sixteen bytes as two words: `shortestFragment` is the width of a window.
        struct Window: Hashable { var low: UInt64, high: UInt64 }
        func window(_ bytes: [UInt8], at start: Int) -> Window {
            var window = Window(low: 0, high: 0)
            for offset in 0..<shortestFragment {
                let value = UInt64(bytes[start + offset])
                if offset < 8 { window.low |= value << (8 * offset) } else { window.high |= value << (8 * (offset - 8)) }
            }
            return window
        }
        var windows = Set<Window>(minimumCapacity: secret.count)
        for start in 0...(secret.count - shortestFragment) { windows.insert(window(secret, at: start)) }
        var ranges: [Range<Int>] = []
        for start in 0...(text.count - shortestFragment) where windows.contains(window(text, at: start)) {
            if let last = ranges.last, last.upperBound >= start {
                ranges[ranges.count - 1] = last.lowerBound..<(start + shortestFragment)
            } else {
                ranges.append(start..<(start + shortestFragment))
            }
        }
        return ranges
    }

    /// Every place `secret` stands whole in `text` (both folded).
    static func occurrences(in text: [UInt8], of secret: [UInt8]) -> [Range<Int>] {
        guard let first = secret.first, secret.count <= text.count else { return [] }
        var ranges: [Range<Int>] = []
        var start = 0
        while start <= text.count - secret.count {
            if text[start] == first, text[start..<(start + secret.count)].elementsEqual(secret) {
                ranges.append(start..<(start + secret.count))
                start += secret.count
            } else {
                start += 1
            }
        }
        return ranges
    }

    /// `text` with each of `ranges` (in any order, overlapping or touching ones as one) written
    /// `[redacted]`. A range is widened to whole characters, and a space the secret holds at its
    /// edge ("Bearer <token>") stays in the text around it.
    static func replacing(_ ranges: [Range<Int>], in text: [UInt8]) -> String {
        guard !ranges.isEmpty else { return String(decoding: text, as: UTF8.self) }
        var merged: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            var (lower, upper) = (range.lowerBound, range.upperBound)
            while lower > 0, text[lower] & 0xC0 == 0x80 { lower -= 1 }
            while upper < text.count, text[upper] & 0xC0 == 0x80 { upper += 1 }
            if let last = merged.last, last.upperBound >= lower {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, upper)
            } else {
                merged.append(lower..<upper)
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var position = 0
        for range in merged {
            var (start, end) = (range.lowerBound, range.upperBound)
            while start < end, text[start] == UInt8(ascii: " ") { start += 1 }
            while end > start, text[end - 1] == UInt8(ascii: " ") { end -= 1 }
            out += text[position..<start]
            out += "[redacted]".utf8
            position = end
        }
        out += text[position...]
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

    /// `text` with every secret taken out: whole, in any letter case; any run of
    /// `shortestFragment` or more of it; and its start where the text was cut. The places are
    /// found for every secret in the same text before any is replaced, so that one secret's
    /// fragment taken out first cannot hide the rest of another form of it (a key and the same
    /// key without its dashes share their runs).
    static func redact(_ text: String, _ secrets: [String]) -> String {
        let bytes = Array(decodingUnreserved(text).utf8)
        let folded = bytes.map(fold)
        var ranges: [Range<Int>] = []
        // Both sides normalized alike: a secret with an escape of its own matches as quoted.
        for secret in secrets.map(decodingUnreserved) {
            let secretBytes = secret.utf8.map(fold)
            ranges += occurrences(in: folded, of: secretBytes)
            ranges += fragmentRanges(in: folded, of: secretBytes)
            // The start of a secret where the text was cut.
            for length in stride(from: min(secretBytes.count - 1, folded.count), through: shortestRedacted, by: -1)
            where folded.suffix(length).elementsEqual(secretBytes.prefix(length)) {
                ranges.append((folded.count - length)..<folded.count)
                break
            }
        }
        return replacing(ranges, in: bytes)
    }

    /// `byte` with an ASCII capital in lower case: a marketplace may quote a key in either case.
    static func fold(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}
