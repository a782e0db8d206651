import Glibc

/// An object member's key as `JSONElement.members` hands it over: matched against string
/// literals in a `switch` (`case "published_at":`) by comparing bytes, so reading a member
/// makes no `String` of its key.
public struct JSONKey {
    let tape: JSONTape
    let index: Int
    /// The key's bytes in the parsed text, found once per member rather than once per `case`
    /// tried against it; nil for a key the parser decoded (escapes, non-ASCII).
    let plain: UnsafeRawBufferPointer?
    /// The byte count of a plain key; -1 for a decoded one, whose count is not at hand.
    @usableFromInline let plainCount: Int

    init(tape: JSONTape, index: Int) {
        self.tape = tape
        self.index = index
        let entry = tape.entries[index]
        plain = entry.flags & JSONTape.decoded == 0 ? JSONTape.raw(entry, in: tape.bytes) : nil
        plainCount = plain?.count ?? -1
    }

    /// Whether the key is `pattern`, byte for byte. The length test is inlined into each `case`:
    /// most cases of a `switch` fail on it, and then no call is made.
    @inlinable
    public static func ~= (pattern: StaticString, key: JSONKey) -> Bool {
        guard key.plainCount == pattern.utf8CodeUnitCount || key.plainCount < 0 else { return false }
        return matches(pattern, key)
    }

    @usableFromInline
    static func matches(_ pattern: StaticString, _ key: JSONKey) -> Bool {
        let count = pattern.utf8CodeUnitCount
        guard let plain = key.plain else {
            let text = key.tape.strings[Int(key.tape.entries[key.index].start)]
            return text.utf8.elementsEqual(UnsafeBufferPointer(start: pattern.utf8Start, count: count))
        }
        return count == 0 || (plain[0] == pattern.utf8Start[0] && memcmp(pattern.utf8Start, plain.baseAddress!, count) == 0)
    }
}
