import Foundation
import HTTP

/// `feedbacks-api.wildberries.ru`, simulated: feedbacks and questions with the real paths,
/// validation, caps, envelopes, error bodies, token checks and per-seller rate limit (one bucket
/// for every method of the host). Unknown paths get the API gateway's 404 before any token check.
public final class WildberriesFeedbacksHost: SimulatedHost {
    /// Feedbacks and questions: the truth tests compare against, and the hooks that change it.
    public let store: WildberriesFeedbacksStore
    let options: WildberriesSimulatorOptions
    private let gate: WildberriesGate

    init(options: WildberriesSimulatorOptions, store: WildberriesFeedbacksStore) {
        self.options = options
        self.store = store
        gate = WildberriesGate(category: .feedbacks, tokens: Set(options.tokens),
                               limiter: WildberriesRateLimiter(limit: options.feedbacksRateLimit),
                               baseTokenLimiter: WildberriesRateLimiter(limit: options.feedbacksBaseTokenRateLimit))
    }

    private static let routes: [String: [String]] = [
        "/ping": ["GET"],
        "/api/v1/new-feedbacks-questions": ["GET"],
        "/api/v1/feedbacks/count-unanswered": ["GET"],
        "/api/v1/feedbacks/count": ["GET"],
        "/api/v1/feedbacks": ["GET"],
        "/api/v1/feedbacks/archive": ["GET"],
        "/api/v1/feedback": ["GET"],
        "/api/v1/feedbacks/answer": ["POST", "PATCH"],
        "/api/v1/questions/count-unanswered": ["GET"],
        "/api/v1/questions/count": ["GET"],
        "/api/v1/questions": ["GET", "PATCH"],
        "/api/v1/question": ["GET"],
    ]

    /// Routes as the real host: an unknown path is 404 and a wrong method 405 before any token
    /// check; then the token, the rate limit and the route's own validation.
    public func handle(_ request: SimulatorRequest) async -> HTTPResponse {
        guard let methods = Self.routes[request.path] else { return WildberriesResponses.pathNotFound() }
        guard methods.contains(request.method) else { return WildberriesResponses.methodNotAllowed(allowed: methods) }
        return gate.answer(request, with: route)
    }

    private func route(_ request: SimulatorRequest) -> HTTPResponse {
        let now = WildberriesResponses.nowMilliseconds()
        switch (request.method, request.path) {
        case ("GET", "/ping"):
            return SimulatorResponse.json(["TS": WildberriesDateText.moscow(now), "Status": "OK"])
        case ("GET", "/api/v1/new-feedbacks-questions"):
            let unviewed = store.hasUnviewed()
            return WildberriesResponses.envelope(["hasNewQuestions": unviewed.questions, "hasNewFeedbacks": unviewed.feedbacks])
        case ("GET", "/api/v1/feedbacks/count-unanswered"):
            let (all, today) = store.unansweredCounts(questions: false, now: now)
            return WildberriesResponses.envelope(["countUnanswered": all, "countUnansweredToday": today])
        case ("GET", "/api/v1/questions/count-unanswered"):
            let (all, today) = store.unansweredCounts(questions: true, now: now)
            return WildberriesResponses.envelope(["countUnanswered": all, "countUnansweredToday": today])
        case ("GET", "/api/v1/feedbacks/count"), ("GET", "/api/v1/questions/count"):
            return count(request, questions: request.path.hasPrefix("/api/v1/questions"))
        case ("GET", "/api/v1/feedbacks"):
            return listFeedbacks(request)
        case ("GET", "/api/v1/feedbacks/archive"):
            return listArchivedFeedbacks(request)
        case ("GET", "/api/v1/feedback"):
            return feedback(request)
        case ("POST", "/api/v1/feedbacks/answer"), ("PATCH", "/api/v1/feedbacks/answer"):
            return answerFeedback(request, edit: request.method == "PATCH", now: now)
        case ("GET", "/api/v1/questions"):
            return listQuestions(request)
        case ("GET", "/api/v1/question"):
            return question(request)
        default:
            return patchQuestion(request, now: now)
        }
    }

    /// `count` takes an optional `isAnswered` (questions default to answered; feedbacks count
    /// both sides without it) and a period; no paging.
    private func count(_ request: SimulatorRequest, questions: Bool) -> HTTPResponse {
        var query = request.query
        query["take"] = "1"
        query["skip"] = "0"
        let sides = query["isAnswered"].map { [$0] } ?? (questions ? ["true"] : ["false", "true"])
        var total = 0
        for side in sides {
            query["isAnswered"] = side
            switch WildberriesListQuery.parse(query, caps: .questions(maxTotal: .max)) {
            case .invalid(let response):
                return response
            case .valid(let parsed):
                total += questions ? store.countQuestions(parsed) : store.countFeedbacks(parsed)
            }
        }
        return WildberriesResponses.envelope(total)
    }

    /// The host's 429 (problem+json with its rate-limit headers) and legacy 5xx bodies; for
    /// maintenance, the 429 whose body announces a "Технический перерыв", as sellers saw it.
    public func faultResponse(_ fault: Fault) -> HTTPResponse {
        switch fault {
        case .rateLimited(let retryAfter):
            return WildberriesGate.tooManyRequests(retry: String(retryAfter), limit: options.feedbacksRateLimit.burst,
                                                   reset: String(retryAfter))
        case .serverError(let status):
            return WildberriesResponses.legacyError(status, "Внутренняя ошибка сервиса. Повторите запрос позже")
        case .maintenance:
            // What WBSeller saw during maintenance windows: a 429 whose body announces the break.
            return SimulatorResponse.json(["errors": ["Технический перерыв до 16:00"]], status: 429)
        default:
            return WildberriesResponses.legacyError(500, "Внутренняя ошибка сервиса")
        }
    }
}
