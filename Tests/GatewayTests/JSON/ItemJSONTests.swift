import Connectors
import Foundation
@testable import Gateway
import Testing

@Suite("Hand-written item JSON")
struct ItemJSONTests {
    static let full = Item(
        id: "id-1", marketplace: .ozon, channel: .chat, kind: .chat, text: "Здравствуйте! \"Кавычки\" \\ и\nперевод строки",
        createdAt: Timestamp(millisecondsSinceEpoch: 1_795_000_000_123), status: .answered,
        author: Item.Author(name: "Мария", id: "42"), rating: 4,
        product: Item.Product(id: "148591503", name: "Футболка", url: "https://example.com/p/1"),
        reply: Item.Reply(text: "Спасибо", createdAt: Timestamp(secondsSinceEpoch: 1_795_000_100), state: "wbRu", editable: false),
        read: true, unreadCount: 0,
        lastMessage: Item.Message(id: "3000000000118032000", text: "ok", createdAt: Timestamp(secondsSinceEpoch: 1_795_000_200), sender: "seller"),
        raw: .object(["id": .string("x"), "n": .number(5), "f": .number(2.5), "list": .array([.bool(true), .null])]))

    static let sparse = Item(id: "id-2", marketplace: .wildberries, channel: .review, kind: .review, text: "",
                             createdAt: Timestamp(secondsSinceEpoch: 0), status: .unanswered)

    @Test("it says exactly what the Codable encoding says", arguments: [full, sparse])
    func sameAsCodable(item: Item) throws {
        let handWritten = try JSONSerialization.jsonObject(with: Data(item.json())) as? NSDictionary
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(item)) as? NSDictionary
        #expect(handWritten != nil)
        #expect(handWritten == encoded)
    }

    @Test("given a list, when written into one buffer, then each element says what its Codable encoding says")
    func listSameAsCodable() throws {
        let written = try JSONSerialization.jsonObject(with: Data([Self.full, Self.sparse, Self.full].json())) as? NSArray
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode([Self.full, Self.sparse, Self.full])) as? NSArray
        #expect(written?.count == 3)
        #expect(written == encoded)
        #expect([Item]().json() == Array("[]".utf8))
    }

    @Test("given an upstream object with ids past 2^53 and long decimals, when written as raw, then every digit survives")
    func rawNumbersExact() throws {
        let upstream = #"{"id":3000000000118032011,"big":18446744073709551615,"price":1234.5678901234567891,"neg":-0.0}"#
        let item = Item(id: "3000000000118032011", marketplace: .ozon, channel: .chat, kind: .chat, text: "",
                        createdAt: Timestamp(secondsSinceEpoch: 0), status: .unanswered,
                        raw: try JSONValue(parsing: Array(upstream.utf8)))
        let written = String(decoding: item.json(), as: UTF8.self)
        #expect(written.contains(#""raw":{"big":18446744073709551615,"id":3000000000118032011,"neg":-0.0,"price":1234.5678901234567891}"#))
    }
}
