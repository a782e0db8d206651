@testable import Connectors
import Hashing
import Testing

@Suite("Cursor codec")
struct CursorCodecTests {
    let codec = CursorCodec(key: Array(repeating: 7, count: 32))
    let reviews = ConnectorKey(.wildberries, .review)

    @Test("a sealed cursor opens to the same state, whatever the characters in it")
    func roundTrip() throws {
        // given
        let cursor = Cursor(["skip": "40", "take": "20", "odd": "a=b&c%d ü"])
        // when
        let sealed = codec.seal(cursor, for: reviews, tenant: "t")
        // then
        #expect(try codec.open(sealed, for: reviews, tenant: "t") == cursor)
        #expect(!sealed.contains("skip"))  // opaque: the state is not readable as API
        #expect(sealed.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) })
    }

    @Test("equal cursors seal to the same text")
    func deterministic() {
        #expect(codec.seal(Cursor(["a": "1", "b": "2"]), for: reviews, tenant: "t") == codec.seal(Cursor(["b": "2", "a": "1"]), for: reviews, tenant: "t"))
    }

    @Test("an edited payload, an edited tag, and garbage are refused")
    func tampering() throws {
        let sealed = codec.seal(Cursor(["skip": "40", "take": "20"]), for: reviews, tenant: "t")
        let parts = sealed.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        try #require(parts.count == 2)
        let forgedPayload = Base64URL.encode(Array("skip=0".utf8)) + "." + parts[1]
        // One character changed in the middle of each part, to one that still decodes (and, in
        // the payload, to another cursor): only the MAC tells these from what was sealed. (The
        // last character would not do: its leftover bits make most changes non-canonical base64,
        // refused before the MAC is looked at.)
        let editedPayload = try #require(Self.editedInTheMiddle(parts[0]) { text in
            Base64URL.decode(Substring(text)).flatMap(CursorCodec.deserialize).map { $0 != Cursor(["skip": "40", "take": "20"]) } ?? false
        }) + "." + parts[1]
        let editedTag = try parts[0] + "." + #require(Self.editedInTheMiddle(parts[1]) { Base64URL.decode(Substring($0))?.count == 16 })
        for bad in [forgedPayload, editedPayload, editedTag] {
            #expect(throws: ConnectorError.invalidRequest(field: "cursor", reason: "cursor is not one this server issued for this connector and tenant"),
                    "\(bad)") { try codec.open(bad, for: reviews, tenant: "t") }
        }
        for bad in ["", ".", "abc", "a.b.c", String(repeating: "A", count: 3000) + ".AA"] {
            #expect(throws: ConnectorError.self, "\(bad.prefix(20))") { try codec.open(bad, for: reviews, tenant: "t") }
        }
    }

    @Test("given cursors this server sealed, when one is 4,096 characters long it opens, and one longer is refused though its seal is good")
    func lengthBound() throws {
        // given: the longest sealed cursor that is within the bound, and one a step longer
        var length = 0
        while CursorCodec.sealedLength(of: Cursor(["position": String(repeating: "p", count: length + 1)])) <= CursorCodec.maxLength {
            length += 1
        }
        let longest = Cursor(["position": String(repeating: "p", count: length)])
        let tooLong = Cursor(["position": String(repeating: "p", count: length + 3)])
        let within = codec.seal(longest, for: reviews, tenant: "t")
        let beyond = codec.seal(tooLong, for: reviews, tenant: "t")
        try #require(within.utf8.count <= CursorCodec.maxLength && within.utf8.count > CursorCodec.maxLength - 4)
        try #require(beyond.utf8.count > CursorCodec.maxLength)
        // then
        #expect(try codec.open(within, for: reviews, tenant: "t") == longest)
        #expect(throws: ConnectorError.invalidRequest(field: "cursor", reason: "cursor is not one this server issued for this connector and tenant")) {
            try codec.open(beyond, for: reviews, tenant: "t")
        }
    }

    /// `text` with its middle character replaced by the first other base64url character for
    /// which `accepted` holds; nil when none does.
    private static func editedInTheMiddle(_ text: String, _ accepted: (String) -> Bool) -> String? {
        var characters = Array(text)
        let middle = characters.count / 2
        let original = characters[middle]
        for candidate in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" where candidate != original {
            characters[middle] = candidate
            if accepted(String(characters)) { return String(characters) }
        }
        return nil
    }

    @Test("a cursor made for one connector does not open for another, nor under another key")
    func boundToConnector() {
        let sealed = codec.seal(Cursor(["last_id": "x"]), for: reviews, tenant: "t")
        #expect(throws: ConnectorError.invalidRequest(field: "cursor", reason: "cursor is not one this server issued for this connector and tenant")) {
            try codec.open(sealed, for: ConnectorKey(.wildberries, .question), tenant: "t")
        }
        let other = CursorCodec(key: Array(repeating: 8, count: 32))
        #expect(throws: ConnectorError.self) { try other.open(sealed, for: reviews, tenant: "t") }
    }

    @Test("a cursor made for one tenant does not open for another, though it names the same connector")
    func boundToTenant() throws {
        let sealed = codec.seal(Cursor(["last_id": "x"]), for: reviews, tenant: "acme")
        #expect(try codec.open(sealed, for: reviews, tenant: "acme") == Cursor(["last_id": "x"]))
        #expect(throws: ConnectorError.self) { try codec.open(sealed, for: reviews, tenant: "globex") }
        #expect(throws: ConnectorError.self) { try codec.open(sealed, for: reviews, tenant: "") }
    }

    @Test("given a cursor of the first format (bound to its connector, not its tenant) under the same secret, then it opens for no tenant")
    func firstFormatRefused() throws {
        let cursor = Cursor(["skip": "40"])
        let payload = CursorCodec.serialize(cursor)
        var hmac = HMAC(key: Array(repeating: UInt8(7), count: 32))
        hmac.update(Array("cursor-v1\u{0}wildberries\u{0}review\u{0}".utf8) + payload)
        let sealed = Base64URL.encode(payload) + "." + Base64URL.encode(Array(hmac.finalize().prefix(16)))
        #expect(throws: ConnectorError.invalidRequest(field: "cursor", reason: "cursor is not one this server issued for this connector and tenant")) {
            try codec.open(sealed, for: reviews, tenant: "acme")
        }
        let current = codec.seal(cursor, for: reviews, tenant: "acme")
        #expect(current.hasPrefix(String(sealed.prefix(while: { $0 != "." })) + "."))  // the same payload: only the tag refuses it
        #expect(try codec.open(current, for: reviews, tenant: "acme") == cursor)
    }

    @Test("base64url round trip at every length and refusal of non-canonical text")
    func base64url() {
        for length in 0..<20 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 200) }
            #expect(Base64URL.decode(Substring(Base64URL.encode(bytes))) == bytes)
        }
        #expect(Base64URL.decode("A") == nil)
        #expect(Base64URL.decode("AA") == [0])
        #expect(Base64URL.decode("AB") == nil)  // leftover bits set
        #expect(Base64URL.decode("AF") == nil)  // leftover bits set
        #expect(Base64URL.decode("A+") == nil)
    }
}
