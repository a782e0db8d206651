// libFuzzer target for the HTTP/1.1 request parser (RequestHeadParser, ChunkedBodyDecoder,
// HTTPRequest). Compiled as one module with Sources/HTTP/*.swift by Fuzz/fuzz.sh, so internal
// symbols are visible and there is no `import HTTP`.
//
// Input layout: byte 0 is a control byte, the rest is the byte stream a client sent.
//   bits 0-1  limits: 0/1 = default ParserLimits, 2 = a fixed small set, 3 = tiny limits derived
//             from bits 2-7 (so the 414/431/413 paths are reachable with short inputs)
//   bits 5-7  largest piece size of the "split" run; the whole byte also seeds the split PRNG
//
// Every message in the stream (up to `maxMessages` pipelined requests) is parsed three ways:
//   whole  - the parser sees all remaining bytes at once;
//   split  - the buffer grows from the message start in pseudo-random pieces (0...max bytes);
//   bytes  - the buffer grows one byte at a time (starting with an empty buffer).
// The growing runs use their own copy of the input whose not-yet-"arrived" tail is
// ASan-poisoned, so a read past the bytes the parser was given is reported by ASan even when
// the byte physically exists. All three must agree exactly; see README.md for the invariants.
// Any violation calls fatalError, which libFuzzer reports as a crash.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private let maxMessages = 16

// MARK: - Entry point

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let control = data[0]
    let input = UnsafeRawBufferPointer(start: UnsafeRawPointer(data + 1), count: size - 1)
    let limits = fuzzLimits(control)
    let stepTable = [2, 3, 4, 7, 13, 32, 100, 700]
    var splitSteps = Steps(seed: control, maxStep: stepTable[Int(control >> 5)])
    var byteSteps = Steps(seed: 0, maxStep: 1)

    // `whole` is an exact-size heap copy (reads past the end hit the ASan redzone); the other
    // two hide everything the simulated connection has not received yet.
    let whole = GuardedBytes(copying: input)
    let split = GuardedBytes(copying: input)
    let bytes = GuardedBytes(copying: input)

    var wholeParser = RequestHeadParser(limits: limits)
    var splitParser = RequestHeadParser(limits: limits)
    var byteParser = RequestHeadParser(limits: limits)

    var offset = 0
    for index in 0..<maxMessages {
        guard index == 0 || offset < input.count else { break }
        let context = "message \(index) at offset \(offset), control 0x\(String(control, radix: 16))"
        check(wholeParser.isAtMessageStart && splitParser.isAtMessageStart && byteParser.isAtMessageStart,
              "parser not at message start after a complete message; \(context)")
        split.hide(from: offset)
        bytes.hide(from: offset)
        let rest = whole.bytes(offset..<input.count)

        let wholeResult = parseWhole(&wholeParser, rest)
        let splitResult = parseGrowing(&splitParser, split, from: offset, steps: &splitSteps, context)
        let byteResult = parseGrowing(&byteParser, bytes, from: offset, steps: &byteSteps, context)
        #if FUZZ_TRACE
        print("[\(index)] offset \(offset): \(wholeResult)")
        #endif
        check(wholeResult == splitResult, "whole vs split head: \(wholeResult) != \(splitResult); \(context)")
        check(wholeResult == byteResult, "whole vs byte-by-byte head: \(wholeResult) != \(byteResult); \(context)")

        guard case .head(let head) = wholeResult else { break }
        validate(head, rest, limits, context)

        // Body.
        let bodyStart = offset + head.length
        split.hide(from: bodyStart)
        bytes.hide(from: bodyStart)
        var body: [UInt8] = []
        var bodyConsumed = 0
        switch head.framing {
        case .none:
            break
        case .length(let n):
            check(n > 0 && n <= limits.maxBodyLength, ".length(\(n)) outside 1...\(limits.maxBodyLength); \(context)")
            guard rest.count - head.length >= n else { return 0 }   // body still arriving
            body = Array(whole.bytes(bodyStart..<(bodyStart + n)))
            bodyConsumed = n
        case .chunked:
            check(head.version.isHTTP11OrLater, "chunked framing on \(head.version); \(context)")
            let chunkInput = whole.bytes(bodyStart..<input.count)
            let wholeBody = decodeWhole(limits, chunkInput)
            let splitBody = decodeGrowing(limits, split, from: bodyStart, steps: &splitSteps)
            let byteBody = decodeGrowing(limits, bytes, from: bodyStart, steps: &byteSteps)
            #if FUZZ_TRACE
            print("[\(index)] body: \(wholeBody)")
            #endif
            check(wholeBody == splitBody, "whole vs split chunked body: \(wholeBody) != \(splitBody); \(context)")
            check(wholeBody == byteBody, "whole vs byte-by-byte chunked body: \(wholeBody) != \(byteBody); \(context)")
            guard wholeBody.error == nil, wholeBody.complete else { return 0 }
            body = wholeBody.body
            bodyConsumed = wholeBody.consumed
        }

        touch(HTTPRequest(head: head, storage: Array(rest[0..<head.length]) + body,
                          bodyRange: head.length..<(head.length + body.count)),
              head, body, context)
        offset = bodyStart + bodyConsumed
    }
    return 0
}

