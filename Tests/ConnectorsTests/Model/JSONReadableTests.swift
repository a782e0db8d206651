import Connectors
import Testing

@Suite("JSONReadable")
struct JSONReadableTests {
    /// A wire type as the connectors write one: required, optional and nested members.
    struct Review: JSONReadable, Equatable {
        var id: String
        var text: String?
        var rating: Int?
        var big: UInt64?
        var when: Timestamp?
        var tags: [Tag]?
        var seen = 0

        init(json: JSONElement) throws(JSONReadError) {
            var id: String?
            var review = Review(id: "")
            try json.members { key, value throws(JSONReadError) in
                review.seen += 1
                switch key {
                case "id": id = try value.nonNull?.string()
                case "text": review.text = try value.nonNull?.string()
                case "rating": review.rating = try value.nonNull?.int()
                case "big": review.big = try value.nonNull?.uint64()
                case "when": review.when = try value.nonNull?.withStringUTF8 { FlexibleDate.parse(utf8: $0) }
                case "tags": review.tags = try value.nonNull?.array(of: Tag.self)
                default: break
                }
            }
            guard let id else { throw .missing("id") }
            review.id = id
            self = review
        }

        init(id: String) {
            self.id = id
        }
    }

    struct Tag: JSONReadable, Equatable {
        var name: String
        init(name: String) {
            self.name = name
        }
        init(json: JSONElement) throws(JSONReadError) {
            name = try json.string()
        }
    }

    func read(_ text: String) throws(JSONReadError) -> Review {
        try Review(parsing: Array(text.utf8))
    }

    @Test("given members in any order, escaped keys and unknown members, when read, then each wanted member is found by its key")
    func members() throws {
        let review = try read(#"{"extra":{"deep":[1,{"id":"no"}]},"r\u0061ting":4,"text":"Ок \"да\"","\u0069d":"r-1","when":"2026-05-14T08:21:37.5Z"}"#)
        #expect(review.id == "r-1")
        #expect(review.rating == 4)
        #expect(review.text == "Ок \"да\"")
        #expect(review.when == FlexibleDate.parse("2026-05-14T08:21:37.500Z"))
        #expect(review.seen == 5)
    }

    @Test("given absent and null optional members, when read, then both are nil; a null required member is missing")
    func absentAndNull() throws {
        let review = try read(#"{"id":"r-1","text":null,"tags":null}"#)
        #expect(review.text == nil && review.tags == nil && review.rating == nil)
        #expect(throws: JSONReadError.missing("id")) { try read(#"{"id":null}"#) }
        #expect(throws: JSONReadError.missing("id")) { try read(#"{}"#) }
    }

    @Test("given a member of the wrong kind, when read, then the read fails naming both kinds", arguments: [
        (#"{"id":5}"#, "expected a string, found a number"),
        (#"{"id":"r","rating":"4"}"#, "expected an integer, found a string"),
        (#"{"id":"r","rating":4.5}"#, "expected an integer that fits Int, found another number"),
        (#"{"id":"r","rating":1e400}"#, "not JSON: a number beyond the range of a double at byte 19"),
        (#"{"id":"r","big":-1}"#, "expected an integer that fits UInt64, found another number"),
        (#"{"id":"r","tags":["a",1]}"#, "expected a string, found a number"),
        (#"{"id":"r","tags":{}}"#, "expected an array, found an object"),
        (#"["id"]"#, "expected an object, found an array"),
        (#"{"id":"r",}"#, "not JSON: expected a string key at byte 10"),
    ])
    func mismatches(text: String, reason: String) {
        let error = #expect(throws: JSONReadError.self) { try read(text) }
        #expect(error?.reason == reason)
    }

    @Test("given integers written as JSONDecoder accepts them, when read, then their exact values come back")
    func integers() throws {
        #expect(try read(#"{"id":"r","rating":20.0}"#).rating == 20)
        #expect(try read(#"{"id":"r","rating":2e1}"#).rating == 20)
        #expect(try read(#"{"id":"r","rating":-9223372036854775808}"#).rating == Int.min)
        #expect(try read(#"{"id":"r","big":18446744073709551615}"#).big == UInt64.max)
        #expect(try read(#"{"id":"r","big":3000000000118032117}"#).big == 3_000_000_000_118_032_117)
        // read from their digits, not through a double, which would round them
        #expect(try read(#"{"id":"r","big":3000000000000000001.0}"#).big == 3_000_000_000_000_000_001)
        #expect(try read(#"{"id":"r","big":18446744073709551615e0}"#).big == UInt64.max)
        #expect(try read(#"{"id":"r","rating":9223372036854775807.0}"#).rating == Int.max)
        #expect(try read(#"{"id":"r","rating":-9223372036854775808.0}"#).rating == Int.min)
        #expect(try read(#"{"id":"r","rating":-0.0}"#).rating == 0)
    }

    @Test("given numbers a double would round to integers, when read as integers, then they are refused", arguments: [
        #"{"id":"r","rating":0.99999999999999999999}"#, #"{"id":"r","rating":9007199254740993.5}"#,
        #"{"id":"r","big":18446744073709551616.0}"#, #"{"id":"r","rating":9223372036854775808.0}"#,
    ])
    func nearIntegersRefused(text: String) {
        #expect(throws: JSONReadError.self) { try read(text) }
    }

    @Test("given a key written twice, when read, then the member is seen once, with its last value, like JSONValue")
    func duplicateKeys() throws {
        let review = try read(#"{"id":"first","text":"a","\u0069d":"last"}"#)
        #expect(review.id == "last")
        #expect(review.seen == 2)
        #expect(try read(#"{"\u0069d":"first","id":"last"}"#).id == "last")
        #expect(try JSONValue(parsing: Array(#"{"id":"first","\u0069d":"last"}"#.utf8))["id"] == .string("last"))
        // The parser's filter of keys has 128 bits: "id" sets one of the lower 64, "big" and "sku"
        // (unknown to the reader, but counted) of the upper.
        let upper = try read(#"{"id":"r","big":1,"text":"a","big":2,"sku":"1","sku":"2"}"#)
        #expect(upper.big == 2)
        #expect(upper.seen == 4)
    }

    struct Sum: JSONReadable {
        var count: Int
        var sum = 0
        init(json: JSONElement) throws(JSONReadError) {
            count = json.count
            var sum = 0
            try json.elements { element throws(JSONReadError) in sum += try element.int() }
            self.sum = sum
        }
    }

    @Test("given an array of readable values, when read, then they come in order; elements and count walk it")
    func arrays() throws {
        #expect(try read(#"{"id":"r","tags":["a","b\n","в"]}"#).tags == [Tag(name: "a"), Tag(name: "b\n"), Tag(name: "в")])
        let sum = try Sum(parsing: Array("[1, 2, 3e0, 4]".utf8))
        #expect(sum.count == 4 && sum.sum == 10)
        #expect(throws: JSONReadError.mismatch(expected: "an integer", found: "an array")) { try Sum(parsing: Array("[1,[2]]".utf8)) }
    }
}
