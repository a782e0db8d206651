import Foundation
import HTTP
import Synchronization

/// A simulated `api-seller.ozon.ru`: the chat, review and question methods with Ozon's
/// authentication (Client-Id + Api-Key, a wrong key is 404 code 5), per-Client-Id rate limit
/// (token bucket, `ratelimit-remaining` on every answer), validation before the subscription
/// check, keyset and cursor pagination, 64-bit ids as strings, and state that changes when a
/// seller answers. Each account has its own deterministic seeded data.
public final class OzonSellerHost: SimulatedHost {
    /// What the host was started with: accounts, seed, counts, rate limit.
    public let options: OzonSimulatorOptions
    private let limiter: OzonRateLimiter
    let accounts: Mutex<[Int64: OzonSellerData]>

    /// Seeds each account's data from `options.seed` and its Client-Id; nothing is served until a
    /// `SimulatorServer` serves the host.
    public init(options: OzonSimulatorOptions = OzonSimulatorOptions()) {
        self.options = options
        limiter = OzonRateLimiter(requestsPerSecond: options.requestsPerSecond, burst: options.burst)
        var accounts: [Int64: OzonSellerData] = [:]
        for account in options.accounts {
            var data = OzonSellerData(account: account, seed: options.seed ^ UInt64(bitPattern: account.clientID &* 0x9E37_79B9))
            data.chatListMostRecentFirst = options.chatListMostRecentFirst
            data.chatListKeysetCursor = options.chatListKeysetCursor
            data.chatListCursorLength = options.chatListCursorLength
            data.chatHistoryAsMarkdown = options.chatHistoryAsMarkdown
            data.repliesStoredTrimmed = options.repliesStoredTrimmed
            data.listsIgnoreSortDirection = options.listsIgnoreSortDirection
            OzonSeeder.seed(&data, options: options)
            accounts[account.clientID] = data
        }
        self.accounts = Mutex(accounts)
    }

    /// Checks in Ozon's order: the path (plain-text 404), the method (POST only), the headers
    /// (401 code 16), the Client-Id's form (400 code 3), the Client-Id's rate limit (429), the
    /// Api-Key (404 code 5), then the method's own validation, subscription and work.
    public func handle(_ request: SimulatorRequest) async -> HTTPResponse {
        guard let route = OzonRoute(rawValue: request.path), !options.withdrawnPaths.contains(request.path) else {
            return SimulatorResponse.text("404 page not found", status: 404)
        }
        guard request.method == "POST" else { return OzonFailure.methodNotAllowed.response() }
        guard let clientHeader = request.header("Client-Id"), !clientHeader.isEmpty,
              let apiKey = request.header("Api-Key"), !apiKey.isEmpty
        else { return OzonFailure.missingHeaders.response() }
        guard let clientID = Int64(clientHeader.trimmingCharacters(in: .whitespaces)), clientID > 0 else {
            return OzonFailure.badClientID.response()
        }
        let headers: [(String, String)]
        switch limiter.take(clientID: clientID) {
        case .limited(let retryAfter):
            return faultResponse(.rateLimited(retryAfter: retryAfter))
        case .allowed(let remaining):
            headers = [("ratelimit-remaining", String(remaining))]
        }
        let now = OzonTime.now
        do {
            let body = try accounts.withLock { accounts throws(OzonFailure) -> [UInt8] in
                guard accounts[clientID]?.account.apiKey == apiKey else { throw .badAPIKey }
                let json = try OzonJSONBody(data: request.body)
                let object = try accounts[clientID]!.perform(route, json, now: now)
                return SimulatorJSON.encode(object)
            }
            var fields = HTTPHeaders([("Content-Type", "application/json")])
            for (name, value) in headers { fields.add(name, value) }
            return HTTPResponse(status: .ok, headers: fields, body: body)
        } catch {
            return error.response(headers: headers)
        }
    }

    /// Ozon's own answers for the faults a test injects: the 429 its gateway sends (no `details`,
    /// `retry-after` and `ratelimit-remaining: 0`), a gRPC-status 5xx, and the "Circle is open"
    /// 503 of a method blocked for maintenance or after heavy load.
    public func faultResponse(_ fault: Fault) -> HTTPResponse {
        switch fault {
        case .rateLimited(let retryAfter):
            return SimulatorResponse.json(
                ["code": 8, "message": "You have reached request rate limit per second"], status: 429,
                headers: [("retry-after", String(retryAfter)), ("ratelimit-remaining", "0")])
        case .serverError(let status):
            let unavailable = status == 503
            return SimulatorResponse.json(
                ["code": unavailable ? 14 : 13, "message": unavailable ? "Service Unavailable" : "Internal error", "details": [Any]()],
                status: status)
        case .maintenance:
            return SimulatorResponse.json(["code": 14, "message": "Circle is open", "details": [Any]()], status: 503)
        default:
            return SimulatorResponse.json(["code": 13, "message": "Internal error", "details": [Any]()], status: 500)
        }
    }
}
