/// What every connector and the gateway's request check call a blank reply, in one place: a text
/// a customer would see as empty must not be posted under the seller's name.
public enum ReplyText {
    /// True when `text` holds nothing but white space and line terminators (`\s` of ECMAScript,
    /// which the published schema's pattern uses, so the server refuses exactly the texts the
    /// schema does) and the invisible joiners and spaces that `\s` leaves out: U+180E,
    /// U+200B–U+200D and U+2060. (Foundation's whitespace set takes U+200B but not U+FEFF;
    /// `Character.isWhitespace` neither U+200B nor U+2060.)
    public static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy(isBlank)
    }

    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x180E, 0x2000...0x200D, 0x2028, 0x2029, 0x202F, 0x205F, 0x2060, 0x3000, 0xFEFF: true
        default: false
        }
    }
}
