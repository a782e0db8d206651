import Connectors

/// What the gateway reads from a Wildberries token (a JWT, reference §3.1) to pace its calls: the
/// seller it acts for, since Wildberries counts its limits per seller account, and whether it is
/// a base token (`acc` 1), which Wildberries allows a small fraction of the calls (reference
/// §3.4: 5 an hour on feedbacks and questions, 1 an hour on chat). A token that does not read as
/// a JWT counts as its own account with the full limits, as nothing says otherwise.
struct WildberriesTokenClaims: Sendable, Equatable {
    /// `sid:<seller>`, or `token:<token>` when the token names no seller.
    let account: String
    let isBase: Bool

    init(account: String, isBase: Bool) {
        self.account = account
        self.isBase = isBase
    }

    init(token: String) {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3, let payload = Base64URL.decode(segments[1]),
              case .object(let claims)? = try? JSONValue(parsing: payload),
              case .string(let seller)? = claims["sid"], !seller.isEmpty
        else {
            account = "token:" + token
            isBase = false
            return
        }
        account = "sid:" + seller
        if case .number(let access)? = claims["acc"] { isBase = access.int64 == 1 } else { isBase = false }
    }
}
