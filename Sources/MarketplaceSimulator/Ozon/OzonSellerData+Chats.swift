import Foundation

/// The chat methods: the v3 list (opaque cursor), the v3 history (keyset on message id), sending
/// and marking read. Sending and reading need the subscription; listing and history do not.
extension OzonSellerData {
    func chatList(_ body: OzonJSONBody) throws(OzonFailure) -> [String: Any] {
        let limit = Int(try body.int64("limit") ?? 30)
        guard (1...100).contains(limit) else { throw .invalid("invalid field limit: value must be inside range [1, 100]") }
        var statusFilter: String?
        var unreadOnly = false
        if let filter = try body.object("filter") {
            statusFilter = try filter.enumValue("chat_status", allowed: ["ALL", "OPENED", "CLOSED"])
            unreadOnly = try filter.bool("unread_only") ?? false
        }
        let cursor = try body.string("cursor")
        // Most recent conversation first, as in the seller's chat list (or as opened, when asked).
        let filtered = chats.filter { chat in
            (statusFilter == nil || statusFilter == "ALL" || chat.status == statusFilter) && (!unreadOnly || chat.unreadCount > 0)
        }
        let matching = chatListMostRecentFirst
            ? filtered.sorted { ($0.lastMessageID, $0.id) > ($1.lastMessageID, $1.id) }
            : filtered.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        // What the list is ordered by (then the id), which a keyset cursor names.
        let mostRecentFirst = chatListMostRecentFirst
        let sortKey = { (chat: OzonChat) in mostRecentFirst ? Int64(bitPattern: chat.lastMessageID) : chat.createdAt }
        let offset: Int
        if chatListKeysetCursor, let cursor, !cursor.isEmpty {
            // After the chat the cursor names, by where its sort key then put it.
            let after = try Self.decodeKeysetCursor(Self.unpadded(cursor))
            offset = matching.firstIndex { chat in
                mostRecentFirst ? (sortKey(chat), chat.id) < after : (sortKey(chat), chat.id) > after
            } ?? matching.count
        } else {
            offset = try Self.decodeCursor(cursor.map(Self.unpadded))
        }
        let page = matching.dropFirst(offset).prefix(limit)
        let hasNext = offset + page.count < matching.count
        let next: String
        if !hasNext {
            next = ""
        } else if chatListKeysetCursor, let last = page.last {
            next = Self.encodeKeysetCursor(sortKey(last), last.id)
        } else {
            next = Self.encodeCursor(offset + page.count)
        }
        return [
            "chats": page.map { chat -> [String: Any] in
                [
                    "chat": [
                        "chat_id": chat.id, "chat_status": chat.status, "chat_type": chat.type,
                        "created_at": OzonTime.format(chat.createdAt),
                    ] as [String: Any],
                    "first_unread_message_id": String(chat.firstUnreadMessageID),
                    "last_message_id": String(chat.lastMessageID),
                    "unread_count": chat.unreadCount,
                ]
            },
            "total_unread_count": chats.reduce(0) { $0 + $1.unreadCount },
            "cursor": next.isEmpty ? next : Self.padded(next, to: chatListCursorLength),
            "has_next": hasNext,
        ]
    }

    func chatHistory(_ body: OzonJSONBody) throws(OzonFailure) -> [String: Any] {
        let id = try Self.requiredString(body, "chat_id")
        let forward = try body.enumValue("direction", allowed: ["FORWARD", "BACKWARD"]) == "FORWARD"
        let from = try body.uint64("from_message_id")
        if forward, from == nil { throw .invalid("invalid field from_message_id: value is required for direction Forward") }
        let limit = Int(try body.int64("limit") ?? 50)
        guard (1...1000).contains(limit) else { throw .invalid("invalid field limit: value must be inside range [1, 1000]") }
        var only: Set<UInt64>?
        if let filter = try body.object("filter"), let ids = try filter.strings("message_ids"), !ids.isEmpty {
            only = Set(ids.compactMap { UInt64($0) })
        }
        guard let index = chatIndex(id) else { throw .notFound("chat not found") }
        var messages = chats[index].messages.filter { only?.contains($0.id) ?? true }
        if forward {
            messages = messages.filter { $0.id >= from! }
        } else {
            messages = messages.reversed().filter { from == nil || $0.id <= from! }
        }
        let page = messages.prefix(limit)
        return ["messages": page.map(messageJSON), "has_next": messages.count > limit]
    }

