import Connectors
import Foundation
import Gateway
import Glibc
import HTTP
import Marketplaces
import Server

/// Runs the gateway until SIGTERM, SIGINT or SIGHUP (a closed terminal; not when started with
/// SIGHUP ignored, as under `nohup`): drains (readiness fails, in-flight requests finish) and
/// exits 0; a second signal exits 1 at once. A configuration that cannot be used exits 2.
enum ServeCommand {
    static func run(_ options: CommandLineOptions, environment: [String: String]) async -> Int32 {
        let handling = ServeSignals()
        let status = await serve(options, environment: environment, handling: handling)
        // A start-up that failed returns here while a second signal's `exit(1)` may be under way
        // on its thread: two threads must not run glibc's exit at once.
        guard handling.claimExit() else {
            while true { try? await Task.sleep(for: .seconds(60)) }
        }
        return status
    }

    private static func serve(_ options: CommandLineOptions, environment: [String: String], handling: ServeSignals) async -> Int32 {
        // Watched before anything else, and handled from the start on a task of its own (see
        // `ServeSignals`): a signal while the configuration is read or the demo and the journal
        // are set up (seconds for a large one) is kept, and drains the gateway as soon as it
        // serves, instead of killing the process by the default action with nothing said; a
        // second one exits at once, however start-up is stuck. SIGHUP too, unless it came
        // ignored (`nohup`): then a closed terminal must not stop it.
        let signals: SignalWaiter
        do {
            signals = try SignalWaiter([SIGTERM, SIGINT] + (SignalWaiter.isIgnored(SIGHUP) ? [] : [SIGHUP]))
        } catch {
            Output.error("connector-gateway: cannot start: \(error)")
            return 1
        }
        let watcher = Task.detached { await handling.watch(signals.signals) }
        var configuration: GatewayConfiguration
        var demo: DemoMarketplaces?
        var configFile = "-"
        var wantsDemo = false
        switch ConfigurationFile.named(options, environment: environment) {
        case .emptyVariable:
            Output.error("connector-gateway: GATEWAY_CONFIG is set but empty; name the configuration file, or unset it for demo mode "
                         + "(which listens beyond loopback only with GATEWAY_DEMO=1)")
            return 2
        case .file(let configPath):
            if let refusal = DemoExposure.refusalWithConfiguration(environment: environment) {
                Output.error(refusal)
                return 2
            }
            guard let loaded = ConfigurationFile.load(configPath, environment: environment) else { return 2 }
            configuration = loaded
            configFile = configPath
        case .none:
            configuration = GatewayConfiguration()
            wantsDemo = true
        }
        guard let level = RuntimeOverrides.apply(options, environment: environment, to: &configuration) else { return 2 }
        if wantsDemo {
            // The address is checked before the simulators start: a refused demo binds nothing.
            if let refusal = DemoExposure.refusal(host: configuration.server.host, port: configuration.server.port, environment: environment) {
                Output.error(refusal)
                return 2
            }
            do {
                let marketplaces = try DemoMarketplaces()
                configuration.endpoints = marketplaces.endpoints
                configuration.tenants = [marketplaces.tenant]
                demo = marketplaces
            } catch {
                Output.error("connector-gateway: cannot start the demo marketplaces: \(error)")
                return 1
            }
        }

        let endpoints = configuration.endpoints
        if [endpoints.wildberriesFeedbacks, endpoints.wildberriesChat, endpoints.ozonSeller].contains(where: { $0.scheme?.lowercased() == "https" }) {
            URLSessionUpstreamClient.prepareProcess()
        }
        let registry = ConnectorRegistry()
        MarketplaceCatalog.registerAll(in: registry, endpoints: endpoints,
                                       clients: .gateway(answers: BodyBudget(limit: configuration.upstreamAnswerBytes)))
        let staticRoot = StaticRoot.locate(options, environment: environment)
        let root = staticRoot.directory
        let staticFiles = StaticFiles(directory: root.appendingPathComponent("Public"),
                                      extra: ["/openapi.yaml": root.appendingPathComponent("openapi.yaml")])
        let log = LogSink(level: level)
        var journal: IdempotencyJournal?
        if let path = configuration.idempotencyJournal {
            // What check-config refuses of its place, in its words (a folder it cannot write, where
            // the journal could never be rewritten, included); then what opening it finds, its
            // contents read once.
            let problem: String?
            if let found = IdempotencyJournal.problemWithPlace(path) {
                problem = found
            } else {
                do {
                    journal = try IdempotencyJournal.open(path: path, lifetime: configuration.idempotencyLifetime,
                                                          capacity: configuration.idempotencyCapacity, log: log)
                    problem = nil
                } catch {
                    problem = error.problem
                }
            }
            if let problem {
                log.flush(patience: .seconds(1))
                Output.error("connector-gateway: invalid configuration \(configFile): idempotency.journal: \(problem)")
                return 2
            }
        }
        let application = GatewayApplication(configuration: configuration, registry: registry, staticFiles: staticFiles,
                                             log: log, idempotencyJournal: journal)
        let listeningSince = ContinuousClock.now
        do {
            try application.start()
        } catch {
            // What opening the journal said (a torn write cut off, say) goes out before the exit.
            log.flush(patience: .seconds(1))
            Output.error("connector-gateway: cannot start: \(error)")
            return 1
        }
        // As a URL writes it (an IPv6 address in brackets); the listen host is numeric.
        let host = configuration.server.host, port = application.server.port
        let listening = try? SocketAddress(host: host, port: port)
        let address = listening?.description ?? "\(host):\(port)"
        // What an operator needs to know the process is the one they meant, and no secret: ids,
        // counts and marketplace names only.
        let marketplaces = Set(configuration.tenants.flatMap { $0.credentials.keys.map(\.rawValue) }).sorted()
        var start: [String: Any] = [
            "event": "start", "version": GatewayVersion.current, "listen": address,
            "loops": configuration.server.loopCount, "tenants": configuration.tenants.count,
            "marketplaces_configured": marketplaces, "log_level": "\(level)", "static_root": root.path,
        ]
        if let journal {
            start["idempotency_journal"] = journal.path
            start["idempotency_outcomes_restored"] = journal.restoredCount
        }
        if demo != nil {
            start["mode"] = "demo"
            // A wildcard address is no place to send a request: the example asks this machine.
            let reachable = host == "0.0.0.0" ? "127.0.0.1:\(port)" : host == "::" ? "[::1]:\(port)" : address
            start["message"] = "DEMO MODE: simulated Wildberries and Ozon, tenant demo, key demo-key. "
                + "Try: curl -s -H 'Authorization: Bearer demo-key' http://\(reachable)/connectors"
        } else {
            start["mode"] = "configured"
        }
        // Through the log's queue, as every later line: an access line written in the first
        // instant cannot splice with them, and a stdout nobody reads does not hold start-up.
        JSONLine.write(start, to: application.log)
        if demo != nil, !(listening?.isLoopback ?? false) {
            JSONLine.write(["event": "warning", "message": "Demo mode listens on \(address), beyond this machine (GATEWAY_DEMO=1), with the publicly "
                + "known key demo-key and no real marketplace. If this was meant to serve real tenants, GATEWAY_CONFIG (or --config) is missing."],
                           to: application.log)
        }
        for message in ConfigurationWarnings.messages(configuration, maxConnections: application.server.maxConnections,
                                                      servesTenants: demo == nil) {
            JSONLine.write(["event": "warning", "message": message], to: application.log)
        }
        if let warning = staticRoot.warning {
            JSONLine.write(["event": "warning", "message": warning], to: application.log)
        }
        if !application.staticFilesLeftOut.isEmpty {
            JSONLine.write(["event": "warning", "message": "Static files not served, as the gateway's own routes answer there or their names"
                + " read as route parameters: " + application.staticFilesLeftOut.prefix(10).joined(separator: ", ")
                + (application.staticFilesLeftOut.count > 10 ? ", …" : "")], to: application.log)
        }
        handling.serving(application, demo: demo, listeningSince: listeningSince)
        // The process ends in `exit`, from the drain's end or a second signal.
        await watcher.value
        return 0
    }
}
