import Connectors
import Foundation
import HTTP

/// The named inputs of a request, from its query string (GET) or its JSON object body (POST),
/// so that both forms of an endpoint are validated by the same rules and report problems per
/// field.
struct RequestFields {
    enum Value {
        case string(String)
        case number(JSONNumber)
        case bool(Bool)
        case null
        case other
        /// Given more than once: reported once, by `errors(allowed:)` (as unknown when it is),
        /// and not read.
        case repeated
    }

    /// The fields sorted by name, each name once: a request has a handful, so they are searched,
    /// not hashed into a dictionary built for every request (its hashing and its generic code were
    /// ~3,000 instructions a list).
    private let fields: [(name: String, value: Value)]
    /// Query values are all text: `limit=20` is a number there, not in JSON.
    let fromQuery: Bool
    /// What was wrong with the names themselves (not decodable) or the request (a GET's body),
    /// reported with every other field error by `errors(allowed:)`.
    private var readErrors: [FieldError] = []

    /// From the fields as given, in any order: a name given more than once becomes one `.repeated`.
    private init(given: [(name: String, value: Value)], fromQuery: Bool, readErrors: [FieldError] = []) {
        var sorted = given
        // Equal names end up side by side, in whatever order: they become one `.repeated`.
        sorted.sort { $0.name < $1.name }
        var fields: [(name: String, value: Value)] = []
        fields.reserveCapacity(sorted.count)
        for field in sorted {
            if let last = fields.last, last.name == field.name {
                fields[fields.count - 1].value = .repeated
            } else {
                fields.append(field)
            }
        }
        self.fields = fields
        self.fromQuery = fromQuery
        self.readErrors = readErrors
    }

