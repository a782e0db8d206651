/// One Ozon seller account the simulated host accepts: its Client-Id, its Api-Key, and whether it
/// pays for the subscription that review methods and chat write methods require.
public struct OzonAccount: Sendable, Equatable {
    /// The `Client-Id` header value the host expects; also names the account's data.
    public var clientID: Int64
    /// The `Api-Key` header value; a wrong one is answered 404 code 5, as Ozon does.
    public var apiKey: String
    /// Off: review methods and `/v1/chat/send/message`, `/v2/chat/read` answer 403 code 7.
    public var hasSubscription: Bool

    /// An account with the subscription unless told otherwise.
    public init(clientID: Int64, apiKey: String, hasSubscription: Bool = true) {
        self.clientID = clientID
        self.apiKey = apiKey
        self.hasSubscription = hasSubscription
    }

    /// The account demo mode and tests use unless they name another.
    public static let demo = OzonAccount(clientID: 1_836_402, apiKey: "7d5f3c1e-9a2b-4c8d-b6e4-2f0a9c7e1b35")
}
