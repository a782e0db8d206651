/// A question's processing state; list filters also accept `ALL` and `UNPROCESSED` (NEW or VIEWED).
public enum OzonQuestionStatus: String, Sendable, Equatable, CaseIterable {
    case new = "NEW"
    case viewed = "VIEWED"
    case processed = "PROCESSED"
}
