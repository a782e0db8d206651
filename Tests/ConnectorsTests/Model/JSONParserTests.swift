import Connectors
import Foundation
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    private func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try JSONValue(parsing: Array(text.utf8))
    }

    @Test("given 64-bit ids and long decimals, when parsed and written back, then their text is exact")
    func numbersKeepTheirText() throws {
        let value = try parse(#"{"id": 9223372036854775807, "u": 18446744073709551615, "chat": 3000000000000000123, "price": 0.1000000000000000055511, "e": -1.5E+300}"#)
        #expect(value["id"] == .number(JSONNumber(Int64.max)))
        #expect(value["u"] == .number(JSONNumber(UInt64.max)))
        guard case .number(let chat)? = value["chat"], case .number(let price)? = value["price"], case .number(let e)? = value["e"] else {
            Issue.record("numbers expected")
            return
        }
        #expect(chat.text == "3000000000000000123")
        #expect(chat.int64 == 3_000_000_000_000_000_123)
        #expect(price.text == "0.1000000000000000055511")
        #expect(e.text == "-1.5E+300")
        #expect(e.double == -1.5e300)
    }

    @Test("given every kind of value, when parsed, then the tree is what the text says")
    func everyKind() throws {
        let value = try parse(" {\"a\":[true,false,null,0,-0.5e-3,\"x\"],\"b\":{},\"c\":[]}\r\n")
        #expect(value == .object([
            "a": .array([.bool(true), .bool(false), .null, .number(0), .number(JSONNumber(text: "-0.5e-3")!), .string("x")]),
            "b": .object([:]), "c": .array([]),
        ]))
    }

    @Test("given escapes and non-ASCII text, when parsed, then strings decode as RFC 8259 says")
    func strings() throws {
        #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{c}\n\r\t"))
        #expect(try parse(#""\u00e9\u0416\ud83d\ude00""#) == .string("éЖ😀"))
        #expect(try parse("\"Отзыв 😀\"") == .string("Отзыв 😀"))
        #expect(try parse("\u{FEFF}[1]") == .array([.number(1)]))
    }

    @Test("given text that is not JSON, when parsed, then the error says what and where", arguments: [
        ("", 0, "expected a value"), ("{", 1, "expected a string key"), ("{\"a\" 1}", 5, "expected ':'"),
        ("[1,]", 3, "unexpected character"), ("[1 2]", 3, "expected ',' or ']'"), ("01", 1, "leading zero"),
        ("1.", 2, "digit after '.'"), ("-", 1, "expected a digit"), ("1e", 2, "exponent"), ("tru", 0, "literal"),
        ("nul1", 0, "literal"), ("\"abc", 4, "end of text in a string"), ("\"a\tb\"", 2, "control character"),
        ("\"\\x\"", 2, "unknown escape"), ("\"\\ud800\"", 7, "low surrogate"), ("\"\\udc00\"", 7, "without a high"),
        ("\"\\u12G4\"", 5, "hex digits"), ("{} x", 3, "after the JSON value"), ("{'a':1}", 1, "string key"),
        ("NaN", 0, "expected a value"), ("[1e999]", 1, "range of a double"), ("{\"a\":1,}", 7, "expected a string key"), ("[1,2", 4, "end of text in an array"),
    ] as [(String, Int, String)])
    func rejects(text: String, offset: Int, reason: String) {
        #expect(throws: JSONSyntaxError.self) { try parse(text) }
        do {
            _ = try parse(text)
        } catch {
            #expect(error.offset == offset, "\(text): \(error)")
            #expect(error.reason.contains(reason), "\(text): \(error)")
        }
    }

    @Test("given a key repeated in one object, when parsed, then the last wins, and parseNamingRepeatedKey names where it is", arguments: [
        (#"{"a": 1, "a": 2}"#, "a"),
        (#"[{"a": 1}, {"b": {"c": [0, {"d": 1, "\u0064": 2}]}}]"#, "[1].b.c[1].d"),
        (#"{"x": {"y": 1}, "z": {"y": 2}}"#, nil),
        (#"{"id": 1, "videos_amount": 2}"#, nil),
    ] as [(String, String?)])
    func repeatedKeys(text: String, path: String?) throws {
        #expect(try JSONValue.parseNamingRepeatedKey(Array(text.utf8)).repeatedKey == path)
        if text.hasPrefix(#"{"a""#) { #expect(try JSONValue(parsing: Array(text.utf8)) == .object(["a": .number(2)])) }
    }

    @Test("given an object of many keys, when a key repeats among the later ones, then the last still wins and it is named")
    func repeatedKeysInABigObject() throws {
        // given: 40 distinct keys, then "k3" again (escaped) and "k39" again
        var members = (0..<40).map { #""k\#($0)": \#($0)"# }
        members.append(#""\u006b3": "again""#)
        members.append(#""k39": "last""#)
        let text = "{" + members.joined(separator: ", ") + "}"
        // when
        let parsed = try JSONValue(parsing: Array(text.utf8))
        // then
        guard case .object(let object) = parsed else { Issue.record("not an object"); return }
        #expect(object.count == 40)
        #expect(object["k3"] == .string("again"))
        #expect(object["k39"] == .string("last"))
        #expect(object["k38"] == .number(38))
        #expect(try JSONValue.parseNamingRepeatedKey(Array(text.utf8)).repeatedKey == "k3")
        // and without repeats, none is named
        let distinct = "{" + (0..<100).map { #""k\#($0)": 0"# }.joined(separator: ",") + "}"
        #expect(try JSONValue.parseNamingRepeatedKey(Array(distinct.utf8)).repeatedKey == nil)
    }

    @Test("given an object of 100,000 members under two keys (a 1 MiB body), when parsed, then each repeat is compared with one earlier key, not all of them",
          .timeLimit(.minutes(1)))
    func manyRepeatsOfFewKeys() throws {
        // given: "a" and "b" alternating, 50,000 times each (before the fix: minutes of one CPU, growing with the square)
        let text = "{" + (0..<100_000).map { #""\#($0 % 2 == 0 ? "a" : "b")": \#($0)"# }.joined(separator: ",") + "}"
        // when
        let parsed = try JSONValue.parseNamingRepeatedKey(Array(text.utf8))
        // then: the last of each wins, and the first repeat is named
        #expect(parsed.value == .object(["a": .number(JSONNumber(99_998)), "b": .number(JSONNumber(99_999))]))
        #expect(parsed.repeatedKey == "a")
    }

    @Test("given invalid UTF-8 inside a string, when parsed, then it is refused")
    func invalidUTF8() {
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: [0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: [0x22, 0x5C, 0x6E, 0xFF, 0x22]) }
    }

    @Test("given nesting past the limit, when parsed, then it is refused instead of exhausting the stack")
    func depthLimit() throws {
        _ = try parse(String(repeating: "[", count: 512) + String(repeating: "]", count: 512))
        #expect(throws: JSONSyntaxError.self) {
            try parse(String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))
        }
    }

    @Test("given texts derived from valid documents, when parsed, then we accept exactly what JSONSerialization accepts, less trailing commas")
    func agreesWithFoundation() throws {
        let seeds = [#"{"a":[1,2.5,-3e2,true,null],"b":"x\u00e9\n","c":{"d":[]}}"#, #"[0,-0,"",{"":""},1E+2]"#,
                     #"{"text":"Отзыв","id":"01a2","n":123456789}"#]
        let alphabet = Array(#"{}[],:"\-+.0123456789eEtrufalsn u\/"#.utf8)
        var generator = SplitMix(seed: 42)
        for seed in seeds {
            let original = Array(seed.utf8)
            for _ in 0..<3000 {
                var bytes = original
                for _ in 0..<(1 + Int(generator.next() % 3)) {
                    let position = Int(generator.next() % UInt64(bytes.count))
                    switch generator.next() % 3 {
                    case 0: bytes.remove(at: position)
                    case 1: bytes.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: position)
                    default: bytes[position] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                    }
                    if bytes.isEmpty { bytes = [0x31] }
                }
                let ours = (try? JSONValue(parsing: bytes)) != nil
                var theirs = (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
                // Foundation lets `[1,]` and `{"a":1,}` pass; RFC 8259 does not, nor do we.
                let text = String(decoding: bytes, as: UTF8.self).filter { $0 != " " }
                if theirs, text.contains(",]") || text.contains(",}") { theirs = false }
                #expect(ours == theirs, "\(String(decoding: bytes, as: UTF8.self))")
            }
        }
    }

    @Test("given a quote, an escape, a control character, non-ASCII or a bad UTF-8 byte at every offset of a long string, then each is read or refused as alone")
    func everyOffsetOfALongString() throws {
        for offset in 0..<40 {
            let before = Array(repeating: UInt8(ascii: "a"), count: offset)
            let after = Array(repeating: UInt8(ascii: "b"), count: 17)
            func document(_ middle: [UInt8]) -> [UInt8] { [UInt8(ascii: "\"")] + before + middle + after + [UInt8(ascii: "\"")] }
            let prefix = String(repeating: "a", count: offset)
            let suffix = String(repeating: "b", count: 17)
            #expect(try JSONValue(parsing: document(Array(#"\n"#.utf8))) == .string(prefix + "\n" + suffix), "offset \(offset)")
            #expect(try JSONValue(parsing: document(Array(#"\""#.utf8))) == .string(prefix + "\"" + suffix), "offset \(offset)")
            #expect(try JSONValue(parsing: document(Array("é".utf8))) == .string(prefix + "é" + suffix), "offset \(offset)")
            #expect(throws: JSONSyntaxError.self, "offset \(offset)") { try JSONValue(parsing: document([0x01])) }
            #expect(throws: JSONSyntaxError.self, "offset \(offset)") { try JSONValue(parsing: document([0x1F])) }
            #expect(throws: JSONSyntaxError.self, "offset \(offset)") { try JSONValue(parsing: document([0xFF])) }
            // A quote ends the string early: what follows is not JSON.
            #expect(throws: JSONSyntaxError.self, "offset \(offset)") { try JSONValue(parsing: document([UInt8(ascii: "\"")])) }
            // 0x7F and bytes of 0x20 or more are plain text.
            #expect(try JSONValue(parsing: document([0x7F, 0x20])) == .string(prefix + "\u{7F} " + suffix), "offset \(offset)")
        }
    }
}
