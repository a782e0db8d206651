import Connectors
@testable import Gateway
import Server
import Testing

@Suite("The gateway's own upstream client: how its failures reach the caller")
struct LoopUpstreamClientTests {
    @Test("given a failure of the client, then the caller sees the case that says whether the host is at fault and whether anything was sent",
          arguments: [
              (HTTPClientError.connectFailed("Connection refused"), UpstreamTransportError.connectionRefused("Connection refused")),
              (.localFailure("socket: Too many open files"), .localFailure("socket: Too many open files")),
              (.notSent("no connection came free"), .notSent("no connection came free")),
              (.connectionLost("reset"), .connectionLost("reset")),
          ])
    func mapping(client: HTTPClientError, caller: UpstreamTransportError) {
        #expect(LoopUpstreamClient.transportError(client) == caller)
    }
}
