import Connectors

/// Ozon reviews (`ozon/review`) over `/v2/review/list`, `/v1/review/info`,
/// `/v1/review/comment/create` and `/v1/review/change-status`. Needs the account's review
/// subscription (else `upstreamAuthFailed`).
///
/// Mapping: `status` is answered iff Ozon's status is `PROCESSED` (the seller has handled the
/// review: commented with "mark as processed", or marked it so); `read` is false only for `NEW`
/// (`VIEWED` and `PROCESSED` were seen); `rating`, `product.id` = sku. Reviews have no author in
/// the API. `item` adds the seller's latest comment as `reply`.
public struct OzonReviewConnector: ChannelConnector {
    /// `ozon/review` in the registry.
    public static let key = ConnectorKey(.ozon, .review)
    /// Everything the gateway offers: Ozon supports each operation for reviews.
    public static let operations: Set<ConnectorOperation> = [.listItems, .item, .reply, .markRead, .updates]
    /// Ozon documents no bounds for a review comment; the gateway asks for 1…3000 characters,
    /// the bound Ozon sets for answers to questions.
    public static let replyBounds = 1...3000

    /// The tenant's Ozon session, shared with its other Ozon connectors.
    public let session: OzonSession
    /// `ozon/review`.
    public var key: ConnectorKey { Self.key }
    /// Every operation (`Self.operations`).
    public var operations: Set<ConnectorOperation> { Self.operations }

    /// The tenant's review connector over its shared `session`.
    public init(session: OzonSession) {
        self.session = session
    }

