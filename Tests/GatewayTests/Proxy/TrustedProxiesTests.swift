@testable import Gateway
import Testing

@Suite("Finding the client behind trusted proxies (X-Forwarded-For)")
struct TrustedProxiesTests {
    let proxies = TrustedProxies([try! CIDR("10.0.0.0/8"), try! CIDR("fd00::/8")])

    func client(peer: String, _ forwardedFor: [String]) -> String {
        proxies.client(peer: IPAddress(peer)!, forwardedFor: forwardedFor).description
    }

    @Test("behind a trusted proxy the client is the address it appended")
    func trustedPeer() {
        #expect(client(peer: "10.0.0.2", ["203.0.113.9"]) == "203.0.113.9")
        #expect(client(peer: "fd00::2", ["2001:db8::7"]) == "2001:db8::7")
    }

    @Test("a peer that is not trusted is the client whatever X-Forwarded-For claims")
    func untrustedPeer() {
        #expect(client(peer: "198.51.100.4", ["10.0.0.9"]) == "198.51.100.4")
        #expect(client(peer: "198.51.100.4", ["203.0.113.9, 10.0.0.3"]) == "198.51.100.4")
    }

    @Test("a client's own spoofed entries left of the proxy's are ignored")
    func spoofedPrefix() {
        // given a client that sent "X-Forwarded-For: 1.2.3.4" through the proxy, which appended the real address
        #expect(client(peer: "10.0.0.2", ["1.2.3.4, 203.0.113.9"]) == "203.0.113.9")
    }

    @Test("several trusted hops are skipped from the right")
    func multipleHops() {
        #expect(client(peer: "10.0.0.2", ["1.2.3.4, 203.0.113.9, 10.9.9.9, 10.0.0.1"]) == "203.0.113.9")
        #expect(client(peer: "10.0.0.2", ["1.2.3.4, 203.0.113.9", "10.9.9.9"]) == "203.0.113.9")
        #expect(client(peer: "10.0.0.2", ["2001:db8::5, fd00::1, 10.1.1.1"]) == "2001:db8::5")
    }

    @Test("when every hop is trusted the leftmost one is the client")
    func allTrusted() {
        #expect(client(peer: "10.0.0.2", ["10.0.0.5, 10.0.0.4"]) == "10.0.0.5")
    }

    @Test("garbage stops the walk at the last trusted hop, and is never reported as the client",
          arguments: [
              (["unknown"], "10.0.0.2"), (["garbage, 10.0.0.1"], "10.0.0.1"),
              (["<script>, 203.0.113.9"], "203.0.113.9"), (["garbage, , 10.0.0.1"], "10.0.0.1"),
              (["300.1.1.1"], "10.0.0.2"), (["1.2.3.4:abc"], "10.0.0.2"), (["[::1"], "10.0.0.2"),
          ])
    func garbage(forwardedFor: [String], expected: String) {
        #expect(client(peer: "10.0.0.2", forwardedFor) == expected)
    }

    @Test("empty list elements name no hop and are passed over (RFC 9110 §5.6.1)",
          arguments: [
              (["203.0.113.9, "], "203.0.113.9"), (["1.2.3.4,,10.0.0.1"], "1.2.3.4"), (["1.2.3.4, , "], "1.2.3.4"),
              (["203.0.113.9", " , "], "203.0.113.9"), ([""], "10.0.0.2"), ([" ,, "], "10.0.0.2"),
          ])
    func emptyElements(forwardedFor: [String], expected: String) {
        #expect(client(peer: "10.0.0.2", forwardedFor) == expected)
    }

    @Test("entries with ports or brackets, as some proxies write them, are understood")
    func ports() {
        #expect(client(peer: "10.0.0.2", ["203.0.113.9:4711"]) == "203.0.113.9")
        #expect(client(peer: "10.0.0.2", ["[2001:db8::7]:443"]) == "2001:db8::7")
        #expect(client(peer: "10.0.0.2", ["  [2001:db8::8] "]) == "2001:db8::8")
    }

    @Test("with no trusted proxies the peer is always the client")
    func noneTrusted() {
        #expect(TrustedProxies().client(peer: IPAddress("127.0.0.1")!, forwardedFor: ["1.2.3.4"]).description == "127.0.0.1")
    }
}
