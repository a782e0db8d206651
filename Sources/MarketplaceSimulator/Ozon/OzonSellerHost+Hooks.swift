import Foundation

/// What tests and demo mode do to the simulated accounts from outside the API: new buyer
/// activity, the subscription switched off, and a look at the state the API changed.
/// `clientID` nil means the first configured account.
extension OzonSellerHost {
    /// A buyer writes `text`: into chat `chatID`, or into a new chat when nil. Returns the chat.
    /// `messageID` is an id taken earlier with `reserveMessageID`: a message that Ozon numbered
    /// before others but that shows in the chat only now.
    @discardableResult
    public func addBuyerMessage(_ text: String, chatID: String? = nil, at date: Date? = nil, messageID: UInt64? = nil,
                                clientID: Int64? = nil) -> OzonChat {
        mutate(clientID) { data in
            let now = date.map(OzonTime.micros) ?? OzonTime.now
            let index: Int
            if let chatID, let existing = data.chatIndex(chatID) {
                index = existing
            } else {
                data.chats.append(OzonChat(id: chatID ?? data.random.uuid(), createdAt: now))
                index = data.chats.count - 1
            }
            let customer = data.chats[index].messages.first { $0.sender == .customer }?.senderID
                ?? String(data.random.int(in: 10_000_000...99_999_999))
            data.chats[index].messages.append(OzonChatMessage(
                id: messageID ?? data.allocateMessageID(), createdAt: max(now, (data.chats[index].messages.last?.createdAt ?? 0) + 1),
                text: text, sender: .customer, senderID: customer, isRead: false))
            return data.chats[index]
        }
    }

    /// Hands out the next message id without writing a message, as one of Ozon's machines does
    /// for a message it commits later: messages numbered after it can show first.
    public func reserveMessageID(clientID: Int64? = nil) -> UInt64 {
        mutate(clientID) { data in data.allocateMessageID() }
    }

    /// A buyer publishes a review (now, unless `publishedAt` says when). Returns it.
    @discardableResult
    public func addReview(text: String, rating: Int = 5, sku: Int64? = nil, publishedAt: Date? = nil, clientID: Int64? = nil) -> OzonReview {
        mutate(clientID) { data in
            let time = publishedAt.map(OzonTime.micros) ?? OzonTime.now
            let review = OzonReview(id: data.random.uuid(milliseconds: time / 1000), sku: sku ?? OzonSampleTexts.products[0].sku,
                                    text: text, publishedAt: time, rating: min(5, max(1, rating)))
            data.reviews.append(review)
            return review
        }
    }

    /// A buyer asks a question (now, unless `publishedAt` says when). Returns it.
    @discardableResult
    public func addQuestion(text: String, authorName: String = "Покупатель", sku: Int64? = nil, publishedAt: Date? = nil,
                            clientID: Int64? = nil) -> OzonQuestion {
        mutate(clientID) { data in
            let time = publishedAt.map(OzonTime.micros) ?? OzonTime.now
            let question = OzonQuestion(id: data.random.uuid(milliseconds: time / 1000), sku: sku ?? OzonSampleTexts.products[1].sku,
                                        text: text, authorName: authorName, publishedAt: time)
            data.questions.append(question)
            return question
        }
    }

    /// Ozon's moderation ruling on the question's answers: `statusPublication` for each answer
    /// `answerIDs` names (every one when nil), and the question's status set to `questionStatus`
    /// where given. Returns the question as it is then, nil when there is none by that id.
    @discardableResult
    public func moderateAnswers(ofQuestion id: String, _ answerIDs: Set<String>? = nil, to statusPublication: String,
                                questionStatus: OzonQuestionStatus? = nil, clientID: Int64? = nil) -> OzonQuestion? {
        mutate(clientID) { data in
            guard let index = data.questionIndex(id) else { return nil }
            for answer in data.questions[index].answers.indices where answerIDs?.contains(data.questions[index].answers[answer].id) ?? true {
                data.questions[index].answers[answer].statusPublication = statusPublication
            }
            if let questionStatus { data.questions[index].status = questionStatus }
            return data.questions[index]
        }
    }

    /// The review leaves the account (deleted by its buyer, moderated away): lists no longer
    /// show it, and a list's `last_id` naming it is refused. Returns whether there was one.
    @discardableResult
    public func removeReview(id: String, clientID: Int64? = nil) -> Bool {
        mutate(clientID) { data in
            guard let index = data.reviewIndex(id) else { return false }
            data.reviews.remove(at: index)
            return true
        }
    }

    /// The question leaves the account, as `removeReview` for a review.
    @discardableResult
    public func removeQuestion(id: String, clientID: Int64? = nil) -> Bool {
        mutate(clientID) { data in
            guard let index = data.questionIndex(id) else { return false }
            data.questions.remove(at: index)
            return true
        }
    }

    /// Switches the account's paid subscription on or off.
    public func setSubscription(_ enabled: Bool, clientID: Int64? = nil) {
        mutate(clientID) { $0.account.hasSubscription = enabled }
    }

    /// The account's reviews, questions and chats as they are now.
    public func reviews(clientID: Int64? = nil) -> [OzonReview] { mutate(clientID) { $0.reviews } }
    /// The account's questions as they are now.
    public func questions(clientID: Int64? = nil) -> [OzonQuestion] { mutate(clientID) { $0.questions } }
    /// The account's chats as they are now, the notifications chat included.
    public func chats(clientID: Int64? = nil) -> [OzonChat] { mutate(clientID) { $0.chats } }

    /// The review `id` as it is now; nil when the account has none by that id.
    public func review(id: String, clientID: Int64? = nil) -> OzonReview? {
        mutate(clientID) { data in data.reviewIndex(id).map { data.reviews[$0] } }
    }

    /// The question `id` as it is now; nil when the account has none by that id.
    public func question(id: String, clientID: Int64? = nil) -> OzonQuestion? {
        mutate(clientID) { data in data.questionIndex(id).map { data.questions[$0] } }
    }

    /// The chat `id` as it is now; nil when the account has none by that id.
    public func chat(id: String, clientID: Int64? = nil) -> OzonChat? {
        mutate(clientID) { data in data.chatIndex(id).map { data.chats[$0] } }
    }

    private func mutate<T: Sendable>(_ clientID: Int64?, _ body: (inout OzonSellerData) -> T) -> T {
        guard let id = clientID ?? options.accounts.first?.clientID else {
            preconditionFailure("the simulated Ozon host has no accounts")
        }
        return accounts.withLock { accounts in
            guard accounts[id] != nil else { preconditionFailure("no simulated Ozon account with Client-Id \(id)") }
            return body(&accounts[id]!)
        }
    }
}
