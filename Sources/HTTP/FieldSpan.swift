/// Where one header field sits in the bytes of its message: name and value as offsets from the
/// start of the message. The value excludes surrounding whitespace.
public struct FieldSpan: Sendable, Hashable {
    /// Offset of the name's first byte.
    public var nameStart: UInt32
    /// Offset just past the name's last byte: where its colon is.
    public var nameEnd: UInt32
    /// Offset of the value's first byte, after leading whitespace.
    public var valueStart: UInt32
    /// Offset just past the value's last byte, before trailing whitespace.
    public var valueEnd: UInt32

    /// Offsets are stored in 32 bits, ample under the parser's limits; larger ones are truncated.
    public init(nameStart: Int, nameEnd: Int, valueStart: Int, valueEnd: Int) {
        self.nameStart = UInt32(truncatingIfNeeded: nameStart)
        self.nameEnd = UInt32(truncatingIfNeeded: nameEnd)
        self.valueStart = UInt32(truncatingIfNeeded: valueStart)
        self.valueEnd = UInt32(truncatingIfNeeded: valueEnd)
    }
}