    mutating func chatSendMessage(_ body: OzonJSONBody, now: Int64) throws(OzonFailure) -> [String: Any] {
        let id = try Self.requiredString(body, "chat_id")
        let text = try Self.text(body, bounds: 1...1000)
        try requireSubscription()
        guard let index = chatIndex(id) else { throw .notFound("chat not found") }
        let message = OzonChatMessage(id: allocateMessageID(), createdAt: max(now, (chats[index].messages.last?.createdAt ?? 0) + 1),
                                      text: text, sender: .seller, senderID: String(account.clientID), isRead: false)
        chats[index].messages.append(message)
        return ["result": "success"]
    }

    mutating func chatRead(_ body: OzonJSONBody) throws(OzonFailure) -> [String: Any] {
        let id = try Self.requiredString(body, "chat_id")
        guard let from = try body.uint64("from_message_id"), from > 0 else {
            throw .invalid("invalid field from_message_id: value is required")
        }
        try requireSubscription()
        guard let index = chatIndex(id) else { throw .notFound("chat not found") }
        guard chats[index].messages.contains(where: { $0.id == from }) else {
            throw .invalid("message \(from) not found in chat \(id)")
        }
        for k in chats[index].messages.indices where chats[index].messages[k].id <= from && chats[index].messages[k].sender != .seller {
            chats[index].messages[k].isRead = true
        }
        return ["unread_count": chats[index].unreadCount]
    }

    /// `text` as markdown lines: `\`, `*`, `_`, `[`, `]`, `` ` ``, `#` and `~` escaped.
    static func markdownLines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var escaped = ""
            for character in line {
                if "\\*_[]`#~".contains(character) { escaped.append("\\") }
                escaped.append(character)
            }
            return escaped
        }
    }

    func messageJSON(_ message: OzonChatMessage) -> [String: Any] {
        var json: [String: Any] = [
            "message_id": String(message.id),
            "created_at": OzonTime.format(message.createdAt, fractionDigits: 6),
            "data": chatHistoryAsMarkdown ? Self.markdownLines(message.text) : [message.text],
            "is_image": false,
            "is_read": message.isRead,
            "user": ["id": message.senderID, "type": message.sender.rawValue],
        ]
        if message.orderNumber != nil || message.sku != nil {
            json["context"] = ["order_number": message.orderNumber ?? "", "sku": message.sku.map(String.init) ?? ""]
        }
        return json
    }

    /// The list cursor is opaque to clients: base64 of the position it stands for.
    static func encodeCursor(_ offset: Int) -> String {
        Data("chats:\(offset)".utf8).base64EncodedString()
    }

    /// A keyset cursor: the sort key and id of the last chat of the page it ends.
    static func encodeKeysetCursor(_ key: Int64, _ id: String) -> String {
        Data("after:\(key):\(id)".utf8).base64EncodedString()
    }

    static func decodeKeysetCursor(_ cursor: String) throws(OzonFailure) -> (Int64, String) {
        guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8), text.hasPrefix("after:")
        else { throw .invalid("invalid cursor") }
        let parts = text.dropFirst(6).split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let key = Int64(parts[0]) else { throw .invalid("invalid cursor") }
        return (key, String(parts[1]))
    }

    /// `cursor` made at least `length` characters long with a tail after a `~` (not in base64).
    static func padded(_ cursor: String, to length: Int) -> String {
        cursor.count >= length ? cursor : cursor + "~" + String(repeating: "x", count: max(0, length - cursor.count - 1))
    }

    /// `cursor` without the tail `padded` gave it.
    static func unpadded(_ cursor: String) -> String {
        String(cursor.prefix { $0 != "~" })
    }

    static func decodeCursor(_ cursor: String?) throws(OzonFailure) -> Int {
        guard let cursor, !cursor.isEmpty else { return 0 }
        guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8),
              text.hasPrefix("chats:"), let offset = Int(text.dropFirst(6)), offset >= 0
        else { throw .invalid("invalid cursor") }
        return offset
    }
}
