import Gateway
import Testing

@Suite("IP addresses")
struct IPAddressTests {
    @Test("given an address, when written and parsed again, then the text is canonical and the address the same", arguments: [
        ("0.0.0.0", "0.0.0.0"),
        ("0.9.10.255", "0.9.10.255"),
        ("100.99.1.200", "100.99.1.200"),
        ("255.255.255.255", "255.255.255.255"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("::1", "::1"),
        ("fe80::1:2:3:4", "fe80::1:2:3:4"),
    ])
    func roundTrip(text: String, canonical: String) throws {
        // given
        let address = try #require(IPAddress(text))
        // when
        let written = address.description
        // then
        #expect(written == canonical)
        #expect(IPAddress(written) == address)
    }
}
