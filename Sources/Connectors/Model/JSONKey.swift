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

    init(tape: JSONTape, index: Int) {
        self.tape = tape
        self.index = index
        let entry = tape.entries[index]
        plain = entry.flags & JSONTape.decoded == 0 ? JSONTape.raw(entry, in: tape.bytes) : nil
    }

    /// Whether the key is `pattern`, byte for byte.
    public static func ~= (pattern: StaticString, key: JSONKey) -> Bool {
        let count = pattern.utf8CodeUnitCount
        guard let plain = key.plain else {
            let text = key.tape.strings[Int(key.tape.entries[key.index].start)]
            return text.utf8.elementsEqual(UnsafeBufferPointer(start: pattern.utf8Start, count: count))
        }
        // Lengths differ for most cases of a `switch`; then the first byte.
        return plain.count == count
            && (count == 0 || (plain[0] == pattern.utf8Start[0] && memcmp(pattern.utf8Start, plain.baseAddress!, count) == 0))
    }
}
