@testable import Connectors
import Testing

@Suite("ReplyText")
struct ReplyTextTests {
    @Test("given texts a customer would see as empty, then they are blank",
          arguments: ["", " \t\r\n", "\u{A0}\u{3000}\u{FEFF}", "\u{200B}", "\u{200C}\u{200D}", " \u{2060} ", "\u{180E}", "\u{2028}\u{2029}",
                      "\u{3164}", "\u{00AD}\u{00AD}", "\u{2061}", "\u{200E}\u{202E}", "\u{FE0F}", "\u{115F}\u{1160}\u{FFA0}", "\u{E0041}\u{E007F}"])
    func blank(text: String) {
        #expect(ReplyText.isBlank(text))
    }

    @Test("given a visible character among blanks, then the text is not blank",
          arguments: ["a", " .", "\u{200B}Спасибо\u{200B}", "👍", "👍\u{FE0F}", "\u{00AD}x", "\u{3164}ㅎ", "🏴\u{E0067}\u{E0062}\u{E007F}"])
    func notBlank(text: String) {
        #expect(!ReplyText.isBlank(text))
    }

    @Test("given every Unicode scalar, then a blank one is white space or a default-ignorable code point, and nothing else")
    func blankScalarsAreWhiteSpaceOrIgnorable() {
        let whiteSpace: Set<UInt32> = [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF]
        var mismatches: [String] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let expected = whiteSpace.contains(value) || (0x2000...0x200A).contains(value) || scalar.properties.isDefaultIgnorableCodePoint
            if ReplyText.isBlank(scalar) != expected { mismatches.append("U+" + String(value, radix: 16, uppercase: true)) }
        }
        #expect(mismatches.isEmpty)
    }
}