// MARK: - Limits and splits

private func fuzzLimits(_ control: UInt8) -> ParserLimits {
    switch control & 3 {
    case 2:
        return ParserLimits(maxRequestLineLength: 40, maxFieldLineLength: 32, maxHeaderBlockLength: 96,
                            maxFieldCount: 4, maxBodyLength: 32, maxChunkLineLength: 12)
    case 3:
        let v = Int(control >> 2)   // 0...63
        return ParserLimits(
            maxRequestLineLength: 14 + (v & 7) * 3,
            maxFieldLineLength: 6 + ((v >> 3) & 7) * 3,
            maxHeaderBlockLength: 16 + (v & 15) * 6,
            maxFieldCount: 1 + ((v >> 2) & 3),
            maxBodyLength: (v * 7) & 31,
            maxChunkLineLength: 1 + (v & 7) * 2)
    default:
        return ParserLimits()
    }
}

/// Sizes of the pieces a simulated connection receives: xorshift, 0...maxStep, never two
/// empty reads in a row (an empty read re-parses the same buffer, which must be harmless).
private struct Steps {
    var state: UInt32
    let maxStep: Int
    var lastWasEmpty = true

    init(seed: UInt8, maxStep: Int) {
        state = 0x9E37_79B9 ^ UInt32(seed) &* 0x0101_0101
        if state == 0 { state = 1 }
        self.maxStep = maxStep
    }

    mutating func next() -> Int {
        if maxStep == 1 { return 1 }
        state ^= state << 13
        state ^= state >> 17
        state ^= state << 5
        var step = Int(state % UInt32(maxStep + 1))
        if step == 0 && lastWasEmpty { step = 1 }
        lastWasEmpty = step == 0
        return step
    }
}

// MARK: - Head parsing

private enum HeadResult: Equatable, CustomStringConvertible {
    case needMore
    case failed(HTTPParseError)
    case head(RequestHead)

    static func == (a: HeadResult, b: HeadResult) -> Bool {
        switch (a, b) {
        case (.needMore, .needMore): true
        case (.failed(let x), .failed(let y)): x == y
        case (.head(let x), .head(let y)):
            x.method == y.method && x.version == y.version && x.target == y.target && x.fields == y.fields
                && x.length == y.length && x.framing == y.framing && x.keepAlive == y.keepAlive
                && x.expectsContinue == y.expectsContinue
        default: false
        }
    }

    var description: String {
        switch self {
        case .needMore: "needMore"
        case .failed(let e): "failed(.\(e))"
        case .head(let h):
            "head(\(h.method) \(h.version) target \(h.target) length \(h.length) framing \(h.framing) "
                + "keepAlive \(h.keepAlive) expectsContinue \(h.expectsContinue) fields \(h.fields.map { "\($0.nameStart)..<\($0.nameEnd):\($0.valueStart)..<\($0.valueEnd)" }))"
        }
    }
}

private func parseWhole(_ parser: inout RequestHeadParser, _ buffer: UnsafeRawBufferPointer) -> HeadResult {
    do {
        if let head = try parser.parse(buffer) { return .head(head) }
        return .needMore
    } catch {
        return .failed(error)
    }
}

/// Feeds the message starting at `start` as a connection would: the same bytes from the
/// message start, growing by one read at a time, until a head, an error or the end of input.
private func parseGrowing(
    _ parser: inout RequestHeadParser, _ guarded: GuardedBytes, from start: Int, steps: inout Steps, _ context: String
) -> HeadResult {
    let total = guarded.count - start
    var available = 0
    while true {
        guarded.show(upTo: start + available)
        do {
            if let head = try parser.parse(guarded.bytes(start..<(start + available))) {
                check(head.length <= available, "head length \(head.length) > bytes given \(available); \(context)")
                return .head(head)
            }
        } catch {
            return .failed(error)
        }
        check(available > 0 || parser.isAtMessageStart, "empty buffer moved the parser; \(context)")
        if available == total { return .needMore }
        available = min(total, available + steps.next())
    }
}

