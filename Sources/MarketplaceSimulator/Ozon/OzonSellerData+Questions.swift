/// The question methods. Ozon does not gate them behind the subscription in practice (live probes
/// answered 200 on accounts without one), so neither does the simulator.
extension OzonSellerData {
    func questionList(_ body: OzonJSONBody) throws(OzonFailure) -> [String: Any] {
        let limit = Int(try body.int64("limit") ?? 100)
        guard (1...100).contains(limit) else { throw .invalid("invalid field limit: value must be inside range [1, 100]") }
        let asked = try Self.sortAscending(body, default: false)
        let ascending = listsIgnoreSortDirection ? false : asked
        let lastID = try body.string("last_id")
        var statuses = Set(OzonQuestionStatus.allCases)
        var from: Int64?
        var to: Int64?
        if let filter = try body.object("filter") {
            switch try filter.enumValue("status", allowed: ["ALL", "NEW", "VIEWED", "PROCESSED", "UNPROCESSED"]) {
            case "UNPROCESSED": statuses = [.new, .viewed]
            case nil, "ALL": break
            case let status?: statuses = [OzonQuestionStatus(rawValue: status)!]
            }
            from = try Self.instant(filter, "date_from")
            to = try Self.instant(filter, "date_to")
        }
        let matching = questions.filter { question in
            statuses.contains(question.status) && from.map { question.publishedAt >= $0 } ?? true
                && to.map { question.publishedAt <= $0 } ?? true
        }
        let keys = Dictionary(questions.map { ($0.id, $0.publishedAt) }, uniquingKeysWith: { a, _ in a })
        let (page, hasNext) = try OzonKeyset.page(matching, key: { ($0.publishedAt, $0.id) }, allKeys: keys,
                                                  lastID: lastID, ascending: ascending, limit: limit)
        return ["questions": page.map(questionJSON), "last_id": page.last?.id ?? "", "has_next": hasNext]
    }

    func questionInfo(_ body: OzonJSONBody) throws(OzonFailure) -> [String: Any] {
        let id = try Self.requiredString(body, "question_id")
        guard let index = questionIndex(id) else { throw .notFound("question not found") }
        return questionJSON(questions[index])
    }

    func questionCount() -> [String: Any] {
        let count = { (status: OzonQuestionStatus) in self.questions.count { $0.status == status } }
        return [
            "all": questions.count, "new": count(.new), "viewed": count(.viewed), "processed": count(.processed),
            "unprocessed": count(.new) + count(.viewed),
        ]
    }

    mutating func questionAnswerCreate(_ body: OzonJSONBody, now: Int64) throws(OzonFailure) -> [String: Any] {
        let id = try Self.requiredString(body, "question_id")
        guard let sku = try body.int64("sku"), sku > 0 else { throw .invalid("invalid field sku: value is required") }
        let text = try Self.text(body, bounds: 2...3000)
        guard let index = questionIndex(id) else { throw .notFound("question not found") }
        guard questions[index].sku == sku else { throw .invalid("sku \(sku) does not match the question") }
        let answer = OzonQuestionAnswer(id: random.uuid(milliseconds: now / 1000), text: stored(text), authorName: "Продавец", publishedAt: now)
        questions[index].answers.append(answer)
        questions[index].status = .processed
        return ["answer_id": answer.id]
    }

    func questionAnswerList(_ body: OzonJSONBody) throws(OzonFailure) -> [String: Any] {
        let id = try Self.requiredString(body, "question_id")
        guard let sku = try body.int64("sku"), sku > 0 else { throw .invalid("invalid field sku: value is required") }
        let lastID = try body.string("last_id")
        guard let index = questionIndex(id) else { throw .notFound("question not found") }
        let question = questions[index]
        guard question.sku == sku else { throw .invalid("sku \(sku) does not match the question") }
        let keys = Dictionary(question.answers.map { ($0.id, $0.publishedAt) }, uniquingKeysWith: { a, _ in a })
        let (page, _) = try OzonKeyset.page(question.answers, key: { ($0.publishedAt, $0.id) }, allKeys: keys,
                                            lastID: lastID, ascending: true, limit: 20)
        return [
            "answers": page.map { answer -> [String: Any] in
                [
                    "id": answer.id, "author_name": answer.authorName, "published_at": OzonTime.format(answer.publishedAt, fractionDigits: 6),
                    "question_id": question.id, "sku": question.sku, "text": answer.text,
                    "status_publication": answer.statusPublication,
                ]
            },
            "last_id": page.last?.id ?? "",
        ]
    }

    mutating func questionAnswerDelete(_ body: OzonJSONBody) throws(OzonFailure) -> [String: Any] {
        let id = try Self.requiredString(body, "answer_id")
        guard let sku = try body.int64("sku"), sku > 0 else { throw .invalid("invalid field sku: value is required") }
        for index in questions.indices where questions[index].sku == sku {
            if let position = questions[index].answers.firstIndex(where: { $0.id == id }) {
                questions[index].answers.remove(at: position)
                return [:]
            }
        }
        throw .notFound("answer not found")
    }

    mutating func questionChangeStatus(_ body: OzonJSONBody) throws(OzonFailure) -> [String: Any] {
        guard let ids = try body.strings("question_ids"), (1...100).contains(ids.count) else {
            throw .invalid("invalid field question_ids: value must contain between 1 and 100 items")
        }
        guard let status = try body.enumValue("status", allowed: ["NEW", "VIEWED", "PROCESSED"]) else {
            throw .invalid("invalid field status: value is required")
        }
        let indices = ids.compactMap { questionIndex($0) }
        guard indices.count == ids.count else { throw .notFound("question not found") }
        for index in indices { questions[index].status = OzonQuestionStatus(rawValue: status)! }
        return [:]
    }

    func questionJSON(_ question: OzonQuestion) -> [String: Any] {
        let product = OzonProduct(sku: question.sku, name: "")
        return [
            "id": question.id,
            "sku": question.sku,
            "text": question.text,
            "author_name": question.authorName,
            "published_at": OzonTime.format(question.publishedAt, fractionDigits: 6),
            "status": question.status.rawValue,
            "answers_count": question.answers.count,
            "product_url": product.url,
            "question_link": "\(product.url)questions/?qid=\(question.id)",
        ]
    }
}