    /// Newest first. Ozon pages reviews 20…100 at a time, so a smaller `limit` is served from a
    /// larger upstream page and the cursor remembers the spot inside it. "Unanswered" (NEW or
    /// VIEWED) has no single upstream filter: it is filtered here from `ALL`.
    public func listItems(_ query: ListQuery, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ItemPage {
        try OzonValidation.limit(query.limit)
        let listing = try OzonListCursor(query)
        let status = listing.status
        let pageSize = status == .unanswered ? 100 : max(query.limit, 20)
        let (items, next) = try await OzonListPager.collect(
            limit: query.limit, from: listing.position, id: { $0.id }, date: { $0.publishedAt.millisecondsSinceEpoch },
            fetch: { token, upTo async throws(ConnectorError) in
                try await list(from: listing.since, to: upTo.map(Timestamp.init(millisecondsSinceEpoch:)), ascending: false,
                               status: status == .answered ? "PROCESSED" : "ALL", lastID: token, limit: pageSize,
                               includeRaw: query.includeRaw, deadline: deadline)
            },
            accept: { entries, range, items async throws(ConnectorError) in
                entries.moveItems(in: range, status: status, to: &items)
            })
        return ItemPage(items: items, nextCursor: listing.cursor(at: next))
    }

    /// `/v1/review/info`, plus `/v1/review/comment/list` for the seller's comment when there are comments.
    public func item(id: String, includeRaw: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> Item {
        try ItemIDShape.uuid.check(id)
        let (review, response) = try await session.post(
            "/v1/review/info", .object(["review_id": .string(id)]), as: OzonReviewObject.self,
            safety: .idempotent, operation: "review.info", deadline: deadline)
        var item = Self.item(review, raw: includeRaw ? response.json() : nil)
        if (review.commentsAmount?.value ?? 1) > 0 {
            item.reply = try await sellerComment(reviewID: id, deadline: deadline)
        }
        return item
    }

    /// Comments on the review and marks it processed (`mark_review_as_processed`), so it leaves
    /// the unanswered list as it does in Ozon's own interface. A comment whose answer was lost is
    /// looked for among the review's (`OzonSession.confirmedReply`).
    public func reply(to id: String, text: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ReplyReceipt {
        try ItemIDShape.uuid.check(id)
        try OzonValidation.text(text, bounds: Self.replyBounds)
        let session = session
        return try await session.confirmedReply(deadline: deadline) { until throws(ConnectorError) in
            let (answer, _) = try await session.post(
                "/v1/review/comment/create",
                .object(["review_id": .string(id), "text": .string(text), "mark_review_as_processed": .bool(true)]),
                as: OzonWriteResponse.self, safety: .nonIdempotent, operation: "review.comment.create", deadline: until)
            return ReplyReceipt(itemID: id, replyID: answer.commentID)
        } find: { since, until throws(ConnectorError) in
            let comment = try await ownComments(reviewID: id, deadline: until)
                .filter { comment in
                    comment.text.map { OzonShownText.matches($0, sent: text, markdown: false) } == true
                        && (comment.publishedAt?.timestamp).map { $0 >= since } == true
                }
                .max { ($0.publishedAt?.timestamp ?? OzonDate.missing) < ($1.publishedAt?.timestamp ?? OzonDate.missing) }
            return comment.map { ReplyReceipt(itemID: id, replyID: $0.id, createdAt: $0.publishedAt?.timestamp) }
        }
    }

    /// Ozon has no "viewed" switch for reviews: `/v1/review/change-status` takes only `PROCESSED`
    /// and `UNPROCESSED`, and `UNPROCESSED` leaves a new review new. Marking read therefore sets
    /// `PROCESSED`, the state Ozon's interface gives a review the seller has dealt with; the
    /// review then reads as seen and handled (`status` answered).
    public func markRead(id: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) {
        try ItemIDShape.uuid.check(id)
        _ = try await session.post(
            "/v1/review/change-status", .object(["review_ids": .array([.string(id)]), "status": .string("PROCESSED")]),
            as: OzonWriteResponse.self, safety: .idempotent, operation: "review.change-status", deadline: deadline)
    }

    /// New reviews since the cursor, oldest first, by `filters.published_from` (see `OzonPublishedSync`).
    public func updates(since cursor: Cursor?, limit: Int, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> UpdatesPage {
        try await OzonPublishedSync.updates(since: cursor, limit: limit) { from, to, token async throws(ConnectorError) in
            try await list(from: from, to: to, ascending: true, status: "ALL", lastID: token, limit: 100, includeRaw: false,
                           deadline: deadline)
        }
    }

    private func list(from: Timestamp?, to: Timestamp? = nil, ascending: Bool, status: String, lastID: String?, limit: Int,
                      includeRaw: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> OzonPage<OzonDatedEntry> {
        let body = OzonReviewListRequest(status: status, from: from, to: to, lastID: lastID, limit: limit, ascending: ascending)
        let (page, response) = try await session.post("/v2/review/list", body: body.bytes, as: OzonReviewListResponse.self,
                                                      safety: .idempotent, operation: "review.list", deadline: deadline)
        let reviews = page.reviews ?? []
        let raws = includeRaw ? OzonSession.rawObjects(response, key: "reviews") : []
        // By index through the buffer: `enumerated()` hands each review over as a copy in a
        // tuple, and so, inlined into the list's closure, does the array's own subscript.
        let entries = reviews.withUnsafeBufferPointer { reviews in
            reviews.indices.map { index in
                let item = Self.item(reviews[index], raw: index < raws.count ? raws[index] : nil)
                let (id, publishedAt) = (item.id, item.createdAt)
                return OzonDatedEntry(id: id, publishedAt: publishedAt, item: consume item)
            }
        }
        return OzonPage(entries: entries, nextToken: page.lastID, hasNext: page.hasNext?.value ?? !reviews.isEmpty, asked: lastID)
    }

    private func sellerComment(reviewID: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> Item.Reply? {
        let own = try await ownComments(reviewID: reviewID, deadline: deadline)
        guard let latest = own.max(by: { ($0.publishedAt?.timestamp ?? OzonDate.missing) < ($1.publishedAt?.timestamp ?? OzonDate.missing) }) else {
            return nil
        }
        return Item.Reply(text: latest.text ?? "", createdAt: latest.publishedAt?.timestamp)
    }

    /// The seller's own comments among the review's latest 100.
    private func ownComments(reviewID: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> [OzonReviewCommentObject] {
        let (page, _) = try await session.post(
            "/v1/review/comment/list",
            .object(["review_id": .string(reviewID), "limit": .int(100), "sort_dir": .string("DESC")]),
            as: OzonReviewCommentListResponse.self, safety: .idempotent, operation: "review.comment.list", deadline: deadline)
        return (page.comments ?? []).filter { $0.isOwner?.value == true }
    }

    // Inlined into the page's map: called out of line, each item cost one more copy and release.
    @inline(__always)
    static func item(_ review: OzonReviewObject, raw: JSONValue?) -> Item {
        Item(
            id: review.id, marketplace: .ozon, channel: .review, kind: .review, text: review.text ?? "",
            createdAt: review.publishedAt?.timestamp ?? OzonDate.missing,
            status: review.status?.state == .processed ? .answered : .unanswered,
            rating: review.rating.flatMap { (1...5).contains($0.value) ? $0.value : nil }, product: review.sku.map { Item.Product(id: $0.text) },
            read: review.status?.read, raw: raw)
    }
}