    /// The query string's parameters; a repeated name is an error. A body is one too, and its
    /// message sends the fields to a POST when the route has one (`postTakesFields`).
    static func query(of request: HTTPRequest, postTakesFields: Bool = false) throws(GatewayError) -> RequestFields {
        var given: [(name: String, value: Value)] = []
        var errors: [FieldError] = []
        // Split over the bytes: splitting a String walks it by Character (grapheme clusters).
        let query = request.queryBytes ?? []
        for pair in query.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.endIndex
            let rawName = pair[..<equals]
            let rawValue = equals < pair.endIndex ? pair[(equals + 1)...] : pair[equals..<equals]
            guard let name = PercentDecoding.decode(rawName, plusIsSpace: true) else {
                errors.append(FieldError(String(decoding: rawName.prefix(64), as: UTF8.self), "is not valid percent-encoded UTF-8"))
                continue
            }
            guard let value = PercentDecoding.decode(rawValue, plusIsSpace: true) else {
                // The name is the field's: its value is what cannot be read, and it is not read.
                errors.append(FieldError(name, "has a value that is not valid percent-encoded UTF-8"))
                given.append((name, .repeated))
                continue
            }
            given.append((name, .string(value)))
        }
        // A GET's content has no meaning (RFC 9110 §9.3.1): filters sent there, as some client
        // libraries send them, would be dropped without a word, as a POST's query would be.
        if !request.body.isEmpty {
            errors.append(FieldError("body", postTakesFields
                ? "is not read on a GET: send the fields as query parameters, or POST them as a JSON body"
                : "is not read on a GET: this route takes its fields, if any, in the query string"))
        }
        return RequestFields(given: given, fromQuery: true, readErrors: errors)
    }

    /// The values of every `charset` parameter of a media type (RFC 9110 §5.6.6: `;`-separated
    /// `name=value` pairs, a value a token or a quoted-string, whose `;` and `=` are its own).
    static func charsets(in contentType: String) -> [String] {
        var found: [String] = []
        var bytes = contentType.utf8[...]
        guard let firstSemicolon = bytes.firstIndex(of: UInt8(ascii: ";")) else { return [] }
        bytes = bytes[bytes.index(after: firstSemicolon)...]
        while !bytes.isEmpty {
            let nameEnd = bytes.firstIndex { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: ";") } ?? bytes.endIndex
            let name = String(decoding: bytes[..<nameEnd], as: UTF8.self).trimmingOWS().lowercased()
            bytes = bytes[nameEnd...]
            var value: [UInt8] = []
            if bytes.first == UInt8(ascii: "=") {
                bytes = bytes.dropFirst()
                while let first = bytes.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { bytes = bytes.dropFirst() }
                if bytes.first == UInt8(ascii: "\"") {
                    bytes = bytes.dropFirst()
                    while let byte = bytes.first, byte != UInt8(ascii: "\"") {
                        bytes = bytes.dropFirst()
                        if byte == UInt8(ascii: "\\"), let escaped = bytes.first {
                            value.append(escaped)
                            bytes = bytes.dropFirst()
                        } else {
                            value.append(byte)
                        }
                    }
                    bytes = bytes.dropFirst()
                }
                let rest = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex
                value += bytes[..<rest]
                bytes = bytes[rest...]
            }
            if name == "charset" { found.append(String(String(decoding: value, as: UTF8.self).trimmingOWS())) }
            bytes = bytes.dropFirst()
        }
        return found
    }

    /// UTF-8 and its subset US-ASCII, under their IANA names and aliases: the charsets a JSON
    /// body may be declared in (an empty value says nothing, and is taken as none).
    static func isUTF8(_ charset: String) -> Bool {
        ["", "utf-8", "utf8", "csutf8"].contains(charset.lowercased()) || isASCII(charset)
    }

    /// US-ASCII under its names: UTF-8's subset, so a body declared in it holds no byte of 0x80 or above.
    static func isASCII(_ charset: String) -> Bool {
        ["us-ascii", "ascii", "csascii", "ansi_x3.4-1968", "iso646-us"].contains(charset.lowercased())
    }

    /// The body as a JSON object. An empty body counts as `{}` when `emptyAllowed`; any other
    /// body needs `Content-Type: application/json` and no `Content-Encoding` (415 otherwise). A
    /// query string is refused, each of its names a field error: filters sent there would
    /// otherwise be silently ignored.
    static func json(of request: HTTPRequest, emptyAllowed: Bool) throws(GatewayError) -> RequestFields {
        if let query = request.queryBytes, !query.isEmpty {
            let names = query.split(separator: UInt8(ascii: "&")).map { pair in
                let name = pair.prefix { $0 != UInt8(ascii: "=") }
                return PercentDecoding.decode(name, plusIsSpace: true) ?? String(decoding: name.prefix(64), as: UTF8.self)
            }
            let errors = FieldError.onePerField((names.isEmpty ? ["query"] : names).map {
                FieldError($0, "is not read from the query string: a POST takes its fields, if any, in the JSON body")
            })
            throw .invalidRequest(detail: "A POST takes its fields, if any, in the JSON body, not in the query string.", errors: errors)
        }
        if request.body.isEmpty {
            guard emptyAllowed else {
                throw .invalidRequest(detail: "A JSON body is required.", errors: [FieldError("body", "is empty")])
            }
            return RequestFields(given: [], fromQuery: false)
        }
        // Every field line, and every coding of a list: `identity, gzip` is gzip.
        for field in request.headers.values("Content-Encoding") {
            for coding in field.split(separator: ",") where !HTTPHeaders.sameName(String(coding.trimmingOWS()), "identity") {
                throw .unsupportedContentEncoding(received: field)
            }
        }
        // A singleton field (RFC 9110 §8.3): two are a request that says two things.
        guard request.headers.values("Content-Type").count <= 1 else {
            throw .invalidRequest(detail: "Content-Type is given more than once.",
                                  errors: [FieldError("Content-Type", "is given more than once")])
        }
        let contentType = request.headers["Content-Type"]
        let mediaType = contentType?.split(separator: ";").first?.trimmingOWS().lowercased()
        guard mediaType == "application/json" || (mediaType?.hasPrefix("application/") == true && mediaType?.hasSuffix("+json") == true) else {
            throw .unsupportedMediaType(received: contentType)
        }
        // JSON is UTF-8 (RFC 8259 §8.1), and §11 has a charset parameter change nothing; but a
        // client that declares windows-1251 or koi8-r believes its bytes are in it, and reading
        // them as UTF-8 (which Cyrillic in either can be, by chance) would post other text than
        // it meant. Any charset but UTF-8's names is refused, not silently reinterpreted.
        if let contentType {
            let charsets = Self.charsets(in: contentType)
            if let charset = charsets.first(where: { !Self.isUTF8($0) }) {
                throw .unsupportedCharset(received: charset)
            }
            // Declared ASCII, bytes beyond it are in some other charset the client has in mind.
            if let ascii = charsets.first(where: Self.isASCII), request.body.contains(where: { $0 >= 0x80 }) {
                throw .unsupportedCharset(received: "\(ascii.prefix(15)), with bytes beyond it")
            }
        }
        let parsed: (value: JSONValue, repeatedKeys: [String])
        do {
            parsed = try JSONValue.parseNamingRepeatedKeys(request.body, limit: Problem.maxErrors, outermostOnly: true)
        } catch {
            throw .invalidRequest(detail: "The body is not valid JSON: \(error).", errors: [FieldError("body", "is not valid JSON: \(error)")])
        }
        guard case .object(let object) = parsed.value else {
            throw .invalidRequest(detail: "The body must be a JSON object.", errors: [FieldError("body", "is not a JSON object")])
        }
        var given: [(name: String, value: Value)] = []
        given.reserveCapacity(object.count + parsed.repeatedKeys.count)
        for (name, value) in object {
            switch value {
            case .bool(let flag): given.append((name, .bool(flag)))
            case .number(let number): given.append((name, .number(number)))
            case .string(let text): given.append((name, .string(text)))
            case .null: given.append((name, .null))
            case .array, .object: given.append((name, .other))
            }
        }
        for repeated in parsed.repeatedKeys { given.append((repeated, .repeated)) }
        return RequestFields(given: given, fromQuery: false)
    }

    /// The errors of reading the fields, then one for each field not in `allowed` (a handful of
    /// names: searched, not hashed into a set per request) and one for each other field given
    /// more than once, by name: the start of a request's field errors, to which its handler adds
    /// those of each value. One entry a field: a name both unknown and repeated is unknown.
    func errors(allowed: [String]) -> [FieldError] {
        var errors = readErrors
        for (name, value) in fields {
            if !allowed.contains(name) {
                errors.append(FieldError(name, "is not a known field"))
            } else if case .repeated = value {
                errors.append(FieldError(name, "is given more than once"))
            }
        }
        return FieldError.onePerField(errors)
    }

    /// The value given for `name`, if any: a binary search of the sorted fields.
    subscript(name: String) -> Value? {
        var low = 0, high = fields.count
        while low < high {
            let middle = (low + high) / 2
            if fields[middle].name < name { low = middle + 1 } else { high = middle }
        }
        return low < fields.count && fields[low].name == name ? fields[low].value : nil
    }

    func string(_ name: String, errors: inout [FieldError]) -> String? {
        switch self[name] {
        case nil, .null, .repeated: return nil
        case .string(let text): return text
        default:
            errors.append(FieldError(name, "must be a string"))
            return nil
        }
    }

    /// An integer in `range`: any number whose exact value is one (`20`, `20.0`, `2e1`, as JSON
    /// Schema's `integer`), read from its digits, not rounded through `Double`; in a query string
    /// the same literals as in a body.
    func integer(_ name: String, in range: ClosedRange<Int>, errors: inout [FieldError]) -> Int? {
        let number: Int64?
        switch self[name] {
        case nil, .null, .repeated: return nil
        case .number(let value): number = value.int64
        case .string(let text) where fromQuery: number = Self.plainInteger(text).map(Int64.init) ?? JSONNumber(text: text)?.int64
        default: number = nil
        }
        guard let number, let value = Int(exactly: number), range.contains(value) else {
            errors.append(FieldError(name, "must be an integer from \(range.lowerBound) to \(range.upperBound)"))
            return nil
        }
        return value
    }

    /// Digits as JSON writes an integer (no sign, no leading zero), read without a JSON parse:
    /// the common case. Other literals (`2e1`, `20.0`) go through `JSONNumber`; `+5` and `05`,
    /// which JSON does not write, are taken by neither.
    private static func plainInteger(_ text: String) -> Int? {
        let digits = text.utf8
        guard let first = digits.first, first != UInt8(ascii: "0") || digits.count == 1,
              digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return Int(text)
    }

    func bool(_ name: String, errors: inout [FieldError]) -> Bool? {
        switch self[name] {
        case nil, .null, .repeated: return nil
        case .bool(let value): return value
        case .string("true") where fromQuery: return true
        case .string("false") where fromQuery: return false
        default:
            errors.append(FieldError(name, "must be true or false"))
            return nil
        }
    }

    /// One query name or value as form encoding writes it: `+` is a space, `%XX` a byte; nil
    /// when an escape is malformed or the bytes are not UTF-8.
    static func decode(_ part: Substring) -> String? {
        PercentDecoding.decode(part, plusIsSpace: true)
    }
}
