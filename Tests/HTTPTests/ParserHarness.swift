@testable import HTTP
import Testing

// MARK: - Bytes

/// The UTF-8 bytes of `text` (test inputs spell every CR and LF explicitly).
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A minimal valid HTTP/1.1 head with `fields` (each without CRLF) after `Host: example.com`.
func head11(_ fields: String...) -> [UInt8] {
    var text = "GET / HTTP/1.1\r\nHost: example.com\r\n"
    for field in fields { text += field + "\r\n" }
    return bytes(text + "\r\n")
}

// MARK: - Deterministic randomness

/// SplitMix64: a tiny seeded generator, so a failing random split can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Cut points that split `count` bytes into random pieces of 1...maxPiece bytes; the last is `count`.
func randomCuts(count: Int, seed: UInt64, maxPiece: Int = 13) -> [Int] {
    var rng = SeededGenerator(seed: seed)
    var cuts: [Int] = []
    var at = 0
    while at < count {
        at = min(count, at + Int.random(in: 1...maxPiece, using: &rng))
        cuts.append(at)
    }
    return cuts
}

let splitSeeds: [UInt64] = [1, 2, 3, 0xC0FFEE, 0xDEAD_BEEF]

// MARK: - Request head parser

/// Everything a `RequestHead` says, comparable.
struct HeadSnapshot: Equatable, CustomStringConvertible {
    let method: HTTPMethod
    let version: HTTPVersion
    let target: Range<Int>
    let fields: [FieldSpan]
    let length: Int
    let framing: BodyFraming
    let keepAlive: Bool
    let expectsContinue: Bool

    init(_ head: RequestHead) {
        method = head.method
        version = head.version
        target = head.target
        fields = head.fields
        length = head.length
        framing = head.framing
        keepAlive = head.keepAlive
        expectsContinue = head.expectsContinue
    }

    var description: String {
        "\(method) \(target) \(version) fields:\(fields.count) length:\(length) \(framing) keepAlive:\(keepAlive) continue:\(expectsContinue)"
    }
}

enum ParseOutcome: Equatable, CustomStringConvertible {
    case head(HeadSnapshot)
    /// Every byte was accepted but the head is not finished.
    case incomplete
    case failed(HTTPParseError)

    var description: String {
        switch self {
        case .head(let head): "head(\(head))"
        case .incomplete: "incomplete"
        case .failed(let error): "failed(\(error))"
        }
    }

    var error: HTTPParseError? {
        if case .failed(let error) = self { return error }
        return nil
    }
}

enum ParserHarness {
    /// Feeds growing prefixes of `input` (ending at each cut) to one parser, as a socket would.
    /// Stops at the first head or error.
    static func feed(_ input: [UInt8], cuts: [Int], limits: ParserLimits) -> (outcome: ParseOutcome, head: RequestHead?) {
        var parser = RequestHeadParser(limits: limits)
        return input.withUnsafeBytes { raw -> (ParseOutcome, RequestHead?) in
            for cut in cuts {
                do throws(HTTPParseError) {
                    if let head = try parser.parse(UnsafeRawBufferPointer(rebasing: raw[0..<cut])) {
                        return (.head(HeadSnapshot(head)), head)
                    }
                } catch {
                    return (.failed(error), nil)
                }
            }
            return (.incomplete, nil)
        }
    }

    static func whole(_ input: [UInt8], limits: ParserLimits = ParserLimits()) -> ParseOutcome {
        feed(input, cuts: [input.count], limits: limits).outcome
    }

    static func byteByByte(_ input: [UInt8], limits: ParserLimits = ParserLimits()) -> ParseOutcome {
        feed(input, cuts: Array(stride(from: 1, through: input.count, by: 1)), limits: limits).outcome
    }

    static func randomSplits(_ input: [UInt8], seed: UInt64, limits: ParserLimits = ParserLimits()) -> ParseOutcome {
        feed(input, cuts: randomCuts(count: input.count, seed: seed), limits: limits).outcome
    }

