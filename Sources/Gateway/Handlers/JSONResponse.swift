import HTTP

/// JSON success responses, from bodies written with `JSONObjectWriter`.
enum JSONResponse {
    static func make(bytes: [UInt8], status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/json")]), body: bytes)
    }
}
