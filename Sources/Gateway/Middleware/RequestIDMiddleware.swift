import Hashing
import HTTP
import Synchronization

/// Gives every request an id and echoes it in `X-Request-ID`: the client's own when it is sane
/// (1–128 characters of letters, digits and `-_.:`, in one field line), so a proxy's id runs
/// through the logs, otherwise a fresh one: two lines are the list `one, two`, which is no id.
/// An id of 8 bytes or more found inside a field that carries credentials (`Authorization`,
/// `X-API-Key`, `Proxy-Authorization`, `Cookie`) is a credential sent in the wrong field, which
/// the log and the response must not repeat: it gets a fresh one too. (Shorter ids, such as `42`
/// or `Bearer`, are too common to mean a key.)
public struct RequestIDMiddleware: Middleware {
    private let generator = RequestIDGenerator()

    /// Ids come from a generator of its own, fresh per process.
    public init() {}

    /// Part of the chain (see `Middleware`).
    public func handle(_ request: HTTPRequest, context: GatewayContext, next: GatewayHandler) async throws -> HTTPResponse {
        context.requestID = Self.offeredID(in: request) ?? generator.next()
        var response = try await next(request, context)
        response.headers.add("X-Request-ID", context.requestID)
        return response
    }

    /// The client's `X-Request-ID` when it may be used as the request's id (see the type).
    static func offeredID(in request: HTTPRequest) -> String? {
        guard let offered = request.headers["X-Request-ID"], isSane(offered),
              request.headers.lineCount("X-Request-ID") == 1 else { return nil }
        if offered.utf8.count >= 8, Self.credentialFields.contains(where: { request.headers.anyValue($0, contains: offered) }) {
            return nil
        }
        return offered
    }

    static let credentialFields = ["Authorization", "X-API-Key", "Proxy-Authorization", "Cookie"]

    static func isSane(_ id: String) -> Bool {
        let bytes = id.utf8
        guard (1...128).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                 UInt8(ascii: "."), UInt8(ascii: ":"):
                true
            default:
                false
            }
        }
    }
}
