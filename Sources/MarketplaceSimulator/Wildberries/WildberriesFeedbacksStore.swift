import Synchronization

/// The state of the feedbacks host: its feedbacks and questions, changed by answers, edits and
/// "viewed" marks, and by test hooks that add new ones. Thread-safe.
public final class WildberriesFeedbacksStore: Sendable {
    /// What an answer or an edit did.
    public enum WriteOutcome: Sendable, Equatable {
        case done
        /// No record with that id.
        case unknown
        /// Answering what already has an answer (use the edit form), or editing what has none.
        case conflict
        /// The one edit Wildberries allows was used already.
        case editUsed
    }

    private struct State {
        var feedbacks: [WildberriesSimulatedFeedback]
        var questions: [WildberriesSimulatedQuestion]
        var random: WildberriesSeededGenerator
    }

    private let state: Mutex<State>

    init(feedbacks: [WildberriesSimulatedFeedback], questions: [WildberriesSimulatedQuestion], seed: UInt64) {
        state = Mutex(State(feedbacks: feedbacks, questions: questions, random: WildberriesSeededGenerator(seed: seed ^ 0x5EED_F33D)))
    }

    /// Every feedback, newest first (ties by id), as `order=dateDesc` lists them.
    public var feedbacks: [WildberriesSimulatedFeedback] {
        state.withLock { $0.feedbacks }.sorted { $0.createdAt != $1.createdAt ? $0.createdAt > $1.createdAt : $0.id < $1.id }
    }

    /// Every question, newest first (ties by id), as `order=dateDesc` lists them.
    public var questions: [WildberriesSimulatedQuestion] {
        state.withLock { $0.questions }.sorted { $0.createdAt != $1.createdAt ? $0.createdAt > $1.createdAt : $0.id < $1.id }
    }

    /// The feedback `id` as it is now; nil when there is none.
    public func feedback(id: String) -> WildberriesSimulatedFeedback? {
        state.withLock { $0.feedbacks.first { $0.id == id } }
    }

    /// The question `id` as it is now; nil when there is none.
    public func question(id: String) -> WildberriesSimulatedQuestion? {
        state.withLock { $0.questions.first { $0.id == id } }
    }

    /// A page of the feedbacks not archived, with the host's counters: unanswered ones outside
    /// the archive, and the processed ones (answered or archived).
    func listFeedbacks(_ query: WildberriesListQuery) -> (page: [WildberriesSimulatedFeedback], unanswered: Int, answered: Int) {
        state.withLock { s in
            (query.page(of: s.feedbacks), s.feedbacks.count { $0.answer == nil && !$0.isArchived },
             s.feedbacks.count { $0.answer != nil || $0.isArchived })
        }
    }

    /// `GET /api/v1/feedbacks/archive`: archived feedbacks by creation date (ties by id), answered
    /// or not, optionally of one product; `skip` and `take` as given.
    func listArchivedFeedbacks(take: Int, skip: Int, ascending: Bool, nmId: Int64?) -> [WildberriesSimulatedFeedback] {
        let archived = state.withLock { s in s.feedbacks.filter { $0.isArchived && (nmId == nil || $0.product.nmId == nmId) } }
        return WildberriesListQuery.slice(WildberriesListQuery.ordered(archived, ascending: ascending), skip: skip, take: take)
    }

    /// Moves the feedback `id` to the archive, as Wildberries does with answered ones, ones left
    /// unanswered for 30 days and ones without text or photos; false when there is no such feedback.
    @discardableResult
    public func archiveFeedback(id: String) -> Bool {
        state.withLock { s in
            guard let index = s.feedbacks.firstIndex(where: { $0.id == id }) else { return false }
            s.feedbacks[index].isArchived = true
            return true
        }
    }

    func listQuestions(_ query: WildberriesListQuery) -> (page: [WildberriesSimulatedQuestion], unanswered: Int, answered: Int) {
        state.withLock { s in
            (query.page(of: s.questions), s.questions.count { $0.answer == nil }, s.questions.count { $0.answer != nil })
        }
    }

    func countFeedbacks(_ query: WildberriesListQuery) -> Int {
        state.withLock { query.matches($0.feedbacks).count }
    }

    func countQuestions(_ query: WildberriesListQuery) -> Int {
        state.withLock { query.matches($0.questions).count }
    }

    /// `(unanswered, unanswered today)` of feedbacks or questions.
    func unansweredCounts(questions: Bool, now: Int64) -> (Int, Int) {
        let startOfDay = now - now % 86_400_000
        return state.withLock { s in
            let dates = questions ? s.questions.filter { $0.answer == nil }.map(\.createdAt)
                                  : s.feedbacks.filter { $0.answer == nil && !$0.isArchived }.map(\.createdAt)
            return (dates.count, dates.count { $0 >= startOfDay })
        }
    }

