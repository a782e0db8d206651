import HTTP

extension HTTPClientRequest {
    /// Appends the request as HTTP/1.1 to `bytes`. Fails, having appended nothing that matters
    /// (the caller discards `bytes`), when a part cannot be written without changing the
    /// message's meaning: a line break in a value would start a field of the caller's choosing.
    func encode(hostField: String, into bytes: inout [UInt8]) throws(HTTPClientError) {
        guard HTTPHeaders.isToken(method) else {
            throw .invalidRequest("the method is not an HTTP token")
        }
        guard target.first == UInt8(ascii: "/"), target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .invalidRequest("the target is not an encoded origin-form path")
        }
        bytes.append(contentsOf: method.utf8)
        bytes.append(0x20)
        bytes.append(contentsOf: target)
        bytes.append(contentsOf: " HTTP/1.1\r\n".utf8)
        var hasHost = false, hasUserAgent = false, hasAcceptEncoding = false
        for (name, value) in headers {
            guard HTTPHeaders.isToken(name) else {
                throw .invalidRequest("a header field name is not an HTTP token")
            }
            guard HTTPHeaders.isFieldValue(value) else {
                throw .invalidRequest("header field \(name) has a line break or control character in its value")
            }
            // Framing and connection management are the client's, never the caller's.
            if Self.clientOwned.contains(where: { HTTPHeaders.sameName(name, $0) }) { continue }
            if HTTPHeaders.sameName(name, "host") { hasHost = true }
            if HTTPHeaders.sameName(name, "user-agent") { hasUserAgent = true }
            if HTTPHeaders.sameName(name, "accept-encoding") { hasAcceptEncoding = true }
            bytes.append(contentsOf: name.utf8)
            bytes.append(contentsOf: ": ".utf8)
            bytes.append(contentsOf: value.utf8)
            bytes.append(contentsOf: "\r\n".utf8)
        }
        if !hasHost {
            bytes.append(contentsOf: "Host: ".utf8)
            bytes.append(contentsOf: hostField.utf8)
            bytes.append(contentsOf: "\r\n".utf8)
        }
        if !hasUserAgent { bytes.append(contentsOf: "User-Agent: connector-gateway\r\n".utf8) }
        if !hasAcceptEncoding { bytes.append(contentsOf: "Accept-Encoding: identity\r\n".utf8) }
        if !body.isEmpty || method == "POST" || method == "PUT" || method == "PATCH" {
            bytes.append(contentsOf: "Content-Length: ".utf8)
            Self.appendDecimal(body.count, to: &bytes)
            bytes.append(contentsOf: "\r\n".utf8)
        }
        bytes.append(contentsOf: "\r\n".utf8)
        bytes.append(contentsOf: body)
    }

    private static let clientOwned = ["content-length", "transfer-encoding", "connection", "keep-alive", "te", "upgrade"]

    private static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        if value >= 10 { appendDecimal(value / 10, to: &bytes) }
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    }
}
