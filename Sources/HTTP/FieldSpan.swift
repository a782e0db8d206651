/// Where one header field sits in the bytes of its message: name and value as offsets from the
/// start of the message. The value excludes surrounding whitespace.
public struct FieldSpan: Sendable, Hashable {
    public var nameStart: UInt32
    public var nameEnd: UInt32
    public var valueStart: UInt32
    public var valueEnd: UInt32

    public init(nameStart: Int, nameEnd: Int, valueStart: Int, valueEnd: Int) {
        self.nameStart = UInt32(truncatingIfNeeded: nameStart)
        self.nameEnd = UInt32(truncatingIfNeeded: nameEnd)
        self.valueStart = UInt32(truncatingIfNeeded: valueStart)
        self.valueEnd = UInt32(truncatingIfNeeded: valueEnd)
    }
}
