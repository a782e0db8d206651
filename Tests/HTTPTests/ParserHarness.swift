@testable import HTTP
import Testing

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
