import Foundation
import HTTP

extension WildberriesFeedbacksHost {
    func listFeedbacks(_ request: SimulatorRequest) -> HTTPResponse {
        switch WildberriesListQuery.parse(request.query, caps: .feedbacks(maxTake: options.feedbacksMaxTake,
                                                                          maxSkip: options.feedbacksMaxSkip)) {
        case .invalid(let response):
            return response
        case .valid(let query):
            let (page, unanswered, answered) = store.listFeedbacks(query)
            return WildberriesResponses.envelope(["countUnanswered": unanswered, "countArchive": answered,
                                                  "feedbacks": page.map { $0.json() }])
        }
    }

    /// `GET /api/v1/feedbacks/archive`: `take` (1…5000) and `skip` required, `order` and `nmId`
    /// optional; no `isAnswered`, no dates, no counters (reference §1.1). The reference gives no
    /// offset cap of its own: the list's (`feedbacksMaxSkip`) is assumed.
    func listArchivedFeedbacks(_ request: SimulatorRequest) -> HTTPResponse {
        switch WildberriesListQuery.paging(request.query, feedbackCaps: (options.feedbacksMaxTake, options.feedbacksMaxSkip)) {
        case .invalid(let response):
            return response
        case .valid(let paging):
            let page = store.listArchivedFeedbacks(take: paging.take, skip: paging.skip, ascending: paging.ascending,
                                                   nmId: paging.nmId)
            return WildberriesResponses.envelope(["feedbacks": page.map { $0.json() }])
        }
    }

    func feedback(_ request: SimulatorRequest) -> HTTPResponse {
        guard let id = request.query["id"], !id.isEmpty else {
            return WildberriesResponses.legacyError(422, "Некорректный ID отзыва")
        }
        guard let feedback = store.feedback(id: id) else {
            return WildberriesResponses.legacyError(404, "Не найден отзыв")
        }
        return WildberriesResponses.envelope(feedback.json())
    }

    /// Answers (POST) or edits the answer (PATCH). Faithful to the real host, an unknown id is
    /// answered 204 and nothing happens.
    func answerFeedback(_ request: SimulatorRequest, edit: Bool, now: Int64) -> HTTPResponse {
        guard let body = request.jsonObject(), let id = body["id"] as? String, let text = body["text"] as? String else {
            return WildberriesResponses.answerError(400, title: "Bad Request",
                                                    detail: "invalid request body: fields id and text are required")
        }
        let length = text.unicodeScalars.count
        guard (2...5000).contains(length), !text.allSatisfy(\.isWhitespace) else {
            return WildberriesResponses.answerError(400, title: "Bad Request",
                                                    detail: "text length must be between 2 and 5000 characters, got \(length)")
        }
        let outcome = edit ? store.editFeedbackAnswer(id: id, text: text) : store.answerFeedback(id: id, text: text, now: now)
        switch outcome {
        case .done, .unknown:
            return SimulatorResponse.empty(status: 204)
        case .conflict:
            return WildberriesResponses.answerError(400, title: "Bad Request", detail: edit
                ? "feedback has no answer to edit" : "feedback already has an answer; use PATCH to edit it")
        case .editUsed:
            return WildberriesResponses.answerError(422, title: "Unprocessable Entity",
                                                    detail: "the answer can be edited only once")
        }
    }
}
