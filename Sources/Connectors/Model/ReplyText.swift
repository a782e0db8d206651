/// What every connector and the gateway's request check call a blank reply, in one place: a text
/// a customer would see as empty must not be posted under the seller's name.
public enum ReplyText {
    /// True when `text` holds nothing but white space and line terminators (`\s` of ECMAScript,
    /// which the published schema's pattern uses) and characters that render as nothing: Unicode's
    /// default-ignorable code points (the soft hyphen, zero-width spaces and joiners, direction
    /// marks, Hangul fillers, variation selectors, tags). The schema's pattern names the same
    /// ranges, so the server refuses exactly the texts the schema does. (Foundation's whitespace
    /// set takes U+200B but not U+FEFF; `Character.isWhitespace` neither U+200B nor U+2060.)
    public static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy(isBlank)
    }

    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        // White space (ECMAScript's `\s`).
        case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: true
        // Default_Ignorable_Code_Point (Unicode's DerivedCoreProperties).
        case 0xAD, 0x34F, 0x61C, 0x115F...0x1160, 0x17B4...0x17B5, 0x180B...0x180F, 0x200B...0x200F, 0x202A...0x202E,
             0x2060...0x206F, 0x3164, 0xFE00...0xFE0F, 0xFFA0, 0xFFF0...0xFFF8, 0x1BCA0...0x1BCA3, 0x1D173...0x1D17A,
             0xE0000...0xE0FFF: true
        default: false
        }
    }
}
