import Foundation
import HTTP

extension Problem {
    /// The problem as an `application/problem+json` response for the request at `instance`.
    public func response(requestID: String, instance: String) -> HTTPResponse {
        var document: [String: Any] = [
            "type": "/problems/\(code)",
            "title": title,
            "status": status,
            "detail": detail,
            "instance": instance,
            "code": code,
            "request_id": requestID,
            "retryable": retryable,
        ]
        if let seconds = retryAfterSeconds { document["retry_after"] = seconds }
        if !errors.isEmpty { document["errors"] = errors.map { ["field": $0.field, "message": $0.message] } }
        if let upstream {
            var object: [String: Any] = ["marketplace": upstream.marketplace, "message": upstream.message]
            object["status"] = upstream.status ?? NSNull()
            document["upstream"] = object
        }
        let body = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])) ?? Data()
        var fields = HTTPHeaders([("Content-Type", "application/problem+json")])
        if let seconds = retryAfterSeconds { fields.add("Retry-After", String(seconds)) }
        for (name, value) in headers { fields.add(name, value) }
        return HTTPResponse(status: HTTPStatus(status), headers: fields, body: Array(body))
    }
}
