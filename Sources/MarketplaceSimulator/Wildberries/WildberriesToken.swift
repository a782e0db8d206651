import Foundation

/// A Wildberries API token as the hosts read it: a JWT whose payload names the seller (`sid`),
/// the API categories it may call (the bitmask `s`), its type (`acc`), and when it expires (`exp`). The simulator
/// issues such tokens with `make` and checks the claims of those it is sent; the signature
/// segment is opaque, as it is to every client.
public struct WildberriesToken: Sendable, Equatable {
    /// Bits of the `s` claim (reference §3.1).
    public struct Categories: OptionSet, Sendable, Hashable {
        /// The bits of the `s` claim.
        public let rawValue: Int64
        /// Categories from the bits of an `s` claim; unknown bits are kept.
        public init(rawValue: Int64) { self.rawValue = rawValue }

        /// Bit 7: "Вопросы и отзывы", the feedbacks-api host.
        public static let feedbacks = Categories(rawValue: 1 << 7)
        /// Bit 9: "Чат с покупателями", the buyer-chat-api host.
        public static let chat = Categories(rawValue: 1 << 9)
        /// Bit 30: the token may only read.
        public static let readOnly = Categories(rawValue: 1 << 30)
    }

    /// The `acc` claim (reference §3.1). A base token gets far lower rate limits (§3.4).
    public enum Access: Int, Sendable {
        case base = 1, test = 2, personal = 3, service = 4
    }

    /// The seller account (`sid`): rate limits are counted per seller and token type.
    public var sellerID: String
    /// The hosts the token may call (`s`); a host refuses a token without its bit.
    public var categories: Categories
    /// The token type (`acc`).
    public var access: Access
    /// Unix seconds (`exp`).
    public var expiresAt: Int64

    /// Claims as given; `expiresAt` in unix seconds.
    public init(sellerID: String, categories: Categories, access: Access = .personal, expiresAt: Int64) {
        self.sellerID = sellerID
        self.categories = categories
        self.access = access
        self.expiresAt = expiresAt
    }

    /// Reads the claims of a JWT-shaped token; nil when it is not three base64url segments with a
    /// JSON object payload carrying `sid` and `s`.
    public static func parse(_ token: String) -> WildberriesToken? {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3, segments.allSatisfy({ !$0.isEmpty }),
              WildberriesBase64URL.decode(segments[2]) != nil,
              let payload = WildberriesBase64URL.decode(segments[1]),
              let claims = (try? JSONSerialization.jsonObject(with: payload)) as? [String: Any],
              let seller = claims["sid"] as? String,
              let bits = (claims["s"] as? NSNumber)?.int64Value
        else { return nil }
        let expires = (claims["exp"] as? NSNumber)?.int64Value ?? Int64.max
        let access = (claims["acc"] as? NSNumber).flatMap { Access(rawValue: $0.intValue) } ?? .personal
        return WildberriesToken(sellerID: seller, categories: Categories(rawValue: bits), access: access, expiresAt: expires)
    }

    /// Issues a token with these claims, shaped like a real one (ES256 header, the usual claims).
    public static func make(sellerID: String, categories: Categories, access: Access = .personal,
                            expiresAt: Int64 = 4_102_444_800,
                            tokenID: String = "019c41ab-6da6-765e-8fb9-e6247a69fa7e") -> String {
        let header: [String: Any] = ["alg": "ES256", "kid": "20250107v1", "typ": "JWT"]
        let claims: [String: Any] = [
            "acc": access.rawValue, "ent": 1, "exp": expiresAt, "for": "self", "id": tokenID, "iid": 44_511_123,
            "oid": 4_112_188, "s": categories.rawValue, "sid": sellerID, "t": false, "uid": 44_511_123,
        ]
        func segment(_ object: [String: Any]) -> String {
            WildberriesBase64URL.encode((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
        }
        let head = segment(header) + "." + segment(claims)
        var hasher = WildberriesSeededGenerator(seed: head.utf8.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 })
        var signature = Data()
        for _ in 0..<8 { withUnsafeBytes(of: hasher.next()) { signature.append(contentsOf: $0) } }
        return head + "." + WildberriesBase64URL.encode(signature)
    }

    /// The token the simulator accepts by default: the demo seller (`sid` `5f0c1a2b-…`), both
    /// categories, a personal token valid until 2100.
    public static let demo = make(sellerID: "5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b", categories: [.feedbacks, .chat])
}
