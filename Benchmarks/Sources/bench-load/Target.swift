import Foundation

/// Where one URL's requests go and the bytes of each.
struct Target {
    let host: String
    let port: Int
    let request: [UInt8]

    init(url text: String, suffix: String) {
        guard let url = URLComponents(string: text), url.scheme == "http", let host = url.host, let port = url.port else {
            fail("not an http://HOST:PORT/path URL: \(text)")
        }
        let method = environment("METHOD" + suffix) ?? "GET"
        let body = Array((environment("BODY" + suffix) ?? "").utf8)
        var head = "\(method) \(url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath)\(url.percentEncodedQuery.map { "?\($0)" } ?? "") HTTP/1.1\r\n"
        head += "Host: \(host):\(port)\r\n"
        for line in (environment("HEADERS" + suffix) ?? "").split(separator: "\n") where !line.isEmpty { head += "\(line)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        self.host = host
        self.port = port
        request = Array(head.utf8) + body
    }
}
