/// Ozon's error body, gRPC status style: `{"code": 5, "message": "…", "details": …}` where
/// `details` is an array, a string, or absent. Nil when the body is not such an object (a
/// plain-text 404, an HTML page).
struct OzonErrorBody: Decodable, Sendable {
    let code: Int?
    let message: String?

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = (try? container.decode(OzonInt.self, forKey: .code))?.value
        message = try? container.decode(String.self, forKey: .message)
    }

    enum CodingKeys: String, CodingKey {
        case code, message
    }
}
