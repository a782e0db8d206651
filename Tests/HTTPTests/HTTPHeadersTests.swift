import HTTP
import Testing

@Suite("Header field names and values")
struct HTTPHeadersTests {
    @Test("given two names, when compared, then only ASCII letters fold and every byte counts",
          arguments: [
              ("Content-Type", "content-type", true),
              ("X-RATELIMIT-REMAINING", "x-ratelimit-remaining", true),
              ("", "", true),
              ("Content-Type", "Content-Typ", false),
              ("Content-Type", "Content-Tipe", false),
              ("a", "B", false),
              ("@", "`", false),  // 0x40 and 0x60 differ only in the case bit, but are not letters
              ("[", "{", false),
              ("É", "é", false),  // two bytes each; not ASCII, so not folded
              ("Ключ", "Ключ", true),
          ])
    func sameName(a: String, b: String, same: Bool) {
        #expect(HTTPHeaders.sameName(a, b) == same)
        #expect(HTTPHeaders.sameName(b, a) == same)
    }

    @Test("given names longer than a small string, when compared, then the whole name counts")
    func longNames() {
        let long = String(repeating: "Access-Control-Allow-", count: 4) + "Origin"
        #expect(HTTPHeaders.sameName(long, long.lowercased()))
        #expect(!HTTPHeaders.sameName(long, long.lowercased().dropLast() + "m"))
    }
}
