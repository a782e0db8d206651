import Foundation
import Gateway

/// `connector-gateway check-config`: reads and validates the configuration as `serve` would
/// (`--config` or `GATEWAY_CONFIG`, `${VAR}` from the environment), without binding a port or
/// opening the idempotency journal a running gateway holds, so a deployment can check a file
/// before it replaces the one in use. Exit 0 with a one-line summary, 2 with the reason.
enum CheckConfigCommand {
    static func run(path: String?, environment: [String: String]) -> Int32 {
        guard let path else {
            Output.error("connector-gateway: check-config needs --config FILE or GATEWAY_CONFIG")
            return 2
        }
        guard let configuration = ConfigurationFile.load(path, environment: environment) else { return 2 }
        if let journal = configuration.idempotencyJournal, let problem = journalFolderProblem(journal) {
            Output.error("connector-gateway: invalid configuration \(path): idempotency.journal: \(problem)")
            return 2
        }
        let marketplaces = Set(configuration.tenants.flatMap { $0.credentials.keys.map(\.rawValue) }).sorted()
        var summary: [String: Any] = [
            "event": "config_ok", "config": path, "tenants": configuration.tenants.count,
            "marketplaces_configured": marketplaces,
            "listen": "\(configuration.server.host):\(configuration.server.port)", "loops": configuration.server.loopCount,
        ]
        if let journal = configuration.idempotencyJournal { summary["idempotency_journal"] = journal }
        JSONLine.write(summary)
        return 0
    }

    /// Why the gateway could not create or write the journal at `path`, if it could not: its
    /// folder must exist and be writable (the file itself may not exist yet).
    static func journalFolderProblem(_ path: String) -> String? {
        let folder = (path as NSString).deletingLastPathComponent
        let directory = folder.isEmpty ? "." : folder
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return "its folder \(directory) does not exist"
        }
        guard FileManager.default.isWritableFile(atPath: directory) else { return "its folder \(directory) is not writable by this user" }
        return nil
    }
}
