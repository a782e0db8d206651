/// Fills a seller account with deterministic data: reviews, questions and chats spread over the
/// weeks before `anchor`, in Russian and English, some already handled and some waiting.
enum OzonSeeder {
    static func seed(_ data: inout OzonSellerData, options: OzonSimulatorOptions) {
        let anchor = OzonTime.micros(options.anchor) / 1000 * 1000
        seedReviews(&data, count: options.reviewCount, anchor: anchor)
        seedQuestions(&data, count: options.questionCount, anchor: anchor)
        seedChats(&data, count: options.chatCount, messages: options.messagesPerChat, anchor: anchor)
    }

    /// Distinct instants going back from `anchor`, newest first, whole milliseconds.
    private static func instants(_ count: Int, before anchor: Int64, random: inout OzonRandom) -> [Int64] {
        var t = anchor - 5 * 60_000_000
        var out: [Int64] = []
        for _ in 0..<count {
            t -= Int64(random.int(in: 13 * 60...240 * 60)) * 1_000_000 + Int64(random.int(in: 1...999)) * 1000
            out.append(t)
        }
        return out
    }

    private static func seedReviews(_ data: inout OzonSellerData, count: Int, anchor: Int64) {
        let times = instants(count, before: anchor, random: &data.random)
        for (index, time) in times.enumerated() {
            let rating = data.random.pick([5, 5, 5, 4, 4, 3, 2, 1])
            let pool = rating >= 4 ? OzonSampleTexts.positiveReviews
                : rating == 3 ? OzonSampleTexts.neutralReviews : OzonSampleTexts.negativeReviews
            let status: OzonReviewStatus = index < 5 ? .new
                : data.random.chance(0.6) ? .processed : data.random.chance(0.6) ? .viewed : .new
            var review = OzonReview(
                id: data.random.uuid(milliseconds: time / 1000), sku: data.random.pick(OzonSampleTexts.products).sku,
                text: data.random.chance(0.1) ? "" : data.random.pick(pool), publishedAt: time, rating: rating,
                status: status, orderStatus: data.random.chance(0.95) ? "DELIVERED" : "CANCELLED",
                isRatingParticipant: data.random.chance(0.9), photosAmount: data.random.chance(0.3) ? data.random.int(in: 1...4) : 0,
                videosAmount: data.random.chance(0.05) ? 1 : 0, likes: data.random.int(in: 0...12), dislikes: data.random.int(in: 0...3))
            if status == .processed, data.random.chance(0.7) {
                let at = time + Int64(data.random.int(in: 1...600)) * 60_000_000
                review.comments.append(OzonReviewComment(
                    id: data.random.uuid(milliseconds: at / 1000), text: data.random.pick(OzonSampleTexts.reviewComments),
                    publishedAt: min(at, anchor), isOwner: true, isOfficial: true))
            }
            data.reviews.append(review)
        }
    }

    private static func seedQuestions(_ data: inout OzonSellerData, count: Int, anchor: Int64) {
        let times = instants(count, before: anchor, random: &data.random)
        for (index, time) in times.enumerated() {
            let answered = index >= 4 && data.random.chance(0.55)
            let status: OzonQuestionStatus = answered ? .processed : data.random.chance(0.5) ? .viewed : .new
            var question = OzonQuestion(
                id: data.random.uuid(milliseconds: time / 1000), sku: data.random.pick(OzonSampleTexts.products).sku,
                text: data.random.pick(OzonSampleTexts.questions), authorName: data.random.pick(OzonSampleTexts.authorNames),
                publishedAt: time + Int64(data.random.int(in: 0...999)), status: status)
            if answered {
                let at = min(anchor, time + Int64(data.random.int(in: 5...300)) * 60_000_000)
                question.answers.append(OzonQuestionAnswer(
                    id: data.random.uuid(milliseconds: at / 1000), text: data.random.pick(OzonSampleTexts.answers),
                    authorName: "Продавец", publishedAt: at))
            }
            data.questions.append(question)
        }
    }

    private static func seedChats(_ data: inout OzonSellerData, count: Int, messages perChat: Int, anchor: Int64) {
        guard count > 0 else { return }
        // Every message of every chat gets its instant first; ids are then handed out in time
        // order, as Ozon's ever-growing message ids are.
        var drafts: [(chat: Int, message: OzonChatMessage)] = []
        for index in 0..<count {
            let customer = "\(data.random.int(in: 10_000_000...99_999_999))"
            let product = data.random.pick(OzonSampleTexts.products)
            let order = "\(data.random.int(in: 10_000_000...99_999_999))-\(data.random.int(in: 1000...9999))"
            let buyerLast = index % 2 == 0
            var t = anchor - Int64(index) * 97 * 60_000_000 - Int64(perChat) * 35 * 60_000_000
            data.chats.append(OzonChat(id: data.random.uuid(), status: index % 5 == 4 ? "CLOSED" : "OPENED", createdAt: t))
            for k in 0..<perChat {
                let fromBuyer = (perChat - 1 - k) % 2 == (buyerLast ? 0 : 1)
                let unread = buyerLast && k == perChat - 1
                let text = fromBuyer ? data.random.pick(OzonSampleTexts.buyerMessages) : data.random.pick(OzonSampleTexts.sellerMessages)
                drafts.append((index, OzonChatMessage(
                    id: 0, createdAt: t, text: text, sender: fromBuyer ? .customer : .seller,
                    senderID: fromBuyer ? customer : "\(data.account.clientID)", isRead: fromBuyer ? !unread : data.random.chance(0.8),
                    orderNumber: k == 0 ? order : nil, sku: k == 0 ? product.sku : nil)))
                t += Int64(data.random.int(in: 2...30)) * 60_000_000 + Int64(data.random.int(in: 1...999)) * 1000
            }
        }
        let notificationChat = data.chats.count
        let noticeTime = anchor - 3 * 24 * 3600 * 1_000_000
        data.chats.append(OzonChat(id: data.random.uuid(), type: "SELLER_API_NOTIFICATIONS", createdAt: noticeTime))
        for (k, text) in OzonSampleTexts.notifications.enumerated() {
            drafts.append((notificationChat, OzonChatMessage(
                id: 0, createdAt: noticeTime + Int64(k) * 3_600_000_000, text: text, sender: .notification,
                senderID: "0", isRead: true)))
        }
        drafts.sort { $0.message.createdAt < $1.message.createdAt }
        for var draft in drafts {
            draft.message.id = data.allocateMessageID()
            data.chats[draft.chat].messages.append(draft.message)
        }
    }
}
