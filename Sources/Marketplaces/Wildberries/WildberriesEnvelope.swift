/// The feedbacks host's envelope `{data, error, errorText, additionalErrors}`.
struct WildberriesEnvelope<Payload: Decodable>: Decodable {
    var data: Payload?
    var error: Bool
    var errorText: String

    enum CodingKeys: String, CodingKey {
        case data, error, errorText
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        data = try c.decodeIfPresent(Payload.self, forKey: .data)
        error = c.wildberriesScalar(.error).bool ?? false
        errorText = c.wildberriesScalar(.errorText).string ?? ""
    }
}
