import Gateway

/// What the command line asked for. Flags override the environment, which overrides the file.
struct CommandLineOptions {
    /// A command, by the word that names it on the command line.
    enum Command: String, Equatable {
        case serve
        case hashKey = "hash-key"
        case healthcheck
        case checkConfig = "check-config"
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
               connector-gateway healthcheck [--config FILE] [--host HOST] [--port PORT]   (asks /healthz)
               connector-gateway check-config [--config FILE] [--host HOST] [--port PORT] [--static-root DIR]   (validate the configuration, as serve reads it, and exit)
               connector-gateway version         (also --version)
               connector-gateway help            (also --help)
        A flag's value may follow it or an equals sign (--port=8080); each flag is given once.
        -c, -p and -h are --config, --port and --help.

        Without --config (or GATEWAY_CONFIG) the gateway starts in demo mode: simulated Wildberries and
        Ozon on loopback and a tenant "demo" with the key "demo-key"; on an address beyond loopback
        only with GATEWAY_DEMO=1.
        Environment: GATEWAY_CONFIG, HOST, PORT, LOG_LEVEL (debug, info, warn, error, off),
        GATEWAY_STATIC_ROOT (the directory holding Public/ and openapi.yaml), GATEWAY_DEMO.
        Signals: TERM, INT or HUP drain and exit 0; a second one exits 1 at once.
        Exit status: 0 after a drain, 1 when it cannot start or on a second signal, 2 for a bad
        command line or configuration; healthcheck: 0 when /healthz answers 200, 1 when it does not
        or cannot be reached, 2 for a bad command line or configuration.
        """

    /// Every flag a command may take, by its long name.
    static let knownFlags: Set = ["--config", "--host", "--port", "--static-root", "--help", "--version"]
    /// The long names of the short flags.
    static let shortFlags = ["-c": "--config", "-p": "--port", "-h": "--help"]

    /// The flags `command` uses; any other is refused rather than ignored.
    static func flags(of command: Command) -> Set<String> {
        switch command {
        case .serve, .checkConfig: ["--config", "--host", "--port", "--static-root"]
        case .healthcheck: ["--config", "--host", "--port"]
        case .hashKey, .help, .version: []
        }
    }

    /// A port written as digits only (no sign, no spaces), 0 to 65535; `PORT` is read the same way.
    static func port(_ text: String) -> Int? {
        // Digits only (no sign, no space), leading zeros taken as `Int` takes them: 00080 and
        // 0008080 alike, at any length a port's digits could be padded to.
        guard !text.isEmpty, text.utf8.count <= 20, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let port = Int(text), port <= 65535 else { return nil }
        return port
    }

    /// An argument the parser does not know, quoted for the message when it reads as a mistyped
    /// command or option (letters and dashes, a few words long); anything else may be a key or a
    /// token pasted in the wrong place (an Ozon key is a 36-character UUID), and is not repeated
    /// whole.
    static func shown(_ argument: String) -> String {
        let wordLike = (1...32).contains(argument.utf8.count)
            && argument.utf8.allSatisfy { $0 == UInt8(ascii: "-") || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) }
        guard !wordLike else { return ConfigurationError.quoted(argument) }
        return ConfigurationError.quoted(String(argument.prefix(6))) + "… (\(argument.utf8.count) bytes, not repeated in full)"
    }

    /// Parses `arguments` (without the program name); throws a message for the user.
    static func parse(_ arguments: [String]) throws(UsageError) -> CommandLineOptions {
        var options = CommandLineOptions()
        var rest = arguments[...]
        if let first = rest.first, !first.hasPrefix("-") {
            guard let command = Command(rawValue: first) else { throw UsageError("unknown command \(Self.shown(first))") }
            options.command = command
            rest = rest.dropFirst()
        }
        var given: Set<String> = []
        while let argument = rest.first {
            rest = rest.dropFirst()
            // `--flag=value` as well as `--flag value`, and so for the short ones (`-p=8080`).
            var flag = argument, inline: String?
            if argument.hasPrefix("-"), let equals = argument.firstIndex(of: "=") {
                flag = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            func value() throws(UsageError) -> String {
                if let inline { return inline }
                guard let next = rest.first, !next.hasPrefix("--") else { throw UsageError("\(flag) needs a value") }
                rest = rest.dropFirst()
                return next
            }
            let name = Self.shortFlags[flag] ?? flag
            // The key is read on stdin: one given on the line would sit in the shell's history
            // and the process list, and is not repeated in the message (nor in CI logs).
            if options.command == .hashKey, !Self.knownFlags.contains(name) {
                throw UsageError("hash-key reads the key on stdin, not from the command line (printf '%s' \"$KEY\" | connector-gateway hash-key);"
                                 + " the argument given is not repeated here")
            }
            guard Self.flags(of: options.command).contains(name) || name == "--help" || name == "--version" else {
                if Self.knownFlags.contains(name) {
                    throw UsageError("\(options.command.rawValue) takes no \(name)")
                }
                throw UsageError("unknown option \(Self.shown(flag))")
            }
            guard given.insert(name).inserted else { throw UsageError("\(name) is given twice") }
            switch name {
            case "--config":
                // Empty, as `--config "$UNSET"` makes it: a mistake, said as one.
                let path = try value()
                guard !path.isEmpty else { throw UsageError("--config needs a file name, not an empty one") }
                options.configPath = path
            case "--host": options.host = try value()
            case "--port":
                let text = try value()
                guard let port = Self.port(text) else { throw UsageError("--port must be 0…65535, not \(ConfigurationError.quoted(text))") }
                options.port = port
            case "--static-root":
                let path = try value()
                guard !path.isEmpty else { throw UsageError("--static-root needs a folder, not an empty name") }
                options.staticRoot = path
            case "--help":
                guard inline == nil else { throw UsageError("--help takes no value") }
                // Help asked for is shown, whatever else the line holds.
                options.command = .help
                return options
            default:
                guard inline == nil else { throw UsageError("--version takes no value") }
                // As `--help`: asked for, it is shown wherever it stands on the line.
                options.command = .version
                return options
            }
        }
        return options
    }
}
