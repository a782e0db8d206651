import Connectors

/// Ozon's error body, gRPC status style: `{"code": 5, "message": "…", "details": …}` where
/// `details` is an array, a string, or absent. A `code` or `message` of another kind is left
/// out rather than failing; the read fails when the body is not such an object (a plain-text
/// 404, an HTML page).
struct OzonErrorBody: JSONReadable, Sendable {
    let code: Int?
    let message: String?

    init(json: JSONElement) throws(JSONReadError) {
        var code: Int?, message: String?
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "code": code = (try? OzonInt(json: value))?.value
            case "message": message = try? value.string()
            default: break
            }
        }
        self.code = code
        self.message = message
    }
}
