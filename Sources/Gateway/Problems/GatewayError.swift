/// Failures the gateway itself detects, before or around a connector. Each case maps to one row
/// of README's error table (DESIGN.md §5 and the rows the gateway adds to it); connector
/// failures stay `ConnectorError` and are mapped alongside.
public enum GatewayError: Error, Sendable, Equatable {
    /// Malformed JSON, a bad field, a bad cursor: every problem found, per field.
    case invalidRequest(detail: String, errors: [FieldError])
    /// No key, a malformed one, or one no tenant has.
    case unauthorized(detail: String)
    /// No route has this path.
    case notFound(path: String)
    /// The path exists but not with this method; with no `allow`, the target is no path of the
    /// gateway's at all (`CONNECT`'s `host:port`: the gateway is not a proxy).
    case methodNotAllowed(method: String, allow: [String])
    /// The same `Idempotency-Key` is still being processed.
    case idempotencyConflict
    /// The `Idempotency-Key` was used before with a different request.
    case idempotencyMismatch
    /// The body is not declared `application/json`; `received` is the `Content-Type` sent, if any.
    case unsupportedMediaType(received: String?)
    /// The body came with a `Content-Encoding` (gzip, …) the gateway does not decode.
    case unsupportedContentEncoding(received: String)
    /// The JSON body was declared in a charset other than UTF-8 (or US-ASCII): JSON is UTF-8
    /// (RFC 8259 §8.1), and bytes the client thinks are windows-1251 would be read as other text.
    case unsupportedCharset(received: String)
    /// The tenant spent its rate limit; `retryAfter` until the next request is allowed.
    case rateLimited(retryAfter: Duration)
    /// `If-Match` names no current version of the resource (RFC 9110 §13.1.1). Only the static
    /// files have versions (`ETag`); on a resource without (`resourceHasTags` false: the tenant
    /// routes) only `If-Match: *` holds.
    case preconditionFailed(resourceHasTags: Bool)
}
