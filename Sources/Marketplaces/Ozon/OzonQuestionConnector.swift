import Connectors

/// Ozon questions (`ozon/question`) over `/v1/question/list`, `/v1/question/info`,
/// `/v1/question/answer/create` and `/v1/question/change-status` (or `change_status`, whichever
/// the host answers).
///
/// Mapping: answered when Ozon marks the question `PROCESSED` (answered, or handled without an
/// answer), or it has an answer the buyer sees or soon will; a question Ozon has not processed
/// whose every answer moderation turned down (`MODERATION_FAILED`, `DUPLICATE`) is unanswered.
/// `answers_count` cannot tell, so such questions (answers, not processed) have their answers
/// read, in lists and updates too. `read` is false only for `NEW`; `author.name` =
/// `author_name`; `product` = sku with `product_url`. `item` adds the latest answer as `reply`
/// (the latest standing one, when there is one).
public struct OzonQuestionConnector: ChannelConnector {
    /// `ozon/question` in the registry.
    public static let key = ConnectorKey(.ozon, .question)
    /// Everything the gateway offers: Ozon supports each operation for questions.
    public static let operations: Set<ConnectorOperation> = [.listItems, .item, .reply, .markRead, .updates]
    /// Ozon takes answers of 2…3000 characters.
    public static let replyBounds = 2...3000

    /// The tenant's Ozon session, shared with its other Ozon connectors.
    public let session: OzonSession
    /// `ozon/question`.
    public var key: ConnectorKey { Self.key }
    /// Every operation (`Self.operations`).
    public var operations: Set<ConnectorOperation> { Self.operations }

    /// The tenant's question connector over its shared `session`.
    public init(session: OzonSession) {
        self.session = session
    }

