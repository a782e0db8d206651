/// A `multipart/form-data` body of text fields, as `POST /api/v1/seller/message` takes it.
struct WildberriesMultipartBody {
    let boundary: String
    private(set) var bytes: [UInt8] = []

    init() {
        var generator = SystemRandomNumberGenerator()
        boundary = "WildberriesConnector" + String(generator.next() as UInt64, radix: 16) + String(generator.next() as UInt64, radix: 16)
    }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    mutating func add(_ name: String, _ value: String) {
        bytes.append(contentsOf: "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n".utf8)
        bytes.append(contentsOf: "Content-Type: text/plain; charset=utf-8\r\n\r\n".utf8)
        bytes.append(contentsOf: value.utf8)
        bytes.append(contentsOf: "\r\n".utf8)
    }

    /// The body with its closing delimiter.
    var finished: [UInt8] {
        bytes + Array("--\(boundary)--\r\n".utf8)
    }
}
