import Foundation

extension URL {
    /// How the gateway names the host of an upstream base URL in its health, metrics and errors:
    /// `name:port` when the URL gives a port, the name alone otherwise.
    public var upstreamHost: String {
        guard var name = host else { return absoluteString }
        // An IPv6 address in brackets, as a URL writes it, so that its port stands apart.
        if name.contains(":"), !name.hasPrefix("[") { name = "[\(name)]" }
        return port.map { "\(name):\($0)" } ?? name
    }
}
