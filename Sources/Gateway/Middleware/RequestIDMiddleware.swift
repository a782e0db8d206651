import Hashing
import HTTP
import Synchronization

/// Gives every request an id and echoes it in `X-Request-ID`: the client's own when it is sane
/// (1–128 characters of letters, digits and `-_.:`), so a proxy's id runs through the logs,
/// otherwise a fresh one.
public struct RequestIDMiddleware: Middleware {
    private let generator = RequestIDGenerator()

    public init() {}

    public func handle(_ request: HTTPRequest, context: GatewayContext, next: GatewayHandler) async throws -> HTTPResponse {
        if let offered = request.headers["X-Request-ID"], Self.isSane(offered) {
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

/// Request ids unique per process and hard to guess: a random 64-bit prefix fixed at start-up and
/// a counter, both in hex (`3f9c…-1a`).
final class RequestIDGenerator: Sendable {
    /// The prefix's digits and the dash.
    private let prefix: [UInt8]
    private let counter = Atomic<UInt64>(0)

    init() {
        prefix = Array((String(UInt64.random(in: .min ... .max), radix: 16) + "-").utf8)
    }

    /// Written into the string's own buffer: joining three strings, one of them from the generic
    /// `String(_:radix:)`, cost as much as routing the request.
    func next() -> String {
        let n = counter.wrappingAdd(1, ordering: .relaxed).newValue
        let digits = max(1, (UInt64.bitWidth - n.leadingZeroBitCount + 3) / 4)
        return String(unsafeUninitializedCapacity: prefix.count + digits) { buffer in
            let start = buffer.initialize(fromContentsOf: prefix)
            var rest = n
            for index in stride(from: start + digits - 1, through: start, by: -1) {
                buffer[index] = Hex.digit(rest)
                rest >>= 4
            }
            return start + digits
        }
    }
}
