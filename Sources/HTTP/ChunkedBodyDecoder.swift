/// Incremental decoder of the chunked transfer coding (RFC 9112 §7.1).
///
/// Feed it body bytes as they arrive; it appends chunk data to the caller's buffer and reports
/// how much input it consumed. It keeps no input of its own, so bytes may arrive in any split.
/// Accepts chunk extensions (tokens and quoted strings, within `maxChunkLineLength`), trailers
/// (validated, then dropped), upper- and lower-case hex and leading zeros. Refuses everything
/// else that could make two parsers disagree about where the body ends.
public struct ChunkedBodyDecoder: Sendable {
    /// The bounds checked while decoding: `maxBodyLength` (413), `maxChunkLineLength`, and the
    /// header limits for the trailer section.
    public let limits: ParserLimits

    private enum State: UInt8, Sendable {
        case size, sizeSpace, extBeforeSemicolon, extNameStart, extName, extAfterName, extValueStart
        case extValueToken, quoted, quotedEscape, sizeLF
        case data, dataCR, dataLF
        case trailerStart, trailerName, trailerValue, trailerLF, finalLF, done
    }

    private var state = State.size
    private var sizeDigits = 0
    private var chunkSize = 0
    private var remaining = 0
    private var lineLength = 0
    private var trailerLineLength = 0
    private var trailerBytes = 0
    private var trailerNameLength = 0
    private var trailerCount = 0
    /// Framing beyond what the data it frames allows (see `chargeFraming`).
    private var excessFraming = 0
    /// How far framing may run ahead of the data before the body is refused.
    static let maxExcessFraming = 16 * 1024

    /// Decoded body bytes so far.
    public private(set) var decodedLength = 0

    /// A decoder at the start of a chunked body; use one per message.
    public init(limits: ParserLimits = ParserLimits()) {
        self.limits = limits
    }

    /// True once the last chunk and the trailer section have been read.
    public var isComplete: Bool { state == .done }

