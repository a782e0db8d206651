import Glibc
import HTTP

/// The `Date: …\r\n` line, rebuilt at most once a second per loop.
struct DateCache {
    private(set) var line: [UInt8] = []
    private var second = -1

    mutating func refresh() {
        let now = Int(time(nil))
        guard now != second else { return }
        second = now
        line = Array("Date: ".utf8) + HTTPDate.imfFixdate(secondsSinceEpoch: now) + [13, 10]
    }
}
