import Gateway
import Server

/// What a configuration allows but an operator would not want unknowingly: `serve` logs these at
/// start-up and `check-config` prints them before its summary, the same words in both.
enum ConfigurationWarnings {
    /// One message per warning; `maxConnections` is what the server holds in this process,
    /// `cpus` the CPUs it may run on. `servesTenants`: a configuration file's, whose unset
    /// secrets are warned of too (demo mode's are its own).
    static func messages(_ configuration: GatewayConfiguration, maxConnections: Int, cpus: Int = ServerConfiguration.availableCPUs,
                         servesTenants: Bool) -> [String] {
        var messages: [String] = []
        if let host = configuration.fileListen.host, host != configuration.server.host {
            messages.append("listen.host \(host) in the file is replaced by HOST or --host: the gateway listens on \(configuration.server.host). "
                + "Unset HOST (the image sets HOST=0.0.0.0) or drop listen.host, so that one place says where it listens.")
        }
        if let port = configuration.fileListen.port, port != configuration.server.port {
            messages.append("listen.port \(port) in the file is replaced by PORT or --port: the gateway listens on \(configuration.server.port). "
                + "Unset PORT (the image sets PORT=8080) or drop listen.port, so that one place says where it listens.")
        }
        if configuration.server.loopCount > cpus {
            messages.append("server.loops \(configuration.server.loopCount) is more than the \(cpus) CPU\(cpus == 1 ? "" : "s") this process "
                + "may run on: loops beyond one a CPU add thread switches, not throughput. Leave server.loops unset (one loop a CPU) "
                + "or set it to \(cpus) or fewer.")
        }
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
        for range in configuration.trustedProxies.ranges where range.prefixLength < (range.network.isIPv4 ? 8 : 16) {
            messages.append("trusted_proxies \(range) takes in more addresses than any operator's proxies hold: a client connecting "
                + "from there names its own address in X-Forwarded-For, so failed_auth_limit and public_rate_limit count it as anyone "
                + "it likes and the access log's client is what it says. List the proxies' own addresses or subnet.")
        }
        return servesTenants ? messages + secretMessages(configuration) : messages
    }

    /// The secrets left unset that make cursors die with the process or `/metrics` public, and a
    /// cursor secret short enough to guess from a cursor.
    private static func secretMessages(_ configuration: GatewayConfiguration) -> [String] {
        var messages: [String] = []
        if !configuration.cursorSecretConfigured {
            messages.append("No cursor_secret: cursors are sealed with a key made at this start, so every cursor clients hold "
                + "is refused after a restart and by other replicas (a poller of updates starts over). Set cursor_secret, "
                + "e.g. from: openssl rand -base64 32.")
        } else if configuration.cursorSecret.count < 32 {
            messages.append("cursor_secret has \(configuration.cursorSecret.count) bytes: a client holding a cursor can test "
                + "guesses of it offline, and one found forges any tenant's cursors. Use 32 random bytes or more, e.g. from: openssl rand -base64 32.")
        }
        if configuration.metricsTokenDigest == nil {
            messages.append("No metrics_token: /metrics answers anyone who reaches the gateway, with every tenant's id and traffic. "
                + "Set metrics_token, or keep /metrics off the networks clients use (deploy/nginx.conf answers it 404).")
        }
        return messages
    }
}
