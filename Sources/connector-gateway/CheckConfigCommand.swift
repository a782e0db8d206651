import Foundation
import Gateway
import Server

/// `connector-gateway check-config`: reads and validates the configuration as `serve` would
/// (`--config` or `GATEWAY_CONFIG`, `${VAR}` from the environment, `HOST`, `PORT`, `LOG_LEVEL`
/// and the flags over it), without binding a port or opening the idempotency journal a running
/// gateway holds, so a deployment can check a file before it replaces the one in use. Exit 0
/// with a one-line summary, 2 with the reason.
enum CheckConfigCommand {
    static func run(_ options: CommandLineOptions, environment: [String: String]) -> Int32 {
        let path: String
        switch ConfigurationFile.named(options, environment: environment) {
        case .file(let named):
            // As serve refuses it: a check that passes must mean the gateway starts.
            if let refusal = DemoExposure.refusalWithConfiguration(environment: environment) {
                Output.error(refusal)
                return 2
            }
            path = named
        case .emptyVariable:
            Output.error("connector-gateway: GATEWAY_CONFIG is set but empty; name the configuration file, or unset it")
            return 2
        case .none:
            Output.error("connector-gateway: check-config needs --config FILE or GATEWAY_CONFIG")
            return 2
        }
        guard var configuration = ConfigurationFile.load(path, environment: environment),
              RuntimeOverrides.apply(options, environment: environment, to: &configuration) != nil else { return 2 }
        if let journal = configuration.idempotencyJournal, let problem = IdempotencyJournal.problemOpening(journal) {
            Output.error("connector-gateway: invalid configuration \(path): idempotency.journal: \(problem)")
            return 2
        }
        let connections = HTTPServer.connectionLimitHere(configured: configuration.server.maxConnections)
        for message in ConfigurationWarnings.messages(configuration, maxConnections: connections, servesTenants: true) {
            JSONLine.write(["event": "warning", "message": message])
        }
        if let warning = StaticRoot.locate(options, environment: environment).warning {
            JSONLine.write(["event": "warning", "message": warning])
        }
        let marketplaces = Set(configuration.tenants.flatMap { $0.credentials.keys.map(\.rawValue) }).sorted()
        var summary: [String: Any] = [
            "event": "config_ok", "config": path, "tenants": configuration.tenants.count,
            "marketplaces_configured": marketplaces,
            "listen": (try? SocketAddress(host: configuration.server.host, port: configuration.server.port))?.description
                ?? "\(configuration.server.host):\(configuration.server.port)",
            "loops": configuration.server.loopCount,
        ]
        if let journal = configuration.idempotencyJournal { summary["idempotency_journal"] = journal }
        JSONLine.write(summary)
        return 0
    }
}
