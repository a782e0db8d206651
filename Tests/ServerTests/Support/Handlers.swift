import HTTP

enum Handlers {
    /// 200 with the request path as body.
    static let echoPath: Handler = { request, _ in
        HTTPResponse(status: .ok, headers: ["Content-Type": "text/plain"], body: Array(request.path.utf8))
    }

    /// 200 with the request body as body.
    static let echoBody: Handler = { request, _ in
        HTTPResponse(status: .ok, headers: ["Content-Type": "application/octet-stream"], body: Array(request.body))
    }

    /// 200 "ok".
    static let ok: Handler = { _, _ in
        HTTPResponse(status: .ok, contentType: "text/plain", text: "ok")
    }
}
