@testable import HTTP

enum DecodeOutcome: Equatable, CustomStringConvertible {
    /// The body ended; `consumed` input bytes belonged to it.
    case complete(body: [UInt8], consumed: Int)
    /// Every byte was consumed but the body has not ended.
    case incomplete(body: [UInt8])
    case failed(HTTPParseError)

    var description: String {
        switch self {
        case .complete(let body, let consumed): "complete(\(String(decoding: body, as: UTF8.self).debugDescription), consumed: \(consumed))"
        case .incomplete(let body): "incomplete(\(String(decoding: body, as: UTF8.self).debugDescription))"
        case .failed(let error): "failed(\(error))"
        }
    }

    var error: HTTPParseError? {
        if case .failed(let error) = self { return error }
        return nil
    }
}
