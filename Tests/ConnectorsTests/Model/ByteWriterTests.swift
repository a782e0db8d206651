import Connectors
import Testing

@Suite("Byte writer")
struct ByteWriterTests {
    @Test("given a small writer, when bytes, runs, literals and in-place writes are appended past its capacity, then it holds exactly them in order")
    func appendsAndGrows() {
        // given
        var writer = ByteWriter(capacity: 0)
        var expected: [UInt8] = []
        // when
        for round in 0..<300 {
            let byte = UInt8(truncatingIfNeeded: round)
            writer.append(byte)
            expected.append(byte)
            let run = [UInt8](repeating: UInt8(ascii: "a") &+ UInt8(round % 26), count: round % 40)
            run.withUnsafeBytes { writer.append($0) }
            expected += run
            writer.append("lit")
            expected += Array("lit".utf8)
            writer.write(upTo: 8) { out in
                out[0] = UInt8(ascii: "<")
                out[1] = UInt8(ascii: ">")
                return 2
            }
            expected += Array("<>".utf8)
        }
        // then
        #expect(writer.count == expected.count)
        #expect(writer.bytes == expected)
        var appended = Array("head:".utf8)
        writer.append(to: &appended)
        #expect(appended == Array("head:".utf8) + expected)
        #expect(writer.withBytes { Array($0) } == expected)
    }

    @Test("given an empty writer, with or without room, then it holds nothing, an empty run changes nothing, and one byte fits", arguments: [0, 256])
    func empty(capacity: Int) {
        var writer = ByteWriter(capacity: capacity)
        writer.append(UnsafeRawBufferPointer(start: nil, count: 0))
        writer.append([])
        #expect(writer.count == 0)
        #expect(writer.bytes.isEmpty)
        writer.append(UInt8(ascii: "x"))
        #expect(writer.bytes == [UInt8(ascii: "x")])
    }
}
