import Gateway

/// What the flags and the environment change in a configuration, as `serve` reads them and
/// `check-config` checks them: `--host`/`HOST` and `--port`/`PORT` override the listen address,
/// `LOG_LEVEL` sets the log level.
enum RuntimeOverrides {
    /// Applies the overrides to `configuration` and returns the log level; nil after saying on
    /// stderr what is wrong with one.
    static func apply(_ options: CommandLineOptions, environment: [String: String],
                      to configuration: inout GatewayConfiguration) -> LogSink.Level? {
        if let host = options.host ?? environment["HOST"].flatMap({ $0.isEmpty ? nil : $0 }) {
            do {
                try GatewayConfiguration.checkListenHost(host, field: options.host != nil ? "--host" : "HOST")
            } catch {
                Output.error("connector-gateway: \(error)")
                return nil
            }
            configuration.server.host = host
        }
        if let port = options.port {
            configuration.server.port = port
        } else if let text = environment["PORT"], !text.isEmpty {
            guard let port = CommandLineOptions.port(text) else {
                Output.error("connector-gateway: PORT must be 0…65535, not \(ConfigurationError.quoted(text))")
                return nil
            }
            configuration.server.port = port
        }
        guard let name = environment["LOG_LEVEL"], !name.isEmpty else { return .info }
        guard let level = LogSink.Level(name: name) else {
            Output.error("connector-gateway: LOG_LEVEL must be debug, info, warn, error or off, not \(ConfigurationError.quoted(name, limit: 40))")
            return nil
        }
        return level
    }
}
