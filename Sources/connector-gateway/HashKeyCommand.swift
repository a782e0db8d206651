import Gateway
import Hashing

/// `connector-gateway hash-key`: the SHA-256 of the key on stdin (one line, surrounding
/// whitespace ignored), in hex, for `api_key_sha256` in the configuration.
enum HashKeyCommand {
    static func run() -> Int32 {
        guard let line = readLine(strippingNewline: true) else {
            Output.error("hash-key: no key on stdin (try: printf '%s' \"$KEY\" | connector-gateway hash-key)")
            return 2
        }
        let key = line.trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else {
            Output.error("hash-key: the key is empty")
            return 2
        }
        guard AuthenticationMiddleware.hasKeyCharacters(key) else {
            Output.error("hash-key: an API key is visible ASCII only, without spaces (the gateway refuses any other)")
            return 2
        }
        guard AuthenticationMiddleware.isPlausibleKey(key) else {
            Output.error("hash-key: an API key is at most 512 bytes (the gateway refuses longer ones)")
            return 2
        }
        Output.line(Hex.encode(SHA256.hash(key.utf8)))
        return 0
    }
}
