@testable import Gateway
import Testing

@Suite("CIDR ranges for trusted_proxies")
struct CIDRTests {
    @Test("an IPv4 range holds exactly the addresses under its prefix")
    func ipv4Range() throws {
        let range = try CIDR("10.1.0.0/16")
        #expect(range.contains(IPAddress("10.1.0.0")!))
        #expect(range.contains(IPAddress("10.1.255.255")!))
        #expect(!range.contains(IPAddress("10.2.0.0")!))
        #expect(!range.contains(IPAddress("10.0.255.255")!))
        #expect(range.description == "10.1.0.0/16")
    }

    @Test("a prefix that is not on a byte boundary masks the right bits")
    func oddPrefix() throws {
        let range = try CIDR("192.168.4.0/22")
        #expect(range.contains(IPAddress("192.168.7.200")!))
        #expect(!range.contains(IPAddress("192.168.8.0")!))
        #expect(!range.contains(IPAddress("192.168.3.255")!))
    }

    @Test("/32 and a bare IPv4 address mean that one host")
    func singleHost() throws {
        for text in ["127.0.0.1/32", "127.0.0.1"] {
            let range = try CIDR(text)
            #expect(range.prefixLength == 32)
            #expect(range.contains(IPAddress("127.0.0.1")!))
            #expect(!range.contains(IPAddress("127.0.0.2")!))
        }
    }

    @Test("/0 holds every address of its family and none of the other")
    func everything() throws {
        let v4 = try CIDR("0.0.0.0/0")
        #expect(v4.contains(IPAddress("255.255.255.255")!))
        #expect(v4.contains(IPAddress("1.2.3.4")!))
        #expect(!v4.contains(IPAddress("::1")!))
        let v6 = try CIDR("::/0")
        #expect(v6.contains(IPAddress("2001:db8::1")!))
        #expect(!v6.contains(IPAddress("1.2.3.4")!))
    }

    @Test("IPv6 ranges, /128 and bare IPv6 addresses")
    func ipv6() throws {
        let range = try CIDR("2001:db8::/32")
        #expect(range.contains(IPAddress("2001:db8:ffff::1")!))
        #expect(!range.contains(IPAddress("2001:db9::1")!))
        let host = try CIDR("::1/128")
        #expect(host.contains(IPAddress("::1")!))
        #expect(!host.contains(IPAddress("::2")!))
        #expect(try CIDR("fd00::1").prefixLength == 128)
        #expect(try CIDR("fd00::/8").contains(IPAddress("fdab:1234::9")!))
    }

    @Test("an IPv4-mapped IPv6 peer matches an IPv4 range")
    func mappedAddress() throws {
        let mapped = try #require(IPAddress("::ffff:10.0.0.7"))
        #expect(mapped.isIPv4)
        #expect(try CIDR("10.0.0.0/8").contains(mapped))
        #expect(mapped.description == "10.0.0.7")
    }

    @Test("invalid ranges are refused with a message that says what is wrong",
          arguments: [
              ("", "not an IPv4 or IPv6"), ("localhost", "not an IPv4 or IPv6"), ("10.0.0/8", "not an IPv4 or IPv6"),
              ("256.0.0.0/8", "not an IPv4 or IPv6"), ("10.0.0.0/33", "0 to 32"), ("::/129", "0 to 128"),
              ("10.0.0.0/", "0 to 32"), ("10.0.0.0/-1", "0 to 32"), ("10.0.0.0/8/8", "0 to 32"), ("10.0.0.0/ 8", "0 to 32"),
              ("10.0.0.0/+8", "0 to 32"), ("10.0.0.1/8", "host bits set; the range is 10.0.0.0/8"),
              ("2001:db8::1/32", "the range is 2001:db8::/32"), ("/8", "not an IPv4 or IPv6"),
          ])
    func invalid(text: String, message: String) {
        #expect {
            try CIDR(text)
        } throws: { error in
            (error as? CIDR.ParseError)?.description.contains(message) == true
        }
    }
}
