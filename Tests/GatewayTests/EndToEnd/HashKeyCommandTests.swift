import Foundation
import Hashing
import Testing

/// `connector-gateway hash-key`, run as the binary: what it prints for the configuration and
/// every key it refuses to hash.
@Suite("connector-gateway hash-key")
struct HashKeyCommandTests {
    @Test("hash-key prints the SHA-256 the configuration wants")
    func hashKey() throws {
        let result = try GatewayProcess.run(arguments: ["hash-key"], stdin: "  tenant-key-0123456789\n")
        #expect(result.status == 0)
        #expect(result.stdout == Hex.encode(SHA256.hash("tenant-key-0123456789".utf8)) + "\n")
    }

    @Test("given several keys on stdin, then hash-key refuses rather than hash the first alone; blank lines after one key are fine")
    func hashKeyOneAtATime() throws {
        let several = try GatewayProcess.run(arguments: ["hash-key"], stdin: "tenant-key-0123456789\nsecond-key-0123456789\n")
        #expect(several.status == 2)
        #expect(several.stdout.isEmpty)
        #expect(several.stderr.contains("more than one line"), "\(several.stderr)")
        let blank = try GatewayProcess.run(arguments: ["hash-key"], stdin: "tenant-key-0123456789\n\n  \n")
        #expect(blank.status == 0)
        #expect(blank.stdout == Hex.encode(SHA256.hash("tenant-key-0123456789".utf8)) + "\n")
    }

    @Test("given a here-document that opens with blank lines, then hash-key hashes the key after them")
    func hashKeyAfterBlankLines() throws {
        let result = try GatewayProcess.run(arguments: ["hash-key"], stdin: "\n \t\r\ntenant-key-0123456789\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == Hex.encode(SHA256.hash("tenant-key-0123456789".utf8)) + "\n")
        let blanks = try GatewayProcess.run(arguments: ["hash-key"], stdin: "\n  \n")
        #expect(blanks.status == 2)
        #expect(blanks.stderr.contains("no key on stdin"), "\(blanks.stderr)")
    }

    @Test("given stdin that fails to read (a folder), then hash-key says so and prints nothing, rather than hash what it got")
    func hashKeyReadError() throws {
        let folder = try #require(FileHandle(forReadingAtPath: "/"))
        let result = try GatewayProcess.run(arguments: ["hash-key"], stdinFile: folder)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("cannot read stdin"), "\(result.stderr)")
    }

    @Test("given stdin with no line break in its first 4 KiB, then hash-key refuses at once rather than read it whole; a CRLF line is one key")
    func hashKeyBoundsItsRead() throws {
        // (under a pipe's 64 KiB, so the whole of it is written though the command stops reading)
        let endless = try GatewayProcess.run(arguments: ["hash-key"], stdin: String(repeating: "k", count: 60_000))
        #expect(endless.status == 2)
        #expect(endless.stdout.isEmpty)
        #expect(endless.stderr.contains("longer than 4096 bytes"), "\(endless.stderr)")
        let crlf = try GatewayProcess.run(arguments: ["hash-key"], stdin: "tenant-key-0123456789\r\n\r\n")
        #expect(crlf.status == 0, "\(crlf.stderr)")
        #expect(crlf.stdout == Hex.encode(SHA256.hash("tenant-key-0123456789".utf8)) + "\n")
    }

    @Test("hash-key refuses a key short enough to guess, saying how to make a better one", arguments: ["demo-key", "fifteen-chars-x"])
    func hashKeyRefusesShortKeys(key: String) throws {
        let result = try GatewayProcess.run(arguments: ["hash-key"], stdin: key + "\n")
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("at least 16 characters") && result.stderr.contains("openssl rand"), "\(result.stderr)")
        #expect(try GatewayProcess.run(arguments: ["hash-key"], stdin: key + String(repeating: "1", count: 16 - key.count) + "\n").status == 0)
    }

    @Test("hash-key refuses a key the gateway would never accept (not visible ASCII), rather than print a hash that never matches",
          arguments: ["é-unicode-key", "has space", "tab\tkey",
                      // Unicode spaces around a key pasted from a document are part of it: refused, not trimmed away
                      "\u{A0}key-0123456789abcdef", "key-0123456789abcdef\u{2003}"])
    func hashKeyRefusesUnusableKeys(key: String) throws {
        let result = try GatewayProcess.run(arguments: ["hash-key"], stdin: key + "\n")
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("visible ASCII"))
    }

    @Test("hash-key refuses a key longer than the 512 bytes the gateway accepts")
    func hashKeyRefusesLongKeys() throws {
        let result = try GatewayProcess.run(arguments: ["hash-key"], stdin: String(repeating: "a", count: 513) + "\n")
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("512"))
        let longest = try GatewayProcess.run(arguments: ["hash-key"], stdin: String(repeating: "a", count: 512) + "\n")
        #expect(longest.status == 0)
    }

    @Test("given the key as an argument instead of on stdin, then hash-key refuses it without repeating it")
    func hashKeyRefusesAnArgument() throws {
        for arguments in [["hash-key", "R5ZCmpnpsCLhrpdhhebyYsbMzh3j5uLQ"], ["hash-key", "--key=R5ZCmpnpsCLhrpdhhebyYsbMzh3j5uLQ"]] {
            let result = try GatewayProcess.run(arguments: arguments, stdin: "")
            #expect(result.status == 2)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("stdin"), "\(result.stderr)")
            #expect(!result.stderr.contains("R5ZCmpnpsCLhrpdhhebyYsbMzh3j5uLQ"), "\(result.stderr)")
        }
    }
}
