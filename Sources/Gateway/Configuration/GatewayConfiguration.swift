import Connectors
import Foundation
import Hashing
import Marketplaces
import Server

/// Everything the gateway is told at start-up (DESIGN.md §7): where to listen, the server
/// core's limits and timeouts, tenants with their key digests, rate limits and marketplace
/// credentials, and where each marketplace's hosts are.
public struct GatewayConfiguration: Sendable {
    /// Listen address, limits and timeouts of the server core (`listen`, `server`); loopback by default.
    public var server = ServerConfiguration(host: "127.0.0.1", port: 8080)
    /// The file's own `listen.host` and `listen.port`, nil where it left them out: what `HOST`,
    /// `PORT` and the flags replace is warned of, as an image's `PORT` silently would.
    public var fileListen: (host: String?, port: Int?) = (nil, nil)
    /// The tenants that may call the gateway (`tenants`); none means only public routes answer.
    public var tenants: [Tenant] = []
    /// Base URLs of each marketplace's hosts (`marketplaces`); production by default.
    public var endpoints = MarketplaceEndpoints()
    /// Seals cursors; a fixed secret keeps cursors valid across restarts and replicas.
    public var cursorSecret: [UInt8] = Array((0..<32).map { _ in UInt8.random(in: 0...255) })
    /// Whether `cursorSecret` came from the file (`cursor_secret`) rather than from this start.
    public var cursorSecretConfigured = false
    /// How long one gateway request may spend on upstream calls, retries included (`upstream_deadline_ms`).
    public var upstreamDeadline: Duration = .seconds(20)
    /// Bytes of marketplace answers that may be held at once, from their first byte until they
    /// are decoded, by every upstream client together (`max_upstream_answer_bytes`): each answer
    /// stops at 64 MiB, but many at once could take all of a container's memory.
    public var upstreamAnswerBytes = 256 << 20
    /// How long an `Idempotency-Key` outcome is replayed (`idempotency.lifetime_s`).
    public var idempotencyLifetime: Duration = .seconds(24 * 3600)
    /// Outcomes kept per tenant for `Idempotency-Key` replays (`idempotency.capacity`).
    public var idempotencyCapacity = 10_000
    /// The file that keeps `Idempotency-Key` claims and outcomes across restarts
    /// (`idempotency.journal`); nil keeps them in memory only.
    public var idempotencyJournal: String?
    /// How long in-flight requests get to finish after SIGTERM (`drain_timeout_ms`): 8 s by
    /// default, so that the drain, its cut-short answers and the log's flush end within the 10 s a
    /// container runtime gives by default before SIGKILL (unless stdout stalls, when the flush
    /// waits up to 5 s more).
    public var drainTimeout: Duration = .seconds(8)
    /// How long the gateway keeps serving, with `/readyz` failing, after SIGTERM and before its
    /// drain starts (`drain_delay_ms`): time for a load balancer to see it is not ready and stop
    /// sending to it, so connections it sends meanwhile are not refused.
    public var drainDelay: Duration = .zero
    /// Reverse proxies whose `X-Forwarded-For` names the client (`trusted_proxies`); empty: none,
    /// the client is always the TCP peer.
    public var trustedProxies = TrustedProxies()
    /// Requests per client address on the routes that need no API key (`public_rate_limit`);
    /// nil: not limited.
    public var publicRateLimit: TenantRateLimit?
    /// Failed authentications per client address (`failed_auth_limit`): past it the address's
    /// requests that would present a key are refused unchecked, so keys cannot be guessed at
    /// speed; nil: not limited.
    public var failedAuthLimit: TenantRateLimit?
    /// SHA-256 of the token `/metrics` asks for (`metrics_token`); nil: `/metrics` is public.
    /// The metrics name tenants and their traffic, which a gateway reachable by others may not show.
    public var metricsTokenDigest: [UInt8]?

    /// The defaults: loopback on 8080, no tenants, production endpoints, a random cursor secret.
    public init() {}

