extension String {
    /// The text of `bytes` when they are valid UTF-8, else nil. Checked by `UTF8Validation`, then
    /// copied into the `String` unchecked: the standard library would check again (its
    /// `String(validating:)` also looks up generic metadata on every call, ~1,900 instructions
    /// for a 6-byte path segment), and an 80-byte Cyrillic text cost 1,569 instructions through
    /// `String(decoding:)` and a comparison of the result, against ~900 so.
    public init?(validUTF8 bytes: UnsafeRawBufferPointer) {
        let units = bytes.assumingMemoryBound(to: UInt8.self)
        guard let form = UTF8Validation.form(of: units) else { return nil }
        // Checked just above, by the Unicode Standard's table of well-formed sequences.
        self.init(uncheckedUTF8: units, isASCII: form == .ascii)
    }

    /// The text of `units`, copied without a check: they must already be known to be well-formed
    /// UTF-8 (and ASCII when `isASCII`), which is what `UTF8Span` requires of bytes it takes
    /// unchecked. For bytes this module has checked itself: `UTF8Validation`'s verdict, or the
    /// JSON parser's raw strings, which it keeps raw only when they are ASCII.
    init(uncheckedUTF8 units: UnsafeBufferPointer<UInt8>, isASCII: Bool) {
        self = unsafe String(copying: UTF8Span(unchecked: units.span, isKnownASCII: isASCII))
    }

    /// The same for any run of bytes: through its own storage when it lends it, else a copy.
    @inlinable
    public init?(validUTF8 bytes: some Collection<UInt8>) {
        let lent = bytes.withContiguousStorageIfAvailable { String(validUTF8: UnsafeRawBufferPointer($0)) }
        guard let text = lent ?? Array(bytes).withUnsafeBytes({ String(validUTF8: $0) }) else { return nil }
        self = text
    }
}
