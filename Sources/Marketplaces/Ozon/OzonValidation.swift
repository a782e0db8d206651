import Connectors

/// Checks done before any upstream call, so a request Ozon would refuse costs no budget.
enum OzonValidation {
    /// `ListQuery.limit` and the updates limit: 1…100.
    static func limit(_ limit: Int) throws(ConnectorError) {
        guard (1...100).contains(limit) else {
            throw .invalidRequest(field: "limit", reason: "limit must be between 1 and 100")
        }
    }

    /// Reply text: `bounds` counted in Unicode scalars (Ozon counts runes), not only blanks.
    static func text(_ text: String, bounds: ClosedRange<Int>) throws(ConnectorError) {
        let length = text.unicodeScalars.count
        guard bounds.contains(length) else {
            throw .invalidRequest(field: "text", reason: "text must be \(bounds.lowerBound)…\(bounds.upperBound) characters, got \(length).")
        }
        guard !ReplyText.isBlank(text) else {
            throw .invalidRequest(field: "text", reason: "text must not be blank.")
        }
    }
}
