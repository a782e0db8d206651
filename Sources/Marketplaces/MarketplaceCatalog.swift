import Connectors

/// Every marketplace the gateway ships with. Registration is explicit: the executable calls
/// this at start-up; nothing registers itself as a side effect of being linked.
public enum MarketplaceCatalog {
    /// `clients` makes each upstream's client (URLSession for all of them unless given).
    public static func registerAll(in registry: ConnectorRegistry, endpoints: MarketplaceEndpoints,
                                   clients: UpstreamClientFactory = .urlSession) {
        WildberriesConnectors.register(in: registry, endpoints: endpoints, options: WildberriesOptions(clients: clients))
        OzonConnectors.register(in: registry, endpoints: endpoints, options: OzonOptions(clients: clients))
    }
}
