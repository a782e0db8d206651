import HTTP

/// What the server answered: status, header fields (names lower-cased, in order) and the body
/// with its transfer coding removed.
public struct HTTPClientResponse: Sendable {
    /// The final status (interim 1xx responses are read past).
    public var status: Int
    /// The fields in order of arrival, names lower-cased, repeats kept.
    public var headers: [(name: String, value: String)]
    /// The whole body, decoded from chunked framing when it was chunked.
    public var body: [UInt8]
    /// The body's bytes in the client's `answerBudget`, held until the last copy of the
    /// response goes; nil without a budget.
    public var lease: BodyBudget.Lease?

    /// A response as the client builds it, or a test's stand-in for one.
    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
