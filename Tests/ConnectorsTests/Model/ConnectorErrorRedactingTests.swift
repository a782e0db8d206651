import Connectors
import Testing

@Suite("ConnectorError.redacting")
struct ConnectorErrorRedactingTests {
    private static let token = "eyJhbGciOiJFUzI1NiJ9.eyJzaWQiOiJzZWxsZXIifQ.c2lnbmF0dXJl"

    @Test("a secret quoted whole is replaced, wherever the error carries the marketplace's words")
    func whole() {
        let failure = UpstreamFailure(marketplace: .wildberries, status: 401, message: "token \(Self.token) is not valid")
        for error in [ConnectorError.upstreamAuthFailed(failure), .upstreamError(failure), .upstreamRejected(failure),
                      .upstreamRateLimited(retryAfter: nil, failure), .upstreamUnavailable(retryAfter: nil, failure),
                      .upstreamTimeout(failure), .invalidRequest(field: nil, reason: failure.message)] {
            let text = "\(error.redacting([Self.token]))"
            #expect(!text.contains(Self.token), "\(text)")
            #expect(text.contains("token [redacted] is not valid"), "\(text)")
        }
    }

    @Test("given a message cut to 300 characters inside the secret, then the part of it that is left is replaced too")
    func cut() {
        let message = String(repeating: "x", count: 280) + " " + Self.token
        let failure = UpstreamFailure(marketplace: .wildberries, status: 400, message: message)
        #expect(failure.message.count == 300)
        let redacted = "\(ConnectorError.upstreamRejected(failure).redacting([Self.token]))"
        #expect(!redacted.contains(String(Self.token.prefix(8))), "\(redacted)")
        #expect(redacted.contains("[redacted]"))
    }

    @Test("values shorter than 8 characters (a Client-Id) are left alone, so numbers in the text survive")
    func short() {
        let failure = UpstreamFailure(marketplace: .ozon, status: 400, message: "limit 42 is out of range")
        #expect(ConnectorError.upstreamRejected(failure).redacting(["42"]) == .upstreamRejected(failure))
    }

    @Test("given a marketplace that quotes the secret in another letter case, then it is replaced all the same")
    func anyCase() {
        let failure = UpstreamFailure(marketplace: .ozon, status: 400, message: "key \(Self.token.lowercased()) or \(Self.token.uppercased()) refused")
        let redacted = "\(ConnectorError.upstreamRejected(failure).redacting([Self.token]))"
        #expect(!redacted.lowercased().contains(String(Self.token.prefix(12)).lowercased()), "\(redacted)")
        #expect(redacted.contains("key [redacted] or [redacted] refused"), "\(redacted)")
    }

    @Test("given a secret shorter than a fragment (8 to 15 characters) quoted in another letter case, then it is replaced all the same",
          arguments: ["Ab3dEf9h", "sEcReT-kEy-0123"])
    func anyCaseShort(secret: String) {
        let failure = UpstreamFailure(marketplace: .ozon, status: 400, message: "key \(secret.uppercased()) or \(secret.lowercased()) refused")
        let redacted = "\(ConnectorError.upstreamRejected(failure).redacting([secret]))"
        #expect(redacted.contains("key [redacted] or [redacted] refused"), "\(redacted)")
    }

    @Test("given a marketplace that quotes the secret with letters or digits percent-escaped, then it is replaced all the same, and other escapes stay")
    func escapedLetters() {
        let escaped = Self.token.replacingOccurrences(of: "J", with: "%4A").replacingOccurrences(of: "9", with: "%39")
        let failure = UpstreamFailure(marketplace: .ozon, status: 400, message: "key \(escaped) refused (a%20b, 100%)")
        let redacted = "\(ConnectorError.upstreamRejected(failure).redacting([Self.token]))"
        #expect(redacted.contains("key [redacted] refused (a%20b, 100%)"), "\(redacted)")
    }
}
