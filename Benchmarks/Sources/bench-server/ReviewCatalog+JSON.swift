extension ReviewQuery {
    enum DecodingError: Error { case invalid }

    /// Decodes `{"skip": Int, "take": Int}` (both required, integers, no other members).
    init(json body: ArraySlice<UInt8>) throws {
        guard case .object(let members) = try JSONReader.parse(body) else { throw DecodingError.invalid }
        var skip: Int?, take: Int?
        for (key, value) in members {
            guard case .number(let text) = value, let n = Int(text) else { throw DecodingError.invalid }
            switch key {
            case "skip": skip = n
            case "take": take = n
            default: throw DecodingError.invalid
            }
        }
        guard let skip, let take else { throw DecodingError.invalid }
        self.init(skip: skip, take: take)
    }
}

extension ReviewItem {
    /// Same member order and names as `JSONEncoder` gives the peers' Codable model.
    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("createdAt"); json.string(createdAt)
        json.key("id"); json.string(id)
        json.key("product")
        json.beginObject()
        json.key("id"); json.string(product.id)
        json.key("name"); json.string(product.name)
        json.endObject()
        json.key("rating"); json.int(rating)
        json.key("text"); json.string(text)
        json.endObject()
    }
}
