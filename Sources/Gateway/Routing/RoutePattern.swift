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

    /// The parameters if `path` (split into raw segments) matches.
    func match(_ path: [ArraySlice<UInt8>]) -> RouteParameters? {
        guard path.count == segments.count else { return nil }
        var parameters = RouteParameters()
        for (segment, part) in zip(segments, path) {
            switch segment {
            case .literal(let bytes):
                guard part.elementsEqual(bytes) else { return nil }
            case .parameter(let name):
                guard !part.isEmpty, let value = RouteParameters.percentDecoded(part) else { return nil }
                parameters.values.append((name, value))
            }
        }
        return parameters
    }
}
