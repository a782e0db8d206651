import Connectors

extension WildberriesQuestion {
    /// The unified item: answered iff there is an answer (a rejected question carries the
    /// rejection text as its answer, with reply state `none`).
    func item(raw: JSONValue?) -> Item {
        Item(id: id, marketplace: .wildberries, channel: .question, kind: .question, text: text,
             createdAt: createdAt ?? Timestamp(millisecondsSinceEpoch: 0),
             status: hasAnswer ? .answered : .unanswered,
             product: product?.itemProduct,
             reply: answer.map { Item.Reply(text: $0.text, createdAt: $0.createdAt, state: state, editable: $0.editable) },
             read: wasViewed, raw: raw)
    }
}
