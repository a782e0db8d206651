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
