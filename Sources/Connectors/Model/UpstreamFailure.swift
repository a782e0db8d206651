/// What the upstream said: enough for a caller to act and for an operator to search logs.
public struct UpstreamFailure: Sendable, Equatable, CustomStringConvertible {
    /// The marketplace that answered (or failed to).
    public var marketplace: Marketplace
    /// HTTP status, or nil when no response arrived (connection refused, reset, timeout).
    public var status: Int?
    /// The upstream's own message, trimmed to a few hundred characters.
    public var message: String
    /// The upstream's request id, when it sent one.
    public var requestID: String?
    /// The failure is the request's own and no state of the upstream changes it (a request
    /// that cannot be put on the wire), so the same call fails the same way even without a status.
    public var isLasting: Bool
    /// The marketplace took the credentials but does not serve this to the account: a
    /// subscription, a signed offer or a payment is missing (Wildberries' 402, Ozon's 403 "not
    /// available with existing subscription"). Checking the credentials would not help.
    public var lacksEntitlement: Bool

    /// Whether a 4xx `status` asks to come back later (408, 425, 429) rather than refusing the
    /// request for what it is.
    public static func saysLater(_ status: Int) -> Bool { status == 408 || status == 425 || status == 429 }

    /// `message` is cut to 300 characters; it must never carry a credential.
    public init(marketplace: Marketplace, status: Int?, message: String, requestID: String? = nil, isLasting: Bool = false,
                lacksEntitlement: Bool = false) {
        self.marketplace = marketplace
        self.status = status
        self.message = String(message.prefix(300))
        self.requestID = requestID
        self.isLasting = isLasting
        self.lacksEntitlement = lacksEntitlement
    }

    /// The same failure, marked `lacksEntitlement`, as a classifier finds it in the words.
    public var lackingEntitlement: UpstreamFailure {
        var marked = self
        marked.lacksEntitlement = true
        return marked
    }

    public var description: String {
        "\(marketplace) \(status.map(String.init) ?? "no response"): \(message)"
    }
}
