import Connectors
import Testing

@Suite("ReplyText")
struct ReplyTextTests {
    @Test("given texts a customer would see as empty, then they are blank",
          arguments: ["", " \t\r\n", "\u{A0}\u{3000}\u{FEFF}", "\u{200B}", "\u{200C}\u{200D}", " \u{2060} ", "\u{180E}", "\u{2028}\u{2029}"])
    func blank(text: String) {
        #expect(ReplyText.isBlank(text))
    }

    @Test("given a visible character among blanks, then the text is not blank",
          arguments: ["a", " .", "\u{200B}Спасибо\u{200B}", "👍", "\u{2061}", "\u{00AD}x"])
    func notBlank(text: String) {
        #expect(!ReplyText.isBlank(text))
    }
}
