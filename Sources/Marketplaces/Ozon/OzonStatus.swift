import Connectors

/// Ozon's processing states, compared without regard to case (v3 answers upper case, docs mix
/// cases), byte by byte: upper-casing a copy of each status cost an allocation per item.
enum OzonStatus {
    /// `NEW` is unread; `VIEWED` and `PROCESSED` were seen; v1's `UNPROCESSED` and unknown
    /// values say nothing about it.
    static func read(_ status: String?) -> Bool? {
        if `is`(status, "NEW") { return false }
        if `is`(status, "VIEWED") || `is`(status, "PROCESSED") { return true }
        return nil
    }

    /// Whether `status` is the state `name` (written upper case), in any case.
    static func `is`(_ status: String?, _ name: StaticString) -> Bool {
        guard var status, status.utf8.count == name.utf8CodeUnitCount else { return false }
        return status.withUTF8 { bytes in
            for index in bytes.indices {
                let byte = bytes[index]
                let upper = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte &- 0x20 : byte
                if upper != name.utf8Start[index] { return false }
            }
            return true
        }
    }
}
