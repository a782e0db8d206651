import HTTP

/// Maps (method, path) to a handler. Path templates have literal segments and `{parameters}`;
/// HEAD is answered by the GET handler (the server drops the body), OPTIONS by the list of
/// methods the path allows, and a known path with another method by 405 with `Allow`.
public struct Router: Sendable {
    /// What a request's method and path come to; `GatewayResponder` turns each into a handler call
    /// or the matching problem.
    public enum Resolution {
        /// The route's handler for the method (GET's for HEAD), with its pattern, decoded parameters
        /// and who may call it.
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
        var handlers: [(method: HTTPMethod, handler: GatewayHandler, access: RouteAccess, writes: Bool)]

        var allow: [String] { Router.allow(handlers.map(\.method)) }

        /// What `method` on this route comes to, given what its parameters decoded to.
        func resolution(for method: HTTPMethod, _ match: Result<RouteParameters, MalformedParameter>) -> Resolution {
            let wanted: HTTPMethod = method == .head ? .get : method
            if let entry = handlers.first(where: { $0.method == wanted }) {
                switch match {
                case .success(let parameters): return .handler(entry.handler, pattern, parameters, entry.access)
                case .failure(let malformed): return .malformedParameter(parameter: malformed.name, pattern, entry.access)
                }
            }
            if method == .options {
                // A path no method of the route would take is refused as it would be for them;
                // like `OPTIONS` itself, without a key.
                if case .failure(let malformed) = match { return .malformedParameter(parameter: malformed.name, pattern, .public) }
                return .options(allow: allow, pattern)
            }
            return .methodNotAllowed(allow: allow, pattern)
        }
    }

    private struct MalformedParameter: Error {
        var name: String
    }

    /// The methods of `Allow` for paths that take `methods`: HEAD with GET, and OPTIONS always.
    /// HEAD follows the route's own methods, or GET itself when `headAfterGet`.
    private static func allow(_ methods: [HTTPMethod], headAfterGet: Bool = false) -> [String] {
        var names = methods.map(\.rawValue)
        if let get = names.firstIndex(of: "GET"), !names.contains("HEAD") {
            names.insert("HEAD", at: headAfterGet ? get + 1 : names.endIndex)
        }
        names.append("OPTIONS")
        return names
    }

    /// `Allow` for `OPTIONS *` (RFC 9110 §9.3.7): every method some path takes, GET and HEAD first.
    public var serverWideAllow: String {
        var methods: [HTTPMethod] = []
        for route in routes {
            for (method, _, _, _) in route.handlers where !methods.contains(method) { methods.append(method) }
        }
        if let get = methods.firstIndex(of: .get) { methods.insert(methods.remove(at: get), at: 0) }
        return Self.allow(methods, headAfterGet: true).joined(separator: ", ")
    }

    private var routes: [Route] = []

    /// A router with no routes: every path is `notFound` until routes are added.
    public init() {}

    /// Adds `handler` for `method` on `template` (see `RoutePattern`); routes are tried in the order
    /// their templates were first added. Tenant-only unless `access` says otherwise. Adding the same
    /// method and template twice is a programming error and traps. `writes`: the handler changes
    /// something upstream (see `writes(_:path:)`).
    public mutating func add(_ method: HTTPMethod, _ template: String, access: RouteAccess = .tenant, writes: Bool = false,
                             _ handler: @escaping GatewayHandler) {
        let pattern = RoutePattern(template)
        if let index = routes.firstIndex(where: { $0.pattern == pattern }) {
            precondition(!routes[index].handlers.contains { $0.method == method }, "\(method) \(template) registered twice")
            routes[index].handlers.append((method, handler, access, writes))
        } else {
            routes.append(Route(pattern: pattern, handlers: [(method, handler, access, writes)]))
        }
    }

    /// Whether `method` on `path` is a route added with `writes`: one that changes something
    /// upstream, whose client must learn the outcome. Safe from any thread.
    public func writes(_ method: HTTPMethod, path: ArraySlice<UInt8>) -> Bool {
        for route in routes {
            guard case .matched = route.pattern.match(path) else { continue }
            return route.handlers.contains { $0.method == method && $0.writes }
        }
        return false
    }

    /// What `method` on `path` (the request target's path, still percent-encoded, without the
    /// query) comes to. A trailing or doubled slash never matches. Safe from any thread.
    public func resolve(_ method: HTTPMethod, path: ArraySlice<UInt8>) -> Resolution {
        // A path that only some route's parameter fails to decode is that route's bad request,
        // unless a later route takes the path as it is.
        var malformed: Resolution?
        for route in routes {
            switch route.pattern.match(path) {
            case .none:
                continue
            case .malformed(let name):
                if malformed == nil { malformed = route.resolution(for: method, .failure(MalformedParameter(name: name))) }
            case .matched(let parameters):
                return route.resolution(for: method, .success(parameters))
            }
        }
        return malformed ?? .notFound
    }
}
