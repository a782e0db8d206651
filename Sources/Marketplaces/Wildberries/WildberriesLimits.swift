import Connectors

/// The bounds the connectors check before any upstream call.
enum WildberriesLimits {
    /// Items per page or per updates call.
    static let pageSizes = 1...100
    /// Feedback answers: 2…5000 characters (reference §1.1).
    static let feedbackAnswer = 2...5000
    /// Question answers: the spec names no bound; non-blank and at most 5000 like feedbacks.
    static let questionAnswer = 1...5000
    /// Chat messages: at most 1000 characters (reference §2.3).
    static let chatMessage = 1...1000
    /// Upstream pages one list call may read before returning what it has.
    static let pagesPerCall = 4

    static func checkLimit(_ limit: Int) throws(ConnectorError) {
        guard pageSizes.contains(limit) else {
            throw .invalidRequest(field: "limit", reason: "limit must be between 1 and 100, got \(limit).")
        }
    }

    /// Counts characters as Wildberries does (Unicode scalars) and refuses blank text.
    static func checkText(_ text: String, _ bounds: ClosedRange<Int>) throws(ConnectorError) {
        let length = text.unicodeScalars.count
        guard bounds.contains(length), !ReplyText.isBlank(text) else {
            throw .invalidRequest(field: "text",
                                  reason: "text must be \(bounds.lowerBound)…\(bounds.upperBound) characters and not blank, got \(length).")
        }
    }
}
