import Foundation
import HTTP

/// Builders for the responses simulated upstreams send.
public enum SimulatorResponse {
    /// `object` serialised as JSON (keys sorted, so bodies are deterministic).
    public static func json(_ object: Any, status: Int = 200, contentType: String = "application/json; charset=utf-8",
                            headers: [(String, String)] = []) -> HTTPResponse {
        let data = SimulatorJSON.encode(object)
        var fields = HTTPHeaders([("Content-Type", contentType)])
        for (name, value) in headers { fields.add(name, value) }
        return HTTPResponse(status: HTTPStatus(status), headers: fields, body: data)
    }

    /// `text` in UTF-8 with `status` and `contentType`, plus `headers`.
    public static func text(_ text: String, status: Int, contentType: String = "text/plain; charset=utf-8",
                            headers: [(String, String)] = []) -> HTTPResponse {
        var fields = HTTPHeaders([("Content-Type", contentType)])
        for (name, value) in headers { fields.add(name, value) }
        return HTTPResponse(status: HTTPStatus(status), headers: fields, body: Array(text.utf8))
    }

    /// A response without a body (a 204, or a status whose body does not matter).
    public static func empty(status: Int, headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status: HTTPStatus(status), headers: HTTPHeaders(headers), body: [])
    }
}
