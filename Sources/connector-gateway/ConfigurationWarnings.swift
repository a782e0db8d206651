import Gateway

/// What a configuration allows but an operator would not want unknowingly: `serve` logs these at
/// start-up and `check-config` prints them before its summary, the same words in both.
enum ConfigurationWarnings {
    /// One message per warning; `maxConnections` is what the server holds in this process.
    static func messages(_ configuration: GatewayConfiguration, maxConnections: Int) -> [String] {
        var messages: [String] = []
        if maxConnections < configuration.server.maxConnections {
            messages.append("max_connections \(configuration.server.maxConnections) lowered to "
                + "\(maxConnections): this process may open too few file descriptors to hold that many "
                + "connections and still reach the marketplaces. Raise the limit (ulimit -n, docker run --ulimit nofile=65536) "
                + "or lower server.max_connections.")
        }
        for tenant in configuration.tenants where !tenant.rateLimit.policyCoversTheRate {
            let (quota, window) = tenant.rateLimit.policy
            messages.append("Tenant \(tenant.id): with a rate of \(tenant.rateLimit.rate)/s and a burst of "
                + "\(tenant.rateLimit.burst), its RateLimit-Policy can promise only q=\(quota);w=\(window) (what passes even sent at once), "
                + "less than the rate, and clients pacing by it stay below it. A burst the rate refills in a whole number of seconds, "
                + "at least one, lets them use all of it.")
        }
        return messages
    }
}
