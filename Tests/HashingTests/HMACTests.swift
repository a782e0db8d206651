import Hashing
import Testing

@Suite("HMAC-SHA-256")
struct HMACTests {
    // RFC 4231 test cases 1, 2, 3 and 6 (key longer than the block).
    @Test("RFC 4231 vectors", arguments: [
        ("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Hex.encode(Array("Jefe".utf8)), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (String(repeating: "aa", count: 20), [UInt8](repeating: 0xdd, count: 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (String(repeating: "aa", count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    ])
    func vectors(keyHex: String, message: [UInt8], expected: String) throws {
        let key = try #require(Hex.decode(keyHex))
        #expect(Hex.encode(HMAC.authenticationCode(for: message, key: key)) == expected)
        // Keyed once and copied per message, as CursorCodec does.
        let keyed = HMAC(key: key)
        for _ in 0..<2 {
            var copy = keyed
            copy.update(message)
            #expect(Hex.encode(copy.finalize()) == expected)
        }
    }

    @Test("constant-time comparison tells equal from different and different lengths")
    func constantTime() {
        #expect(constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2]))
    }

    @Test("hex round trip and rejection of malformed hex")
    func hex() {
        #expect(Hex.decode("00fFaB") == [0, 255, 171])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }
}
