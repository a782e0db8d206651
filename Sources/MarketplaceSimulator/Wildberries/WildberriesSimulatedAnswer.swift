/// A seller's answer to a feedback or a question.
public struct WildberriesSimulatedAnswer: Sendable, Equatable {
    /// The answer text.
    public var text: String
    /// Feedbacks: `none`, `wbRu`, `reviewRequired`, `rejected`, `rejectedAntispam`.
    public var state: String
    /// Whether the host still takes an edit of the answer.
    public var editable: Bool
    /// When it was given (questions report it as `createDate`), unix ms.
    public var createdAt: Int64
    /// How many more edits Wildberries allows: one, within 60 days.
    public var editsLeft: Int

    /// A published, editable answer with its one edit left unless told otherwise; `createdAt` in unix ms.
    public init(text: String, state: String = "wbRu", editable: Bool = true, createdAt: Int64, editsLeft: Int = 1) {
        self.text = text
        self.state = state
        self.editable = editable
        self.createdAt = createdAt
        self.editsLeft = editsLeft
    }
}
