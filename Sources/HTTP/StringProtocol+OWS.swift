extension StringProtocol {
    /// The text without the optional white space around it (RFC 9110 §5.6.3: spaces and
    /// horizontal tabs), as field values and list elements are read. It works on the UTF-8 bytes:
    /// no walk over grapheme clusters, and none of the `NSString` bridging that Foundation's
    /// `trimmingCharacters(in: .whitespaces)` does on every call. Other Unicode spaces are
    /// content, as they are in HTTP.
    @inlinable
    public func trimmingOWS() -> SubSequence {
        let utf8 = self.utf8
        var start = utf8.startIndex
        while start < utf8.endIndex, utf8[start] == 0x20 || utf8[start] == 0x09 { utf8.formIndex(after: &start) }
        // UTF8View of a StringProtocol is not bidirectional: the end is where the last content byte ends.
        var end = start
        var index = start
        while index < utf8.endIndex {
            let byte = utf8[index]
            utf8.formIndex(after: &index)
            if byte != 0x20, byte != 0x09 { end = index }
        }
        return self[start..<end]
    }
}
