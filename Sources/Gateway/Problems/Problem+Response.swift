import HTTP

extension Problem {
    /// The longest `instance` a problem carries.
    static let maxInstanceLength = 512

    /// A request's `instance`: its path, or none for a `CONNECT`, whose `host:port` target is no
    /// URI reference of this gateway's.
    public static func instance(of request: HTTPRequest) -> String? {
        request.method == .connect ? nil : instance(of: request.path)
    }

    /// A request's path as a problem's `instance`: at most `maxInstanceLength` bytes, cut before
    /// a percent-escape the limit would split, so that it stays a valid URI reference.
    public static func instance(of path: String) -> String {
        let bytes = path.utf8
        guard bytes.count > maxInstanceLength else { return path }
        var end = bytes.index(bytes.startIndex, offsetBy: maxInstanceLength)
        // `%` is never inside an escape, so one among the last two bytes kept starts a split one.
        var index = end
        for _ in 0..<2 {
            index = bytes.index(before: index)
            if bytes[index] == UInt8(ascii: "%") {
                end = index
                break
            }
        }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// The problem as an `application/problem+json` response for the request at `instance`
    /// (left out when the request never got as far as a path).
    public func response(requestID: String, instance: String?) -> HTTPResponse {
        var document = JSONObjectWriter(capacity: 512)
        document.string("type", "/problems/\(code)")
        document.string("title", title)
        document.int("status", status)
        // However many fields a body gets wrong, the document stays small.
        let listed = errors.prefix(Self.maxErrors)
        document.string("detail", errors.count > listed.count
            ? detail + " The first \(listed.count) of \(errors.count) field errors are listed." : detail)
        if let instance { document.string("instance", instance) }
        document.string("code", code)
        document.string("request_id", requestID)
        document.bool("retryable", retryable)
        if let seconds = retryAfterSeconds { document.int("retry_after", seconds) }
        if !errors.isEmpty {
            var list: [UInt8] = [UInt8(ascii: "[")]
            for (index, error) in listed.enumerated() {
                if index > 0 { list.append(UInt8(ascii: ",")) }
                var item = JSONObjectWriter()
                item.string("field", error.field)
                item.string("message", error.message)
                list.append(contentsOf: item.finish())
            }
            list.append(UInt8(ascii: "]"))
            document.raw("errors", list)
        }
        if let upstream {
            var object = JSONObjectWriter()
            object.string("marketplace", upstream.marketplace)
            object.int("status", upstream.status)
            object.string("message", upstream.message)
            document.raw("upstream", object.finish())
        }
        var fields = HTTPHeaders([("Content-Type", "application/problem+json")])
        if let seconds = retryAfterSeconds { fields.add("Retry-After", String(seconds)) }
        for (name, value) in headers { fields.add(name, value) }
        return HTTPResponse(status: HTTPStatus(status), headers: fields, body: document.finish())
    }
}
