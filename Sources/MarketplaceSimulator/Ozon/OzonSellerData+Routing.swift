/// Dispatches a method to its implementation.
extension OzonSellerData {
    mutating func perform(_ route: OzonRoute, _ body: OzonJSONBody, now: Int64) throws(OzonFailure) -> [String: Any] {
        switch route {
        case .reviewListV1: try reviewList(body, v2: false)
        case .reviewListV2: try reviewList(body, v2: true)
        case .reviewInfo: try reviewInfo(body)
        case .reviewCount: try reviewCount()
        case .reviewCommentCreate: try reviewCommentCreate(body, now: now)
        case .reviewCommentList: try reviewCommentList(body)
        case .reviewCommentDelete: try reviewCommentDelete(body)
        case .reviewChangeStatus: try reviewChangeStatus(body)
        case .questionList: try questionList(body)
        case .questionInfo: try questionInfo(body)
        case .questionCount: questionCount()
        case .questionAnswerCreate: try questionAnswerCreate(body, now: now)
        case .questionAnswerList: try questionAnswerList(body)
        case .questionAnswerDelete: try questionAnswerDelete(body)
        case .questionChangeStatus, .questionChangeStatusUnderscore: try questionChangeStatus(body)
        case .chatList: try chatList(body)
        case .chatHistory: try chatHistory(body)
        case .chatSendMessage: try chatSendMessage(body, now: now)
        case .chatRead: try chatRead(body)
        }
    }
}
