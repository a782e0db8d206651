@testable import HTTP
import Testing

/// One input the parser must refuse, with the exact error and the status it is answered with.
struct Rejection: Sendable, CustomTestStringConvertible {
    let label: String
    let input: [UInt8]
    let error: HTTPParseError
    let status: Int
    var limits = ParserLimits()

    init(_ label: String, _ input: [UInt8], _ error: HTTPParseError, status: Int = 400, limits: ParserLimits = ParserLimits()) {
        self.label = label
        self.input = input
        self.error = error
        self.status = status
        self.limits = limits
    }

    /// A request line alone, followed by a valid Host and the end of the head.
    init(line label: String, _ requestLine: String, _ error: HTTPParseError, status: Int = 400) {
        self.init(label, bytes(requestLine + "\r\nHost: a\r\n\r\n"), error, status: status)
    }

    /// A valid HTTP/1.1 head (with Host) plus `field` as one more line.
    init(field label: String, _ field: [UInt8], _ error: HTTPParseError, status: Int = 400) {
        self.init(label, bytes("GET / HTTP/1.1\r\nHost: a\r\n") + field + bytes("\r\n\r\n"), error, status: status)
    }

    init(field label: String, _ field: String, _ error: HTTPParseError, status: Int = 400) {
        self.init(field: label, bytes(field), error, status: status)
    }

    var testDescription: String { label }
}
