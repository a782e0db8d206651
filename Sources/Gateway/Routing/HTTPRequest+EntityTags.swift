import HTTP

extension HTTPRequest {
    /// The entity tags of every `field` line (`If-Match`, `If-None-Match`) as one list: several
    /// lines are one list (RFC 9110 §5.3).
    func entityTags(_ field: String) -> [Substring] {
        headers.values(field).flatMap { $0.split(separator: ",") }.map { $0.trimmingOWS() }
    }

    /// Whether an `If-Match` holds for a resource with no entity tags (the tenant routes): only
    /// `*`, any current representation, can (RFC 9110 §13.1.1); true without the field.
    var ifMatchHoldsWithoutTags: Bool {
        !headers.contains("If-Match") || entityTags("If-Match").contains("*")
    }
}
