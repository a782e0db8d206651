@testable import Gateway
import HTTP
import Testing

@Suite("Query string decoding")
struct RequestFieldsTests {
    @Test("given form-encoded names and values, when decoded, then + is a space and %XX a byte of UTF-8", arguments: [
        ("limit", "limit"),
        ("a+b", "a b"),
        ("2026-05-14T08:21:37%2B03:00", "2026-05-14T08:21:37+03:00"),
        ("%D0%BE%D1%82%D0%B7%D1%8B%D0%B2", "отзыв"),
        ("%41%62%7e", "Ab~"),
        ("", ""),
        ("%25", "%"),
    ])
    func decodes(text: String, expected: String) {
        #expect(RequestFields.decode(text[...]) == expected)
    }

    @Test("given a malformed escape or bytes that are not UTF-8, when decoded, then nil", arguments: [
        "%", "%4", "%G1", "a%zz", "%FF", "%D0", "%C0%AF",
    ])
    func refuses(text: String) {
        #expect(RequestFields.decode(text[...]) == nil)
    }

    @Test("given fields in no particular order, one of them twice, then each is found by name, the repeated one reported once and not read")
    func lookupByName() throws {
        // given
        let request = HTTPRequest(method: .get, target: "/x?zeta=1&alpha=a&mid=true&alpha=b&beta=%D0%BE", headers: [("Host", "gateway")], body: [])
        // when
        let fields = try RequestFields.query(of: request)
        var errors = fields.errors(allowed: ["alpha", "beta", "mid", "zeta"])
        // then
        #expect(fields.integer("zeta", in: 0...9, errors: &errors) == 1)
        #expect(fields.bool("mid", errors: &errors) == true)
        #expect(fields.string("beta", errors: &errors) == "о")
        #expect(fields.string("alpha", errors: &errors) == nil)
        #expect(fields.string("absent", errors: &errors) == nil)
        #expect(errors.map(\.field) == ["alpha"])
        #expect(errors.first?.message == "is given more than once")
    }
}
