import Connectors
import MarketplaceSimulator
@testable import Marketplaces
import Testing

@Suite("Wildberries token claims")
struct WildberriesTokenClaimsTests {
    private static let seller = "5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"

    @Test("a personal token names its seller and is not a base token; a base token (acc 1) is")
    func access() {
        let personal = WildberriesTokenClaims(token: WildberriesToken.make(sellerID: Self.seller, categories: [.feedbacks]))
        let base = WildberriesTokenClaims(token: WildberriesToken.make(sellerID: Self.seller, categories: [.feedbacks], access: .base))
        let service = WildberriesTokenClaims(token: WildberriesToken.make(sellerID: Self.seller, categories: [.feedbacks], access: .service))
        #expect(personal == WildberriesTokenClaims(account: "sid:" + Self.seller, isBase: false))
        #expect(base == WildberriesTokenClaims(account: "sid:" + Self.seller, isBase: true))
        #expect(service.isBase == false)
    }

    @Test("a token that is not a JWT with a seller counts as its own account, with the full limits")
    func opaque() {
        #expect(WildberriesTokenClaims(token: "t0ken") == WildberriesTokenClaims(account: "token:t0ken", isBase: false))
        // A payload of {"acc":1} without `sid`.
        #expect(WildberriesTokenClaims(token: "e30.eyJhY2MiOjF9.c2ln").isBase == false)
        // {"sid":"s","acc":"1"}: a type that is not a number is not read as base.
        #expect(WildberriesTokenClaims(token: "e30.eyJzaWQiOiJzIiwiYWNjIjoiMSJ9.c2ln") == WildberriesTokenClaims(account: "sid:s", isBase: false))
    }
}
