/// What the parser learns from the fields that decide framing and connection handling
/// (Host, Content-Length, Transfer-Encoding, Connection, Expect), noted as each field completes.
struct HeadSemantics: Sendable {
    var hostCount = 0
    var hostIndex = 0
    /// -1 until a Content-Length arrives.
    var contentLength = -1
    var transferEncodingSeen = false
    var codingCount = 0
    var chunkedCount = 0
    var lastCodingIsChunked = false
    var unknownCoding = false
    var connectionClose = false
    var connectionKeepAlive = false
    var expectsContinue = false
    var otherExpectation = false

    mutating func note(_ span: FieldSpan, index: Int, in buffer: UnsafeRawBufferPointer) throws(HTTPParseError) {
        let nameStart = Int(span.nameStart), nameEnd = Int(span.nameEnd)
        let valueStart = Int(span.valueStart), valueEnd = Int(span.valueEnd)
        switch nameEnd - nameStart {
        case 4 where ASCII.equalsLowercase(buffer, nameStart, nameEnd, "host"):
            hostCount += 1
            hostIndex = index
        case 6 where ASCII.equalsLowercase(buffer, nameStart, nameEnd, "expect"):
            // A list (RFC 9110 §10.1.1, §5.6.1): two lines or one comma-joined mean the same.
            try ListElements.forEach(buffer, valueStart, valueEnd) { s, e throws(HTTPParseError) in
                if ASCII.equalsLowercase(buffer, s, e, "100-continue") {
                    expectsContinue = true
                } else {
                    otherExpectation = true
                }
            }
        case 10 where ASCII.equalsLowercase(buffer, nameStart, nameEnd, "connection"):
            try ListElements.forEach(buffer, valueStart, valueEnd) { s, e throws(HTTPParseError) in
                if ASCII.equalsLowercase(buffer, s, e, "close") { connectionClose = true }
                if ASCII.equalsLowercase(buffer, s, e, "keep-alive") { connectionKeepAlive = true }
            }
        case 14 where ASCII.equalsLowercase(buffer, nameStart, nameEnd, "content-length"):
            try noteContentLength(buffer, valueStart, valueEnd)
        case 17 where ASCII.equalsLowercase(buffer, nameStart, nameEnd, "transfer-encoding"):
            try noteTransferEncoding(buffer, valueStart, valueEnd)
        default:
            break
        }
    }

    private mutating func noteContentLength(_ buffer: UnsafeRawBufferPointer, _ start: Int, _ end: Int) throws(HTTPParseError) {
        guard end > start else { throw .invalidContentLength }
        var sawElement = false
        try ListElements.forEach(buffer, start, end, allowEmpty: false, emptyError: .invalidContentLength) { s, e throws(HTTPParseError) in
            var value = 0
            for i in s..<e {
                let c = buffer[i]
                guard c >= 48 && c <= 57 else { throw .invalidContentLength }
                // A valid length past what `Int` holds is a body too large, not a malformed field
                // (RFC 9110 §8.6 asks for large numerals to be anticipated): held as `Int.max`,
                // refused as any body over the limit once the head is whole and checked.
                guard value != .max else { continue }
                let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(Int(c - 48))
                value = o1 || o2 ? .max : sum
            }
            if contentLength >= 0, contentLength != value { throw .conflictingContentLength }
            contentLength = value
            sawElement = true
        }
        guard sawElement else { throw .invalidContentLength }
    }

    private mutating func noteTransferEncoding(_ buffer: UnsafeRawBufferPointer, _ start: Int, _ end: Int) throws(HTTPParseError) {
        transferEncodingSeen = true
        try ListElements.forEach(buffer, start, end) { s, e throws(HTTPParseError) in
            codingCount += 1
            if ASCII.equalsLowercase(buffer, s, e, "chunked") {
                chunkedCount += 1
                lastCodingIsChunked = true
                return
            }
            lastCodingIsChunked = false
            // transfer-coding = token *( OWS ";" OWS transfer-parameter ): anything that starts
            // with a token is a coding we do not implement; anything else is malformed.
            guard ASCII.classes[Int(buffer[s])] & ASCII.token != 0 else { throw .invalidTransferEncoding }
            unknownCoding = true
        }
    }
}
