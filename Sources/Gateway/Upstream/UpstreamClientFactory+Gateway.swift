import Connectors
import Foundation
import HTTP

extension UpstreamClientFactory {
    /// What the gateway uses: plain-`http` upstreams on its own event loops
    /// (`LoopUpstreamClient`), `https` ones through URLSession, which speaks TLS; every client
    /// it makes holds the answers it is receiving within the one `answers` ceiling.
    public static func gateway(answers: BodyBudget) -> UpstreamClientFactory {
        UpstreamClientFactory { (baseURL: URL, maxConnections: Int) -> any UpstreamClient in
            if let client = LoopUpstreamClient(baseURL: baseURL, maxConnections: maxConnections, answers: answers) { return client }
            return URLSessionUpstreamClient(baseURL: baseURL, maxConnections: maxConnections, answers: answers)
        }
    }
}
