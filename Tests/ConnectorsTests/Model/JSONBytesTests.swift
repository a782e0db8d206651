import Connectors
import Testing

@Suite("JSON bytes writer")
struct JSONBytesTests {
    /// Through a writer that starts small and already holds a byte, so that long texts make it
    /// grow mid-document; the array form must agree.
    private func written(_ text: String) -> String {
        var writer = ByteWriter(capacity: 1)
        writer.append(UInt8(ascii: ">"))
        JSONBytes.appendString(text, to: &writer)
        var array: [UInt8] = []
        JSONBytes.appendString(text, to: &array)
        #expect(writer.bytes == Array(">".utf8) + array)
        return String(decoding: array, as: UTF8.self)
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

    @Test("given texts dense with characters to escape, several in one eight-byte word and side by side, when written, then each is escaped as a byte-by-byte writer would")
    func denseEscapes() {
        // The reference: one byte at a time, no word tricks.
        func reference(_ text: String) -> String {
            var out = "\""
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\""): out += #"\""#
                case UInt8(ascii: "\\"): out += #"\\"#
                case 0x0A: out += #"\n"#
                case 0x0D: out += #"\r"#
                case 0x09: out += #"\t"#
                case 0..<0x20, 0x7F: out += "\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
                default: out.unicodeScalars.append(Unicode.Scalar(byte))
                }
            }
            return out + "\""
        }
        let alphabet: [Character] = ["a", "\"", "\\", "\n", "\u{1}", "\u{7F}", "z", "\t", " "]
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        for length in 0..<48 {
            for _ in 0..<20 {
                var text = ""
                for _ in 0..<length {
                    seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    text.append(alphabet[Int(seed >> 33) % alphabet.count])
                }
                #expect(written(text) == reference(text), "\(Array(text.utf8))")
            }
        }
    }

    @Test("given the extremes of 64-bit integers, when written, then the digits are String's", arguments: [
        "0", "-1", "7", "42", "-9223372036854775808", "9223372036854775807", "18446744073709551615",
    ])
    func integers(text: String) {
        var writer = ByteWriter(capacity: 1)
        if let unsigned = UInt64(text) {
            JSONBytes.appendInteger(unsigned, to: &writer)
        } else {
            JSONBytes.appendInteger(Int64(text)!, to: &writer)
        }
        #expect(String(decoding: writer.bytes, as: UTF8.self) == text)
    }
}
