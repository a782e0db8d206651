import Connectors

extension WildberriesFeedback {
    /// What the pros follow in an item's text: "Advantages: ", as Wildberries' pages say it.
    static let prosLabel = "Достоинства: "
    /// What the cons follow in an item's text: "Disadvantages: ".
    static let consLabel = "Недостатки: "

    /// The unified item: answered iff there is an answer moderation did not turn down (reference
    /// §5.4: `state` may say `wbRu` with no answer; a rejected answer stays in `reply` with its
    /// `state`), read from `wasViewed`, and all the buyer wrote: the comment, then the
    /// pros and the cons, each on a line of its own when given, under the labels Wildberries'
    /// own pages give them (a seller answering from the comment alone would miss a complaint
    /// made only under cons, and unlabelled it would read as praise).
    func item(raw: JSONValue?) -> Item {
        let body = [text, pros.isEmpty ? "" : Self.prosLabel + pros, cons.isEmpty ? "" : Self.consLabel + cons]
            .filter { !$0.isEmpty }.joined(separator: "\n")
        return Item(id: id, marketplace: .wildberries, channel: .review, kind: .review, text: body,
                    createdAt: createdAt ?? Timestamp(millisecondsSinceEpoch: 0),
                    status: hasStandingAnswer ? .answered : .unanswered,
                    author: userName.map { Item.Author(name: $0) },
                    rating: rating.flatMap { (1...5).contains($0) ? $0 : nil },
                    product: product?.itemProduct,
                    reply: answer.map { Item.Reply(text: $0.text, createdAt: $0.createdAt, state: $0.state, editable: $0.editable) },
                    read: wasViewed, raw: raw)
    }
}
