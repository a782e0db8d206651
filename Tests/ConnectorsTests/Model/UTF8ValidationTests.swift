@testable import Connectors
import Testing

@Suite("UTF-8 validation")
struct UTF8ValidationTests {
    /// The standard library's verdict, the reference.
    private static func reference(_ bytes: [UInt8]) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil
    }

    private static func ours(_ bytes: [UInt8]) -> UTF8Validation.Form? {
        bytes.withUnsafeBufferPointer { UTF8Validation.form(of: $0) }
    }

    /// After a sequence's second byte only whether a byte continues it matters: both ends of the
    /// continuation range, and a byte on each side of it.
    private static let continuationEdges: [UInt8] = [0x7F, 0x80, 0xBF, 0xC0]

    @Test("given every pair of bytes, alone and followed by a byte on either edge of the continuation range, then the verdict is the standard library's")
    func everyPair() {
        var disagreements: [[UInt8]] = []
        for first in 0...255 {
            for second in 0...255 {
                let pair = [UInt8(first), UInt8(second)]
                for tail in [[]] + Self.continuationEdges.map({ [$0] }) {
                    let bytes = pair + tail
                    if (Self.ours(bytes) != nil) != Self.reference(bytes) { disagreements.append(bytes) }
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }

    @Test("given every lead of a three- or four-byte form with every second byte and two bytes on either edge of the continuation range after, then the verdict is the standard library's")
    func everyLongForm() {
        var disagreements: [[UInt8]] = []
        for first in 0xE0...0xFF {
            for second in 0...255 {
                for third in Self.continuationEdges {
                    for fourth in Self.continuationEdges {
                        let bytes = [UInt8(first), UInt8(second), third, fourth]
                        if (Self.ours(bytes) != nil) != Self.reference(bytes) { disagreements.append(bytes) }
                        let cut = Array(bytes.prefix(3))
                        if (Self.ours(cut) != nil) != Self.reference(cut) { disagreements.append(cut) }
                    }
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }

    @Test("given texts of every width with one byte changed at random, then the verdict is the standard library's, and a valid text reads back as itself")
    func mutatedTexts() {
        var generator = SplitMix(seed: 0x5EED)
        let pieces = ["a", "ё", "Отзыв", "€", "𝄞", "\u{10FFFF}", "\u{D7FF}", "\u{E000}", "~", "\u{80}", "\u{7FF}", "\u{800}", "\u{FFFF}", "\u{10000}"]
        for _ in 0..<2_000 {
            let text = (0..<Int(generator.next() % 6 + 1)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            var bytes = Array(text.utf8)
            let valid = bytes.withUnsafeBytes { String(validUTF8: $0) }
            #expect(valid == text)
            #expect(valid?.utf8.elementsEqual(text.utf8) == true)
            bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
            #expect((Self.ours(bytes) != nil) == Self.reference(bytes), "\(bytes)")
        }
    }

    @Test("given ASCII, then it is said to be ASCII, and the string made of it equals and hashes as a literal does")
    func asciiForm() {
        #expect(Self.ours(Array("limit".utf8)) == .ascii)
        #expect(Self.ours([]) == .ascii)
        #expect(Self.ours(Array("ёлка".utf8)) == .unicode)
        let made = Array("a longer ASCII text than fits a small string".utf8).withUnsafeBytes { String(validUTF8: $0) }
        #expect(made == "a longer ASCII text than fits a small string")
        #expect(made?.hashValue == "a longer ASCII text than fits a small string".hashValue)
        let small = Array("status".utf8).withUnsafeBytes { String(validUTF8: $0) }
        #expect(small == "status")
        #expect(Set(["status"]).contains(small ?? ""))
    }
}
