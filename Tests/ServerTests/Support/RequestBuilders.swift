/// The UTF-8 bytes of `text`.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A GET request for `target` with a Host header and `extra` header lines (without CRLF).
func get(_ target: String, _ extra: String...) -> String {
    var text = "GET \(target) HTTP/1.1\r\nHost: test\r\n"
    for line in extra { text += line + "\r\n" }
    return text + "\r\n"
}

/// A POST request for `target` with a Content-Length body.
func post(_ target: String, body: String, _ extra: String...) -> String {
    var text = "POST \(target) HTTP/1.1\r\nHost: test\r\nContent-Length: \(body.utf8.count)\r\n"
    for line in extra { text += line + "\r\n" }
    return text + "\r\n" + body
}
