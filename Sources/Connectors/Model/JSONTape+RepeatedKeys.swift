extension JSONTape {
    /// The path (`tenants[0].id`) of the first key that an object of the text holds twice, or
    /// nil. Members are visited in document order, a container before what it holds; no path is
    /// built unless the parser marked a key.
    func firstRepeatedKey() -> String? {
        repeatedKeys(limit: 1).first
    }

    /// The paths of the keys an object holds more than once (`tenants[0].id`), each once, in
    /// the order the text has them; at most `limit`.
    /// With `outermostOnly`, only the outermost object's own keys (named alone, `text`).
    func repeatedKeys(limit: Int, outermostOnly: Bool = false) -> [String] {
        guard entries.contains(where: { $0.flags & Self.shadowed != 0 }) else { return [] }
        var found: [String] = []
        collectRepeatedKeys(at: 0, path: "", into: &found, limit: limit, recursing: !outermostOnly)
        return found
    }

    private func collectRepeatedKeys(at index: Int, path: String, into found: inout [String], limit: Int, recursing: Bool = true) {
        let entry = entries[index]
        switch entry.kind {
        case .array:
            var element = index + 1
            for position in 0..<Int(entry.length) where found.count < limit && recursing {
                collectRepeatedKeys(at: element, path: "\(path)[\(position)]", into: &found, limit: limit)
                element = Int(entries[element].next)
            }
        case .object:
            var key = index + 1
            for _ in 0..<entry.length where found.count < limit {
                let name = string(at: key)
                let member = path.isEmpty ? name : "\(path).\(name)"
                if entries[key].flags & Self.shadowed != 0, !found.contains(member) { found.append(member) }
                if recursing { collectRepeatedKeys(at: key + 1, path: member, into: &found, limit: limit) }
                key = Int(entries[key + 1].next)
            }
        default:
            break
        }
    }
}
