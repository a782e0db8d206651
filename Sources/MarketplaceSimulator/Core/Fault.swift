/// A misbehaviour a simulator can be told to show, as real upstreams do now and then.
public enum Fault: Sendable, Equatable {
    /// The upstream's own 429 answer, with its rate-limit headers and `retryAfter` seconds.
    case rateLimited(retryAfter: Int)
    /// A 5xx answer with the upstream's error body.
    case serverError(status: Int)
    /// The answer is held back this long, then given normally.
    case latency(Duration)
    /// The connection is reset without an answer.
    case connectionReset
    /// The request is acted on, then the connection is reset before the answer: a write that
    /// took effect though its sender never heard so.
    case appliedThenReset
    /// The normal answer with its body cut in half (framing stays valid; the JSON does not).
    case truncatedBody
    /// A 200 whose body is not what the API promises (an HTML error page).
    case malformedBody
    /// The upstream's maintenance-window answer.
    case maintenance
    /// This JSON answer with this status in place of the normal one, the request not acted on
    /// (a 200 saying `"result": "blocked"`).
    case answer(status: Int, json: String)
}
