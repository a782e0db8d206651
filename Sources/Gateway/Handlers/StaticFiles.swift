import Foundation
import Hashing
import HTTP

/// Files served as they are: `Public/` (the console and the problem pages) and the OpenAPI spec.
/// Everything is read once at start-up, so serving never touches the disk from a loop thread and
/// no request path can reach outside the set of files loaded (no traversal by `..`, encoded or not).
public struct StaticFiles: Sendable {
    struct File: Sendable {
        var body: [UInt8]
        var contentType: String
        var etag: String
    }

    /// The policy every static response carries: nothing from elsewhere, no framing, no plugins.
    public static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

    private let files: [String: File]

    /// Loads every regular file under `directory` as `/<relative path>`, plus `extra` (URL path →
    /// file path). Missing or unreadable files are skipped, and so are hidden ones (a name or
    /// folder starting with a dot: `.env`, `.git`) and editors' leftovers (`~`, `.swp`, `.bak`),
    /// which a copy of the folder may bring along and nobody meant to publish.
    public init(directory: URL?, extra: [String: URL] = [:]) {
        var files: [String: File] = [:]
        if let directory, let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey],
                                                                           options: [.skipsHiddenFiles]) {
            let root = directory.standardizedFileURL.path
            for case let url as URL in enumerator {
                guard !Self.isLeftover(url.lastPathComponent),
                      (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                      let data = try? Data(contentsOf: url) else { continue }
                let path = url.standardizedFileURL.path
                guard path.hasPrefix(root + "/") else { continue }
                files[String(path.dropFirst(root.count))] = Self.file(data, name: path)
            }
        }
        for (urlPath, fileURL) in extra {
            if let data = try? Data(contentsOf: fileURL) { files[urlPath] = Self.file(data, name: fileURL.path) }
        }
        self.files = files
    }

    static func isLeftover(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix("~") || [".swp", ".swo", ".bak", ".orig", ".tmp"].contains { name.lowercased().hasSuffix($0) }
    }

    /// Adds a GET route per file; an HTML page is also served without its extension (so a
    /// problem's `type`, `/problems/<code>`, is a page), and `…/index.html` as its directory. A
    /// file's own path comes before another's alias, and `x.html` before `x/index.html` for `/x`,
    /// so the same files always give the same routes. A path the router already answers (a file
    /// named like `/healthz`), or one a route template would read as a parameter (`{…}`), is
    /// left out, not served in its place: returns those, for a warning.
    @discardableResult
    public func register(into router: inout Router) -> [String] {
        var routes = files
        let sorted = files.sorted { $0.key < $1.key }
        for (path, file) in sorted where path.hasSuffix(".html") && !path.hasSuffix("/index.html") {
            let alias = String(path.dropLast(".html".count))
            if routes[alias] == nil { routes[alias] = file }
        }
        for (path, file) in sorted where path.hasSuffix("/index.html") {
            let directory = String(path.dropLast("/index.html".count))
            let alias = directory.isEmpty ? "/" : directory
            if routes[alias] == nil { routes[alias] = file }
        }
        var left: [String] = []
        for (path, file) in routes.sorted(by: { $0.key < $1.key }) {
            guard !path.contains("{"), !path.contains("}") else {
                left.append(path)
                continue
            }
            guard case .notFound = router.resolve(.get, path: Array(path.utf8)[...]) else {
                left.append(path)
                continue
            }
            router.add(.get, path, access: .public) { request, _ in try Self.respond(file, request) }
        }
        return left
    }

    /// The file, or 304 / 412 as its preconditions say (RFC 9110 §13.2.2: `If-Match` first,
    /// compared strongly, then `If-None-Match`, weakly). Every line of either counts: several
    /// lines are one list (RFC 9110 §5.3).
    static func respond(_ file: File, _ request: HTTPRequest) throws(GatewayError) -> HTTPResponse {
        if request.headers.contains("If-Match") {
            let tags = request.entityTags("If-Match")
            guard HTTPRequest.namesAny(tags) || tags.contains(where: { $0 == file.etag }) else {
                throw .preconditionFailed(resourceHasTags: true)
            }
        }
        var headers = HTTPHeaders([
            ("ETag", file.etag),
            ("Cache-Control", "no-cache"),
            ("Content-Security-Policy", contentSecurityPolicy),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
        ])
        let noneMatch = request.entityTags("If-None-Match")
        if HTTPRequest.namesAny(noneMatch) || noneMatch.contains(where: { $0 == file.etag || $0 == "W/" + file.etag }) {
            // No representation metadata on a 304 but its validator (RFC 9110 §15.4.5).
            return HTTPResponse(status: HTTPStatus(304), headers: headers)
        }
        headers.add("Content-Type", file.contentType)
        headers.add("Accept-Ranges", "none")
        return HTTPResponse(status: .ok, headers: headers, body: file.body)
    }

    private static func file(_ data: Data, name: String) -> File {
        let bytes = Array(data)
        let etag = "\"" + Hex.encode(SHA256.hash(bytes).prefix(12)) + "\""
        return File(body: bytes, contentType: contentType(for: name), etag: etag)
    }

    static func contentType(for name: String) -> String {
        switch (name as NSString).pathExtension.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "json": "application/json"
        case "yaml", "yml": "application/yaml"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "mjs": "text/javascript; charset=utf-8"
        case "webp": "image/webp"
        case "woff2": "font/woff2"
        case "map": "application/json"
        case "txt": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }
}