// MARK: - Head invariants

private func validate(_ head: RequestHead, _ buffer: UnsafeRawBufferPointer, _ limits: ParserLimits, _ context: String) {
    func fail(_ what: String) -> Never { fatalError("invalid head: \(what); \(HeadResult.head(head)); \(context)") }
    let length = head.length
    if !(length >= 4 && length <= buffer.count) { fail("length outside 4...\(buffer.count)") }
    if !(buffer[length - 4] == ASCII.cr && buffer[length - 3] == ASCII.lf
        && buffer[length - 2] == ASCII.cr && buffer[length - 1] == ASCII.lf) { fail("head does not end with CRLF CRLF") }

    // Request line: *(CRLF) method SP target SP HTTP/x.y CRLF
    let target = head.target
    if target.isEmpty { fail("empty target") }
    if !(target.lowerBound >= 2 && target.upperBound + 11 <= length) { fail("target out of bounds") }
    let method = Array(head.method.rawValue.utf8)
    let lineStart = target.lowerBound - 1 - method.count
    if lineStart < 0 || buffer[target.lowerBound - 1] != ASCII.sp { fail("no SP before target") }
    if !method.indices.allSatisfy({ buffer[lineStart + $0] == method[$0] }) { fail("method \(head.method) differs from the bytes") }
    if !method.allSatisfy({ ASCII.classes[Int($0)] & ASCII.token != 0 }) || method.isEmpty { fail("method not a token") }
    if lineStart % 2 != 0 || !(0..<lineStart).allSatisfy({ buffer[$0] == ($0 % 2 == 0 ? ASCII.cr : ASCII.lf) }) {
        fail("bytes before the method are not empty lines")
    }
    if lineStart > 64 { fail("more than 32 leading empty lines accepted") }
    for i in target where ASCII.classes[Int(buffer[i])] & ASCII.target == 0 { fail("target byte \(buffer[i]) at \(i)") }
    let v = target.upperBound
    let expectedVersion = Array(" HTTP/\(head.version.major).\(head.version.minor)\r\n".utf8)
    if !expectedVersion.indices.allSatisfy({ buffer[v + $0] == expectedVersion[$0] }) { fail("version bytes differ") }
    if head.version.major != 1 || head.version.minor > 9 { fail("version \(head.version)") }
    let requestLineLength = v + 9 - lineStart
    if requestLineLength > limits.maxRequestLineLength { fail("request line \(requestLineLength) > limit") }
    let first = buffer[target.lowerBound]
    if first != UInt8(ascii: "/") && head.method != .connect {
        if first == UInt8(ascii: "*") {
            if target.count != 1 || head.method != .options { fail("asterisk-form misuse") }
        } else if !(startsWithLowercase(buffer, target, "http://") || startsWithLowercase(buffer, target, "https://")) {
            fail("target form")
        }
    }

    // Field lines, in order, contiguous, each: token ":" OWS value OWS CRLF.
    let blockStart = v + 11
    if head.fields.count > limits.maxFieldCount { fail("\(head.fields.count) fields > limit") }
    var cursor = blockStart
    var hostCount = 0, contentLengthCount = 0, transferEncodingCount = 0, connectionCount = 0, expectCount = 0
    for (n, f) in head.fields.enumerated() {
        let nameStart = Int(f.nameStart), nameEnd = Int(f.nameEnd)
        let valueStart = Int(f.valueStart), valueEnd = Int(f.valueEnd)
        if nameStart != cursor { fail("field \(n) starts at \(nameStart), expected \(cursor)") }
        if !(nameStart < nameEnd && nameEnd < valueStart && valueStart <= valueEnd && valueEnd + 4 <= length) {
            fail("field \(n) spans out of order or bounds")
        }
        for i in nameStart..<nameEnd where ASCII.classes[Int(buffer[i])] & ASCII.token == 0 { fail("field \(n) name byte") }
        if buffer[nameEnd] != ASCII.colon { fail("field \(n) no colon") }
        for i in (nameEnd + 1)..<valueStart where !isOWS(buffer[i]) { fail("field \(n) junk before value") }
        for i in valueStart..<valueEnd where ASCII.classes[Int(buffer[i])] & ASCII.fieldValue == 0 { fail("field \(n) value byte") }
        if valueEnd > valueStart && (isOWS(buffer[valueStart]) || isOWS(buffer[valueEnd - 1])) { fail("field \(n) value not trimmed") }
        var end = valueEnd
        while end < length && isOWS(buffer[end]) { end += 1 }
        if !(end + 1 < length && buffer[end] == ASCII.cr && buffer[end + 1] == ASCII.lf) { fail("field \(n) not ended by CRLF") }
        if end - nameStart > limits.maxFieldLineLength { fail("field \(n) line \(end - nameStart) > limit") }
        cursor = end + 2
        switch true {
        case ASCII.equalsLowercase(buffer, nameStart, nameEnd, "host"): hostCount += 1
        case ASCII.equalsLowercase(buffer, nameStart, nameEnd, "content-length"): contentLengthCount += 1
        case ASCII.equalsLowercase(buffer, nameStart, nameEnd, "transfer-encoding"): transferEncodingCount += 1
        case ASCII.equalsLowercase(buffer, nameStart, nameEnd, "connection"): connectionCount += 1
        case ASCII.equalsLowercase(buffer, nameStart, nameEnd, "expect"): expectCount += 1
        default: break
        }
    }
    if cursor + 2 != length { fail("head does not end right after the last field line") }
    if length - blockStart > limits.maxHeaderBlockLength + 2 { fail("header block \(length - blockStart) > limit") }

    // Semantics.
    let http11 = head.version.isHTTP11OrLater
    if hostCount > 1 || (http11 && hostCount != 1) { fail("\(hostCount) Host fields") }
    switch head.framing {
    case .none:
        if transferEncodingCount > 0 { fail("Transfer-Encoding without chunked framing") }
    case .length(let n):
        if n <= 0 || contentLengthCount == 0 || transferEncodingCount > 0 { fail("length(\(n)) framing") }
    case .chunked:
        if !http11 || transferEncodingCount == 0 || contentLengthCount > 0 { fail("chunked framing") }
    }
    if head.expectsContinue && (!http11 || head.framing == .none || expectCount == 0) { fail("expectsContinue") }
    if connectionCount == 0 && head.keepAlive != http11 { fail("keepAlive default") }
}

