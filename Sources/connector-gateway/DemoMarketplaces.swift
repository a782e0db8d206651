import Connectors
import Foundation
import Gateway
import Hashing
import MarketplaceSimulator
import Marketplaces

/// Demo mode: the Wildberries and Ozon simulators in this process on loopback ports, and a
/// tenant `demo` (key `demo-key`, 50 requests/s, burst 100) whose credentials they accept.
/// Everything then runs through the real connectors over real HTTP.
final class DemoMarketplaces: Sendable {
    static let key = "demo-key"

    let wildberries: WildberriesSimulator
    let ozon: OzonSimulator

    init() throws {
        wildberries = WildberriesSimulator()
        try wildberries.start()
        ozon = try OzonSimulator()
    }

    var endpoints: MarketplaceEndpoints {
        MarketplaceEndpoints(wildberriesFeedbacks: wildberries.feedbacksURL, wildberriesChat: wildberries.chatURL,
                             ozonSeller: ozon.baseURL)
    }

    var tenant: Tenant {
        Tenant(id: "demo", keyDigests: [SHA256.hash(Self.key.utf8)], rateLimit: TenantRateLimit(rate: 50, burst: 100),
               credentials: [
                   .wildberries: MarketplaceCredentials(marketplace: .wildberries, fields: ["token": WildberriesSimulator.demoToken]),
                   .ozon: MarketplaceCredentials(marketplace: .ozon, fields: ozon.credentials),
               ])
    }

    func stop() async {
        await wildberries.stop()
        await ozon.stop()
    }
}
