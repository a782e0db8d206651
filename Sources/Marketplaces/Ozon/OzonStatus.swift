import Connectors

/// An Ozon processing state as a review or question carries it, read from the answer's bytes
/// without regard to case (v3 answers upper case, docs mix cases) and without making a `String`
/// of it: a status was a string allocation and up to three comparisons per item.
struct OzonStatus: JSONReadable, Sendable, Equatable {
    enum State: Sendable {
        /// v2 `NEW`: not seen yet.
        case new
        /// v2 `VIEWED`.
        case viewed
        /// `PROCESSED` (v1 and v2).
        case processed
        /// v1 `UNPROCESSED`, which says nothing about being seen.
        case unprocessed
        /// Anything else, tolerated.
        case other
    }

    let state: State

    init(_ state: State) {
        self.state = state
    }

    init(json: JSONElement) throws(JSONReadError) {
        state = try json.withStringUTF8 { bytes in
            if Self.matches(bytes, "NEW") { return .new }
            if Self.matches(bytes, "VIEWED") { return .viewed }
            if Self.matches(bytes, "PROCESSED") { return .processed }
            if Self.matches(bytes, "UNPROCESSED") { return .unprocessed }
            return .other
        }
    }

    /// `NEW` is unread; `VIEWED` and `PROCESSED` were seen; v1's `UNPROCESSED` and unknown
    /// values say nothing about it.
    var read: Bool? {
        switch state {
        case .new: false
        case .viewed, .processed: true
        case .unprocessed, .other: nil
        }
    }

    /// Whether `bytes` spell `name` (written upper case), in any case.
    private static func matches(_ bytes: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
        guard bytes.count == name.utf8CodeUnitCount else { return false }
        for index in 0..<bytes.count {
            let byte = bytes[index]
            let upper = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte &- 0x20 : byte
            if upper != name.utf8Start[index] { return false }
        }
        return true
    }
}
