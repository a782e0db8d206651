import Foundation
import HTTP

/// What an upstream answered: status, header fields and the whole body.
/// The body helpers never fail: error bodies come as JSON of several shapes, problem+json,
/// plain text or an HTML page from a proxy, in UTF-8 or not, and all of them must end up as a
/// short readable message.
public struct UpstreamResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The header fields in the order received, names as sent, a repeated field's values
    /// joined with ", ". A handful of fields, searched by name without regard to case: that costs
    /// less than lower-casing and hashing every name into a dictionary for each answer.
    public let fields: [(name: String, value: String)]
    /// The whole body, as the client read it: bytes, not `Data`, so the loop's client hands its
    /// buffer over instead of copying it into Foundation's storage.
    public var body: [UInt8]
    /// The body's bytes in the gateway's ceiling on answers held at once, given back when the
    /// last copy of this response goes (once it is decoded); nil outside that ceiling.
    public var lease: BodyBudget.Lease?

    /// A response from a dictionary of fields, in no particular order: for tests and simulators.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.init(status: status, fields: headers.map { (name: $0.key, value: $0.value) }, body: [UInt8](body))
    }

    /// From the fields as an upstream sent them. The one place a client's answer becomes `fields`.
    public init(status: Int, fields: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.fields = Self.merged(fields)
        self.body = body
    }

    /// The same from URLSession's `Data`.
    public init(status: Int, fields: [(name: String, value: String)], body: Data) {
        self.init(status: status, fields: fields, body: [UInt8](body))
    }

    /// The value of a header field, by case-insensitive name.
    public func header(_ name: String) -> String? {
        fields.first { HTTPHeaders.sameName($0.name, name) }?.value
    }

    /// Repeats (by case-insensitive name) joined in order, under the first one's name.
    private static func merged(_ fields: [(name: String, value: String)]) -> [(name: String, value: String)] {
        var merged = fields
        var index = 1
        while index < merged.count {
            if let first = merged[..<index].firstIndex(where: { HTTPHeaders.sameName($0.name, merged[index].name) }) {
                merged[first].value += ", " + merged[index].value
                merged.remove(at: index)
            } else {
                index += 1
            }
        }
        return merged
    }

    /// Whether the status is 2xx. Whether the answer is usable is the classifier's call.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The media type without parameters, lower-cased (`application/problem+json`), if sent.
    public var mediaType: String? {
        guard let value = header("content-type") else { return nil }
        let type = value.split(separator: ";", maxSplits: 1).first.map { $0.trimmingOWS().lowercased() }
        return type?.isEmpty == false ? type : nil
    }

    /// Whether the body claims to be JSON: `application/json`, `application/problem+json`,
    /// any other `+json` type, or `text/json`.
    public var isJSON: Bool {
        guard let type = mediaType else { return false }
        return type == "application/json" || type.hasSuffix("+json") || type == "text/json"
    }

    /// The body as text, for error messages: decoded with the declared charset (UTF-8 when none
    /// or unknown, invalid bytes replaced), without a byte-order mark, control characters and
    /// runs of white space folded into single spaces, cut to `limit` characters.
    public func bodyText(limit: Int = 300) -> String {
        guard limit > 0, !body.isEmpty else { return "" }
        // Enough bytes for `limit` characters in any encoding, plus white space to fold.
        let slice = body.prefix(limit * 8 + 64)
        var folded = ""
        var pendingSpace = false
        var count = 0
        for character in Self.decode(slice, charset: charset) {
            if character.isWhitespace || character.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .control }) {
                pendingSpace = !folded.isEmpty
                continue
            }
            if character == "\u{FEFF}" { continue }
            if pendingSpace {
                guard count + 1 < limit else { break }
                folded.append(" ")
                count += 1
                pendingSpace = false
            }
            folded.append(character)
            count += 1
            if count >= limit { break }
        }
        return folded
    }

    /// The body parsed as JSON, whatever the declared media type (upstreams label JSON as
    /// `text/plain` now and then), or nil when it is not JSON. A lone surrogate escape reads as
    /// U+FFFD, as the connectors' readers take it (`JSONReadable`), so `raw` is not left out
    /// of an item whose text holds one.
    public func json() -> JSONValue? {
        var data = body[...]
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { data = data.dropFirst(3) }
        guard let first = data.first(where: { !Self.isJSONSpace($0) }),
              first == UInt8(ascii: "{") || first == UInt8(ascii: "[") || first == UInt8(ascii: "\"") else { return nil }
        return try? JSONValue(parsing: data, replacingLoneSurrogates: true)
    }

    /// The upstream's own words about a failure, from whichever documented error shape the body
    /// has: Wildberries' legacy envelope (`errorText`), problem+json (`detail`, else `title`),
    /// Ozon's rpc status and other `{code, message}` bodies (`message`), `{"errors": [...]}`,
    /// or the text of anything else; `HTTP <status>` when the body says nothing. Which error it
    /// is stays each marketplace's call.
    public func errorMessage(limit: Int = 300) -> String {
        if let json = json() {
            if let message = Self.message(in: json, limit: limit) { return message }
        } else {
            let text = bodyText(limit: limit)
            if !text.isEmpty { return text }
        }
        return "HTTP \(status)"
    }

    /// The upstream's id for this request (`requestId` in Wildberries bodies, `X-Request-Id`),
    /// worth quoting to its support.
    public var requestID: String? {
        let parsed = json()
        if case .string(let id)? = parsed?["requestId"] ?? parsed?["request_id"], !id.isEmpty { return String(id.prefix(100)) }
        return header("x-request-id").map { String($0.prefix(100)) }
    }

    private static func message(in json: JSONValue, limit: Int) -> String? {
        func text(_ value: JSONValue?) -> String? {
            switch value {
            case .string(let string)?:
                let folded = UpstreamResponse(status: 0, body: Data(string.utf8)).bodyText(limit: limit)
                return folded.isEmpty ? nil : folded
            case .array(let items)?:
                let parts = items.compactMap { item -> String? in
                    if case .object = item { return message(in: item, limit: limit) }
                    return text(item)
                }
                return parts.isEmpty ? nil : String(parts.joined(separator: "; ").prefix(limit))
            default:
                return nil
            }
        }
        if case .string = json { return text(json) }
        if case .array = json { return text(json) }
        for key in ["errorText", "detail", "message", "errors", "error", "title", "description"] {
            if let found = text(json[key]) { return found }
        }
        return nil
    }

    /// The `charset` parameter of `Content-Type`, lower-cased and unquoted.
    var charset: String? {
        guard let value = header("content-type") else { return nil }
        for parameter in value.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingOWS().lowercased() == "charset" else { continue }
            return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'")).lowercased()
        }
        return nil
    }

    private static func decode(_ slice: ArraySlice<UInt8>, charset: String?) -> String {
        let bytes = Data(slice)
        switch charset {
        case "windows-1251", "cp1251", "x-cp1251":
            if let text = String(data: bytes, encoding: .windowsCP1251) { return text }
        case "iso-8859-1", "latin1", "latin-1":
            if let text = String(data: bytes, encoding: .isoLatin1) { return text }
        case "utf-16", "utf-16le", "utf-16be":
            if let text = String(data: bytes, encoding: .utf16) { return text }
        default:
            break
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isJSONSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
