import Foundation
import HTTP

/// The bodies Wildberries answers with (reference §1.5, §2.3, §3.2): the legacy envelope of the
/// feedbacks host, its problem+json for auth and rate limits, the answer endpoint's own error
/// shape, and the chat host's `{result, errors}` and problem bodies.
public enum WildberriesResponses {
    /// 200 `{data, error: false, errorText: "", additionalErrors: null}`.
    public static func envelope(_ data: Any?, headers: [(String, String)] = []) -> HTTPResponse {
        SimulatorResponse.json(["data": data ?? NSNull(), "error": false, "errorText": "", "additionalErrors": NSNull()],
                               headers: headers)
    }

    /// The legacy error envelope: `{data: null, error: true, errorText, additionalErrors, requestId}`.
    public static func legacyError(_ status: Int, _ text: String, additional: [String]? = nil) -> HTTPResponse {
        SimulatorResponse.json(["data": NSNull(), "error": true, "errorText": text,
                                "additionalErrors": additional.map { $0 as Any } ?? NSNull(), "requestId": requestID()],
                               status: status)
    }

    /// The standardized problem (401, 429): `{title, detail, code, requestId, origin, status, statusText, timestamp}`.
    public static func problem(_ status: Int, title: String, detail: String, origin: String = "s2s-api-auth-catalog",
                               headers: [(String, String)] = []) -> HTTPResponse {
        SimulatorResponse.json([
            "title": title, "detail": detail,
            "code": "07e4668e--\(requestID().prefix(12))-[UK-\(requestID().prefix(11))]; 03bce=277",
            "requestId": requestID(), "origin": origin, "status": status,
            "statusText": HTTPStatus(status).reasonPhrase, "timestamp": WildberriesDateText.utc(nowMilliseconds()),
        ], status: status, contentType: "application/problem+json", headers: headers)
    }

    /// The answer endpoint's 400/422: `{title, detail, origin: "fbapi", requestId}`.
    public static func answerError(_ status: Int, title: String, detail: String) -> HTTPResponse {
        SimulatorResponse.json(["title": title, "detail": detail, "origin": "fbapi", "requestId": requestID()],
                               status: status, contentType: "application/problem+json")
    }

    /// The chat host's errors: `{status, title, origin: "proxy-chats", detail, requestId, error}`.
    public static func chatError(_ status: Int, title: String = "Bad Request", detail: String) -> HTTPResponse {
        SimulatorResponse.json(["status": status, "title": title, "origin": "proxy-chats", "detail": detail,
                                "requestId": requestID(), "error": detail],
                               status: status, contentType: "application/problem+json")
    }

    /// The chat host's success: `{result, errors}`.
    public static func chatResult(_ result: Any, errors: [String]? = nil) -> HTTPResponse {
        SimulatorResponse.json(["result": result, "errors": errors.map { $0 as Any } ?? NSNull()])
    }

    /// The API gateway's answer for a path no service owns.
    public static func pathNotFound() -> HTTPResponse {
        SimulatorResponse.json(["title": "path not found",
                                "detail": "Please consult https://dev.wildberries.ru/openapi/api-information",
                                "status": 404, "statusText": "Not Found",
                                "timestamp": WildberriesDateText.utc(nowMilliseconds())],
                               status: 404, contentType: "application/problem+json")
    }

    /// The gateway's answer for a known path asked with a method it does not serve.
    public static func methodNotAllowed(allowed: [String]) -> HTTPResponse {
        SimulatorResponse.json(["title": "method not allowed", "detail": "Please consult https://dev.wildberries.ru/openapi/api-information",
                                "status": 405, "statusText": "Method Not Allowed",
                                "timestamp": WildberriesDateText.utc(nowMilliseconds())],
                               status: 405, contentType: "application/problem+json",
                               headers: [("Allow", allowed.joined(separator: ", "))])
    }

    /// A 32-hex-digit request id, as Wildberries puts in every error.
    static func requestID() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(format: "%016llx%016llx", generator.next() as UInt64, generator.next() as UInt64)
    }

    static func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}
