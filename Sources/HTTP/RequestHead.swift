/// A parsed request head. Everything variable is a range into the bytes the parser was given,
/// so nothing has been copied or turned into a String yet.
public struct RequestHead: Sendable {
    /// The method token, already validated.
    public var method: HTTPMethod
    /// The version of the request line: 1.0 or 1.x.
    public var version: HTTPVersion
    /// The request target's bytes, as offsets from the start of the message.
    public var target: Range<Int>
    /// Every header field in order of arrival.
    public var fields: [FieldSpan]
    /// Bytes from the start of the message to the end of the empty line that ends the head.
    public var length: Int
    /// How the body that follows the head is delimited, with every framing ambiguity refused.
    public var framing: BodyFraming
    /// Whether the connection may carry another request after this one.
    public var keepAlive: Bool
    /// The client sent `Expect: 100-continue` on HTTP/1.1 and waits for an interim response.
    public var expectsContinue: Bool
}
