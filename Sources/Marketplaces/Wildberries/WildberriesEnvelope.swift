import Connectors

/// The feedbacks host's envelope `{data, error, errorText, additionalErrors}`.
struct WildberriesEnvelope<Payload: JSONReadable>: JSONReadable {
    var data: Payload?
    var error: Bool
    var errorText: String

    init(json: JSONElement) throws(JSONReadError) {
        var data: Payload?, error = WildberriesScalar.null, errorText = WildberriesScalar.null
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "data": data = try value.nonNull.map(Payload.init(json:))
            case "error": error = WildberriesScalar(value)
            case "errorText": errorText = WildberriesScalar(value)
            default: break
            }
        }
        self.data = data
        self.error = error.bool ?? false
        self.errorText = errorText.string ?? ""
    }
}
