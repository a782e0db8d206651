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

    // MARK: - Keys, numbers and raw values

    struct Keyed: Codable, Equatable {
        var id: Int64
        var note: String?
        var big: UInt64?
        var small: Int8?
    }

    /// What a decode gave, comparable: the value, or the error's case and path.
    enum Outcome<T: Equatable>: Equatable {
        case value(T)
        case failure(String)
    }

    static func outcome<T: Decodable & Equatable>(_ body: () throws -> T) -> Outcome<T> {
        do {
            return .value(try body())
        } catch let error as DecodingError {
            return .failure(describe(error))
        } catch {
            return .failure("other \(error)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(_, let context): "typeMismatch \(context.codingPath.map(\.stringValue))"
        case .valueNotFound(_, let context): "valueNotFound \(context.codingPath.map(\.stringValue))"
        case .keyNotFound(let key, let context): "keyNotFound \(key.stringValue) \(context.codingPath.map(\.stringValue))"
        case .dataCorrupted(let context): "dataCorrupted \(context.codingPath.map(\.stringValue))"
        @unknown default: "unknown"
        }
    }

    static let keyedDocuments = [
        #"{"note":"read out of order","id":3}"#,
        #"{"\u0069d":5,"n\u006fte":"escaped keys"}"#,
        #"{"id":"1"}"#, #"{"note":"no id"}"#, #"{"id":null}"#, #"{"id":1,"note":7}"#,
        #"{"id":999999999999999999,"big":18446744073709551615,"small":-128}"#,
        #"{"id":9223372036854775807}"#, #"{"id":-9223372036854775808}"#, #"{"id":9223372036854775808}"#,
        #"{"id":1,"big":-0}"#, #"{"id":1,"big":-1}"#, #"{"id":1,"small":128}"#, #"{"id":-0.0}"#, #"{"id":1e3}"#, #"{"id":1.5}"#,
        #"[{"id":1}]"#, #""text""#, #"{}"#,
    ]

    /// Where a number does not fit, JSONDecoder gives an empty path; ours names the field.
    static func withoutCorruptionPath<T>(_ outcome: Outcome<T>) -> Outcome<T> {
        if case .failure(let text) = outcome, text.hasPrefix("dataCorrupted") { return .failure("dataCorrupted") }
        return outcome
    }

    @Test("given keys out of order or escaped, and integers at their limits, then the result is what JSONDecoder gives",
          arguments: keyedDocuments)
    func keysAndIntegers(document: String) {
        let ours = Self.outcome { try JSONValueDecoder().decode(Keyed.self, from: Array(document.utf8)) }
        let theirs = Self.outcome { try JSONDecoder().decode(Keyed.self, from: Data(document.utf8)) }
        #expect(Self.withoutCorruptionPath(ours) == Self.withoutCorruptionPath(theirs))
        if case .failure(let text) = ours, text.hasPrefix("dataCorrupted") { #expect(text != "dataCorrupted []") }
    }

    @Test("given any document, when decoded as JSONValue, then it is what the parser reads, numbers digit for digit")
    func rawValues() throws {
        let text = #"{"id":1,"raw":{"b":[1,2.50,"x\n\u00e9",null,true,-0,1E+2],"a":{"c":{}},"a":false},"list":[{},[]]}"#
        let parsed = try JSONValue(parsing: Array(text.utf8))
        #expect(try JSONValueDecoder().decode(JSONValue.self, from: Array(text.utf8)) == parsed)
        struct Holder: Decodable, Equatable { var raw: JSONValue; var list: [JSONValue] }
        let holder = try JSONValueDecoder().decode(Holder.self, from: Array(text.utf8))
        #expect(holder.raw == parsed["raw"])
        #expect(holder.raw["a"] == .bool(false))
        #expect(holder.list == [.object([:]), .array([])])
        #expect(try JSONValueDecoder().decode(Holder.self, from: parsed) == holder)
    }

    @Test("given a key written twice, then the later value wins, as in JSONValue, JSON.parse and Python (JSONDecoder keeps the first)")
    func duplicateKeys() throws {
        let keyed = try JSONValueDecoder().decode(Keyed.self, from: Array(#"{"id":1,"note":"a","id":2}"#.utf8))
        #expect(keyed.id == 2)
        #expect(keyed.note == "a")
        // The same key written once plainly and once escaped is still the same key.
        #expect(try JSONValueDecoder().decode(Keyed.self, from: Array(#"{"id":1,"note":"a","\u0069d":2}"#.utf8)).id == 2)
        #expect(try JSONValueDecoder().decode(Keyed.self, from: Array(#"{"\u0069d":1,"note":"a","id":2}"#.utf8)).id == 2)
        let keys = try JSONValueDecoder().decode(KeyList.self, from: Array(#"{"b":1,"a":2,"b":3}"#.utf8))
        #expect(keys.keys.sorted() == ["a", "b"])
    }

    /// The keys a keyed container reports.
    struct KeyList: Decodable, Equatable {
        var keys: [String]
        struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        init(from decoder: Decoder) throws {
            keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        }
    }
}
