import Connectors
import Foundation
import Testing

@Suite("JSONValueDecoder")
struct JSONValueDecoderTests {
    struct Everything: Codable, Equatable {
        enum Kind: String, Codable { case review, chat }
        var flag: Bool
        var text: String
        var int: Int
        var int8: Int8?
        var uint64: UInt64?
        var double: Double
        var float: Float?
        var kind: Kind?
        var list: [Int]?
        var nested: [String: [String?]]?
        var child: Child?
    }

    struct Child: Codable, Equatable {
        var id: Int64
        var note: String?
    }

    /// Like the wire types: a lossy list that skips an element it cannot read.
    struct Lossy: Decodable, Equatable {
        var children: [Child?]
        init(from decoder: Decoder) throws {
            var container = try decoder.unkeyedContainer()
            children = []
            while !container.isAtEnd {
                if let child = try? container.decode(Child.self) {
                    children.append(child)
                } else {
                    _ = try container.decode(JSONValue.self)
                    children.append(nil)
                }
            }
        }
    }

    static let documents = [
        #"{"flag":true,"text":"é\n","int":-7,"double":2.5,"int8":127,"uint64":18446744073709551615,"float":1.5,"kind":"chat","list":[1,2],"nested":{"a":["x",null]},"child":{"id":9007199254740993,"note":null}}"#,
        #"{"flag":false,"text":"","int":20.0,"double":1e2}"#,
        #"{"flag":false,"text":"","int":2e1,"double":-0}"#,
        #"{"flag":true,"text":"x","int":1.5,"double":1}"#,
        #"{"flag":true,"text":"x","int":1,"double":1,"int8":128}"#,
        #"{"flag":true,"text":"x","int":1,"double":1,"uint64":-1}"#,
        #"{"flag":1,"text":"x","int":1,"double":1}"#,
        #"{"flag":true,"text":5,"int":1,"double":1}"#,
        #"{"flag":true,"text":"x","int":"1","double":1}"#,
        #"{"flag":true,"text":"x","double":1}"#,
        #"{"flag":true,"text":null,"int":1,"double":1}"#,
        #"{"flag":true,"text":"x","int":1,"double":1,"kind":"other"}"#,
        #"{"flag":true,"text":"x","int":1,"double":1,"list":[1,null]}"#,
        #"{"flag":true,"text":"x","int":1,"double":1,"child":[]}"#,
        #"{"flag":true,"text":"x","int":1,"double":1,"float":1e300}"#,
        #"[]"#, #"null"#, #"{"flag":true,"text":"x","int":1,"double":1,"extra":{"deep":[1,2,3]}}"#,
    ]

    @Test("given the same documents, when decoded, then the result is what JSONDecoder gives: the same value or a failure",
          arguments: documents)
    func agreesWithJSONDecoder(document: String) {
        let ours = try? JSONValueDecoder().decode(Everything.self, from: Array(document.utf8))
        let theirs = try? JSONDecoder().decode(Everything.self, from: Data(document.utf8))
        #expect(ours == theirs)
    }

    @Test("given an array with an unreadable element, when a lossy list retries it as another type, then later elements keep their place")
    func lossyList() throws {
        let text = #"[{"id":1},{"id":"two"},{"id":3,"note":"n"}]"#
        let ours = try JSONValueDecoder().decode(Lossy.self, from: Array(text.utf8))
        #expect(ours.children == [Child(id: 1), nil, Child(id: 3, note: "n")])
        #expect(ours == (try JSONDecoder().decode(Lossy.self, from: Data(text.utf8))))
    }

    @Test("given a wrong type deep inside, when decoding fails, then the error names the path")
    func errorPath() {
        let text = #"{"flag":true,"text":"x","int":1,"double":1,"nested":{"a":["x",5]}}"#
        do {
            _ = try JSONValueDecoder().decode(Everything.self, from: Array(text.utf8))
            Issue.record("decoding should fail")
        } catch DecodingError.typeMismatch(_, let context) {
            #expect(context.codingPath.map(\.stringValue) == ["nested", "a", "Index 1"])
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("given text that is not JSON, when decoded, then it is a dataCorrupted error")
    func notJSON() {
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Child.self, from: Array("{id:1}".utf8)) }
    }
}
