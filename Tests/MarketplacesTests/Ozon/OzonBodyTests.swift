import Foundation
@testable import Marketplaces
import Testing

@Suite("Ozon request bodies")
struct OzonBodyTests {
    @Test("given nested members in any order, when written, then keys are sorted by bytes and integers keep every digit")
    func exactBytes() {
        let body = OzonBody.object([
            "limit": .int(20),
            "last_id": .string("a\"b"),
            "filter": .object(["status": .string("ALL"), "chat_id_list": .array([.uint(UInt64.max), .int(-5)])]),
            "Z": .bool(false),
            "with_text": .bool(true),
        ])
        let expected = #"{"Z":false,"filter":{"chat_id_list":[18446744073709551615,-5],"status":"ALL"},"last_id":"a\"b","limit":20,"with_text":true}"#
        #expect(String(decoding: body.bytes, as: UTF8.self) == expected)
    }
}
