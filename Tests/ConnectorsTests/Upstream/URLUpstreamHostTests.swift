import Connectors
import Foundation
import Testing

@Suite("How an upstream host is named in health, metrics and errors")
struct URLUpstreamHostTests {
    @Test("given a base URL, then its host is named as a URL writes it: an IPv6 address in brackets, so the port stands apart",
          arguments: [("http://[::1]:8080/api", "[::1]:8080"), ("http://[::ffff:127.0.0.1]:26450", "[::ffff:127.0.0.1]:26450"),
                      ("http://127.0.0.1:9000/", "127.0.0.1:9000"), ("https://api-seller.ozon.ru", "api-seller.ozon.ru"),
                      ("https://[2001:db8::1]/x", "[2001:db8::1]")])
    func named(url: String, host: String) throws {
        #expect(try #require(URL(string: url)).upstreamHost == host)
    }
}