    func hasUnviewed() -> (questions: Bool, feedbacks: Bool) {
        state.withLock { s in (s.questions.contains { !$0.wasViewed }, s.feedbacks.contains { !$0.wasViewed }) }
    }

    /// `POST /api/v1/feedbacks/answer`.
    func answerFeedback(id: String, text: String, now: Int64) -> WriteOutcome {
        state.withLock { s in
            guard let index = s.feedbacks.firstIndex(where: { $0.id == id }) else { return .unknown }
            guard s.feedbacks[index].answer == nil else { return .conflict }
            s.feedbacks[index].answer = WildberriesSimulatedAnswer(text: text, state: "wbRu", editable: true, createdAt: now)
            s.feedbacks[index].state = "wbRu"
            s.feedbacks[index].wasViewed = true
            return .done
        }
    }

    /// `PATCH /api/v1/feedbacks/answer`: once per answer.
    func editFeedbackAnswer(id: String, text: String) -> WriteOutcome {
        state.withLock { s in
            guard let index = s.feedbacks.firstIndex(where: { $0.id == id }) else { return .unknown }
            guard var answer = s.feedbacks[index].answer else { return .conflict }
            guard answer.editsLeft > 0 else { return .editUsed }
            answer.text = text
            answer.editsLeft -= 1
            answer.editable = answer.editsLeft > 0
            s.feedbacks[index].answer = answer
            return .done
        }
    }

    /// `PATCH /api/v1/questions` with `wasViewed`; false when the id is unknown.
    func markQuestion(id: String, viewed: Bool) -> Bool {
        state.withLock { s in
            guard let index = s.questions.firstIndex(where: { $0.id == id }) else { return false }
            s.questions[index].wasViewed = viewed
            return true
        }
    }

    /// `PATCH /api/v1/questions` with an answer: answers, edits (once) or, with state `none`, rejects.
    func answerQuestion(id: String, text: String, state newState: String, now: Int64) -> WriteOutcome {
        state.withLock { s in
            guard let index = s.questions.firstIndex(where: { $0.id == id }) else { return .unknown }
            if var answer = s.questions[index].answer {
                guard answer.editsLeft > 0 else { return .editUsed }
                answer.text = text
                answer.editsLeft -= 1
                answer.editable = answer.editsLeft > 0
                s.questions[index].answer = answer
            } else {
                s.questions[index].answer = WildberriesSimulatedAnswer(text: text, state: newState, editable: true, createdAt: now)
            }
            s.questions[index].state = newState
            s.questions[index].wasViewed = true
            return .done
        }
    }

    /// The seller turns question `id` down (what `PATCH /api/v1/questions` with state `none`
    /// does): hidden from buyers, `text` kept as its answer. False when there is no such question.
    @discardableResult
    public func hideQuestion(id: String, text: String, now: Int64) -> Bool {
        answerQuestion(id: id, text: text, state: "none", now: now) == .done
    }

    /// Adds a new, unanswered feedback dated `createdAt` (unix ms); returns it.
    @discardableResult
    public func addFeedback(text: String, rating: Int = 5, userName: String = "Мария", nmId: Int64? = nil,
                            createdAt: Int64) -> WildberriesSimulatedFeedback {
        state.withLock { s in
            let product = WildberriesCatalog.products.first { $0.nmId == nmId } ?? s.random.pick(WildberriesCatalog.products)
            let feedback = WildberriesSimulatedFeedback(id: s.random.recordID(), text: text, rating: rating, createdAt: createdAt,
                                                        product: product, userName: userName)
            s.feedbacks.append(feedback)
            return feedback
        }
    }

    /// Adds a new, unanswered question dated `createdAt` (unix ms); returns it.
    @discardableResult
    public func addQuestion(text: String, nmId: Int64? = nil, createdAt: Int64) -> WildberriesSimulatedQuestion {
        state.withLock { s in
            let product = WildberriesCatalog.products.first { $0.nmId == nmId } ?? s.random.pick(WildberriesCatalog.products)
            let question = WildberriesSimulatedQuestion(id: s.random.recordID(), text: text, createdAt: createdAt, product: product)
            s.questions.append(question)
            return question
        }
    }

    /// Answers a feedback as if from the seller portal (an answer the connector did not give).
    public func answerFeedbackElsewhere(id: String, text: String, at time: Int64) -> Bool {
        answerFeedback(id: id, text: text, now: time) == .done
    }
}
