@testable import HTTP

enum ParseOutcome: Equatable, CustomStringConvertible {
    case head(HeadSnapshot)
    /// Every byte was accepted but the head is not finished.
    case incomplete
    case failed(HTTPParseError)

    var description: String {
        switch self {
        case .head(let head): "head(\(head))"
        case .incomplete: "incomplete"
        case .failed(let error): "failed(\(error))"
        }
    }

    var error: HTTPParseError? {
        if case .failed(let error) = self { return error }
        return nil
    }
}
