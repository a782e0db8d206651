/// A review's processing state in `/v2/review/list` terms; v1 calls NEW and VIEWED together
/// `UNPROCESSED`.
public enum OzonReviewStatus: String, Sendable, Equatable, CaseIterable {
    case new = "NEW"
    case viewed = "VIEWED"
    case processed = "PROCESSED"

    /// The v1 name of the state.
    var v1Name: String { self == .processed ? "PROCESSED" : "UNPROCESSED" }
}
