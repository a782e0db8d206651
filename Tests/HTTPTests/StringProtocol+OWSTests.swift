import HTTP
import Testing

/// Optional white space around field values (RFC 9110 §5.6.3): spaces and horizontal tabs go,
/// everything else stays, other Unicode spaces included.
@Suite("StringProtocol.trimmingOWS")
struct StringProtocolOWSTests {
    @Test(arguments: [
        (" \t bearer-key\t ", "bearer-key"),
        ("no-padding", "no-padding"),
        ("  inner  space  ", "inner  space"),
        ("\t", ""),
        ("", ""),
        ("x", "x"),
        ("\u{00A0}nbsp\u{00A0}", "\u{00A0}nbsp\u{00A0}"),
        ("\r\nline\r\n", "\r\nline\r\n"),
        (" Привет, мир\t", "Привет, мир"),
    ])
    func trimsOnlySpacesAndTabs(input: String, expected: String) {
        // when / then
        #expect(input.trimmingOWS() == expected)
    }

    @Test func trimsASubstringWithinItsBounds() {
        // given: a list element cut from a field value
        let value = "gzip ,  br\t, zstd"
        // when
        let elements = value.split(separator: ",").map { String($0.trimmingOWS()) }
        // then
        #expect(elements == ["gzip", "br", "zstd"])
    }
}
