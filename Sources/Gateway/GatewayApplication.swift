import Connectors
import Foundation
import Hashing
import Server
import Synchronization

/// The whole gateway wired together: routes, middleware in the documented order, and the HTTP
/// server that serves them. The caller supplies the connector registry (with the marketplaces
/// registered) so that tests and demo mode can choose what stands behind it.
public final class GatewayApplication: Sendable {
    /// The configuration the gateway was built from; its `drainTimeout` bounds `stop()`.
    public let configuration: GatewayConfiguration
    /// The HTTP server; its draining state is what `/readyz` reports.
    public let server: HTTPServer
    /// The router and middleware chain the server hands every request to.
    public let responder: GatewayResponder
    /// The counters `/metrics` renders, fed by the middleware and the handlers.
    public let metrics: GatewayMetrics
    /// Where access-log and event lines go; `stop()` flushes it.
    public let log: LogSink
    /// Where `Idempotency-Key` outcomes are kept across restarts, if anywhere; `stop()` closes it.
    public let idempotencyJournal: IdempotencyJournal?
    /// Static paths not served because the gateway's own routes answer there (see
    /// `StaticFiles.register`): for a warning at start-up.
    public let staticFilesLeftOut: [String]

    /// Wires the routes (health, connectors, static files) and the middleware, outermost first:
    /// request id, client address, access log, metrics, problems, the public rate limit when
    /// configured, authentication, tenant rate limit. Nothing listens until `start()`.
    /// `idempotencyJournal`, opened from `configuration.idempotencyJournal`, keeps the
    /// `Idempotency-Key` outcomes across restarts.
    public init(configuration: GatewayConfiguration, registry: ConnectorRegistry, staticFiles: StaticFiles,
                log: LogSink = LogSink(), idempotencyJournal: IdempotencyJournal? = nil) {
        self.configuration = configuration
        self.log = log
        self.idempotencyJournal = idempotencyJournal
        let metrics = GatewayMetrics()
        self.metrics = metrics
        idempotencyJournal?.observeFailures { metrics.recordIdempotencyJournalFailure() }
        log.observeDrops { metrics.recordLogLinesDropped($0) }
        let serverReference = ServerReference()
        let tenants = configuration.tenants
        let idempotency = IdempotencyStore(lifetime: configuration.idempotencyLifetime, capacity: configuration.idempotencyCapacity,
                                           journal: idempotencyJournal)
        idempotency.observeEvictions { tenant, count in metrics.recordIdempotencyEvictions(tenant: tenant, count: count) }
        let connectors = ConnectorService(
            registry: registry, cursors: CursorCodec(key: configuration.cursorSecret),
            idempotency: idempotency,
            upstreamDeadline: configuration.upstreamDeadline)
        let health = HealthService(
            isDraining: { serverReference.isLeaving || serverReference.server?.isDraining ?? false },
            metrics: metrics,
            metricsTokenDigest: configuration.metricsTokenDigest,
            gauges: {
                var gauges: [GatewayMetrics.Gauge] = []
                if let server = serverReference.server {
                    gauges.append(("gateway_open_connections", "Client connections open now.", [], Double(server.openConnections)))
                }
                for tenant in tenants {
                    for factory in registry.descriptors {
                        // Every configured tenant's circuits, from the start: a tenant that has not
                        // called yet shares its account's (its session is built, with no call made).
                        let credentials = tenant.credentials[factory.key.marketplace]
                        for upstream in registry.upstreams(for: factory.key, tenant: tenant.id, credentials: credentials) {
                            let open: Double = upstream.circuit == .closed ? 0 : (upstream.circuit == .open ? 1 : 0.5)
                            gauges.append(("gateway_upstream_circuit_open", "1 while the circuit to the upstream host behind this tenant's connector is open, 0.5 half-open; one circuit per host and seller account, shared by its tenants (do not sum over tenants).",
                                           [("tenant", tenant.id), ("connector", "\(factory.key)"), ("host", upstream.host)], open))
                        }
                    }
                }
                return gauges
            })
        var router = Router()
        health.register(into: &router)
        connectors.register(into: &router)
        staticFilesLeftOut = staticFiles.register(into: &router)
        // The SHA-256 of every secret the gateway holds. The log is not the client's to see: no
        // line repeats one, sent as the method or as the request id. The id is still kept and
        // echoed (see `RequestIDMiddleware`): replaced, it would tell a guesser which guess is one.
        let secretDigests = Set(configuration.tenants.flatMap(\.keyDigests)
                                + configuration.tenants.flatMap(\.credentialValues).map { SHA256.hash($0.utf8) })
            .union(configuration.metricsTokenDigest.map { [$0] } ?? [])
        var middleware: [any Middleware] = [
            RequestIDMiddleware(unloggedDigests: secretDigests),
            ClientAddressMiddleware(trustedProxies: configuration.trustedProxies),
            AccessLogMiddleware(sink: log, secretDigests: secretDigests),
            MetricsMiddleware(metrics: metrics),
            ProblemMiddleware(),
        ]
        if let limit = configuration.publicRateLimit {
            middleware.append(ClientRateLimitMiddleware(limiter: ClientRateLimiter(limit: limit)))
        }
        let failedAuthLimit = configuration.failedAuthLimit.map { FailedAuthLimitMiddleware(limiter: ClientRateLimiter(limit: $0)) }
        if let failedAuthLimit { middleware.append(failedAuthLimit) }
        let directory = TenantDirectory(tenants)
        let tenantLimiter = TenantRateLimiter(tenants: tenants)
        middleware += [
            AuthenticationMiddleware(directory: directory),
            TenantRateLimitMiddleware(limiter: tenantLimiter),
        ]
        responder = GatewayResponder(router: router, middleware: middleware, log: log, metrics: metrics,
                                     trustedProxies: configuration.trustedProxies,
                                     secretDigests: secretDigests,
                                     directory: directory, failedAuthLimit: failedAuthLimit, tenantLimiter: tenantLimiter)
        server = HTTPServer(configuration: configuration.server, responder: responder)
        serverReference.server = server
        self.serverReference = serverReference
    }

    private let serverReference: ServerReference

    /// Binds the listening sockets and starts the event loops; returns once every loop runs.
    /// Throws when the address cannot be bound or the server was started before.
    public func start() throws(ServerError) {
        try server.start()
    }

    /// Drains: readiness fails at once; after `drainDelay` when `delayed` (serving as before
    /// meanwhile, so a load balancer that has not yet seen readiness fail loses no connection)
    /// the listeners close, in-flight requests finish, then the server stops.
    public func stop(delayed: Bool = false) async {
        serverReference.isLeaving = true
        if delayed, configuration.drainDelay > .zero { try? await Task.sleep(for: configuration.drainDelay) }
        await server.stop(gracePeriod: configuration.drainTimeout)
        idempotencyJournal?.close()
        // 4.75 s and the flush's 250 ms of slack: the 5 s README promises a stalled reader.
        log.flush(patience: .milliseconds(4_750))
    }
}

/// Lets the readiness route ask the server that serves it whether it is draining (set once,
/// right after the server is made), and whether the gateway is about to drain.
private final class ServerReference: Sendable {
    private let value = Mutex<HTTPServer?>(nil)
    private let leaving = Mutex(false)

    /// Set when `stop()` begins, before the server's drain: readiness fails from then on.
    var isLeaving: Bool {
        get { leaving.withLock { $0 } }
        set { leaving.withLock { $0 = newValue } }
    }

    var server: HTTPServer? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
