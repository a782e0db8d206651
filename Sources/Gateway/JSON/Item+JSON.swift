import Connectors

extension Item {
    /// The item as DESIGN.md §4 shows it, absent members omitted.
    func json() -> [UInt8] {
        var writer = ByteWriter(capacity: 512)
        appendJSON(to: &writer)
        return writer.bytes
    }

    /// Written by hand, into the caller's buffer, because this runs for every item of every
    /// list, where `JSONEncoder` costs several microseconds a field. Always inlined into the
    /// page's loop, which saves a call and its frame per item (~100 instructions each).
    @inline(__always)
    func appendJSON(to buffer: inout ByteWriter) {
        var object = JSONObjectWriter(appendingTo: &buffer)
        object.string("id", id)
        object.identifier("marketplace", marketplace.rawValue)
        object.identifier("channel", channel.rawValue)
        object.identifier("kind", kind.rawValue)
        object.string("text", text)
        object.timestamp("created_at", createdAt)
        object.identifier("status", status.rawValue)
        if let author {
            object.object("author") { nested in
                if let name = author.name { nested.string("name", name) }
                if let id = author.id { nested.string("id", id) }
            }
        }
        if let rating { object.int("rating", rating) }
        if let product {
            object.object("product") { nested in
                nested.string("id", product.id)
                if let name = product.name { nested.string("name", name) }
                if let url = product.url { nested.string("url", url) }
            }
        }
        if let reply {
            object.object("reply") { nested in
                nested.string("text", reply.text)
                if let createdAt = reply.createdAt { nested.timestamp("created_at", createdAt) }
                if let state = reply.state { nested.string("state", state) }
                if let editable = reply.editable { nested.bool("editable", editable) }
            }
        }
        if let read { object.bool("read", read) }
        if let unreadCount { object.int("unread_count", unreadCount) }
        if let lastMessage {
            object.object("last_message") { nested in
                if let id = lastMessage.id { nested.string("id", id) }
                nested.string("text", lastMessage.text)
                nested.timestamp("created_at", lastMessage.createdAt)
                nested.string("sender", lastMessage.sender)
            }
        }
        if let raw { object.value("raw") { raw.appendJSON(to: &$0) } }
        object.finish(into: &buffer)
    }
}

extension [Item] {
    /// `[item, …]`; takes the items, as `appendJSON(to:)` does.
    consuming func json() -> [UInt8] {
        var writer = ByteWriter(capacity: count * 400 + 2)
        appendJSON(to: &writer)
        return writer.bytes
    }

    /// `[item, …]`, taking the items: each is moved out and written, not copied (a copy retains
    /// every string member and releases it again). Written from a borrowed array, an item is
    /// copied first whatever the loop's form, since the compiler cannot prove the writer does
    /// not alias the items.
    consuming func appendJSON(to bytes: inout ByteWriter) {
        bytes.append(UInt8(ascii: "["))
        // Reversed in place, then taken from the end in the page's order. Through the buffer:
        // its swaps move the items, where the array's own `reverse` copies each one.
        withUnsafeMutableBufferPointer { $0.reverse() }
        var first = true
        while let item = popLast() {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            item.appendJSON(to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }
}
