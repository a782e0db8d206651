import Glibc

/// An object member's key as `JSONElement.members` hands it over: matched against string
/// literals in a `switch` (`case "published_at":`) by comparing bytes, so reading a member
/// makes no `String` of its key.
public struct JSONKey {
    let tape: JSONTape
    let index: Int

    /// Whether the key is `pattern`, byte for byte.
    public static func ~= (pattern: StaticString, key: JSONKey) -> Bool {
        let entry = key.tape.entries[key.index]
        let count = pattern.utf8CodeUnitCount
        if entry.flags & JSONTape.decoded == 0 {
            return Int(entry.length) == count
                && (count == 0 || memcmp(pattern.utf8Start, JSONTape.raw(entry, in: key.tape.bytes).baseAddress!, count) == 0)
        }
        return key.tape.strings[Int(entry.start)].utf8.elementsEqual(UnsafeBufferPointer(start: pattern.utf8Start, count: count))
    }
}
