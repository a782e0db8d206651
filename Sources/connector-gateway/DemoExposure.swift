import Gateway
import Server

/// Whether demo mode may listen where it was asked to. The demo's key, `demo-key`, is printed in
/// the README, so a demo reachable from other machines is a gateway anyone can use; and a
/// deployment whose `GATEWAY_CONFIG` went missing (a misspelt variable, `-e GATEWAY_CONFIG` with
/// nothing in the shell) would otherwise start as a healthy demo on the image's `0.0.0.0` and
/// answer every real tenant 401. So beyond loopback the demo needs `GATEWAY_DEMO=1`, and that
/// variable next to a configuration is refused rather than ignored.
enum DemoExposure {
    static let variable = "GATEWAY_DEMO"

    /// Why a gateway with a configuration file must not start (nor `check-config` pass it):
    /// `GATEWAY_DEMO` is set too.
    static func refusalWithConfiguration(environment: [String: String]) -> String? {
        guard let value = environment[variable] else { return nil }
        return value == "1"
            ? "connector-gateway: \(variable)=1 asks for demo mode, but a configuration file is named too (--config or GATEWAY_CONFIG); unset one of them"
            : badValue(value)
    }

    private static func badValue(_ value: String) -> String {
        "connector-gateway: \(variable) must be 1 (serve the demo beyond this machine) or unset, not \(ConfigurationError.quoted(value, limit: 40))"
    }

    /// Why demo mode must not listen on `host:port`: a bad `GATEWAY_DEMO`, or an address beyond
    /// this machine without `GATEWAY_DEMO=1`. Nil when it may.
    static func refusal(host: String, port: Int, environment: [String: String]) -> String? {
        if let value = environment[variable] { return value == "1" ? nil : badValue(value) }
        guard let address = try? SocketAddress(host: host, port: port), !address.isLoopback else { return nil }
        return "connector-gateway: no configuration (--config or GATEWAY_CONFIG), so this would be demo mode on \(address), "
            + "beyond this machine, with the publicly known key demo-key and no real marketplace. Name the configuration file "
            + "to serve tenants, or set \(variable)=1 to serve the demo there"
    }
}
