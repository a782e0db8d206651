import Foundation
import Glibc

// connector-gateway: the ConnectorGateway server and its small helper commands.
// A reader of stdout gone before the server starts (the journal's start-up events are logged
// first) is a failed write, said once on stderr, not a silent death by SIGPIPE.
_ = signal(SIGPIPE, SIG_IGN)
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
    exit(HealthCheckCommand.run(options, environment: environment))
case .checkConfig:
    exit(CheckConfigCommand.run(options, environment: environment))
case .serve:
    exit(await ServeCommand.run(options, environment: environment))
}
