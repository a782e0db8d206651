/// The version this build reports at start-up (and in the OpenAPI document's `info.version`).
enum GatewayVersion {
    static let current = "0.4.0"
}
