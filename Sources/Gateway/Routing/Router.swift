import HTTP

/// Maps (method, path) to a handler. Path templates have literal segments and `{parameters}`;
/// HEAD is answered by the GET handler (the server drops the body), OPTIONS by the list of
/// methods the path allows, and a known path with another method by 405 with `Allow`.
public struct Router: Sendable {
    public enum Resolution {
        case handler(GatewayHandler, RoutePattern, RouteParameters, RouteAccess)
        /// The path exists; the method is not one it takes.
        case methodNotAllowed(allow: [String], RoutePattern)
        /// `OPTIONS` on a known path.
        case options(allow: [String], RoutePattern)
        /// A known path and method whose parameter `parameter` is not valid percent-encoded
        /// UTF-8: a bad request rather than an unknown path (after `access`'s authentication).
        case malformedParameter(parameter: String, RoutePattern, RouteAccess)
        case notFound
    }

    private struct Route: Sendable {
        var pattern: RoutePattern
        var handlers: [(method: HTTPMethod, handler: GatewayHandler, access: RouteAccess)]

        var allow: [String] {
            var methods = handlers.map(\.method.rawValue)
            if methods.contains("GET"), !methods.contains("HEAD") { methods.append("HEAD") }
            methods.append("OPTIONS")
            return methods
        }
    }

    private var routes: [Route] = []

    public init() {}

    public mutating func add(_ method: HTTPMethod, _ template: String, access: RouteAccess = .tenant,
                             _ handler: @escaping GatewayHandler) {
        let pattern = RoutePattern(template)
        if let index = routes.firstIndex(where: { $0.pattern == pattern }) {
            precondition(!routes[index].handlers.contains { $0.method == method }, "\(method) \(template) registered twice")
            routes[index].handlers.append((method, handler, access))
        } else {
            routes.append(Route(pattern: pattern, handlers: [(method, handler, access)]))
        }
    }

    public func resolve(_ method: HTTPMethod, path: ArraySlice<UInt8>) -> Resolution {
        let segments = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        // "/a//b" and "/a/" are not "/a/b" and "/a": a trailing or doubled slash never matches.
        let slashes = path.reduce(0) { $0 + ($1 == UInt8(ascii: "/") ? 1 : 0) }
        guard slashes == max(segments.count, 1) else { return .notFound }
        let wanted: HTTPMethod = method == .head ? .get : method
        var malformed: Resolution?
        for route in routes {
            let parameters: RouteParameters
            switch route.pattern.match(segments) {
            case .none:
                continue
            case .malformed(let name):
                guard malformed == nil else { continue }
                if let entry = route.handlers.first(where: { $0.method == wanted }) {
                    malformed = .malformedParameter(parameter: name, route.pattern, entry.access)
                } else if method == .options {
                    malformed = .options(allow: route.allow, route.pattern)
                } else {
                    malformed = .methodNotAllowed(allow: route.allow, route.pattern)
                }
                continue
            case .matched(let matched):
                parameters = matched
            }
            if let entry = route.handlers.first(where: { $0.method == wanted }) {
                return .handler(entry.handler, route.pattern, parameters, entry.access)
            }
            if method == .options { return .options(allow: route.allow, route.pattern) }
            return .methodNotAllowed(allow: route.allow, route.pattern)
        }
        return malformed ?? .notFound
    }
}
