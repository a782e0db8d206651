import Server
import Testing

@Suite("Socket addresses from configured hosts")
struct SocketAddressTests {
    @Test("given localhost in any letter case, then it is 127.0.0.1, as host names are case-insensitive (RFC 4343)",
          arguments: ["localhost", "LOCALHOST", "LocalHost"])
    func localhost(host: String) throws {
        let address = try SocketAddress(host: host, port: 8080)
        #expect(address.description == "127.0.0.1:8080")
    }
}