@inline(__always) private func isOWS(_ c: UInt8) -> Bool { c == ASCII.sp || c == ASCII.htab }

private func startsWithLowercase(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>, _ prefix: StaticString) -> Bool {
    let n = prefix.utf8CodeUnitCount
    return range.count > n && ASCII.equalsLowercase(buffer, range.lowerBound, range.lowerBound + n, prefix)
}

// MARK: - Chunked bodies

private struct ChunkResult: Equatable, CustomStringConvertible {
    var body: [UInt8] = []
    /// Input bytes consumed; -1 after an error (the split runs cannot know it).
    var consumed = 0
    var complete = false
    var error: HTTPParseError?

    var description: String {
        "chunked(error \(error.map { ".\($0)" } ?? "nil"), complete \(complete), consumed \(consumed), body \(body.count) bytes)"
    }
}

private func checkDecoder(_ decoder: ChunkedBodyDecoder, _ result: ChunkResult, _ limits: ParserLimits) {
    check(decoder.decodedLength == result.body.count, "decodedLength \(decoder.decodedLength) != body \(result.body.count)")
    check(result.body.count <= limits.maxBodyLength, "decoded body \(result.body.count) > limit \(limits.maxBodyLength)")
}

private func decodeWhole(_ limits: ParserLimits, _ input: UnsafeRawBufferPointer) -> ChunkResult {
    var decoder = ChunkedBodyDecoder(limits: limits)
    var result = ChunkResult()
    do {
        result.consumed = try decoder.decode(input, into: &result.body)
        result.complete = decoder.isComplete
        check(result.consumed <= input.count, "decoder consumed \(result.consumed) of \(input.count)")
        check(result.complete || result.consumed == input.count, "incomplete decoder left input unconsumed")
        if result.complete {
            // A finished decoder takes nothing more.
            let before = result.body
            let again = try decoder.decode(input, into: &result.body)
            check(again == 0 && result.body == before, "finished decoder consumed more input")
        }
    } catch {
        result.error = error
        result.consumed = -1
    }
    checkDecoder(decoder, result, limits)
    return result
}

