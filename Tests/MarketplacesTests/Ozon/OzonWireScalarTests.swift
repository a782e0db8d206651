import Connectors
@testable import Marketplaces
import Testing

@Suite("Ozon wire scalars")
struct OzonWireScalarTests {
    /// Reads `T` from `{"v": <value>}`.
    struct Holder<T: JSONReadable>: JSONReadable {
        var value: T?
        init(json: JSONElement) throws(JSONReadError) {
            var value: T?
            try json.members { key, element throws(JSONReadError) in
                if case "v" = key { value = try element.nonNull.map(T.init(json:)) }
            }
            self.value = value
        }
    }

    func read<T: JSONReadable>(_ type: T.Type, _ value: String) throws(JSONReadError) -> T? {
        try Holder<T>(parsing: Array(#"{"v":\#(value)}"#.utf8)).value
    }

    @Test("given ids as strings, 64-bit numbers, negative numbers, when read, then every digit is kept")
    func ids() throws {
        #expect(try read(OzonID.self, #""c-1""#)?.text == "c-1")
        #expect(try read(OzonID.self, "3000000000118032117")?.text == "3000000000118032117")
        #expect(try read(OzonID.self, "18446744073709551615")?.text == "18446744073709551615")
        #expect(try read(OzonID.self, "-42")?.text == "-42")
        #expect(throws: JSONReadError.self) { try read(OzonID.self, "1.5") }
        #expect(throws: JSONReadError.self) { try read(OzonID.self, "true") }
    }

    @Test("given counts as numbers, strings and fractions, when read, then the integer comes back; one beyond Int fails instead of trapping")
    func counts() throws {
        #expect(try read(OzonInt.self, "5")?.value == 5)
        #expect(try read(OzonInt.self, #""17""#)?.value == 17)
        #expect(try read(OzonInt.self, "4.9")?.value == 4)
        #expect(throws: JSONReadError.self) { try read(OzonInt.self, "1e300") }
        #expect(throws: JSONReadError.self) { try read(OzonInt.self, #""many""#) }
    }

    @Test("given flags as booleans, strings and numbers, when read, then true, \"TRUE\", \"1\" and non-zero are true")
    func flags() throws {
        for (text, value) in [("true", true), ("false", false), (#""TRUE""#, true), (#""1""#, true), (#""no""#, false), ("2", true), ("0", false)] {
            #expect(try read(OzonFlag.self, text)?.value == value, "\(text)")
        }
        #expect(throws: JSONReadError.self) { try read(OzonFlag.self, "[]") }
    }

    @Test("given dates as RFC 3339, unix seconds or milliseconds, or unreadable, when read, then the instant or nil, never a failure")
    func dates() throws {
        #expect(try read(OzonDate.self, #""2026-05-14T10:09:29.099284+03:00""#)?.timestamp == FlexibleDate.parse("2026-05-14T07:09:29.099Z"))
        #expect(try read(OzonDate.self, "1778746169")?.timestamp == Timestamp(secondsSinceEpoch: 1_778_746_169))
        #expect(try read(OzonDate.self, "1778746169099")?.timestamp == Timestamp(millisecondsSinceEpoch: 1_778_746_169_099))
        #expect(try read(OzonDate.self, #""yesterday""#)?.timestamp == nil)
        #expect(try read(OzonDate.self, "{}")?.timestamp == nil)
        #expect(try read(OzonDate.self, "null") == nil)
    }

    @Test("given statuses in any case, escaped or unknown, when read, then the state comes back and only a non-string fails")
    func statuses() throws {
        #expect(try read(OzonStatus.self, #""NEW""#)?.state == .new)
        #expect(try read(OzonStatus.self, #""viewed""#)?.state == .viewed)
        #expect(try read(OzonStatus.self, #""Processed""#)?.state == .processed)
        #expect(try read(OzonStatus.self, #""UNPROCESSED""#)?.state == .unprocessed)
        #expect(try read(OzonStatus.self, #""\u004eEW""#)?.state == .new)
        #expect(try read(OzonStatus.self, #""ARCHIVED""#)?.state == .other)
        #expect(try read(OzonStatus.self, #""NEWS""#)?.state == .other)
        #expect(try read(OzonStatus.self, #""""#)?.state == .other)
        #expect(try read(OzonStatus.self, "null") == nil)
        #expect(throws: JSONReadError.self) { try read(OzonStatus.self, "1") }
    }

    @Test("given each state, then NEW is unread, VIEWED and PROCESSED read, the others unknown")
    func readFlag() {
        #expect(OzonStatus(.new).read == false)
        #expect(OzonStatus(.viewed).read == true)
        #expect(OzonStatus(.processed).read == true)
        #expect(OzonStatus(.unprocessed).read == nil)
        #expect(OzonStatus(.other).read == nil)
    }

    @Test("given a review whose rating is outside 1-5, when it becomes an item, then it has no rating rather than a wrong one", arguments: [0, 6, -1, 400_000_000])
    func ratingOutOfRange(rating: Int) throws {
        let review = try OzonReviewObject(parsing: Array(#"{"id":"r-1","sku":1,"text":"ok","rating":\#(rating),"status":"UNPROCESSED"}"#.utf8))
        #expect(OzonReviewConnector.item(review, raw: nil).rating == nil)
        let fine = try OzonReviewObject(parsing: Array(#"{"id":"r-1","sku":1,"text":"ok","rating":4,"status":"UNPROCESSED"}"#.utf8))
        #expect(OzonReviewConnector.item(fine, raw: nil).rating == 4)
    }
}
