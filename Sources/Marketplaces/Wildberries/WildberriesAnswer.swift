import Connectors

/// A seller's answer as feedbacks (`{text, state, editable}`) and questions
/// (`{text, editable, createDate}`) carry it. Unknown `state` values are kept as they come.
struct WildberriesAnswer: Decodable, Sendable {
    var text: String
    var state: String?
    var editable: Bool?
    var createdAt: Timestamp?

    enum CodingKeys: String, CodingKey {
        case text, state, editable, createDate, createdDate
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        text = c.wildberriesScalar(.text).string ?? ""
        state = c.wildberriesScalar(.state).text
        editable = c.wildberriesScalar(.editable).bool
        createdAt = c.wildberriesScalar(.createDate).timestamp ?? c.wildberriesScalar(.createdDate).timestamp
    }
}
