/// Walks the elements of a comma-separated list value (RFC 9110 §5.6.1), trimming whitespace.
enum ListElements {
    static func forEach(
        _ buffer: UnsafeRawBufferPointer, _ start: Int, _ end: Int,
        allowEmpty: Bool = true, emptyError: HTTPParseError = .invalidFieldValue,
        _ body: (Int, Int) throws(HTTPParseError) -> Void
    ) throws(HTTPParseError) {
        var i = start
        while i <= end {
            var s = i
            while s < end, buffer[s] == ASCII.sp || buffer[s] == ASCII.htab { s += 1 }
            var e = s
            while e < end, buffer[e] != ASCII.comma { e += 1 }
            let next = e + 1
            while e > s, buffer[e - 1] == ASCII.sp || buffer[e - 1] == ASCII.htab { e -= 1 }
            if e > s {
                try body(s, e)
            } else if !allowEmpty {
                throw emptyError
            }
            i = next
        }
    }
}