    /// Where a syntax error lies, as an editor counts: line and column (in bytes, from 1).
    /// Expansion keeps lines (a value's line break is escaped), not columns: a line that
    /// referred to a variable says its column is the expanded text's.
    static func place(of error: JSONSyntaxError, in expanded: [UInt8], file: String) -> String {
        // The parser counts from after a byte order mark, as an editor does; lines are split over
        // bytes, as a CR LF is one Character to Swift.
        let text = expanded.starts(with: [0xEF, 0xBB, 0xBF]) ? expanded.dropFirst(3) : expanded[...]
        let before = text.prefix(error.offset)
        let line = before.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        let column = before.count - (before.lastIndex(of: 0x0A).map { $0 - before.startIndex + 1 } ?? 0) + 1
        let fileLine = file.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).dropFirst(line - 1).first ?? []
        let expandedNote = fileLine.indices.contains { fileLine[$0...].starts(with: "${".utf8) } ? ", once its ${VAR} are expanded" : ""
        return "\(error.reason) on line \(line), column \(column)\(expandedNote)"
    }

    /// Parses the JSON configuration after expanding `${VAR}` from `environment`.
    public static func parse(_ text: String, environment: [String: String]) throws(ConfigurationError) -> GatewayConfiguration {
        let expanded = try EnvironmentExpansion.expand(text, environment: environment)
        let parsed: (value: JSONValue, repeatedKey: String?)
        do {
            parsed = try JSONValue.parseNamingRepeatedKey(expanded.utf8)
        } catch {
            throw ConfigurationError("", "the file is not valid JSON: \(Self.place(of: error, in: Array(expanded.utf8), file: text))")
        }
        if let repeated = parsed.repeatedKey {
            throw ConfigurationError(repeated, "is given twice in the same object: keep one")
        }
        let root = parsed.value
        let reader = ConfigurationReader(root, path: "")
        var configuration = GatewayConfiguration()
        try reader.allowOnly(["listen", "server", "tenants", "marketplaces", "cursor_secret", "upstream_deadline_ms",
                              "max_upstream_answer_bytes", "idempotency", "drain_timeout_ms", "drain_delay_ms", "trusted_proxies", "public_rate_limit", "failed_auth_limit",
                              "metrics_token"])
        if let listen = try reader.object("listen") {
            try listen.allowOnly(["host", "port"])
            if let host = try listen.string("host") {
                try checkListenHost(host, field: "listen.host")
                configuration.server.host = host
                configuration.fileListen.host = host
            }
            if let port = try listen.integer("port", in: 0...65535) {
                configuration.server.port = port
                configuration.fileListen.port = port
            }
        }
        if let server = try reader.object("server") {
            try configuration.applyServer(server)
        }
        if let secret = try reader.string("cursor_secret") {
            guard secret.utf8.count >= 16 else { throw ConfigurationError("cursor_secret", "must be at least 16 bytes") }
            configuration.cursorSecret = Array(secret.utf8)
            configuration.cursorSecretConfigured = true
        }
        if let token = try reader.string("metrics_token") {
            guard (16...512).contains(token.utf8.count), AuthenticationMiddleware.hasKeyCharacters(token) else {
                throw ConfigurationError("metrics_token", "must be 16 to 512 visible ASCII characters, without spaces")
            }
            configuration.metricsTokenDigest = SHA256.hash(token.utf8)
        }
        if let ms = try reader.integer("upstream_deadline_ms", in: 100...300_000) { configuration.upstreamDeadline = .milliseconds(ms) }
        if let ms = try reader.integer("drain_timeout_ms", in: 0...600_000) { configuration.drainTimeout = .milliseconds(ms) }
        if let ms = try reader.integer("drain_delay_ms", in: 0...300_000) { configuration.drainDelay = .milliseconds(ms) }
        if let bytes = try reader.integer("max_upstream_answer_bytes", in: (1 << 20)...(64 << 30)) { configuration.upstreamAnswerBytes = bytes }
        if let idempotency = try reader.object("idempotency") {
            try idempotency.allowOnly(["lifetime_s", "capacity", "journal"])
            if let seconds = try idempotency.integer("lifetime_s", in: 1...(7 * 86_400)) { configuration.idempotencyLifetime = .seconds(seconds) }
            if let capacity = try idempotency.integer("capacity", in: 1...10_000_000) { configuration.idempotencyCapacity = capacity }
            if let path = try idempotency.string("journal") {
                guard !path.isEmpty, !path.hasSuffix("/"), !path.utf8.contains(0) else {
                    throw ConfigurationError("idempotency.journal", "must name a file (the gateway creates it), such as /var/lib/connector-gateway/idempotency.journal")
                }
                configuration.idempotencyJournal = path
            }
        }
        if let proxies = try reader.array("trusted_proxies") {
            for entry in proxies {
                guard case .string(let text) = entry.value else {
                    throw ConfigurationError(entry.path, "must be a string: an IP address or CIDR range such as 10.0.0.0/8")
                }
                do {
                    configuration.trustedProxies.ranges.append(try CIDR(text))
                } catch {
                    throw ConfigurationError(entry.path, error.description)
                }
            }
        }
        if let limit = try reader.object("public_rate_limit") {
            configuration.publicRateLimit = try Self.addressLimit(limit, of: "requests")
        }
        if let limit = try reader.object("failed_auth_limit") {
            configuration.failedAuthLimit = try Self.addressLimit(limit, of: "failed authentications")
        }
        if let marketplaces = try reader.object("marketplaces") {
            try configuration.applyMarketplaces(marketplaces)
        }
        guard let tenants = try reader.array("tenants"), !tenants.isEmpty else {
            throw ConfigurationError("tenants", "at least one tenant is required")
        }
        var ids = Set<String>()
        // A key that opened two tenants would act as whichever is listed first: refused instead.
        var owners: [[UInt8]: String] = [:]
        for tenant in tenants {
            let parsed = try Self.tenant(tenant)
            guard ids.insert(parsed.id).inserted else { throw ConfigurationError(tenant.path + ".id", "\"\(parsed.id)\" is used twice") }
            for (index, digest) in parsed.keyDigests.enumerated() {
                if let owner = owners.updateValue(parsed.id, forKey: digest) {
                    let problem = owner == parsed.id ? "is listed twice" : "is already a key of tenant \"\(owner)\": each key opens one tenant"
                    throw ConfigurationError("\(tenant.path).api_key_sha256[\(index)]", problem)
                }
            }
            configuration.tenants.append(parsed)
        }
        // The metrics name every tenant's routes and traffic: a tenant's key that also opened them
        // would show one tenant the others'.
        if let token = configuration.metricsTokenDigest, let owner = owners[token] {
            throw ConfigurationError("metrics_token", "is a key of tenant \"\(owner)\": /metrics shows every tenant's traffic, so it needs a token of its own")
        }
        return configuration
    }

    /// Refuses a listen host the server could not bind: it takes a numeric IPv4 or IPv6 address
    /// or `localhost`, no name to resolve. `field` says where the host came from (`listen.host`,
    /// `HOST`, `--host`).
    public static func checkListenHost(_ host: String, field: String) throws(ConfigurationError) {
        guard (try? SocketAddress(host: host, port: 0)) != nil else {
            throw ConfigurationError(field, "must be a numeric IPv4 or IPv6 address (0.0.0.0, ::, 127.0.0.1) or localhost, not \"\(host.prefix(60))\"")
        }
    }

    private mutating func applyServer(_ server: ConfigurationReader) throws(ConfigurationError) {
        try server.allowOnly(["loops", "max_connections", "backlog", "header_timeout_ms", "body_timeout_ms", "idle_timeout_ms",
                              "write_timeout_ms", "max_body_bytes", "max_header_bytes", "max_field_line_bytes",
                              "max_request_line_bytes", "max_header_fields", "linger_timeout_ms", "max_pending_output_bytes",
                              "max_loop_pending_output_bytes", "max_loop_body_bytes", "half_close_grace_ms"])
        if let loops = try server.integer("loops", in: 1...256) { self.server.loopCount = loops }
        if let value = try server.integer("max_connections", in: 1...1_000_000) { self.server.maxConnections = value }
        if let value = try server.integer("backlog", in: 1...65_535) { self.server.backlog = Int32(value) }
        if let ms = try server.integer("header_timeout_ms", in: 100...600_000) { self.server.headerReadTimeout = .milliseconds(ms) }
        if let ms = try server.integer("body_timeout_ms", in: 100...600_000) { self.server.bodyReadTimeout = .milliseconds(ms) }
        if let ms = try server.integer("idle_timeout_ms", in: 100...3_600_000) { self.server.idleTimeout = .milliseconds(ms) }
        if let ms = try server.integer("write_timeout_ms", in: 100...600_000) { self.server.writeTimeout = .milliseconds(ms) }
        if let value = try server.integer("max_body_bytes", in: 1...(64 << 20)) { self.server.limits.maxBodyLength = value }
        if let value = try server.integer("max_header_bytes", in: 256...(1 << 20)) { self.server.limits.maxHeaderBlockLength = value }
        if let value = try server.integer("max_field_line_bytes", in: 64...(1 << 20)) {
            self.server.limits.maxFieldLineLength = value
            guard self.server.limits.maxHeaderBlockLength >= value else {
                // Name the setting the file gave: max_header_bytes may be its default.
                let headerGiven = server.gives("max_header_bytes")
                throw ConfigurationError(server.path + (headerGiven ? ".max_header_bytes" : ".max_field_line_bytes"),
                                         headerGiven ? "must be at least max_field_line_bytes (\(value)): a field line is part of the header block"
                                             : "must be at most max_header_bytes (\(self.server.limits.maxHeaderBlockLength), its default): a field line is part of the header block; raise max_header_bytes too")
            }
        } else {
            // A smaller header block alone brings the field-line limit (8 KiB by default) down with it.
            self.server.limits.maxFieldLineLength = min(self.server.limits.maxFieldLineLength, self.server.limits.maxHeaderBlockLength)
        }
        if let value = try server.integer("max_request_line_bytes", in: 64...(1 << 20)) { self.server.limits.maxRequestLineLength = value }
        if let value = try server.integer("max_header_fields", in: 1...10_000) { self.server.limits.maxFieldCount = value }
        if let ms = try server.integer("linger_timeout_ms", in: 100...60_000) { self.server.lingerTimeout = .milliseconds(ms) }
        if let ms = try server.integer("half_close_grace_ms", in: 0...60_000) { self.server.halfCloseGrace = .milliseconds(ms) }
        if let value = try server.integer("max_pending_output_bytes", in: (64 << 10)...(1 << 30)) { self.server.maxPendingOutput = value }
        if let value = try server.integer("max_loop_pending_output_bytes", in: (1 << 20)...(64 << 30)) {
            self.server.maxLoopPendingOutput = value
        }
        if let value = try server.integer("max_loop_body_bytes", in: (64 << 10)...(64 << 30)) { self.server.maxLoopBodyBytes = value }
    }

    /// A `{"rate", "burst"}` allowance per client address of `what` a second (`burst` left out:
    /// the rate rounded up).
    private static func addressLimit(_ limit: ConfigurationReader, of what: String) throws(ConfigurationError) -> TenantRateLimit {
        try limit.allowOnly(["rate", "burst"])
        guard let rate = try limit.number("rate", in: 0.001...1_000_000) else {
            throw ConfigurationError(limit.path + ".rate", "is required: \(what) per second per client address")
        }
        let burst = try limit.integer("burst", in: 1...1_000_000) ?? max(1, Int(rate.rounded(.up)))
        return TenantRateLimit(rate: rate, burst: burst)
    }

    private mutating func applyMarketplaces(_ marketplaces: ConfigurationReader) throws(ConfigurationError) {
        try marketplaces.allowOnly(["wildberries", "ozon"])
        if let wildberries = try marketplaces.object("wildberries") {
            try wildberries.allowOnly(["feedbacks_url", "chat_url"])
            if let url = try wildberries.url("feedbacks_url") { endpoints.wildberriesFeedbacks = url }
            if let url = try wildberries.url("chat_url") { endpoints.wildberriesChat = url }
        }
        if let ozon = try marketplaces.object("ozon") {
            try ozon.allowOnly(["seller_url"])
            if let url = try ozon.url("seller_url") { endpoints.ozonSeller = url }
        }
    }

    /// The SHA-256 of nothing.
    static let emptyKeyDigest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    /// SHA-256 of "\n".
    static let newlineKeyDigest = "01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b"
    /// SHA-256 of "demo-key", demo mode's published key.
    static let demoKeyDigest = "c48a01f49fd0f2cc404bc3cbbc80e91457a3d41bb429a695243de4c61794155c"

    private static func tenant(_ reader: ConfigurationReader) throws(ConfigurationError) -> Tenant {
        try reader.allowOnly(["id", "api_key_sha256", "rate_limit", "credentials"])
        guard let id = try reader.string("id") else {
            throw ConfigurationError(reader.path + ".id", "is required: 1 to 64 visible ASCII characters")
        }
        guard !id.isEmpty, id.utf8.count <= 64, id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") }) else {
            throw ConfigurationError(reader.path + ".id", "must be 1 to 64 visible ASCII characters (no space or quote)")
        }
        guard let hashes = try reader.array("api_key_sha256"), !hashes.isEmpty else {
            throw ConfigurationError(reader.path + ".api_key_sha256", "needs at least one SHA-256 digest (connector-gateway hash-key prints one)")
        }
        var digests: [[UInt8]] = []
        for entry in hashes {
            guard case .string(let text) = entry.value, text.utf8.count == 64, let digest = Hex.decode(text.lowercased()) else {
                throw ConfigurationError(entry.path, "must be 64 hex digits: the SHA-256 of the key, not the key")
            }
            // What `printf '%s' "$KEY" | sha256sum` prints with KEY unset: no request can send it.
            if text.lowercased() == Self.emptyKeyDigest {
                throw ConfigurationError(entry.path, "is the SHA-256 of an empty key, which no request can send (was the key's variable unset when it was hashed?)")
            }
            // What `echo "$KEY" | sha256sum` prints with KEY unset: a newline, no key either.
            if text.lowercased() == Self.newlineKeyDigest {
                throw ConfigurationError(entry.path, "is the SHA-256 of a bare line break, which no request can send (the key's variable unset, and echo's newline hashed: use connector-gateway hash-key)")
            }
            if text.lowercased() == Self.demoKeyDigest {
                throw ConfigurationError(entry.path, "is the SHA-256 of demo-key, the demo's key, which everyone knows: make a key of your own (openssl rand -hex 24)")
            }
            digests.append(digest)
        }
        var limit = TenantRateLimit(rate: 10, burst: 20)
        if let rate = try reader.object("rate_limit") {
            try rate.allowOnly(["rate", "burst"])
            let perSecond = try rate.number("rate", in: 0.001...1_000_000) ?? limit.rate
            let burst = try rate.integer("burst", in: 1...1_000_000) ?? limit.burst
            limit = TenantRateLimit(rate: perSecond, burst: burst)
        }
        var credentials: [Marketplace: MarketplaceCredentials] = [:]
        if let all = try reader.object("credentials") {
            try all.allowOnly(["wildberries", "ozon"])
            for name in ["wildberries", "ozon"] {
                guard let marketplace = try all.object(name) else { continue }
                var fields: [String: String] = [:]
                let required = name == "wildberries" ? ["token"] : ["client_id", "api_key"]
                let reader = marketplace
                try reader.allowOnly(Set(required))
                for field in required {
                    guard let value = try reader.string(field), !value.isEmpty else {
                        throw ConfigurationError(reader.path + "." + field, "is required for \(name)")
                    }
                    // The value goes into a header as it is: a line break (a secret read from a
                    // file with its newline), a space, another control character or anything
                    // beyond ASCII (a no-break space or curly quotes pasted from a document)
                    // would make every call fail, so it is refused here, without echoing it.
                    // A Wildberries token may be written `Bearer <token>`, as Wildberries takes it too.
                    let bare = field == "token" && value.utf8.count > 7 && value.prefix(7).lowercased() == "bearer "
                        ? value.dropFirst(7) : Substring(value)
                    guard bare.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                        throw ConfigurationError(reader.path + "." + field,
                                                 "has a space, a line break, another control character or a character beyond ASCII (a trailing newline from a secret file? a no-break space or quotes pasted from a document?)")
                    }
                    if field == "client_id", !value.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
                        throw ConfigurationError(reader.path + "." + field, "must be Ozon's numeric Client-Id")
                    }
                    fields[field] = value
                }
                credentials[Marketplace(rawValue: name)] = MarketplaceCredentials(marketplace: Marketplace(rawValue: name), fields: fields)
            }
        }
        return Tenant(id: id, keyDigests: digests, rateLimit: limit, credentials: credentials)
    }
}
