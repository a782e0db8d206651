import Connectors

/// The chat host's envelope `{result, errors}`.
struct WildberriesChatEnvelope<Result: JSONReadable>: JSONReadable {
    var result: Result?
    var errors: [String]

    init(json: JSONElement) throws(JSONReadError) {
        var result: Result?, errors: [String] = []
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "result": result = try value.nonNull.map(Result.init(json:))
            case "errors": errors = (value.wildberriesLenient([WildberriesScalar].self) ?? []).compactMap(\.text)
            default: break
            }
        }
        self.result = result
        self.errors = errors
    }
}
