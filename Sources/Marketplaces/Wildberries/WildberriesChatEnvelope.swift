/// The chat host's envelope `{result, errors}`.
struct WildberriesChatEnvelope<Result: Decodable>: Decodable {
    var result: Result?
    var errors: [String]

    enum CodingKeys: String, CodingKey { case result, errors }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        result = try c.decodeIfPresent(Result.self, forKey: .result)
        errors = (c.wildberriesLenient([WildberriesScalar].self, forKey: .errors) ?? []).compactMap(\.text)
    }
}
