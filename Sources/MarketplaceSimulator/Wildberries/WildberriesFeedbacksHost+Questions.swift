import Foundation
import HTTP

extension WildberriesFeedbacksHost {
    func listQuestions(_ request: SimulatorRequest) -> HTTPResponse {
        switch WildberriesListQuery.parse(request.query, caps: .questions(maxTotal: options.questionsMaxTotal)) {
        case .invalid(let response):
            return response
        case .valid(let query):
            let (page, unanswered, answered) = store.listQuestions(query)
            return WildberriesResponses.envelope(["countUnanswered": unanswered, "countArchive": answered,
                                                  "questions": page.map { $0.json() }])
        }
    }

    func question(_ request: SimulatorRequest) -> HTTPResponse {
        guard let id = request.query["id"], !id.isEmpty else {
            return WildberriesResponses.legacyError(422, "Некорректный ID вопроса")
        }
        guard let question = store.question(id: id) else {
            return WildberriesResponses.legacyError(404, "Не найден вопрос")
        }
        return WildberriesResponses.envelope(question.json())
    }

    /// The three bodies of `PATCH /api/v1/questions`: mark viewed, answer (or edit), reject.
    func patchQuestion(_ request: SimulatorRequest, now: Int64) -> HTTPResponse {
        guard let body = request.jsonObject(), let id = body["id"] as? String, !id.isEmpty else {
            return WildberriesResponses.legacyError(400, "Некорректное тело запроса")
        }
        if let viewed = body["wasViewed"] as? Bool, body["answer"] == nil {
            guard store.markQuestion(id: id, viewed: viewed) else {
                return WildberriesResponses.legacyError(404, "Не найден вопрос")
            }
            return WildberriesResponses.envelope(nil)
        }
        guard let answer = body["answer"] as? [String: Any], let text = answer["text"] as? String,
              let state = body["state"] as? String else {
            return WildberriesResponses.legacyError(400, "Некорректное тело запроса")
        }
        guard state == "wbRu" || state == "none" else {
            return WildberriesResponses.legacyError(400, "Некорректный статус вопроса")
        }
        guard !text.allSatisfy(\.isWhitespace) else {
            return WildberriesResponses.legacyError(400, "Текст ответа не может быть пустым")
        }
        switch store.answerQuestion(id: id, text: text, state: state, now: now) {
        case .done:
            return WildberriesResponses.envelope(nil)
        case .unknown:
            return WildberriesResponses.legacyError(404, "Не найден вопрос")
        case .conflict, .editUsed:
            return WildberriesResponses.legacyError(422, "Ответ можно отредактировать только один раз")
        }
    }
}
