import Gateway
import Testing

@Suite("Problem: the response document")
struct ProblemResponseTests {
    @Test("given a path longer than an instance may be, then the instance is cut before an escape the limit would split",
          arguments: [0, 1, 2])
    func longPathCutOnAnEscape(shift: Int) {
        // given: escapes placed so that the 512-byte limit falls after an escape's `%`, after
        // its first digit, or just after the whole escape
        let path = "/connectors/wildberries/review/items/" + String(repeating: "a", count: shift)
            + String(repeating: "%C3%A9", count: 120)
        // when
        let instance = Problem.instance(of: path)
        // then: a prefix of the path, at most 512 bytes, that does not end inside an escape
        #expect(path.hasPrefix(instance))
        #expect(instance.utf8.count <= 512 && instance.utf8.count >= 510)
        let tail = Array(instance.utf8.suffix(3))
        #expect(tail.first == UInt8(ascii: "%") || !tail.dropFirst().contains(UInt8(ascii: "%")), "\(instance.suffix(6))")
    }

    @Test("given a path within the limit, then it is the instance as it is")
    func shortPathKept() {
        #expect(Problem.instance(of: "/connectors/ozon/chat/items/%C3%A9") == "/connectors/ozon/chat/items/%C3%A9")
    }
}
