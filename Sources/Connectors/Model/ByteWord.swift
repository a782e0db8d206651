/// Eight bytes tested at once (SWAR), for the JSON reader and writer, which scan strings for the
/// few bytes that end a run: a quote, a backslash, a control character, DEL. Each test gives a
/// mask with the high bit set in (at least) one byte when some byte matches. The borrow trick
/// can set false bits only above a true match, so the lowest set bit is exact: `firstByte`
/// gives the offset of the first matching byte, and a scanner jumps straight to it.
enum ByteWord {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Non-zero when a byte of `word` is `byte`: after the XOR it is zero exactly there.
    @inline(__always)
    static func matching(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let x = word ^ (ones &* UInt64(byte))
        return (x &- ones) & ~x & highs
    }

    /// Non-zero when a byte of `word` is below `bound` (at most 0x80).
    @inline(__always)
    static func below(_ word: UInt64, _ bound: UInt8) -> UInt64 {
        (word &- ones &* UInt64(bound)) & ~word & highs
    }

    /// Non-zero when a byte of `word` ends a JSON string run: a quote, a backslash or a control character.
    @inline(__always)
    static func jsonRunEnds(_ word: UInt64) -> UInt64 {
        matching(word, 0x22) | matching(word, 0x5C) | below(word, 0x20)
    }

    /// The offset (0…7) of the first byte a non-zero `mask` marks, the words being loaded little-endian.
    @inline(__always)
    static func firstByte(_ mask: UInt64) -> Int {
        mask.trailingZeroBitCount &>> 3
    }

    /// The bytes of `word` before `offset` (0…7), the others zero.
    @inline(__always)
    static func prefix(_ word: UInt64, _ offset: Int) -> UInt64 {
        word & ((1 &<< UInt64(offset &* 8)) &- 1)
    }
}
