/// The review methods: lists v1 and v2, info, count, comments and status changes. Every one of
/// them checks its arguments first and the subscription second, as Ozon does.
extension OzonSellerData {
    func requireSubscription() throws(OzonFailure) {
        guard account.hasSubscription else { throw .noSubscription }
    }

    static func reviewLimit(_ body: OzonJSONBody) throws(OzonFailure) -> Int {
        guard let limit = try body.int64("limit") else { throw .invalid("invalid field limit: value is required") }
        guard (20...100).contains(limit) else { throw .invalid("invalid field limit: value must be inside range [20, 100]") }
        return Int(limit)
    }

    static func sortAscending(_ body: OzonJSONBody, default ascending: Bool) throws(OzonFailure) -> Bool {
        guard let dir = try body.enumValue("sort_dir", allowed: ["ASC", "DESC"]) else { return ascending }
        return dir == "ASC"
    }

    func reviewList(_ body: OzonJSONBody, v2: Bool) throws(OzonFailure) -> [String: Any] {
        let limit = try Self.reviewLimit(body)
        let asked = try Self.sortAscending(body, default: false)
        let ascending = listsIgnoreSortDirection ? false : asked
        let lastID = try body.string("last_id")
        var statuses = Set(OzonReviewStatus.allCases)
        var from: Int64?
        var to: Int64?
        var skus: Set<Int64>?
        var orderStatus: String?
        if v2 {
            if let filters = try body.object("filters") {
                switch try filters.enumValue("status", allowed: ["ALL", "NEW", "VIEWED", "PROCESSED"]) {
                case nil, "ALL": break
                case let status?: statuses = [OzonReviewStatus(rawValue: status)!]
                }
                from = try Self.instant(filters, "published_from")
                to = try Self.instant(filters, "published_to")
                var list = try filters.strings("skus")
                if list == nil { list = try filters.strings("sku") }
                if let list, !list.isEmpty {
                    guard list.count <= 1000 else { throw .invalid("invalid field skus: at most 1000 values") }
                    skus = Set(list.compactMap { Int64($0) })
                }
                orderStatus = try filters.enumValue("order_status", allowed: ["ALL", "DELIVERED", "CANCELLED"])
            }
        } else {
            switch try body.enumValue("status", allowed: ["ALL", "UNPROCESSED", "PROCESSED"]) {
            case "UNPROCESSED": statuses = [.new, .viewed]
            case "PROCESSED": statuses = [.processed]
            default: break
            }
        }
        try requireSubscription()
        let matching = reviews.filter { review in
            statuses.contains(review.status) && from.map { review.publishedAt >= $0 } ?? true
                && to.map { review.publishedAt <= $0 } ?? true && skus.map { $0.contains(review.sku) } ?? true
                && (orderStatus == nil || orderStatus == "ALL" || orderStatus == review.orderStatus)
        }
        let keys = Dictionary(reviews.map { ($0.id, $0.publishedAt) }, uniquingKeysWith: { a, _ in a })
        let (page, hasNext) = try OzonKeyset.page(matching, key: { ($0.publishedAt, $0.id) }, allKeys: keys,
                                                  lastID: lastID, ascending: ascending, limit: limit)
        return [
            "reviews": page.map { reviewJSON($0, v2: v2) },
            "last_id": page.last?.id ?? "",
            "has_next": hasNext,
        ]
    }

    func reviewInfo(_ body: OzonJSONBody) throws(OzonFailure) -> [String: Any] {
        let id = try Self.requiredString(body, "review_id")
        try requireSubscription()
        guard let index = reviewIndex(id) else { throw .notFound("review not found") }
        let review = reviews[index]
        // A v1 method answers in v1's words: `UNPROCESSED`/`PROCESSED`, sku a number.
        var json = reviewJSON(review, v2: false)
        json["likes_amount"] = review.likes
        json["dislikes_amount"] = review.dislikes
        json["photos"] = (0..<review.photosAmount).map { k in
            ["url": "https://cdn1.ozone.ru/s3/rp-photo-\(k)/\(review.id).jpeg", "width": 1080, "height": 1440] as [String: Any]
        }
        json["videos"] = (0..<review.videosAmount).map { _ in
            ["url": "https://cdn1.ozone.ru/s3/video/\(review.id).mp4", "preview_url": "https://cdn1.ozone.ru/s3/video/\(review.id).jpg",
             "short_video_preview_url": "https://cdn1.ozone.ru/s3/video/\(review.id)-short.mp4", "width": 720, "height": 1280] as [String: Any]
        }
        return json
    }

    func reviewCount() throws(OzonFailure) -> [String: Any] {
        try requireSubscription()
        let processed = reviews.count { $0.status == .processed }
        return ["total": reviews.count, "processed": processed, "unprocessed": reviews.count - processed]
    }

