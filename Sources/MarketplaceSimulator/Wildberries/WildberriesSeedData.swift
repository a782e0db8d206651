/// The records a simulator starts with, all drawn from its seed: feedbacks, questions and chats
/// dated back from a reference instant, in Russian and English, answered and not, in the date
/// formats and with the quirks the real hosts show.
struct WildberriesSeedData {
    var feedbacks: [WildberriesSimulatedFeedback] = []
    var questions: [WildberriesSimulatedQuestion] = []
    var chats: [WildberriesSimulatedChat] = []
    var events: [WildberriesSimulatedChatEvent] = []

    private static let day: Int64 = 86_400_000

    init(options: WildberriesSimulatorOptions, referenceMilliseconds now: Int64) {
        var random = WildberriesSeededGenerator(seed: options.seed)
        feedbacks = (0..<max(0, options.feedbackCount)).reduce(into: []) { list, index in
            list.append(Self.feedback(index, previous: list.last, now: now, random: &random))
        }
        questions = (0..<max(0, options.questionCount)).map { Self.question($0, now: now, random: &random) }
        for index in 0..<max(0, options.chatCount) {
            let (chat, events) = Self.chat(index, now: now, random: &random)
            chats.append(chat)
            self.events.append(contentsOf: events)
        }
        events.sort { ($0.addTimestamp, $0.eventID) < ($1.addTimestamp, $1.eventID) }
    }

    private static func feedback(_ index: Int, previous: WildberriesSimulatedFeedback?, now: Int64,
                                 random: inout WildberriesSeededGenerator) -> WildberriesSimulatedFeedback {
        let age = Int64(random.next() % UInt64(45 * day))
        var created = now - age - 60_000
        // Now and then two feedbacks land in the same second, as bulk imports do.
        if index % 9 == 8, let previous { created = previous.createdAt / 1000 * 1000 + Int64(random.next() % 1000) }
        let rating = random.pick([5, 5, 5, 5, 5, 4, 4, 3, 2, 1, 1])
        let russian = random.chance(0.6)
        let texts: [String] = switch rating {
        case 4...5: russian ? WildberriesCatalog.positiveRussian : WildberriesCatalog.positiveEnglish
        case 3: russian ? WildberriesCatalog.neutralRussian : WildberriesCatalog.neutralEnglish
        default: russian ? WildberriesCatalog.negativeRussian : WildberriesCatalog.negativeEnglish
        }
        let onlyProsCons = random.chance(0.1)
        let product = random.pick(WildberriesCatalog.products)
        let answered = random.chance(0.25 + 0.6 * Double(now - created) / Double(45 * day))
        var answer: WildberriesSimulatedAnswer?
        if answered {
            let answers = russian ? WildberriesCatalog.sellerAnswersRussian : WildberriesCatalog.sellerAnswersEnglish
            let state = random.pick(["wbRu", "wbRu", "wbRu", "wbRu", "reviewRequired", "rejectedAntispam"])
            answer = WildberriesSimulatedAnswer(text: random.pick(answers), state: state, editable: state == "wbRu",
                                                createdAt: created + Int64(random.next() % UInt64(day)),
                                                editsLeft: state == "wbRu" ? 1 : 0)
        }
        // The quirk of reference §5.4: unanswered, yet `state` says "wbRu".
        let state = answer == nil ? (random.chance(0.08) ? "wbRu" : "none") : "wbRu"
        let dateText: String = switch index % 3 {
        case 0: WildberriesDateText.utc(created)
        case 1: WildberriesDateText.moscow(created)
        default: WildberriesDateText.utc(created, fractionDigits: 5 + index % 2)
        }
        return WildberriesSimulatedFeedback(
            id: random.recordID(), text: onlyProsCons ? "" : random.pick(texts),
            pros: rating >= 4 || onlyProsCons ? random.pick(WildberriesCatalog.pros) : "",
            cons: rating <= 3 || onlyProsCons ? random.pick(WildberriesCatalog.cons) : "",
            rating: rating, createdAt: created, createdDateText: dateText, answer: answer, state: state, product: product,
            wasViewed: answered || random.chance(0.4), userName: random.pick(WildberriesCatalog.buyerNames),
            orderStatus: random.pick(["buyout", "buyout", "buyout", "returned", "rejected", "notSpecified"]),
            matchingSize: product.size == "0" ? "" : random.pick(["ok", "ok", "smaller", "bigger"]),
            photoCount: random.chance(0.2) ? Int(random.next() % 3) + 1 : 0,
            bables: rating >= 4 && random.chance(0.5) ? [random.pick(["качественный материал", "хорошая посадка", "быстрая доставка"])] : [])
    }

    private static func question(_ index: Int, now: Int64, random: inout WildberriesSeededGenerator) -> WildberriesSimulatedQuestion {
        let created = now - Int64(random.next() % UInt64(30 * day)) - 60_000
        let russian = random.chance(0.6)
        let text = random.pick(russian ? WildberriesCatalog.questionsRussian : WildberriesCatalog.questionsEnglish)
        var answer: WildberriesSimulatedAnswer?
        var state = "suppliersPortalSynch"
        if random.chance(0.45) {
            let answers = russian ? WildberriesCatalog.questionAnswersRussian : WildberriesCatalog.questionAnswersEnglish
            answer = WildberriesSimulatedAnswer(text: random.pick(answers), state: "wbRu", editable: true,
                                                createdAt: created + Int64(random.next() % UInt64(day)))
            state = random.chance(0.1) ? "none" : "wbRu"
        }
        return WildberriesSimulatedQuestion(id: random.recordID(), text: text, createdAt: created, state: state, answer: answer,
                                            product: random.pick(WildberriesCatalog.products),
                                            wasViewed: answer != nil || random.chance(0.3), isWarned: random.chance(0.05))
    }

    private static func chat(_ index: Int, now: Int64, random: inout WildberriesSeededGenerator)
        -> (WildberriesSimulatedChat, [WildberriesSimulatedChatEvent]) {
        let chatID = "1:" + random.uuid()
        let started = now - Int64(random.next() % UInt64(14 * day)) - 3_600_000
        let chat = WildberriesSimulatedChat(
            chatID: chatID, replySign: "\(chatID):\(1_000_000_000 + random.next() % 9_000_000_000):\(random.hex(128))",
            clientName: random.pick(WildberriesCatalog.buyerNames.filter { !$0.isEmpty }),
            product: random.pick(WildberriesCatalog.products), orderID: random.hex(32),
            orderedAt: started - Int64(random.next() % UInt64(10 * day)))
        var events = [WildberriesSimulatedChatEvent(
            chatID: chatID, eventID: random.uuid(), isNewChat: true, text: random.pick(WildberriesCatalog.buyerChatOpeners),
            includesGoodCard: true, source: random.pick(["rusite", "ios", "android"]), addTimestamp: started, sender: .client)]
        var time = started
        let count = Int(random.next() % 4)
        for step in 0..<count {
            time += Int64(random.next() % 7_200_000) + 60_000
            let seller = step % 2 == 0
            events.append(WildberriesSimulatedChatEvent(
                chatID: chatID, eventID: random.uuid(),
                text: random.pick(seller ? WildberriesCatalog.sellerChatReplies : WildberriesCatalog.buyerFollowUps),
                source: seller ? random.pick(["seller-portal", "seller-public-api"]) : random.pick(["rusite", "ios", "android"]),
                addTimestamp: min(time, now - 1000), sender: seller ? .seller : .client))
        }
        return (chat, events)
    }
}
