import HTTP

extension HTTPRequest {
    /// The entity tags of every `field` line (`If-Match`, `If-None-Match`) as one list: several
    /// lines are one list (RFC 9110 §5.3). A comma inside a quoted tag is part of it (`etagc`
    /// takes any visible character but `"`), not a separator.
    func entityTags(_ field: String) -> [Substring] {
        headers.values(field).flatMap { value -> [Substring] in
            var tags: [Substring] = []
            var start = value.startIndex, quoted = false
            for index in value.indices {
                switch value[index] {
                case "\"": quoted.toggle()
                case "," where !quoted:
                    tags.append(value[start..<index])
                    start = value.index(after: index)
                default: break
                }
            }
            tags.append(value[start...])
            return tags
        }.map { $0.trimmingOWS() }.filter { !$0.isEmpty }
    }

    /// Whether `tags` (a field's, from `entityTags`) are `*` (any current representation):
    /// alone, as RFC 9110 §13.1.1 writes it; a `*` among tags is no valid field, and matches nothing.
    static func namesAny(_ tags: [Substring]) -> Bool {
        tags == ["*"]
    }

    /// Whether an `If-Match` holds for a resource with no entity tags (the tenant routes): only
    /// `*`, any current representation, can (RFC 9110 §13.1.1); true without the field.
    var ifMatchHoldsWithoutTags: Bool {
        !headers.contains("If-Match") || Self.namesAny(entityTags("If-Match"))
    }
}
