extension JSONTape {
    /// The path (`tenants[0].id`) of the first key that an object of the text holds twice, or
    /// nil. Members are visited in document order, a container before what it holds; no path is
    /// built unless the parser marked a key.
    func firstRepeatedKey() -> String? {
        guard entries.contains(where: { $0.flags & Self.shadowed != 0 }) else { return nil }
        return firstRepeatedKey(at: 0, path: "")
    }

    private func firstRepeatedKey(at index: Int, path: String) -> String? {
        let entry = entries[index]
        switch entry.kind {
        case .array:
            var element = index + 1
            for position in 0..<Int(entry.length) {
                if let found = firstRepeatedKey(at: element, path: "\(path)[\(position)]") { return found }
                element = Int(entries[element].next)
            }
        case .object:
            var key = index + 1
            for _ in 0..<entry.length {
                let name = string(at: key)
                let member = path.isEmpty ? name : "\(path).\(name)"
                if entries[key].flags & Self.shadowed != 0 { return member }
                if let found = firstRepeatedKey(at: key + 1, path: member) { return found }
                key = Int(entries[key + 1].next)
            }
        default:
            break
        }
        return nil
    }
}
