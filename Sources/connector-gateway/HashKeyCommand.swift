import Gateway
import Glibc
import Hashing
import HTTP

/// `connector-gateway hash-key`: the SHA-256 of the key on stdin (one line, spaces and tabs
/// around it and blank lines before and after it ignored, as a header's are), in hex, for `api_key_sha256` in the configuration. Refuses a key the
/// gateway would never accept, and one shorter than `minimumLength`.
enum HashKeyCommand {
    /// The shortest key hashed: 16 random visible characters are ~100 bits.
    static let minimumLength = 16

    /// The longest line read: far past any key the gateway takes (512 bytes), and a stream with
    /// no line break (`< /dev/zero`, a binary file) is refused at it rather than read whole.
    static let lineLimit = 4096

    static func run() -> Int32 {
        var line = ""
        // A here-document or a file may open with a blank line: the key is the first line that
        // is not blank.
        readingKey: while true {
            switch nextLine() {
            case .end:
                Output.error("hash-key: no key on stdin (try: printf '%s' \"$KEY\" | connector-gateway hash-key)")
                return 2
            case .failed(let code):
                return readFailed(code)
            case .tooLong:
                Output.error("hash-key: stdin's first line is longer than \(lineLimit) bytes: not a key (an API key is at most 512)")
                return 2
            case .line(let text) where text.trimmingOWS().isEmpty:
                continue
            case .line(let text):
                line = text
                break readingKey
            }
        }
        // Spaces and tabs only, as the gateway trims a header's value: a no-break space pasted
        // with the key is part of it, and refused below, not hashed away unseen.
        let key = String(line.trimmingOWS())
        // A file of several keys piped in would otherwise have its first hashed, silently. A key
        // typed at a terminal is answered at once, without waiting for the end of input.
        readingRest: while isatty(STDIN_FILENO) == 0 {
            switch nextLine() {
            case .end:
                break readingRest
            case .failed(let code):
                // The key may have been cut short by the error as well: nothing is printed.
                return readFailed(code)
            case .line(let more) where more.trimmingOWS().isEmpty:
                continue
            case .line, .tooLong:
                Output.error("hash-key: stdin holds more than one line; hash one key at a time")
                return 2
            }
        }
        guard AuthenticationMiddleware.hasKeyCharacters(key) else {
            Output.error("hash-key: an API key is visible ASCII only, without spaces (the gateway refuses any other)")
            return 2
        }
        // Failed keys are answered 401 at full speed unless `failed_auth_limit` is set (off by
        // default: it blocks an address, and behind a shared one every tenant): a key must be
        // long enough that guessing it is hopeless.
        guard key.utf8.count >= minimumLength else {
            Output.error("hash-key: an API key needs at least \(minimumLength) characters, random ones, or it can be guessed; make one with: openssl rand -base64 24")
            return 2
        }
        guard AuthenticationMiddleware.isPlausibleKey(key) else {
            Output.error("hash-key: an API key is at most 512 bytes (the gateway refuses longer ones)")
            return 2
        }
        Output.line(Hex.encode(SHA256.hash(key.utf8)))
        return 0
    }

    /// Says stdin could not be read (`errno` `code`), and that nothing was hashed; the exit status.
    private static func readFailed(_ code: Int32) -> Int32 {
        Output.error("hash-key: cannot read stdin: \(String(cString: strerror(code))) (errno \(code)); nothing hashed")
        return 2
    }

    private enum StdinLine {
        case line(String)
        case end
        /// A read error (`errno`).
        case failed(Int32)
        case tooLong
    }

    /// The next line of stdin without its line break (`\n` or `\r\n`), as `readLine` gives it,
    /// but never more than `lineLimit` bytes of it. Read a byte at a time with `read(2)`, which
    /// tells a read error from the end of input (`getchar` answers both with EOF): a key cut
    /// short by an error would hash to a digest that never matches.
    private static func nextLine() -> StdinLine {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = read(STDIN_FILENO, &byte, 1)
            if count < 0 {
                if errno == EINTR { continue }
                return .failed(errno)
            }
            if count == 0 { return bytes.isEmpty ? .end : .line(String(decoding: bytes, as: UTF8.self)) }
            if byte == 0x0A {
                if bytes.last == 0x0D { bytes.removeLast() }
                return .line(String(decoding: bytes, as: UTF8.self))
            }
            guard bytes.count < lineLimit else { return .tooLong }
            bytes.append(byte)
        }
    }
}
