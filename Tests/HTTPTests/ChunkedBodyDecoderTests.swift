@testable import HTTP
import Testing

/// Chunked transfer coding (RFC 9112 §7.1). Every input goes through `DecoderHarness`, which
/// decodes it whole, byte by byte, in 2-, 3- and 7-byte pieces and in random splits.
@Suite("ChunkedBodyDecoder")
struct ChunkedBodyDecoderTests {
    private func expectBody(
        _ input: String, _ body: String, limits: ParserLimits = ParserLimits(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let outcome = DecoderHarness.decodeEveryWay(bytes(input), limits: limits, sourceLocation: sourceLocation)
        #expect(outcome == .complete(body: bytes(body), consumed: input.utf8.count), sourceLocation: sourceLocation)
    }

    private func expectError(
        _ input: [UInt8], _ error: HTTPParseError, status: Int = 400, limits: ParserLimits = ParserLimits(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let outcome = DecoderHarness.decodeEveryWay(input, limits: limits, sourceLocation: sourceLocation)
        #expect(outcome == .failed(error), sourceLocation: sourceLocation)
        #expect(outcome.error?.status.code == status, sourceLocation: sourceLocation)
    }

    // MARK: Accepted

    @Test func simpleBody() throws {
        // given
        let input = bytes("5\r\nhello\r\n0\r\n\r\n")
        var decoder = ChunkedBodyDecoder()
        var body: [UInt8] = []
        // when
        let consumed = try input.withUnsafeBytes { raw in try decoder.decode(raw, into: &body) }
        // then
        #expect(consumed == input.count)
        #expect(body == bytes("hello"))
        #expect(decoder.isComplete)
        #expect(decoder.decodedLength == 5)
        expectBody("5\r\nhello\r\n0\r\n\r\n", "hello")
    }

    @Test func emptyBody() {
        expectBody("0\r\n\r\n", "")
    }

    @Test func manyChunks() {
        // given: 60 chunks of 1...60 bytes, sizes in lower-case hex
        var input = ""
        var expected = ""
        for size in 1...60 {
            let data = String(repeating: String(UnicodeScalar(UInt8(65 + size % 26))), count: size)
            input += String(size, radix: 16) + "\r\n" + data + "\r\n"
            expected += data
        }
        input += "0\r\n\r\n"
        // when / then
        expectBody(input, expected)
    }

    @Test("given 5,000 one-byte chunks, when decoded, then the body is whole: small chunks alone are not excessive framing")
    func oneByteChunks() {
        let input = String(repeating: "1\r\nz\r\n", count: 5_000) + "0\r\n\r\n"
        expectBody(input, String(repeating: "z", count: 5_000))
    }

    @Test("given one-byte chunks each carrying a 60-byte extension, when their framing runs 16 KiB ahead of the data, then the body is refused with 400")
    func excessiveFraming() {
        let chunk = "1;" + String(repeating: "e", count: 60) + "\r\nz\r\n"
        let input = String(repeating: chunk, count: 400) + "0\r\n\r\n"
        expectError(bytes(input), .excessiveChunkFraming)
    }

    @Test func bodyAppendsToExistingBytes() throws {
        let input = bytes("3\r\nabc\r\n0\r\n\r\n")
        var decoder = ChunkedBodyDecoder()
        var body = bytes("head:")
        _ = try input.withUnsafeBytes { raw in try decoder.decode(raw, into: &body) }
        #expect(body == bytes("head:abc"))
        #expect(decoder.decodedLength == 3)
    }

    @Test func everySplitPointGivesTheSameBody() throws {
        // given: a body with extensions, several chunks and trailers
        let input = bytes("4;x=\"y\"\r\nWiki\r\n5 ; a\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\nX: y\r\n\r\n")
        let expected = bytes("Wikipedia in\r\n\r\nchunks.")
        // when: split in two at every possible offset
        for split in 0...input.count {
            let outcome = DecoderHarness.decode(input, cuts: [split, input.count])
            // then
            #expect(outcome == .complete(body: expected, consumed: input.count), "split at \(split)")
        }
        // and in 1-, 2-, 3-, 7-byte pieces and random splits
        #expect(DecoderHarness.decodeEveryWay(input) == .complete(body: expected, consumed: input.count))
        #expect(DecoderHarness.pieces(input, size: 1) == .complete(body: expected, consumed: input.count))
    }

    @Test(arguments: [
        ";a", ";a=b", ";a=\"quoted \\\"x\\\" ;\"", " ;a", "\t;a", "; a", ";a ;b", " ; a = b ", ";a\t=\tb",
        ";a=b;c=d", ";a=\"\"", ";a;b;c", ";a=\"\\\\\"", ";!#$%&'*+-.^_`|~=!#$%&'*+-.^_`|~", ";a=\"é\"",
    ])
    func chunkExtensionsAreAccepted(extension ext: String) {
        expectBody("5\(ext)\r\nhello\r\n0\(ext)\r\n\r\n", "hello")
    }

    @Test(arguments: [
        "X-Checksum: abc\r\n",
        "Expires: never\r\nX: y\r\n",
        "Empty:\r\n",
        "X:   spaced value \t\r\n",
    ])
    func trailersAreAcceptedAndDropped(trailers: String) {
        // given / when / then: the body is the chunk data only, the trailers are consumed
        expectBody("3\r\nabc\r\n0\r\n\(trailers)\r\n", "abc")
    }

    @Test func obsTextInTrailerValue() {
        let input = bytes("1\r\nz\r\n0\r\nX: ") + [0x80, 0xFF] + bytes("\r\n\r\n")
        #expect(DecoderHarness.decodeEveryWay(input) == .complete(body: bytes("z"), consumed: input.count))
    }

    @Test(arguments: [("A", 10), ("a", 10), ("F", 15), ("1f", 31), ("1F", 31), ("0000A", 10), ("00000000000000000000010", 16)])
    func hexSizes(size: String, length: Int) {
        let data = String(repeating: "d", count: length)
        expectBody("\(size)\r\n\(data)\r\n0\r\n\r\n", data)
    }

    @Test(arguments: ["000", "00", "0000000000000000000000"])
    func lastChunkWithLeadingZeros(last: String) {
        expectBody("2\r\nhi\r\n\(last)\r\n\r\n", "hi")
    }

    @Test func consumedStopsAtTheEndOfTheBody() throws {
        // given: a chunked body followed by the next pipelined request
        let body = "5\r\nhello\r\n0\r\nX: y\r\n\r\n"
        let next = "GET /next HTTP/1.1\r\nHost: a\r\n\r\n"
        let input = bytes(body + next)
        // when
        let outcome = DecoderHarness.decodeEveryWay(input)
        // then
        #expect(outcome == .complete(body: bytes("hello"), consumed: body.utf8.count))
        // and once complete, the decoder takes nothing more
        var decoder = ChunkedBodyDecoder()
        var out: [UInt8] = []
        let first = try input.withUnsafeBytes { raw in try decoder.decode(raw, into: &out) }
        let again = try bytes(next).withUnsafeBytes { raw in try decoder.decode(raw, into: &out) }
        #expect(first == body.utf8.count)
        #expect(again == 0)
        #expect(out == bytes("hello"))
        #expect(decoder.isComplete)
    }

    @Test func incompleteBodyKeepsWhatHasArrived() throws {
        // given: a chunk cut off in its data
        let input = bytes("a\r\n01234")
        // when
        let outcome = DecoderHarness.decodeEveryWay(input)
        // then: data is delivered as it arrives
        #expect(outcome == .incomplete(body: bytes("01234")))
    }

    @Test(arguments: ["5\r\nhello\r\n", "5\r\nhello\r\n0\r\n", "5\r\nhello\r\n0\r\nX: y\r\n", "5\r\nhello\r\n0\r\n\r", "5;a=\"b"])
    func incompleteInputIsNotComplete(input: String) {
        let outcome = DecoderHarness.decodeEveryWay(bytes(input))
        if case .incomplete = outcome {} else { Issue.record("expected incomplete, got \(outcome)") }
    }

    @Test func chunkLineExactlyAtLimit() {
        // "5;abcdefghijklmn" is 16 bytes; the CRLF does not count
        expectBody("5;abcdefghijklmn\r\nhello\r\n0\r\n\r\n", "hello", limits: ParserLimits(maxChunkLineLength: 16))
    }

    @Test func bodyExactlyAtLimit() {
        expectBody("5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n", "helloabc", limits: ParserLimits(maxBodyLength: 8))
    }

    @Test func trailerLineExactlyAtLimit() {
        // "X-Trailer: 12345" is 16 bytes; the CRLF does not count
        expectBody("1\r\na\r\n0\r\nX-Trailer: 12345\r\n\r\n", "a", limits: ParserLimits(maxFieldLineLength: 16))
    }

    @Test func trailerSectionExactlyAtLimit() {
        // "A: 1\r\n" + "B: 2\r\n" is 12 bytes of trailer lines
        expectBody("1\r\na\r\n0\r\nA: 1\r\nB: 2\r\n\r\n", "a", limits: ParserLimits(maxHeaderBlockLength: 12))
    }

    // MARK: Rejected chunk sizes

    @Test(arguments: ["g\r\n", "0x10\r\n", "\r\n", ";ext\r\n", " 5\r\n", "-5\r\n", "+5\r\n", "5\n", "5,\r\n", "\u{0}\r\n",
                      "5 \r\n", "5\t\r\n"])
    func invalidChunkSize(line: String) {
        expectError(bytes(line), .invalidChunkSize)
    }

    @Test func invalidChunkSizeAfterAChunk() {
        expectError(bytes("5\r\nhello\r\nZ\r\n"), .invalidChunkSize)
    }

    @Test("given a chunk size past Int's range, then it is 413, as a size just within it is and as a Content-Length past it is",
          arguments: ["10000000000000000", "FFFFFFFFFFFFFFFF", "8000000000000000", "0000ffffffffffffffffff"])
    func chunkSizeOverflow(size: String) {
        expectError(bytes(size + "\r\n"), .bodyTooLarge, status: 413)
    }

    @Test func largestSizeIsTooLargeNotOverflow() {
        // 7FFFFFFFFFFFFFFF is Int.max: it parses, then exceeds the body limit
        expectError(bytes("7FFFFFFFFFFFFFFF\r\n"), .bodyTooLarge, status: 413)
    }

    // MARK: Rejected framing

    @Test(arguments: [
        "5\r\nhelloX\r\n0\r\n\r\n",      // data longer than its size
        "5\r\nhell\r\n0\r\n\r\n\r\n",    // data shorter than its size
        "5\r\nhello\rX",                // CR after data without LF
        "5\r\nhello\n0\r\n\r\n",        // bare LF after data
    ])
    func invalidChunkFraming(input: String) {
        expectError(bytes(input), .invalidChunkFraming)
    }

    @Test("a CR without LF ending a size line or the trailer section is named as such, not as data framing", arguments: [
        "5\rXhello\r\n",                // after a size
        "5;a\rX",                       // after an extension
        "0\r\n\rX",                     // ending the trailer section
    ])
    func bareCarriageReturn(input: String) {
        expectError(bytes(input), .bareCarriageReturn)
    }

    // MARK: Rejected extensions

    @Test(arguments: [
        ";=x",              // no name
        ";a=",              // no value
        ";a=\"abc\r\n",     // unterminated quote: CR is not qdtext
        ";a=\"abc\"x",      // text after the closing quote
        ";a b",             // two tokens without a separator
        ";a=b c",           // two values
        ";a=@",             // value not a token
        ";a=\"\u{7F}\"",    // DEL in a quoted string
        ";a=\"\u{1}\"",     // CTL in a quoted string
        ";a=\"\\\u{0}\"",   // escaped NUL
        " x",               // BWS then something other than ';'
        ";;",               // empty extension
        ";a\u{0}",          // NUL after a name
        ";a=b\u{0}",        // NUL after a value
        ";a=\"b\"\u{0}",    // NUL after a quoted value
        ";a ,",             // comma after a name
        " =x",              // '=' without a name
        ";a=b =c",          // '=' after a value
        ";a=\"b\"=c",       // '=' after a quoted value
        ";a=\"x\ry\"",       // CR inside a quoted string
        ";a=\"x\ny\"",       // LF inside a quoted string
    ])
    func invalidChunkExtension(ext: String) {
        expectError(bytes("5" + ext + "\r\nhello\r\n0\r\n\r\n"), .invalidChunkExtension)
    }

    @Test func chunkLineTooLong() {
        // given: chunk lines limited to 16 bytes, and a 17-byte one that never ends
        let limits = ParserLimits(maxChunkLineLength: 16)
        // when / then
        expectError(bytes("5;abcdefghijklmno\r\nhello\r\n0\r\n\r\n"), .chunkLineTooLong, limits: limits)
        expectError(bytes("5;a=\"" + String(repeating: "q", count: 100)), .chunkLineTooLong, limits: limits)
        expectError(bytes(String(repeating: "0", count: 17)), .chunkLineTooLong, limits: limits)
    }

    @Test func chunkLineTooLongWithDefaultLimit() {
        expectError(bytes("5;" + String(repeating: "a", count: 2000) + "\r\nhello\r\n"), .chunkLineTooLong)
    }

    // MARK: Body limit

    @Test func bodyTooLargeIsRaisedWhenTheSizeLineEnds() {
        // given: a body limit of 8; 5 bytes arrive, then a chunk of 4 is announced (no data follows)
        let limits = ParserLimits(maxBodyLength: 8)
        // when / then: refused on the size line, before its data
        expectError(bytes("5\r\nhello\r\n4\r\n"), .bodyTooLarge, status: 413, limits: limits)
        expectError(bytes("9\r\n"), .bodyTooLarge, status: 413, limits: limits)
        // but not before the size line is complete
        #expect(DecoderHarness.decodeEveryWay(bytes("5\r\nhello\r\n4"), limits: limits) == .incomplete(body: bytes("hello")))
    }

    @Test func bodyTooLargeWithDefaultLimit() {
        expectError(bytes("100001\r\n"), .bodyTooLarge, status: 413)
    }

    // MARK: Trailers

    @Test(arguments: [
        "NoColon\r\n\r\n",
        "X : v\r\n\r\n",
        "X\t: v\r\n\r\n",
        ": v\r\n\r\n",
        " X: v\r\n\r\n",       // obs-fold style leading whitespace
        "X(y): v\r\n\r\n",
        "X: a\u{0}b\r\n\r\n",
        "X: a\u{1}b\r\n\r\n",
        "X: a\u{7F}b\r\n\r\n",
        "X: v\n\r\n",           // bare LF
        "X: v\rX\r\n\r\n",      // bare CR
    ])
    func invalidTrailer(trailers: String) {
        expectError(bytes("1\r\na\r\n0\r\n" + trailers), .invalidTrailer)
    }

    @Test func trailerLineTooLong() {
        // "X-Trailer: 123456" is 17 bytes
        expectError(bytes("1\r\na\r\n0\r\nX-Trailer: 123456\r\n\r\n"), .trailersTooLarge, status: 431, limits: ParserLimits(maxFieldLineLength: 16))
    }

    @Test func trailerSectionTooLarge() {
        // "A: 1\r\n" + "B: 2\r\n" + "C: 3\r\n" is 18 bytes, limit 12
        expectError(bytes("1\r\na\r\n0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"), .trailersTooLarge, status: 431, limits: ParserLimits(maxHeaderBlockLength: 12))
    }

    @Test func trailerSectionOneByteOverLimit() {
        // "A: 1\r\n" + "B: 23\r\n" is 13 bytes of trailer lines (CRLFs count, as in the header block), limit 12
        expectError(bytes("1\r\na\r\n0\r\nA: 1\r\nB: 23\r\n\r\n"), .trailersTooLarge, status: 431, limits: ParserLimits(maxHeaderBlockLength: 12))
    }

    @Test("given more trailer fields than header fields may be, each short, then 431, as for the header block")
    func tooManyTrailerFields() {
        let fields = (1...3).map { "T\($0): x\r\n" }.joined()
        expectError(bytes("1\r\na\r\n0\r\n" + fields + "\r\n"), .trailersTooLarge, status: 431, limits: ParserLimits(maxFieldCount: 2))
        // as many as the limit pass
        let two = (1...2).map { "T\($0): x\r\n" }.joined()
        let input = bytes("1\r\na\r\n0\r\n" + two + "\r\n")
        #expect(DecoderHarness.decodeEveryWay(input, limits: ParserLimits(maxFieldCount: 2)) == .complete(body: bytes("a"), consumed: input.count))
    }

    @Test func endlessTrailersAreRefusedWithDefaultLimits() {
        let input = bytes("1\r\na\r\n0\r\n" + String(repeating: "X-Padding: 0123456789\r\n", count: 2000))
        expectError(input, .trailersTooLarge, status: 431)
    }
}
