import Connectors
import Testing

@Suite("Item id shapes")
struct ItemIDShapeTests {
    static let uuid = "0190b2c4-7e5a-7d1f-9c3b-5e8f2a4d6c10"

    static let versioned: String = "1:" + uuid
    static let issued: [(ItemIDShape, String)] = [
        (ItemIDShape.uuid, uuid), (.uuid, uuid.uppercased()),
        (.uuidOrNumber, uuid), (.uuidOrNumber, "3000000000000000123"),
        (.versionedUUID, versioned), (.versionedUUID, "12:\(uuid)"),
        (.token, "YX52RZEBhH9mrcYdEJuD"), (.token, "q7Lk2ZgB0aTs8u-_Xy3N"),
    ]

    @Test("given ids the marketplaces issue, then each shape admits its own", arguments: issued)
    func admitsIssued(shape: ItemIDShape, id: String) {
        #expect(shape.admits(id))
        #expect(throws: Never.self) { try shape.check(id) }
    }

    static let refused: [(ItemIDShape, String)] = [
        (ItemIDShape.uuid, "junk"), (.uuid, "123"), (.uuid, String(uuid.dropLast())), (.uuid, "\(uuid)0"),
        (.uuid, uuid.replacingOccurrences(of: "-", with: "")), (.uuid, "0190b2c4-7e5a-7d1f-9c3b-5e8f2a4d6c1g"),
        (.uuid, "0190b2c4_7e5a-7d1f-9c3b-5e8f2a4d6c10"), (.uuid, versioned), (.uuid, ""),
        (.uuidOrNumber, "no-such-chat"), (.uuidOrNumber, "123456789012345678901"), (.uuidOrNumber, "-1"), (.uuidOrNumber, "１２３"),
        (.versionedUUID, uuid), (.versionedUUID, "1:nope"), (.versionedUUID, ":\(uuid)"), (.versionedUUID, "a:\(uuid)"),
        (.versionedUUID, "12345:\(uuid)"), (.versionedUUID, "\(versioned):1:ff"), (.versionedUUID, "1:"),
        (.token, "junk"), (.token, uuid), (.token, versioned), (.token, "YX52RZEBhH9mrcYdEJu D"), (.token, "ЁX52RZEBhH9mrcYdEJuD"),
        (.token, "YX52RZEBhH9mrcYdEJuD/"), (.token, String(repeating: "a", count: 33)), (.token, ""),
    ]

    @Test("given typos and another marketplace's ids, then the shape refuses them", arguments: refused)
    func refusesOthers(shape: ItemIDShape, id: String) {
        #expect(!shape.admits(id))
        #expect(throws: ConnectorError.malformedItemID(id: id, shape: shape)) { try shape.check(id) }
    }
}
