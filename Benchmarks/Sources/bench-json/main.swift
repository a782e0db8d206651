import Connectors
import Foundation

// bench-json: decoding an upstream answer, Foundation's JSONDecoder (Decodable) against reading
// it by hand from our parser's tape (JSONReadable, the connectors' path), on a 20-review page
// shaped like Ozon's /v1/review/list (types mirror the connector's wire types, which are
// internal to Marketplaces). ITERATIONS (default 20,000); ONLY=foundation|reader|parser.

struct FlexibleID: Decodable {
    let text: String
    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self.text = text
        } else if let value = try? container.decode(UInt64.self) {
            text = String(value)
        } else {
            text = String(try container.decode(Int64.self))
        }
    }
}

struct FlexibleInt: Decodable {
    let value: Int
    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) {
            self.value = value
        } else if let text = try? container.decode(String.self), let value = Int(text) {
            self.value = value
        } else {
            value = Int(try container.decode(Double.self))
        }
    }
}

struct Review: Decodable {
    let id: String
    let sku: FlexibleID?
    let text: String?
    let publishedAt: String?
    let rating: FlexibleInt?
    let status: String?
    let orderStatus: String?
    let commentsAmount: FlexibleInt?
    enum CodingKeys: String, CodingKey {
        case id, sku, text, rating, status
        case publishedAt = "published_at"
        case orderStatus = "order_status"
        case commentsAmount = "comments_amount"
    }
}

struct Page: Decodable {
    let reviews: [Review]?
    let lastID: String?
    let hasNext: Bool?
    enum CodingKeys: String, CodingKey {
        case reviews
        case lastID = "last_id"
        case hasNext = "has_next"
    }
}

struct ReadableReview: JSONReadable {
    let id: String
    let sku: String?
    let text: String?
    let publishedAt: Timestamp?
    let rating: Int?
    let status: String?
    let orderStatus: String?
    let commentsAmount: Int?

    init(json: JSONElement) throws(JSONReadError) {
        var id: String?, sku: String?, text: String?, publishedAt: Timestamp?, rating: Int?
        var status: String?, orderStatus: String?, commentsAmount: Int?
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "id": id = try value.nonNull?.string()
            case "sku": sku = try value.nonNull.map { v throws(JSONReadError) in v.isString ? try v.string() : String(try v.uint64()) }
            case "text": text = try value.nonNull?.string()
            case "published_at": publishedAt = try value.nonNull?.withStringUTF8 { FlexibleDate.parse(utf8: $0) }
            case "rating": rating = try value.nonNull?.int()
            case "status": status = try value.nonNull?.string()
            case "order_status": orderStatus = try value.nonNull?.string()
            case "comments_amount": commentsAmount = try value.nonNull?.int()
            default: break
            }
        }
        guard let id else { throw .missing("id") }
        (self.id, self.sku, self.text, self.publishedAt) = (id, sku, text, publishedAt)
        (self.rating, self.status, self.orderStatus, self.commentsAmount) = (rating, status, orderStatus, commentsAmount)
    }
}

struct ReadablePage: JSONReadable {
    let reviews: [ReadableReview]?
    let lastID: String?
    let hasNext: Bool?

    init(json: JSONElement) throws(JSONReadError) {
        var reviews: [ReadableReview]?, lastID: String?, hasNext: Bool?
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "reviews": reviews = try value.nonNull?.array(of: ReadableReview.self)
            case "last_id": lastID = try value.nonNull?.string()
            case "has_next": hasNext = try value.nonNull?.bool()
            default: break
            }
        }
        (self.reviews, self.lastID, self.hasNext) = (reviews, lastID, hasNext)
    }
}

var page = #"{"has_next":true,"last_id":"01a219f9-5959-744c-a100-027869dd5bd0","reviews":["#
for index in 0..<20 {
    if index > 0 { page += "," }
    page += #"{"comments_amount":0,"id":"01a223a8-00ff-7700-94e7-ee216c4e20\#(10 + index)","is_rating_participant":true,"order_status":"DELIVERED","photos_amount":0,"published_at":"2026-11-28T19:35:42.591Z","rating":5,"sku":8450021\#(10 + index),"status":"UNPROCESSED","text":"Отличный товар, полностью соответствует описанию. Доставка быстрая.","videos_amount":0}"#
}
page += "]}"
let data = Data(page.utf8)
let iterations = ProcessInfo.processInfo.environment["ITERATIONS"].flatMap(Int.init) ?? 20_000

func measure(_ name: String, _ body: () throws -> Int) rethrows {
    var checksum = 0
    for _ in 0..<500 { checksum &+= try body() }
    let start = ContinuousClock.now
    for _ in 0..<iterations { checksum &+= try body() }
    let elapsed = ContinuousClock.now - start
    let micros = (Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12) / Double(iterations)
    print(String(format: "%@: %.1f us per %d-byte page (checksum %d)", name, micros, data.count, checksum))
}

let only = ProcessInfo.processInfo.environment["ONLY"]
if only == nil || only == "foundation" {
    try measure("JSONDecoder") { try JSONDecoder().decode(Page.self, from: data).reviews!.count }
}
if only == nil || only == "reader" {
    try measure("JSONReadable") { try ReadablePage(parsing: data).reviews!.count }
}
if only == nil || only == "parser" {
    try measure("JSONValue(parsing:)") { if case .object(let o) = try JSONValue(parsing: data) { return o.count } else { return 0 } }
}
