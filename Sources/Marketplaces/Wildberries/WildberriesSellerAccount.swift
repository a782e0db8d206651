import Connectors

/// The seller a Wildberries token acts for, which Wildberries counts its rate limits by: the
/// token's `sid` claim (a token is a JWT whose payload names the seller, reference §3.1), or,
/// for a token that does not read as one, the token itself.
enum WildberriesSellerAccount {
    static func of(token: String) -> String {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3, let payload = Base64URL.decode(segments[1]),
              case .object(let claims)? = try? JSONValue(parsing: payload),
              case .string(let seller)? = claims["sid"], !seller.isEmpty
        else { return "token:" + token }
        return "sid:" + seller
    }
}
