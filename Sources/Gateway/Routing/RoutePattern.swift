/// A path template such as `/connectors/{marketplace}/{channel}/items/{id}`: literal segments
/// and named parameters, each parameter matching exactly one non-empty segment.
public struct RoutePattern: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case literal([UInt8])
        case parameter(String)
    }

    let segments: [Segment]
    /// The template as written: what access logs and metrics show instead of the raw path.
    public let description: String

    /// Parses `template`, which must start with `/`; a segment in braces is a parameter named by
    /// what is inside them. Empty segments are ignored.
    public init(_ template: String) {
        precondition(template.hasPrefix("/"), "a route pattern starts with /")
        description = template
        segments = template.split(separator: "/", omittingEmptySubsequences: true).map { part in
            if part.hasPrefix("{"), part.hasSuffix("}") {
                return .parameter(String(part.dropFirst().dropLast()))
            }
            return .literal(Array(part.utf8))
        }
    }

    /// `*`, the asterisk-form target of `OPTIONS *` (RFC 9112 §3.2.4), which names the server
    /// rather than a path: for access logs and metrics; it matches no path.
    static let asterisk = RoutePattern(segments: [.literal(Array("*".utf8))], description: "*")

    private init(segments: [Segment], description: String) {
        self.segments = segments
        self.description = description
    }

    enum Match {
        case matched(RouteParameters)
        /// The path has this pattern's shape, but the named parameter's segment does not decode
        /// (a malformed escape, not UTF-8, an encoded `/` or NUL).
        case malformed(parameter: String)
        case none
    }

    /// Whether `path` (the raw path, still percent-encoded) matches, and with what parameters:
    /// `/` then one non-empty segment for each of the pattern's, and nothing after; a trailing or
    /// doubled slash never matches. Walked in place, segment by segment, rather than split into
    /// an array first: most routes are told apart by their first segment, and the split cost an
    /// allocation and a retain of the path for every segment of every request.
    func match(_ path: ArraySlice<UInt8>) -> Match {
        let slash = UInt8(ascii: "/")
        guard !segments.isEmpty else { return path.elementsEqual(CollectionOfOne(slash)) ? .matched(RouteParameters()) : .none }
        var parameters = RouteParameters()
        var malformed: String?
        var index = path.startIndex
        for segment in segments {
            guard index < path.endIndex, path[index] == slash else { return .none }
            let start = index + 1
            var end = start
            while end < path.endIndex, path[end] != slash { end += 1 }
            guard end > start else { return .none }
            let part = path[start..<end]
            index = end
            switch segment {
            case .literal(let bytes):
                // `%68ealthz` is `healthz` (RFC 3986 §6.2.2.2): an escaped segment matches by its decoded text.
                guard part.elementsEqual(bytes)
                    || (part.contains(UInt8(ascii: "%")) && RouteParameters.percentDecoded(part)?.utf8.elementsEqual(bytes) == true)
                else { return .none }
            case .parameter(let name):
                if let value = RouteParameters.percentDecoded(part) {
                    parameters.values.append((name, value))
                } else if malformed == nil {
                    malformed = name
                }
            }
        }
        guard index == path.endIndex else { return .none }
        if let malformed { return .malformed(parameter: malformed) }
        return .matched(parameters)
    }
}
