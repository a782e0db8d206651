@testable import HTTP
import Testing

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
