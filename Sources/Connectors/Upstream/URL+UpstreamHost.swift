import Foundation

extension URL {
    /// How the gateway names the host of an upstream base URL in its health, metrics and errors:
    /// `name:port` when the URL gives a port, the name alone otherwise.
    public var upstreamHost: String {
        guard let name = host else { return absoluteString }
        return port.map { "\(name):\($0)" } ?? name
    }
}
