import Foundation
import Gateway

/// The configuration file's text, or why it cannot be had, in words an operator can act on.
enum ConfigurationFile {
    struct Unreadable: Error {
        let reason: String
    }

    /// Which file the commands read: `--config`'s, else `GATEWAY_CONFIG`'s.
    enum Named {
        case file(String)
        /// Neither names one (serve runs the demo).
        case none
        /// `GATEWAY_CONFIG` is set but empty: an unset variable interpolated into it, a mistake
        /// rather than a wish for no file (serve would run the demo, on HOST, with a known key).
        case emptyVariable
    }

    static func named(_ options: CommandLineOptions, environment: [String: String]) -> Named {
        if let path = options.configPath { return .file(path) }
        switch environment["GATEWAY_CONFIG"] {
        case nil: return .none
        case ""?: return .emptyVariable
        case let path?: return .file(path)
        }
    }

    static func read(_ path: String) -> Result<String, Unreadable> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(Unreadable(reason: "no such file"))
        }
        if isDirectory.boolValue { return .failure(Unreadable(reason: "it is a directory")) }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(Unreadable(reason: "permission denied or not a regular file"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(Unreadable(reason: "it is not UTF-8 text"))
        }
        return .success(text)
    }

    /// The parsed configuration at `path`, or nil after saying on stderr why there is none.
    static func load(_ path: String, environment: [String: String]) -> GatewayConfiguration? {
        switch read(path) {
        case .success(let text):
            do {
                return try GatewayConfiguration.parse(text, environment: environment)
            } catch {
                Output.error("connector-gateway: invalid configuration \(path): \(error)")
                return nil
            }
        case .failure(let problem):
            Output.error("connector-gateway: cannot read the configuration file \(path): \(problem.reason)")
            return nil
        }
    }
}
