import Connectors
import Foundation

/// What a Wildberries error answer says, whatever its shape (reference §3.2): the legacy
/// envelope (`errorText`), problem+json (`title`, `detail`), the chat host's `error`,
/// `{"errors": […]}`, `{"code": 429, "message": ""}`, or plain text. Keeps the message and the
/// request id, never anything of the request.
struct WildberriesErrorBody {
    var message: String
    var requestID: String?
    /// The gateway's own 404 for a path no service owns (not "no such feedback").
    var isPathNotFound: Bool
    /// Set when the answer is `{…"error": true…}` (the legacy envelope's failure flag).
    var errorFlag: Bool

    init(_ response: UpstreamResponse) {
        requestID = nil
        isPathNotFound = false
        errorFlag = false
        guard let object = (try? JSONSerialization.jsonObject(with: Data(response.body), options: [.fragmentsAllowed])) as? [String: Any] else {
            let text = response.bodyText()
            message = text.isEmpty ? "HTTP \(response.status)" : text
            return
        }
        func string(_ key: String) -> String? {
            switch object[key] {
            case let value as String: value.isEmpty ? nil : value
            case let value as NSNumber: value.stringValue
            default: nil
            }
        }
        requestID = string("requestId") ?? string("requestID") ?? string("request_id")
        errorFlag = (object["error"] as? Bool) == true
        isPathNotFound = string("title")?.lowercased() == "path not found"
        var parts: [String] = []
        if let text = string("errorText") { parts.append(text) }
        if let additional = object["additionalErrors"] as? [Any] { parts += additional.compactMap { $0 as? String } }
        if let title = string("title") { parts.append(title) }
        if let detail = string("detail"), detail != string("title") { parts.append(detail) }
        if let error = object["error"] as? String, !error.isEmpty, error != string("detail") { parts.append(error) }
        if let errors = object["errors"] as? [Any] { parts += errors.compactMap { $0 as? String } }
        if let text = string("message") { parts.append(text) }
        if parts.isEmpty, let code = string("code") { parts.append("code \(code)") }
        message = parts.isEmpty ? "HTTP \(response.status)" : parts.joined(separator: ": ")
    }

    /// A maintenance window or temporary restriction ("Технический перерыв до 16:00",
    /// "временные ограничения"), whatever status it came with.
    var isMaintenance: Bool {
        let text = message.lowercased()
        return text.contains("технический перерыв") || text.contains("временные ограничения")
            || text.contains("technical break") || text.contains("maintenance")
    }
}
