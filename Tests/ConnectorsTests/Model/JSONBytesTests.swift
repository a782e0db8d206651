import Connectors
import Testing

@Suite("JSON bytes writer")
struct JSONBytesTests {
    private func written(_ text: String) -> String {
        var bytes: [UInt8] = []
        JSONBytes.appendString(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("given quotes, backslashes, control characters and DEL, when written, then each is escaped and nothing else is")
    func escapes() {
        #expect(written("") == #""""#)
        #expect(written("plain / text") == #""plain / text""#)
        #expect(written("a\"b\\c") == #""a\"b\\c""#)
        #expect(written("line\nbreak\r\ttab") == #""line\nbreak\r\ttab""#)
        #expect(written("\u{0}\u{1}\u{1F}\u{7F}") == #""\u0000\u0001\u001f\u007f""#)
        #expect(written("Привет, 🌍") == "\"Привет, 🌍\"")
    }

    @Test("given every control character mixed into text, when written and read back by our parser, then the text is unchanged")
    func roundTrip() throws {
        var text = "начало "
        for scalar in 0..<0x20 { text.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        text += "\"\\\u{7F} конец 😀"
        var bytes: [UInt8] = []
        JSONBytes.appendString(text, to: &bytes)
        #expect(try JSONValue(parsing: bytes) == .string(text))
    }

    @Test("given a character that needs an escape at every offset of a long text, when written, then exactly it is escaped",
          arguments: ["\"", "\\", "\n", "\u{1}", "\u{1F}", "\u{7F}"])
    func escapeAtEveryOffset(special: String) {
        let escaped = ["\"": #"\""#, "\\": #"\\"#, "\n": #"\n"#, "\u{1}": #"\u0001"#, "\u{1F}": #"\u001f"#, "\u{7F}": #"\u007f"#][special]!
        let filler = Array("abcdefghijЖклмнопрст uvwxyz0123456789")
        for offset in 0..<30 {
            let before = String(filler[0..<offset]), after = String(filler[offset...])
            #expect(written(before + special + after) == "\"" + before + escaped + after + "\"")
        }
        #expect(written(String(filler)) == "\"" + String(filler) + "\"")
    }

    @Test("given the extremes of 64-bit integers, when written, then the digits are String's", arguments: [
        "0", "-1", "7", "42", "-9223372036854775808", "9223372036854775807", "18446744073709551615",
    ])
    func integers(text: String) {
        var bytes: [UInt8] = []
        if let unsigned = UInt64(text) {
            JSONBytes.appendInteger(unsigned, to: &bytes)
        } else {
            JSONBytes.appendInteger(Int64(text)!, to: &bytes)
        }
        #expect(String(decoding: bytes, as: UTF8.self) == text)
    }
}
