import HTTP

/// An error answer of the Ozon Seller host: HTTP status plus the gRPC-status body
/// `{"code", "message", "details"}` its gateway writes.
struct OzonFailure: Error, Sendable {
    var status: Int
    /// The gRPC code (3 invalid argument, 5 not found, 7 permission denied, 16 unauthenticated…).
    var code: Int
    var message: String

    /// 400 code 3, as request validation answers.
    static func invalid(_ reason: String) -> OzonFailure {
        OzonFailure(status: 400, code: 3, message: "Request validation error: \(reason)")
    }

    static func notFound(_ message: String) -> OzonFailure {
        OzonFailure(status: 404, code: 5, message: message)
    }

    static let missingHeaders = OzonFailure(status: 401, code: 16, message: "Client-Id and Api-Key headers are required")
    static let badClientID = OzonFailure(status: 400, code: 3, message: "Client-Id header value should be positive integer")
    static let badAPIKey = OzonFailure(status: 404, code: 5, message: "Invalid Api-Key, please check the key and try again")
    static let noSubscription = OzonFailure(
        status: 403, code: 7,
        message: "rpc error: code = PermissionDenied desc = not available with existing subscription")
    static let methodNotAllowed = OzonFailure(status: 405, code: 12, message: "Method Not Allowed")

    func response(headers: [(String, String)] = []) -> HTTPResponse {
        SimulatorResponse.json(["code": code, "message": message, "details": [Any]()], status: status, headers: headers)
    }
}
