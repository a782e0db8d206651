/// The version of this build: in the start-up log line and printed by `version`. The OpenAPI
/// document's `info.version` is the REST contract's own version, which moves only when the
/// contract does.
enum GatewayVersion {
    static let current = "0.4.0"
}
