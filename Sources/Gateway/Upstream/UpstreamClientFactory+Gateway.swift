import Connectors
import Foundation

extension UpstreamClientFactory {
    /// What the gateway uses: plain-`http` upstreams on its own event loops
    /// (`LoopUpstreamClient`), `https` ones through URLSession, which speaks TLS.
    public static let gateway = UpstreamClientFactory { (baseURL: URL, maxConnections: Int) -> any UpstreamClient in
        if let client = LoopUpstreamClient(baseURL: baseURL, maxConnections: maxConnections) { return client }
        return URLSessionUpstreamClient(baseURL: baseURL, maxConnections: maxConnections)
    }
}
