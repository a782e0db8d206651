import Foundation
import Hashing
import HTTP
import Synchronization

/// Gives every request an id and echoes it in `X-Request-ID`: the client's own when it is sane
/// (1–128 characters of letters, digits and `-_.:`, in one field line), so a proxy's id runs
/// through the logs, otherwise a fresh one: two lines are the list `one, two`, which is no id.
/// An id that may carry a credential, which the log and the response must not repeat, gets a
/// fresh one too: one of 8 bytes or more found inside a field that carries credentials
/// (`Authorization`, `X-API-Key`, `Proxy-Authorization`, `Cookie`), one holding such a field's
/// token of 8 bytes or more (a Basic field's too, decoded), and one whose SHA-256 is a
/// configured key's or the metrics token's. (Shorter ids and tokens, such as `42` or `Bearer`,
/// are too common to mean a key.)
public struct RequestIDMiddleware: Middleware {
    private let generator = RequestIDGenerator()
    private let secretDigests: Set<[UInt8]>

    /// Ids come from a generator of its own, fresh per process. `secretDigests`: the SHA-256 of
    /// every secret an id must not be (the tenants' keys, the metrics token).
    public init(secretDigests: Set<[UInt8]> = []) {
        self.secretDigests = secretDigests
    }

    /// Part of the chain (see `Middleware`).
    public func handle(_ request: HTTPRequest, context: GatewayContext, next: GatewayHandler) async throws -> HTTPResponse {
        context.requestID = Self.offeredID(in: request, secretDigests: secretDigests) ?? generator.next()
        var response = try await next(request, context)
        response.headers.add("X-Request-ID", context.requestID)
        return response
    }

    /// The client's `X-Request-ID` when it may be used as the request's id (see the type).
    static func offeredID(in request: HTTPRequest, secretDigests: Set<[UInt8]> = []) -> String? {
        guard let offered = request.headers["X-Request-ID"], isSane(offered),
              request.headers.lineCount("X-Request-ID") == 1 else { return nil }
        if offered.utf8.count >= 8, Self.credentialFields.contains(where: { request.headers.anyValue($0, contains: offered) }) {
            return nil
        }
        for field in Self.credentialFields {
            for value in request.headers.values(field) where credentialTokens(in: value).contains(where: { offered.contains($0) }) {
                return nil
            }
        }
        if !secretDigests.isEmpty, secretDigests.contains(SHA256.hash(offered.utf8)) { return nil }
        return offered
    }

    /// The runs of a credential field's value that an id could hold (its id characters), of 8
    /// bytes or more; after `Basic`, the decoded user and password as well.
    static func credentialTokens(in value: String) -> [Substring] {
        let runs = value.split { !isIDCharacter($0) }
        var tokens = runs.filter { $0.utf8.count >= 8 }
        for (index, run) in runs.enumerated() where run.lowercased() == "basic" && index + 1 < runs.count {
            // The run stops at `=` padding, `+` and `/`: decode the field's own text after the scheme.
            let rest = value[run.endIndex...].drop { $0 == " " || $0 == "\t" }.prefix { $0 != " " && $0 != "," }
            guard let decoded = Data(base64Encoded: String(rest)), let text = String(data: decoded, encoding: .utf8) else { continue }
            tokens += text.split { !isIDCharacter($0) || $0 == ":" }.filter { $0.utf8.count >= 8 }
        }
        return tokens
    }

    static let credentialFields = ["Authorization", "X-API-Key", "Proxy-Authorization", "Cookie"]

    static func isSane(_ id: String) -> Bool {
        let bytes = id.utf8
        guard (1...128).contains(bytes.count) else { return false }
        return bytes.allSatisfy(isIDByte)
    }

    private static func isIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
             UInt8(ascii: "."), UInt8(ascii: ":"):
            true
        default:
            false
        }
    }

    private static func isIDCharacter(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        return isIDByte(ascii)
    }
}
