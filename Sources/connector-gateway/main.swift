import Foundation
import Glibc

// connector-gateway: the ConnectorGateway server and its small helper commands.
let environment = ProcessInfo.processInfo.environment
let options: CommandLineOptions
do {
    options = try CommandLineOptions.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    Output.error("connector-gateway: \(error)\n\(CommandLineOptions.usage)")
    exit(2)
}

switch options.command {
case .help:
    Output.line(CommandLineOptions.usage)
    exit(0)
case .version:
    Output.line("connector-gateway \(GatewayVersion.current)")
    exit(0)
case .hashKey:
    exit(HashKeyCommand.run())
case .healthcheck:
    // The address serve would listen on: the configuration's (--config or GATEWAY_CONFIG), then
    // PORT and HOST, then the flags.
    var host = "127.0.0.1", port = 8080
    if let path = options.configPath ?? environment["GATEWAY_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) {
        guard let configuration = ConfigurationFile.load(path, environment: environment) else { exit(2) }
        host = configuration.server.host
        port = configuration.server.port
    }
    if let flag = options.port { port = flag }
    if options.port == nil, let text = environment["PORT"], !text.isEmpty {
        // As serve reads it, but for 0: a PORT serve would refuse is not quietly replaced by
        // 8080 here, and 0 (a port the kernel picks) is no port a health check can reach.
        guard let value = Int(text), (1...65535).contains(value) else {
            Output.error("connector-gateway: PORT must be 1…65535 for a health check, not \"\(text.prefix(40))\"")
            exit(2)
        }
        port = value
    }
    exit(HealthCheckCommand.run(host: options.host ?? environment["HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? host, port: port))
case .checkConfig:
    exit(CheckConfigCommand.run(options, environment: environment))
case .serve:
    exit(await ServeCommand.run(options, environment: environment))
}