private func decodeGrowing(_ limits: ParserLimits, _ guarded: GuardedBytes, from start: Int, steps: inout Steps) -> ChunkResult {
    var decoder = ChunkedBodyDecoder(limits: limits)
    var result = ChunkResult()
    var fed = start
    do {
        while fed < guarded.count && !decoder.isComplete {
            let end = min(guarded.count, fed + steps.next())
            guarded.show(upTo: end)
            let consumed = try decoder.decode(guarded.bytes(fed..<end), into: &result.body)
            check(consumed <= end - fed, "decoder consumed \(consumed) of a \(end - fed)-byte piece")
            check(decoder.isComplete || consumed == end - fed, "incomplete decoder left input unconsumed")
            result.consumed += consumed
            fed = end
        }
        result.complete = decoder.isComplete
    } catch {
        result.error = error
        result.consumed = -1
    }
    checkDecoder(decoder, result, limits)
    return result
}

// MARK: - HTTPRequest

private func touch(_ request: HTTPRequest, _ head: RequestHead, _ body: [UInt8], _ context: String) {
    check(request.method == head.method && request.version == head.version && request.keepAlive == head.keepAlive,
          "HTTPRequest differs from its head; \(context)")
    check(Array(request.body) == body, "HTTPRequest body differs; \(context)")
    let target = Array(request.targetBytes)
    check(!target.isEmpty && request.target.utf8.count == target.count, "HTTPRequest target; \(context)")

    let path = Array(request.pathBytes)
    check(!path.isEmpty && !path.contains(UInt8(ascii: "?")) && !path.contains(UInt8(ascii: "#")), "path \(path); \(context)")
    if target.first == UInt8(ascii: "/") {
        check(target.starts(with: path), "origin-form path is not a prefix of the target; \(context)")
    }
    _ = request.path
    let query = request.queryBytes
    check((query == nil) == !target.contains(UInt8(ascii: "?")), "query presence; \(context)")
    if let query { check(!query.contains(UInt8(ascii: "#")), "query contains '#'; \(context)") }
    _ = request.query

    let headers = request.headers
    check(headers.count == head.fields.count, "header count; \(context)")
    var n = 0
    for (name, value) in headers {
        check(!name.isEmpty && headers.contains(name), "header name \(name); \(context)")
        check(headers.values(name).contains(value), "header value of \(name); \(context)")
        n += 1
    }
    check(n == head.fields.count, "header iteration count \(n); \(context)")
    if head.version.isHTTP11OrLater {
        check(headers["HOST"] != nil && headers.values("host").count == 1, "Host header; \(context)")
    }
    _ = headers.firstValue("connection", equals: "close")
}

// MARK: - Support

@inline(__always)
private func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("HTTP parser fuzzer invariant violated: \(message())") }
}

private typealias ASanRegionFunction = @convention(c) (UnsafeRawPointer?, Int) -> Void

/// ASan's manual poisoning interface, looked up at run time so the file also links without ASan.
private let asanPoison: ASanRegionFunction? = lookUp("__asan_poison_memory_region")
private let asanUnpoison: ASanRegionFunction? = lookUp("__asan_unpoison_memory_region")

private func lookUp(_ name: String) -> ASanRegionFunction? {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
    return unsafeBitCast(symbol, to: ASanRegionFunction.self)
}

/// An exact-size malloc'd copy of the input whose bytes from `visible` on are ASan-poisoned, so
/// touching bytes a connection has not received yet is reported as a heap-buffer-overflow read.
private final class GuardedBytes {
    let base: UnsafeMutableRawPointer
    let count: Int
    private var visible: Int

    init(copying source: UnsafeRawBufferPointer) {
        count = source.count
        base = malloc(max(count, 1))!
        if count > 0 { base.copyMemory(from: source.baseAddress!, byteCount: count) }
        visible = count
    }

    deinit {
        asanUnpoison?(base, count)
        free(base)
    }

    /// Poisons everything from `start` on.
    func hide(from start: Int) {
        if start < count { asanPoison?(base + start, count - start) }
        visible = min(visible, start)
    }

    /// Makes bytes up to `end` readable.
    func show(upTo end: Int) {
        guard end > visible else { return }
        asanUnpoison?(base + visible, end - visible)
        visible = end
    }

    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        precondition(range.lowerBound >= 0 && range.upperBound <= count)
        return UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }
}
