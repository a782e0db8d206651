import Connectors

extension Item {
    /// The item as DESIGN.md §4 shows it, absent members omitted. Written by hand because this
    /// runs for every item of every list, where `JSONEncoder` costs several microseconds a field.
    func json() -> [UInt8] {
        var object = JSONObjectWriter(capacity: 512)
        object.string("id", id)
        object.string("marketplace", marketplace.rawValue)
        object.string("channel", channel.rawValue)
        object.string("kind", kind.rawValue)
        object.string("text", text)
        object.string("created_at", createdAt.rfc3339)
        object.string("status", status.rawValue)
        if let author {
            var nested = JSONObjectWriter()
            if let name = author.name { nested.string("name", name) }
            if let id = author.id { nested.string("id", id) }
            object.raw("author", nested.finish())
        }
        if let rating { object.int("rating", rating) }
        if let product {
            var nested = JSONObjectWriter()
            nested.string("id", product.id)
            if let name = product.name { nested.string("name", name) }
            if let url = product.url { nested.string("url", url) }
            object.raw("product", nested.finish())
        }
        if let reply {
            var nested = JSONObjectWriter()
            nested.string("text", reply.text)
            if let createdAt = reply.createdAt { nested.string("created_at", createdAt.rfc3339) }
            if let state = reply.state { nested.string("state", state) }
            if let editable = reply.editable { nested.bool("editable", editable) }
            object.raw("reply", nested.finish())
        }
        if let read { object.bool("read", read) }
        if let unreadCount { object.int("unread_count", unreadCount) }
        if let lastMessage {
            var nested = JSONObjectWriter()
            if let id = lastMessage.id { nested.string("id", id) }
            nested.string("text", lastMessage.text)
            nested.string("created_at", lastMessage.createdAt.rfc3339)
            nested.string("sender", lastMessage.sender)
            object.raw("last_message", nested.finish())
        }
        if let raw { object.raw("raw", raw.json()) }
        return object.finish()
    }
}

extension JSONValue {
    /// The value as JSON text.
    func json() -> [UInt8] {
        var bytes: [UInt8] = []
        append(to: &bytes)
        return bytes
    }

    private func append(to bytes: inout [UInt8]) {
        switch self {
        case .null:
            bytes.append(contentsOf: "null".utf8)
        case .bool(let value):
            bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
        case .number(let value):
            bytes.append(contentsOf: value.text.utf8)
        case .string(let value):
            JSONObjectWriter.appendString(value, to: &bytes)
        case .array(let values):
            bytes.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                value.append(to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                JSONObjectWriter.appendString(key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                members[key]!.append(to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }
}

extension [Item] {
    /// `[item, …]`.
    func json() -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        bytes.reserveCapacity(count * 400 + 2)
        for (index, item) in enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: item.json())
        }
        bytes.append(UInt8(ascii: "]"))
        return bytes
    }
}
