import Connectors

/// Every marketplace the gateway ships with. Registration is explicit: the executable calls
/// this at start-up; nothing registers itself as a side effect of being linked.
public enum MarketplaceCatalog {
    public static func registerAll(in registry: ConnectorRegistry, endpoints: MarketplaceEndpoints) {
        WildberriesConnectors.register(in: registry, endpoints: endpoints)
        OzonConnectors.register(in: registry, endpoints: endpoints)
    }
}