    /// Newest first. "Unanswered" asks Ozon for `UNPROCESSED` and drops questions that have an
    /// answer anyway; "answered" is filtered here from `ALL` (answers or `PROCESSED`). The answers
    /// of a question whose list entry cannot say whether it is answered are read only for the
    /// entries the page looks at, not for the rest of Ozon's page.
    public func listItems(_ query: ListQuery, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ItemPage {
        try OzonValidation.limit(query.limit)
        let listing = try OzonListCursor(query)
        let status = listing.status
        let pageSize = status == nil ? query.limit : 100
        var undecided: [String: OzonQuestionObject] = [:]
        // Of this page's undecided questions, whether each was turned down, once read.
        var turnedDownOnPage: [String: Bool] = [:]
        let (items, next) = try await OzonListPager.collect(
            limit: query.limit, from: listing.position, id: { $0.id }, date: { $0.publishedAt.millisecondsSinceEpoch },
            fetch: { token, upTo async throws(ConnectorError) in
                let (page, candidates) = try await list(from: listing.since, to: upTo.map(Timestamp.init(millisecondsSinceEpoch:)),
                                                        ascending: false,
                                                        status: status == .unanswered ? "UNPROCESSED" : "ALL", lastID: token,
                                                        limit: pageSize, includeRaw: query.includeRaw, deadline: deadline)
                undecided = Dictionary(candidates.map { ($0.id, $0) }) { $1 }
                turnedDownOnPage = [:]
                return page
            },
            accept: { entries, range, items async throws(ConnectorError) in
                // Filtered, the pager hands over as many entries as the page still wants, one at a
                // time near its end: the next eight are read together, as a list of them would be.
                let ahead = status == nil ? range : range.lowerBound..<min(entries.count, max(range.upperBound, range.lowerBound + 8))
                let candidates = ahead.compactMap { index in
                    turnedDownOnPage[entries[index].id] == nil ? undecided[entries[index].id] : nil
                }
                if !candidates.isEmpty {
                    let ids = try await turnedDown(candidates, deadline: deadline)
                    for question in candidates { turnedDownOnPage[question.id] = ids.contains(question.id) }
                }
                for index in range where turnedDownOnPage[entries[index].id] == true { entries[index].item?.status = .unanswered }
                entries.moveItems(in: range, status: status, to: &items)
            })
        return ItemPage(items: items, nextCursor: listing.cursor(at: next))
    }

    /// `/v1/question/info`, plus `/v1/question/answer/list` for the latest answer when there are answers.
    public func item(id: String, includeRaw: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> Item {
        try ItemIDShape.uuid.check(id)
        let (question, response) = try await info(id, deadline: deadline)
        var item = Self.item(question, raw: includeRaw ? response.json() : nil)
        if let sku = question.sku, (question.answersCount?.value ?? 0) > 0 {
            let answers = try await answers(questionID: id, sku: sku, deadline: deadline)
            item.reply = Self.reply(from: answers)
            if Self.isTurnedDown(question, answers: answers) { item.status = .unanswered }
        }
        return item
    }

    /// Answers with the question's own sku, which Ozon requires and the caller does not know:
    /// the question is read first. An answer whose response was lost is looked for among the
    /// question's (`OzonSession.confirmedReply`): a standing one, as an earlier answer of the
    /// same words that moderation turned down is what a seller sends again.
    public func reply(to id: String, text: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ReplyReceipt {
        try ItemIDShape.uuid.check(id)
        try OzonValidation.text(text, bounds: Self.replyBounds)
        let session = session
        return try await session.writing("question/" + id, until: deadline) { () throws(ConnectorError) -> ReplyReceipt in
            try await answer(id, text: text, deadline: deadline)
        }
    }

    private func answer(_ id: String, text: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ReplyReceipt {
        let (question, _) = try await info(id, deadline: deadline)
        guard let sku = question.sku, let number = sku.unsigned else {
            throw .upstreamError(UpstreamFailure(marketplace: .ozon, status: 200, message: "question \(id) came without a sku"))
        }
        let session = session
        return try await session.confirmedReply(deadline: deadline) { until throws(ConnectorError) in
            let (answer, _) = try await session.post(
                "/v1/question/answer/create", .object(["question_id": .string(id), "sku": .uint(number), "text": .string(text)]),
                as: OzonWriteResponse.self, safety: .nonIdempotent, operation: "question.answer.create", deadline: until)
            return ReplyReceipt(itemID: id, replyID: answer.answerID)
        } find: { since, until throws(ConnectorError) in
            let answer = try await answers(questionID: id, sku: sku, deadline: until)
                .filter { answer in
                    answer.isStanding && answer.text.map { OzonShownText.matches($0, sent: text, markdown: false) } == true
                        && (answer.publishedAt?.timestamp).map { $0 >= since } == true
                }
                .max { ($0.publishedAt?.timestamp ?? OzonDate.missing) < ($1.publishedAt?.timestamp ?? OzonDate.missing) }
            return answer.map { ReplyReceipt(itemID: id, replyID: $0.id, createdAt: $0.publishedAt?.timestamp) }
        }
    }

    /// Sets a `NEW` question (or v1's `UNPROCESSED`, which says it is not processed) to `VIEWED`.
    /// A question already viewed or processed, or in a state this gateway does not know, is left
    /// alone: `change-status` would otherwise move a processed question back to viewed. It runs
    /// after the item's other writes (`OzonSession.writing`), so an answer sent beside it cannot
    /// land between its read and its write.
    public func markRead(id: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) {
        try ItemIDShape.uuid.check(id)
        let session = session
        try await session.writing("question/" + id, until: deadline) { () throws(ConnectorError) in
            try await setViewed(id, deadline: deadline)
        }
    }

    private func setViewed(_ id: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) {
        let (question, _) = try await info(id, deadline: deadline)
        guard let state = question.status?.state, state == .new || state == .unprocessed else { return }
        let body = OzonBody.object(["question_ids": .array([.string(id)]), "status": .string("VIEWED")])
        let path = session.questionStatusPath.withLock { $0 }
        do {
            _ = try await session.post(path, body, as: OzonWriteResponse.self, safety: .idempotent,
                                       operation: "question.change-status", deadline: deadline)
        } catch {
            // The documents give the method under two spellings; a host that does not know this
            // one answers a plain 404 (a known method's 404 is JSON, and is an item's).
            guard case .upstreamError(let failure) = error, failure.status == 404 else { throw error }
            let other = path == Self.statusPaths.0 ? Self.statusPaths.1 : Self.statusPaths.0
            _ = try await session.post(other, body, as: OzonWriteResponse.self, safety: .idempotent,
                                       operation: "question.change-status", deadline: deadline)
            session.questionStatusPath.withLock { $0 = other }
        }
    }

    /// `/v1/question/change-status` (Ozon's spec of April 2026) and `/v1/question/change_status`
    /// (newer copies of its documents and clients).
    static let statusPaths = ("/v1/question/change-status", "/v1/question/change_status")

    /// New questions since the cursor, oldest first, by `filter.date_from` (see `OzonPublishedSync`).
    /// The answers of a question whose list entry cannot say whether it is answered are read
    /// only for the questions returned: a call may read many pages (and drop most of what it
    /// read), and reading answers for each would spend the account's rate budget and the
    /// request's deadline on questions it does not report.
    public func updates(since cursor: Cursor?, limit: Int, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> UpdatesPage {
        var undecided: [String: OzonQuestionObject] = [:]
        var page = try await OzonPublishedSync.updates(since: cursor, limit: limit) { from, to, token async throws(ConnectorError) in
            let (page, candidates) = try await list(from: from, to: to, ascending: true, status: "ALL", lastID: token, limit: 100,
                                                    includeRaw: false, deadline: deadline)
            // A question read again (a list out of order is read twice) is judged by its latest copy.
            for entry in page.entries { undecided[entry.id] = nil }
            for question in candidates { undecided[question.id] = question }
            return page
        }
        let candidates = page.items.compactMap { undecided[$0.id] }
        if !candidates.isEmpty {
            let ids = try await turnedDown(candidates, deadline: deadline)
            for index in page.items.indices where ids.contains(page.items[index].id) { page.items[index].status = .unanswered }
        }
        return page
    }

    private func info(_ id: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> (OzonQuestionObject, UpstreamResponse) {
        try await session.post("/v1/question/info", .object(["question_id": .string(id)]), as: OzonQuestionObject.self,
                               safety: .idempotent, operation: "question.info", deadline: deadline)
    }

    /// A page of `/v1/question/list`, with the questions whose list entry cannot say whether they
    /// are answered (`mayBeTurnedDown`): the caller reads the answers of those it keeps
    /// (`turnedDown`), as their entries' status says "answered" until then.
    private func list(from: Timestamp?, to: Timestamp? = nil, ascending: Bool, status: String, lastID: String?, limit: Int,
                      includeRaw: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError)
        -> (page: OzonPage<OzonDatedEntry>, undecided: [OzonQuestionObject]) {
        var filter: [String: OzonBody] = ["status": .string(status)]
        if let from { filter["date_from"] = .string(from.rfc3339) }
        if let to { filter["date_to"] = .string(to.rfc3339) }
        var body: [String: OzonBody] = [
            "filter": .object(filter), "limit": .int(Int64(limit)), "sort_dir": .string(ascending ? "ASC" : "DESC"),
        ]
        if let lastID { body["last_id"] = .string(lastID) }
        let (page, response) = try await session.post("/v1/question/list", .object(body), as: OzonQuestionListResponse.self,
                                                      safety: .idempotent, operation: "question.list", deadline: deadline)
        let questions = page.questions ?? []
        let raws = includeRaw ? OzonSession.rawObjects(response, key: "questions") : []
        // By index: `enumerated()` hands each question over as a copy in a tuple.
        let entries = questions.indices.map { index in
            let item = Self.item(questions[index], raw: index < raws.count ? raws[index] : nil)
            let publishedAt = item.createdAt
            return OzonDatedEntry(id: questions[index].id, publishedAt: publishedAt, item: consume item)
        }
        // Versions without `has_next` end the list with an empty page or an empty `last_id`.
        return (OzonPage(entries: entries, nextToken: page.lastID, hasNext: page.hasNext?.value ?? !questions.isEmpty, asked: lastID),
                questions.filter(Self.mayBeTurnedDown))
    }

    /// The ids of those of `candidates` (questions with answers that Ozon has not processed)
    /// that have no standing answer; their answers are read eight at a time. A read that failed
    /// for a while (a timeout, a 5xx, a 429, an open circuit) fails the call, as the item's own
    /// read does: a question whose every answer was turned down must not be shown answered (nor
    /// left out of "unanswered") because its answers could not be read just then. A question
    /// gone meanwhile, or one whose answers Ozon refuses for good, keeps what its list entry
    /// said: failing on it would stop every later list or updates call at the same place.
    private func turnedDown(_ candidates: [OzonQuestionObject], deadline: ContinuousClock.Instant) async throws(ConnectorError) -> Set<String> {
        let outcomes = await OzonFanOut.map(candidates, stopsAt: { $0.isRetryable }) { question throws(ConnectorError) in
            guard let sku = question.sku else { return false }
            return Self.isTurnedDown(question, answers: try await answers(questionID: question.id, sku: sku, deadline: deadline))
        }
        var found: Set<String> = []
        for (question, outcome) in zip(candidates, outcomes) {
            switch outcome {
            case .success(true): found.insert(question.id)
            case .success(false): break
            case .failure(let error) where error.isRetryable: throw error
            case .failure: break
            }
        }
        return found
    }

    /// A question whose list entry alone cannot say whether it is answered: it has answers,
    /// and Ozon has not processed it.
    static func mayBeTurnedDown(_ question: OzonQuestionObject) -> Bool {
        (question.answersCount?.value ?? 0) > 0 && question.status?.state != .processed
    }

    /// Whether moderation turned down every answer of a question Ozon has not processed.
    static func isTurnedDown(_ question: OzonQuestionObject, answers: [OzonQuestionAnswerObject]) -> Bool {
        question.status?.state != .processed && !answers.isEmpty && !answers.contains(where: \.isStanding)
    }

    /// The latest standing answer, or the latest of all when moderation turned every one down.
    static func reply(from answers: [OzonQuestionAnswerObject]) -> Item.Reply? {
        let byTime = { (a: OzonQuestionAnswerObject, b: OzonQuestionAnswerObject) in
            (a.publishedAt?.timestamp ?? OzonDate.missing) < (b.publishedAt?.timestamp ?? OzonDate.missing)
        }
        guard let latest = answers.filter(\.isStanding).max(by: byTime) ?? answers.max(by: byTime) else { return nil }
        return Item.Reply(text: latest.text ?? "", createdAt: latest.publishedAt?.timestamp, state: latest.statusPublication)
    }

    /// Every answer of the question (up to five of Ozon's pages).
    private func answers(questionID: String, sku: OzonID, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> [OzonQuestionAnswerObject] {
        var answers: [OzonQuestionAnswerObject] = []
        var lastID: String?
        for _ in 0..<5 {
            var body: [String: OzonBody] = ["question_id": .string(questionID), "sku": sku.unsigned.map(OzonBody.uint) ?? .string(sku.text)]
            if let lastID { body["last_id"] = .string(lastID) }
            let (page, _) = try await session.post("/v1/question/answer/list", .object(body), as: OzonQuestionAnswerListResponse.self,
                                                   safety: .idempotent, operation: "question.answer.list", deadline: deadline)
            let received = page.answers ?? []
            answers += received
            guard !received.isEmpty, let next = page.lastID, !next.isEmpty, next != lastID else { break }
            lastID = next
        }
        return answers
    }

    // Inlined into the page's map: called out of line, each item cost one more copy and release.
    @inline(__always)
    static func item(_ question: OzonQuestionObject, raw: JSONValue?) -> Item {
        let answered = (question.answersCount?.value ?? 0) > 0 || question.status?.state == .processed
        return Item(
            id: question.id, marketplace: .ozon, channel: .question, kind: .question, text: question.text ?? "",
            createdAt: question.publishedAt?.timestamp ?? OzonDate.missing, status: answered ? .answered : .unanswered,
            author: question.authorName.map { Item.Author(name: $0) },
            product: question.sku.map { Item.Product(id: $0.text, url: question.productURL) },
            read: question.status?.read, raw: raw)
    }
}
