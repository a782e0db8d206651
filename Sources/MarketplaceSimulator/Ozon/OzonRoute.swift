/// The Seller API methods the simulated host serves, by path. Anything else is the gateway's
/// plain-text `404 page not found`.
enum OzonRoute: String, CaseIterable, Sendable {
    case reviewListV1 = "/v1/review/list"
    case reviewListV2 = "/v2/review/list"
    case reviewInfo = "/v1/review/info"
    case reviewCount = "/v1/review/count"
    case reviewCommentCreate = "/v1/review/comment/create"
    case reviewCommentList = "/v1/review/comment/list"
    case reviewCommentDelete = "/v1/review/comment/delete"
    case reviewChangeStatus = "/v1/review/change-status"
    case questionList = "/v1/question/list"
    case questionInfo = "/v1/question/info"
    case questionCount = "/v1/question/count"
    case questionAnswerCreate = "/v1/question/answer/create"
    case questionAnswerList = "/v1/question/answer/list"
    case questionAnswerDelete = "/v1/question/answer/delete"
    case questionChangeStatus = "/v1/question/change-status"
    /// The same method under the underscore spelling newer docs and clients use.
    case questionChangeStatusUnderscore = "/v1/question/change_status"
    case chatList = "/v3/chat/list"
    case chatHistory = "/v3/chat/history"
    case chatSendMessage = "/v1/chat/send/message"
    case chatRead = "/v2/chat/read"
}
