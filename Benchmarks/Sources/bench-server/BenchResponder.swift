import HTTP
import Server

/// The benchmark's routes, the same as the peers': hello, the authorised review listing,
/// health, echo; 404/405/OPTIONS answered as problem+json and `Allow`.
struct BenchResponder: HTTPResponder {
    private static let hello = Array("Hello, World!".utf8)
    private static let health = Array("{\"status\":\"ok\"}".utf8)
    private static let textPlain: HTTPHeaders = ["Content-Type": "text/plain; charset=utf-8"]
    private static let json: HTTPHeaders = ["Content-Type": "application/json"]

    func respond(to request: HTTPRequest, context: RequestContext) async throws -> HTTPResponse {
        let path = request.pathBytes
        if path.elementsEqual("/hello".utf8) {
            return Self.route(request, allow: "GET, HEAD") {
                HTTPResponse(status: .ok, headers: Self.textPlain, body: Self.hello)
            }
        }
        if path.elementsEqual("/connectors/demo/review/items".utf8) {
            guard request.method == .post else { return Self.other(request, allow: "POST") }
            return reviews(request)
        }
        if path.elementsEqual("/healthz".utf8) {
            return Self.route(request, allow: "GET, HEAD") {
                HTTPResponse(status: .ok, headers: Self.json, body: Self.health)
            }
        }
        if path.elementsEqual("/echo".utf8) {
            guard request.method == .post else { return Self.other(request, allow: "POST") }
            let type = request.headers["Content-Type"] ?? "application/octet-stream"
            return HTTPResponse(status: .ok, headers: ["Content-Type": type], body: Array(request.body))
        }
        return ProblemResponse.make(status: .notFound, code: "not_found", detail: "No route for this path.")
    }

    private func reviews(_ request: HTTPRequest) -> HTTPResponse {
        guard request.headers.firstValue("Authorization", equals: "Bearer test-key") else {
            var response = ProblemResponse.make(status: .unauthorized, code: "unauthorized",
                                                detail: "A valid bearer token is required.")
            response.headers.add("WWW-Authenticate", "Bearer realm=\"bench\"")
            return response
        }
        do {
            let query = try ReviewQuery(json: request.body)
            var json = JSONWriter(capacity: 768)
            json.beginArray()
            for item in ReviewCatalog.page(query) { item.write(to: &json) }
            json.endArray()
            return HTTPResponse(status: .ok, headers: Self.json, body: json.bytes)
        } catch {
            return ProblemResponse.make(status: .badRequest, code: "invalid_request",
                                        detail: "The body must be a JSON object with integer skip and take.")
        }
    }

    private static func route(_ request: HTTPRequest, allow: String, _ get: () -> HTTPResponse) -> HTTPResponse {
        switch request.method {
        case .get, .head: get()
        default: other(request, allow: allow)
        }
    }

    private static func other(_ request: HTTPRequest, allow: String) -> HTTPResponse {
        if request.method == .options {
            return HTTPResponse(status: .noContent, headers: ["Allow": allow + ", OPTIONS"])
        }
        var response = ProblemResponse.make(status: .methodNotAllowed, code: "method_not_allowed",
                                            detail: "\(request.method) is not allowed here.")
        response.headers.add("Allow", allow + ", OPTIONS")
        return response
    }
}
