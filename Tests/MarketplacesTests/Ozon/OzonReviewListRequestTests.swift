import Connectors
import Foundation
@testable import Marketplaces
import Testing

@Suite("Ozon review list request")
struct OzonReviewListRequestTests {
    @Test("given every combination of optional members, when written by hand, then the bytes are those OzonBody writes")
    func sameBytesAsOzonBody() {
        let from = Timestamp(millisecondsSinceEpoch: 1_778_746_169_099)
        for status in ["ALL", "PROCESSED"] {
            for (since, until) in [(nil, nil), (from, nil), (nil, from), (from, Timestamp(millisecondsSinceEpoch: 1_778_846_169_000))] {
                for lastID in [nil, "01a2256e-ad74-703a-8c3b-db34e25baeba", "quote \" and \\ and \u{1}"] {
                    for ascending in [false, true] {
                        let request = OzonReviewListRequest(status: status, from: since, to: until, lastID: lastID, limit: 100,
                                                            ascending: ascending)
                        var filters: [String: OzonBody] = ["status": .string(status)]
                        if let since { filters["published_from"] = .string(since.rfc3339) }
                        if let until { filters["published_to"] = .string(until.rfc3339) }
                        var body: [String: OzonBody] = [
                            "filters": .object(filters), "limit": .int(100), "sort_dir": .string(ascending ? "ASC" : "DESC"),
                        ]
                        if let lastID { body["last_id"] = .string(lastID) }
                        #expect(String(decoding: request.bytes, as: UTF8.self) == String(decoding: OzonBody.object(body).bytes, as: UTF8.self))
                    }
                }
            }
        }
    }

    @Test("given the first page of all reviews, newest first, then the body is exactly what Seller API documents")
    func firstPage() {
        let request = OzonReviewListRequest(status: "ALL", from: nil, lastID: nil, limit: 20, ascending: false)
        #expect(String(decoding: request.bytes, as: UTF8.self) == #"{"filters":{"status":"ALL"},"limit":20,"sort_dir":"DESC"}"#)
    }
}
