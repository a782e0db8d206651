import Hashing
import HTTP
import Synchronization

/// Gives every request an id and echoes it in `X-Request-ID`: the client's own when it is sane
/// (1–128 characters of letters, digits and `-_.:`, in one field line), so a proxy's id runs
/// through the logs, otherwise a fresh one: two lines are the list `one, two`, which is no id.
public struct RequestIDMiddleware: Middleware {
    private let generator = RequestIDGenerator()

    public init() {}

    public func handle(_ request: HTTPRequest, context: GatewayContext, next: GatewayHandler) async throws -> HTTPResponse {
        if let offered = request.headers["X-Request-ID"], Self.isSane(offered), request.headers.lineCount("X-Request-ID") == 1 {
            context.requestID = offered
        } else {
            context.requestID = generator.next()
        }
        var response = try await next(request, context)
        response.headers.add("X-Request-ID", context.requestID)
        return response
    }

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
