import Connectors

/// A seller's answer as feedbacks (`{text, state, editable}`) and questions
/// (`{text, editable, createDate}`) carry it. Unknown `state` values are kept as they come.
struct WildberriesAnswer: JSONReadable, Sendable {
    var text: String
    var state: String?
    var editable: Bool?
    var createdAt: Timestamp?

    init(json: JSONElement) throws(JSONReadError) {
        var text = WildberriesScalar.null, state = WildberriesScalar.null, editable = WildberriesScalar.null
        var createDate = WildberriesScalar.null, createdDate = WildberriesScalar.null
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "text": text = WildberriesScalar(value)
            case "state": state = WildberriesScalar(value)
            case "editable": editable = WildberriesScalar(value)
            case "createDate": createDate = WildberriesScalar(value)
            case "createdDate": createdDate = WildberriesScalar(value)
            default: break
            }
        }
        self.text = text.string ?? ""
        self.state = state.text
        self.editable = editable.bool
        createdAt = createDate.timestamp ?? createdDate.timestamp
    }

    /// Moderation turned the answer down (`rejected`, or `rejectedAntispam` since 2025-10): the
    /// buyer does not see it, so the feedback is still waiting for one.
    var wasRejected: Bool { state == "rejected" || state == "rejectedAntispam" }

    /// Whether the answer already says `text`, as Wildberries keeps it (trimmed): a reply that
    /// would write nothing new.
    func says(_ text: String) -> Bool {
        self.text.wildberriesWords == text.wildberriesWords
    }

    /// Refuses, unless the client asked to `replace` it, a reply that would edit this answer (one
    /// the buyer sees, or will once moderated): another writer's, the seller's own from the
    /// portal, or a retry whose words changed would otherwise be overwritten, spending the one
    /// edit Wildberries allows. `what` names the item ("feedback …").
    func checkReplaceable(_ what: String, replacing: Bool) throws(ConnectorError) {
        guard !replacing else { return }
        throw .upstreamRejected(UpstreamFailure(
            marketplace: .wildberries, status: nil,
            message: "not sent: \(what) already has another answer (GET the item to see it); to replace it, send the reply with"
                + " \"replace\": true (Wildberries allows one edit, within 60 days of the answer)"))
    }

    /// Refuses an edit Wildberries would refuse: it allows one edit of an answer, within 60
    /// days, and says when none is left (`editable` false). `what` names the item ("feedback …").
    /// An answer moderation turned down is not checked: whether Wildberries takes another is its
    /// call, and its refusal comes back in its own words.
    func checkEditable(_ what: String) throws(ConnectorError) {
        guard editable == false, !wasRejected else { return }
        throw .upstreamRejected(UpstreamFailure(marketplace: .wildberries, status: nil,
                                                message: "not sent: the answer to \(what) can no longer be edited (Wildberries gives answer.editable false)"))
    }
}
