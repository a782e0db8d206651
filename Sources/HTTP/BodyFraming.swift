/// How the body of a request is delimited (RFC 9112 §6.3).
public enum BodyFraming: Sendable, Hashable {
    /// No body.
    case none
    /// Exactly this many bytes (never more than the body limit; the parser refuses larger).
    case length(Int)
    /// Chunked transfer coding, decoded with `ChunkedBodyDecoder`.
    case chunked
}
