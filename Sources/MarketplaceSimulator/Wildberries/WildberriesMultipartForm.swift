/// A `multipart/form-data` body (RFC 7578) taken apart: each part's field name, file name,
/// content type and bytes.
struct WildberriesMultipartForm {
    struct Part {
        var name: String
        var filename: String?
        var contentType: String?
        var body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }
    }

    var parts: [Part]

    /// nil when `contentType` is not multipart/form-data with a boundary, or the body does not
    /// follow it.
    init?(body: [UInt8], contentType: String) {
        guard contentType.lowercased().hasPrefix("multipart/form-data"),
              let boundary = Self.parameter("boundary", in: contentType), !boundary.isEmpty else { return nil }
        let delimiter = Array("--\(boundary)".utf8)
        let separator = Array("\r\n".utf8)
        let blank = Array("\r\n\r\n".utf8)
        guard var position = Self.find(delimiter, in: body, from: 0) else { return nil }
        var parts: [Part] = []
        while true {
            position += delimiter.count
            if body.count >= position + 2, body[position] == UInt8(ascii: "-"), body[position + 1] == UInt8(ascii: "-") { break }
            guard let lineEnd = Self.find(separator, in: body, from: position) else { return nil }
            let headerStart = lineEnd + 2
            guard let headerEnd = Self.find(blank, in: body, from: headerStart) else { return nil }
            let contentStart = headerEnd + 4
            guard let next = Self.find(separator + delimiter, in: body, from: contentStart) else { return nil }
            let head = String(decoding: body[headerStart..<headerEnd], as: UTF8.self)
            var name: String?
            var filename: String?
            var type: String?
            for line in head.components(separatedBy: "\r\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let field = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                if field == "content-disposition" {
                    name = Self.parameter("name", in: value)
                    filename = Self.parameter("filename", in: value)
                } else if field == "content-type" {
                    type = value
                }
            }
            guard let name else { return nil }
            parts.append(Part(name: name, filename: filename, contentType: type, body: Array(body[contentStart..<next])))
            position = next + 2
        }
        self.parts = parts
    }

    func first(_ name: String) -> Part? { parts.first { $0.name == name } }

    func all(_ name: String) -> [Part] { parts.filter { $0.name == name } }

    /// `name=value` or `name="value"` among the `;`-separated parameters of a header value.
    static func parameter(_ name: String, in value: String) -> String? {
        for piece in value.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var result = pair[1].trimmingCharacters(in: .whitespaces)
            if result.hasPrefix("\""), result.hasSuffix("\""), result.count >= 2 { result = String(result.dropFirst().dropLast()) }
            return result
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, start >= 0, haystack.count >= needle.count else { return nil }
        var i = start
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == needle[0] {
                var k = 1
                while k < needle.count, haystack[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
