/// What the command line asked for. Flags override the environment, which overrides the file.
struct CommandLineOptions {
    enum Command: Equatable {
        case serve
        case hashKey
        case healthcheck
        case checkConfig
        case help
        case version
    }

    var command: Command = .serve
    var configPath: String?
    var host: String?
    var port: Int?
    var staticRoot: String?

    static let usage = """
        usage: connector-gateway [serve] [--config FILE] [--host HOST] [--port PORT] [--static-root DIR]
               connector-gateway hash-key        (reads an API key on stdin, prints its SHA-256 for the config)
               connector-gateway healthcheck [--config FILE] [--host HOST] [--port PORT]   (exit 0 when /healthz answers 200)
               connector-gateway check-config [--config FILE]   (validate the configuration, as serve reads it, and exit)
               connector-gateway version         (also --version)
               connector-gateway help            (also --help)

        Without --config (or GATEWAY_CONFIG) the gateway starts in demo mode: simulated Wildberries and
        Ozon on loopback and a tenant "demo" with the key "demo-key".
        Environment: GATEWAY_CONFIG, HOST, PORT, LOG_LEVEL (debug, info, warn, error, off),
        GATEWAY_STATIC_ROOT (the directory holding Public/ and openapi.yaml).
        Signals: TERM, INT or HUP drain and exit 0; a second one exits 1 at once.
        Exit status: 0 after a drain, 1 when it cannot start or on a second signal, 2 for a bad
        command line or configuration.
        """

    /// Parses `arguments` (without the program name); throws a message for the user.
    static func parse(_ arguments: [String]) throws(UsageError) -> CommandLineOptions {
        var options = CommandLineOptions()
        var rest = arguments[...]
        if let first = rest.first, !first.hasPrefix("-") {
            switch first {
            case "serve": options.command = .serve
            case "hash-key": options.command = .hashKey
            case "healthcheck": options.command = .healthcheck
            case "check-config": options.command = .checkConfig
            case "help": options.command = .help
            case "version": options.command = .version
            default: throw UsageError("unknown command \"\(first)\"")
            }
            rest = rest.dropFirst()
        }
        while let flag = rest.first {
            rest = rest.dropFirst()
            func value() throws(UsageError) -> String {
                guard let next = rest.first, !next.hasPrefix("--") else { throw UsageError("\(flag) needs a value") }
                rest = rest.dropFirst()
                return next
            }
            switch flag {
            case "--config", "-c": options.configPath = try value()
            case "--host": options.host = try value()
            case "--port", "-p":
                let text = try value()
                guard let port = Int(text), (0...65535).contains(port) else { throw UsageError("--port must be 0…65535, not \"\(text)\"") }
                options.port = port
            case "--static-root": options.staticRoot = try value()
            case "--help", "-h": options.command = .help
            case "--version": options.command = .version
            default: throw UsageError("unknown option \"\(flag)\"")
            }
        }
        return options
    }
}
