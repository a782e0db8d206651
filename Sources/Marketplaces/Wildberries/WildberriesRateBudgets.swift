import Connectors
import Foundation
import Synchronization

/// The rate budgets of each Wildberries seller account, one per host (feedbacks-api, whose
/// feedbacks and questions share a bucket, and buyer-chat-api). Wildberries counts its limits
/// per seller, so tenants configured with tokens of the same seller draw from the same budgets,
/// as Ozon's tenants of one Client-Id do (`OzonRateBudgets`).
final class WildberriesRateBudgets: Sendable {
    struct Pair: Sendable {
        let feedbacks: RateBudget
        let chat: RateBudget
    }

    private let feedbacksLimit: RateLimit
    private let chatLimit: RateLimit
    private let clock: any ResilienceClock
    private let pairs = Mutex<[String: Pair]>([:])

    init(options: WildberriesOptions) {
        feedbacksLimit = options.feedbacksRateLimit
        chatLimit = options.chatRateLimit
        clock = options.clock
    }

    /// The budgets of the seller `token` belongs to.
    func budgets(forToken token: String) -> Pair {
        let account = Self.account(ofToken: token)
        return pairs.withLock { pairs in
            if let existing = pairs[account] { return existing }
            let pair = Pair(feedbacks: RateBudget(limit: feedbacksLimit, clock: clock), chat: RateBudget(limit: chatLimit, clock: clock))
            pairs[account] = pair
            return pair
        }
    }

    /// The seller a token acts for: its `sid` claim (a token is a JWT whose payload names the
    /// seller, reference §3.1), or, for a token that does not read as one, the token itself.
    static func account(ofToken token: String) -> String {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3, let payload = base64URLDecode(segments[1]),
              case .object(let claims)? = try? JSONValue(parsing: payload),
              case .string(let seller)? = claims["sid"], !seller.isEmpty
        else { return "token:" + token }
        return "sid:" + seller
    }

    private static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