    mutating func reviewCommentCreate(_ body: OzonJSONBody, now: Int64) throws(OzonFailure) -> [String: Any] {
        let id = try Self.requiredString(body, "review_id")
        let text = try Self.text(body, bounds: 1...3000)
        let markProcessed = try body.bool("mark_review_as_processed") ?? false
        let parent = try body.string("parent_comment_id").flatMap { $0.isEmpty ? nil : $0 }
        try requireSubscription()
        guard let index = reviewIndex(id) else { throw .notFound("review not found") }
        if let parent, !reviews[index].comments.contains(where: { $0.id == parent }) {
            throw .notFound("parent comment not found")
        }
        let comment = OzonReviewComment(id: random.uuid(milliseconds: now / 1000), text: stored(text), publishedAt: now,
                                        isOwner: true, isOfficial: parent == nil, parentCommentID: parent)
        reviews[index].comments.append(comment)
        if markProcessed { reviews[index].status = .processed }
        return ["comment_id": comment.id]
    }

    func reviewCommentList(_ body: OzonJSONBody) throws(OzonFailure) -> [String: Any] {
        let id = try Self.requiredString(body, "review_id")
        let limit = try Self.reviewLimit(body)
        let offset = Int(try body.int64("offset") ?? 0)
        guard offset >= 0 else { throw .invalid("invalid field offset: value must be non-negative") }
        let ascending = try Self.sortAscending(body, default: true)
        try requireSubscription()
        guard let index = reviewIndex(id) else { throw .notFound("review not found") }
        var comments = reviews[index].comments.sorted { ($0.publishedAt, $0.id) < ($1.publishedAt, $1.id) }
        if !ascending { comments.reverse() }
        let page = comments.dropFirst(offset).prefix(limit)
        return [
            "comments": page.map { comment -> [String: Any] in
                var json: [String: Any] = [
                    "id": comment.id, "is_official": comment.isOfficial, "is_owner": comment.isOwner,
                    "published_at": OzonTime.format(comment.publishedAt), "text": comment.text,
                ]
                json["parent_comment_id"] = comment.parentCommentID ?? ""
                return json
            },
            "offset": offset + page.count,
        ]
    }

    mutating func reviewCommentDelete(_ body: OzonJSONBody) throws(OzonFailure) -> [String: Any] {
        let id = try Self.requiredString(body, "comment_id")
        try requireSubscription()
        for index in reviews.indices {
            if let position = reviews[index].comments.firstIndex(where: { $0.id == id }) {
                reviews[index].comments.remove(at: position)
                return [:]
            }
        }
        throw .notFound("comment not found")
    }

    mutating func reviewChangeStatus(_ body: OzonJSONBody) throws(OzonFailure) -> [String: Any] {
        guard let ids = try body.strings("review_ids"), (1...100).contains(ids.count) else {
            throw .invalid("invalid field review_ids: value must contain between 1 and 100 items")
        }
        guard let status = try body.enumValue("status", allowed: ["PROCESSED", "UNPROCESSED"]) else {
            throw .invalid("invalid field status: value is required")
        }
        try requireSubscription()
        let indices = ids.compactMap { reviewIndex($0) }
        guard indices.count == ids.count else { throw .notFound("review not found") }
        for index in indices {
            if status == "PROCESSED" {
                reviews[index].status = .processed
            } else if reviews[index].status == .processed {
                // Taken back out of "processed", a review the seller has seen stays seen.
                reviews[index].status = .viewed
            }
        }
        return [:]
    }

    func reviewJSON(_ review: OzonReview, v2: Bool) -> [String: Any] {
        [
            "id": review.id,
            // protobuf JSON writes int64 as a string; v1 answers numbers (both occur in the wild).
            "sku": v2 ? String(review.sku) as Any : review.sku as Any,
            "text": review.text,
            "published_at": OzonTime.format(review.publishedAt),
            "rating": review.rating,
            "status": v2 ? review.status.rawValue : review.status.v1Name,
            "order_status": review.orderStatus,
            "is_rating_participant": review.isRatingParticipant,
            "comments_amount": review.comments.count,
            "photos_amount": review.photosAmount,
            "videos_amount": review.videosAmount,
        ]
    }

    static func requiredString(_ body: OzonJSONBody, _ key: String) throws(OzonFailure) -> String {
        guard let value = try body.string(key), !value.isEmpty else { throw .invalid("invalid field \(key): value is required") }
        return value
    }

    /// `text`, its length in Unicode scalars within `bounds`, not only blanks.
    static func text(_ body: OzonJSONBody, bounds: ClosedRange<Int>) throws(OzonFailure) -> String {
        let text = try body.string("text") ?? ""
        let length = text.unicodeScalars.count
        guard bounds.contains(length), text.contains(where: { !$0.isWhitespace }) else {
            throw .invalid("invalid field text: value length must be between \(bounds.lowerBound) and \(bounds.upperBound) runes")
        }
        return text
    }

    static func instant(_ body: OzonJSONBody, _ key: String) throws(OzonFailure) -> Int64? {
        guard let text = try body.string(key), !text.isEmpty else { return nil }
        guard let value = OzonTime.parse(text) else { throw .invalid("invalid field \(key): not an RFC 3339 timestamp") }
        return value
    }
}