    /// Decodes from `input`, appending data to `body`. Returns the number of input bytes consumed:
    /// all of them, unless the body ended earlier (then the rest belongs to the next message).
    public mutating func decode(_ input: UnsafeRawBufferPointer, into body: inout [UInt8]) throws(HTTPParseError) -> Int {
        let n = input.count
        var i = 0
        let table = ASCII.classes
        while i < n {
            let c = input[i]
            switch state {
            case .size:
                if table[Int(c)] & ASCII.hex != 0 {
                    // Leading zeros are fine; significant digits past Int's range name a chunk
                    // larger than any body limit, as a Content-Length past it does: 413.
                    if chunkSize > (Int.max >> 4) { throw .bodyTooLarge }
                    chunkSize = chunkSize << 4 | ASCII.hexValue(c)
                    sizeDigits += 1
                    try countLine()
                    i += 1
                    continue
                }
                guard sizeDigits > 0 else { throw .invalidChunkSize }
                switch c {
                case ASCII.cr: state = .sizeLF
                case ASCII.semicolon: state = .extNameStart
                case ASCII.sp, ASCII.htab: state = .sizeSpace
                default: throw .invalidChunkSize
                }
                try countLine()
                i += 1
            case .sizeSpace:
                // RFC 9112 §7.1.1: whitespace after the size only ever comes before a ';'.
                if c == ASCII.semicolon {
                    state = .extNameStart
                } else if c == ASCII.cr {
                    throw .invalidChunkSize
                } else if c != ASCII.sp && c != ASCII.htab {
                    throw .invalidChunkExtension
                }
                try countLine()
                i += 1
            case .extBeforeSemicolon, .extAfterName:
                if c == ASCII.sp || c == ASCII.htab {
                } else if c == ASCII.semicolon {
                    state = .extNameStart
                } else if c == ASCII.cr {
                    state = .sizeLF
                } else if c == ASCII.equals && state == .extAfterName {
                    state = .extValueStart
                } else {
                    throw .invalidChunkExtension
                }
                try countLine()
                i += 1
            case .extNameStart:
                if c == ASCII.sp || c == ASCII.htab {
                } else if table[Int(c)] & ASCII.token != 0 {
                    state = .extName
                } else {
                    throw .invalidChunkExtension
                }
                try countLine()
                i += 1
            case .extName:
                if table[Int(c)] & ASCII.token != 0 {
                } else if c == ASCII.sp || c == ASCII.htab {
                    state = .extAfterName
                } else if c == ASCII.equals {
                    state = .extValueStart
                } else if c == ASCII.semicolon {
                    state = .extNameStart
                } else if c == ASCII.cr {
                    state = .sizeLF
                } else {
                    throw .invalidChunkExtension
                }
                try countLine()
                i += 1
            case .extValueStart:
                if c == ASCII.sp || c == ASCII.htab {
                } else if c == ASCII.quote {
                    state = .quoted
                } else if table[Int(c)] & ASCII.token != 0 {
                    state = .extValueToken
                } else {
                    throw .invalidChunkExtension
                }
                try countLine()
                i += 1
            case .extValueToken:
                if table[Int(c)] & ASCII.token != 0 {
                } else if c == ASCII.sp || c == ASCII.htab {
                    state = .extBeforeSemicolon
                } else if c == ASCII.semicolon {
                    state = .extNameStart
                } else if c == ASCII.cr {
                    state = .sizeLF
                } else {
                    throw .invalidChunkExtension
                }
                try countLine()
                i += 1
            case .quoted:
                if c == ASCII.quote {
                    state = .extBeforeSemicolon
                } else if c == ASCII.backslash {
                    state = .quotedEscape
                } else if table[Int(c)] & ASCII.qdtext == 0 {
                    throw .invalidChunkExtension
                }
                try countLine()
                i += 1
            case .quotedEscape:
                guard c == ASCII.htab || c == ASCII.sp || (c > 32 && c != 127) else { throw .invalidChunkExtension }
                state = .quoted
                try countLine()
                i += 1
            case .sizeLF:
                guard c == ASCII.lf else { throw .bareCarriageReturn }
                i += 1
                try chargeFraming()
                lineLength = 0
                sizeDigits = 0
                if chunkSize == 0 {
                    state = .trailerStart
                } else {
                    guard chunkSize <= limits.maxBodyLength - decodedLength else { throw .bodyTooLarge }
                    remaining = chunkSize
                    chunkSize = 0
                    state = .data
                }
            case .data:
                let take = min(remaining, n - i)
                body.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[i..<(i + take)]))
                i += take
                remaining -= take
                decodedLength += take
                if remaining == 0 { state = .dataCR }
            case .dataCR:
                guard c == ASCII.cr else { throw .invalidChunkFraming }
                state = .dataLF
                i += 1
            case .dataLF:
                guard c == ASCII.lf else { throw .invalidChunkFraming }
                state = .size
                i += 1
            case .trailerStart:
                if c == ASCII.cr {
                    state = .finalLF
                } else if table[Int(c)] & ASCII.token != 0 {
                    // As many trailer fields as header fields, no more.
                    trailerCount += 1
                    guard trailerCount <= limits.maxFieldCount else { throw .trailersTooLarge }
                    trailerLineLength = 0
                    trailerNameLength = 1
                    state = .trailerName
                } else {
                    throw .invalidTrailer
                }
                try countTrailer()
                i += 1
            case .trailerName:
                if table[Int(c)] & ASCII.token != 0 {
                    trailerNameLength += 1
                } else if c == ASCII.colon {
                    state = .trailerValue
                } else {
                    throw .invalidTrailer
                }
                try countTrailer()
                i += 1
            case .trailerValue:
                if c == ASCII.cr {
                    state = .trailerLF
                } else if table[Int(c)] & ASCII.fieldValue == 0 {
                    throw .invalidTrailer
                }
                try countTrailer()
                i += 1
            case .trailerLF:
                guard c == ASCII.lf else { throw .invalidTrailer }
                state = .trailerStart
                try countTrailer()
                i += 1
            case .finalLF:
                guard c == ASCII.lf else { throw .bareCarriageReturn }
                state = .done
                return i + 1
            case .done:
                return i
            }
        }
        return i
    }

    /// Counts a chunk's framing against its data, as Go's HTTP server does since CVE-2023-39326:
    /// its size line and the line ends around its data, less 16 bytes and twice its size, carried
    /// over (never below zero). Ordinary chunks, and even one-byte chunks with short sizes, stay
    /// at zero; a run of tiny chunks with long extensions grows it without bound, and past
    /// `maxExcessFraming` the body is refused.
    private mutating func chargeFraming() throws(HTTPParseError) {
        excessFraming += lineLength + 4 - 16 - 2 * min(chunkSize, Self.maxExcessFraming)
        if excessFraming < 0 { excessFraming = 0 }
        if excessFraming > Self.maxExcessFraming { throw .excessiveChunkFraming }
    }

    @inline(__always)
    private mutating func countLine() throws(HTTPParseError) {
        // The CR ending the line (state is then .sizeLF) is not part of it, as for field lines.
        guard state != .sizeLF else { return }
        lineLength += 1
        if lineLength > limits.maxChunkLineLength {
            throw .chunkLineTooLong
        }
    }

    @inline(__always)
    private mutating func countTrailer() throws(HTTPParseError) {
        // As in the header block: a line's CRLF counts towards the section but not the line,
        // and the empty line ending the section counts towards neither.
        switch state {
        case .finalLF: return
        case .trailerLF, .trailerStart: break
        default: trailerLineLength += 1
        }
        trailerBytes += 1
        guard trailerLineLength <= limits.maxFieldLineLength, trailerBytes <= limits.maxHeaderBlockLength else {
            throw .trailersTooLarge
        }
    }
}