    /// Parses `input` whole, one byte at a time and in seeded random splits; records an issue
    /// unless all agree. Returns the agreed outcome and, for a head, the head itself.
    @discardableResult
    static func parse(
        _ input: [UInt8], limits: ParserLimits = ParserLimits(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> (outcome: ParseOutcome, head: RequestHead?) {
        let whole = feed(input, cuts: [input.count], limits: limits)
        let single = byteByByte(input, limits: limits)
        #expect(single == whole.outcome, "byte-by-byte parse disagrees with whole parse", sourceLocation: sourceLocation)
        for seed in splitSeeds {
            let split = randomSplits(input, seed: seed, limits: limits)
            #expect(split == whole.outcome, "random split (seed \(seed)) disagrees with whole parse", sourceLocation: sourceLocation)
        }
        return whole
    }

    /// The head of `input`, parsed every way; fails the test if there is none.
    static func head(
        _ input: [UInt8], limits: ParserLimits = ParserLimits(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> RequestHead {
        let result = parse(input, limits: limits, sourceLocation: sourceLocation)
        return try #require(result.head, "expected a head, got \(result.outcome)", sourceLocation: sourceLocation)
    }

    /// The error `input` is refused with, parsed every way (nil, with an issue, if it is not refused).
    static func error(
        _ input: [UInt8], limits: ParserLimits = ParserLimits(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> HTTPParseError? {
        let outcome = parse(input, limits: limits, sourceLocation: sourceLocation).outcome
        #expect(outcome.error != nil, "expected a rejection, got \(outcome)", sourceLocation: sourceLocation)
        return outcome.error
    }
}

/// Reads a parsed head's parts as strings.
struct ParsedHead {
    let head: RequestHead
    let input: [UInt8]

    var target: String { String(decoding: input[head.target], as: UTF8.self) }

    var fields: [(name: String, value: String)] {
        head.fields.map {
            (String(decoding: input[Int($0.nameStart)..<Int($0.nameEnd)], as: UTF8.self),
             String(decoding: input[Int($0.valueStart)..<Int($0.valueEnd)], as: UTF8.self))
        }
    }

    func valueBytes(at index: Int) -> [UInt8] {
        let span = head.fields[index]
        return Array(input[Int(span.valueStart)..<Int(span.valueEnd)])
    }

    var request: HTTPRequest { HTTPRequest(head: head, storage: input, bodyRange: head.length..<input.count) }
}

// MARK: - Chunked body decoder

enum DecodeOutcome: Equatable, CustomStringConvertible {
    /// The body ended; `consumed` input bytes belonged to it.
    case complete(body: [UInt8], consumed: Int)
    /// Every byte was consumed but the body has not ended.
    case incomplete(body: [UInt8])
    case failed(HTTPParseError)

    var description: String {
        switch self {
        case .complete(let body, let consumed): "complete(\(String(decoding: body, as: UTF8.self).debugDescription), consumed: \(consumed))"
        case .incomplete(let body): "incomplete(\(String(decoding: body, as: UTF8.self).debugDescription))"
        case .failed(let error): "failed(\(error))"
        }
    }

    var error: HTTPParseError? {
        if case .failed(let error) = self { return error }
        return nil
    }
}

enum DecoderHarness {
    /// Feeds `input` to one decoder in pieces ending at each cut (each piece only new bytes).
    static func decode(_ input: [UInt8], cuts: [Int], limits: ParserLimits = ParserLimits()) -> DecodeOutcome {
        var decoder = ChunkedBodyDecoder(limits: limits)
        var body: [UInt8] = []
        var consumed = 0
        var start = 0
        return input.withUnsafeBytes { raw -> DecodeOutcome in
            for cut in cuts {
                let piece = UnsafeRawBufferPointer(rebasing: raw[start..<cut])
                do throws(HTTPParseError) {
                    let used = try decoder.decode(piece, into: &body)
                    consumed += used
                    if decoder.isComplete {
                        #expect(decoder.decodedLength == body.count, "decodedLength disagrees with the bytes appended")
                        return .complete(body: body, consumed: consumed)
                    }
                    #expect(used == piece.count, "decoder consumed \(used) of \(piece.count) bytes without completing")
                } catch {
                    return .failed(error)
                }
                start = cut
            }
            return .incomplete(body: body)
        }
    }

    static func pieces(_ input: [UInt8], size: Int, limits: ParserLimits = ParserLimits()) -> DecodeOutcome {
        var cuts = Array(stride(from: size, to: input.count, by: size))
        cuts.append(input.count)
        return decode(input, cuts: cuts, limits: limits)
    }

    /// Decodes `input` whole, byte by byte, in 2-, 3- and 7-byte pieces and in seeded random
    /// splits; records an issue unless all agree, and returns the agreed outcome.
    @discardableResult
    static func decodeEveryWay(
        _ input: [UInt8], limits: ParserLimits = ParserLimits(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> DecodeOutcome {
        let whole = decode(input, cuts: [input.count], limits: limits)
        for size in [1, 2, 3, 7] {
            let other = pieces(input, size: size, limits: limits)
            #expect(other == whole, "\(size)-byte pieces disagree with whole input", sourceLocation: sourceLocation)
        }
        for seed in splitSeeds {
            let other = decode(input, cuts: randomCuts(count: input.count, seed: seed), limits: limits)
            #expect(other == whole, "random split (seed \(seed)) disagrees with whole input", sourceLocation: sourceLocation)
        }
        return whole
    }
}
