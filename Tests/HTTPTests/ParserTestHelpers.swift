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
