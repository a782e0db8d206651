import Foundation
import MarketplaceSimulator
import Testing

@Suite("Wildberries chat host simulator")
struct WildberriesChatHostTests {
    private func multipart(_ fields: [(name: String, value: String, filename: String?, type: String?)]) -> (Data, String) {
        let boundary = "TestBoundary7MA4YWxkTrZu0gW"
        var body = Data()
        for field in fields {
            var disposition = "form-data; name=\"\(field.name)\""
            if let filename = field.filename { disposition += "; filename=\"\(filename)\"" }
            body.append(Data("--\(boundary)\r\nContent-Disposition: \(disposition)\r\n".utf8))
            if let type = field.type { body.append(Data("Content-Type: \(type)\r\n".utf8)) }
            body.append(Data("\r\n\(field.value)\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    @Test("the event stream pages by next in ms and ends with an empty page echoing next", .timeLimit(.minutes(1)))
    func eventPaging() async throws {
        let options = WildberriesTestTokens.options { $0.eventsPageSize = 3 }
        try await WildberriesTestTokens.withSimulator(options) { simulator in
            let client = WildberriesRawClient(base: simulator.chatURL)
            var seen: [String] = []
            var next: Int64?
            var pages = 0
            var pageEnds: Set<Int64> = []
            while true {
                pages += 1
                let answer = try await client.send("GET", "/api/v1/seller/events" + (next.map { "?next=\($0)" } ?? ""))
                #expect(answer.status == 200)
                let result = try #require(answer.json["result"] as? [String: Any])
                let events = result["events"] as? [[String: Any]] ?? []
                #expect(result["totalEvents"] as? Int == events.count)
                if events.isEmpty {
                    #expect((result["next"] as? NSNumber)?.int64Value == next)
                    #expect(result["newestEventTime"] is NSNull)
                    #expect(result["oldestEventTime"] is NSNull)
                    break
                }
                #expect(events.count <= 3)
                #expect(events.allSatisfy { ($0["addTimestamp"] as? NSNumber)?.int64Value ?? 0 > next ?? .min }, "strictly after next")
                pageEnds.insert((events.last?["addTimestamp"] as? NSNumber)?.int64Value ?? 0)
                for event in events {
                    seen.append(event["eventID"] as! String)
                    // replySign only ever comes with isNewChat.
                    #expect((event["replySign"] != nil) == (event["isNewChat"] as? Bool == true))
                }
                next = (result["next"] as? NSNumber)?.int64Value
                #expect(next == (events.last?["addTimestamp"] as? NSNumber)?.int64Value)
            }
            // Following `next` alone passes over the rest of a second a page ended inside, as the
            // real stream does: every event is seen but those.
            let all = simulator.chats.events
            #expect(seen == all.map(\.eventID).filter { id in seen.contains(id) })
            #expect(all.filter { !seen.contains($0.eventID) }.allSatisfy { pageEnds.contains($0.streamTimestamp) })
            #expect(Set(seen).count == seen.count)
            #expect(pages > 2)
        }
    }

    @Test("next=0 and a non-number are refused with the chat host's problem body", .timeLimit(.minutes(1)))
    func badNext() async throws {
        try await WildberriesTestTokens.withSimulator { simulator in
            let client = WildberriesRawClient(base: simulator.chatURL)
            let zero = try await client.send("GET", "/api/v1/seller/events?next=0")
            let text = try await client.send("GET", "/api/v1/seller/events?next=soon")
            #expect(zero.status == 400)
            #expect(zero.json["detail"] as? String == "Invalid value for \"next\"")
            #expect(text.status == 400)
            #expect(text.json["detail"] as? String == "Invalid number")
            #expect(text.json["origin"] as? String == "proxy-chats")
            #expect(text.json["error"] as? String == "Invalid number")
        }
    }

    @Test("a multipart message with the chat's replySign becomes a seller event", .timeLimit(.minutes(1)))
    func sendMessage() async throws {
        try await WildberriesTestTokens.withSimulator { simulator in
            let client = WildberriesRawClient(base: simulator.chatURL)
            let chat = try #require(simulator.chats.chats.first)
            let (body, type) = multipart([("replySign", chat.replySign, nil, nil), ("message", "Здравствуйте! Уже отправили.", nil, nil)])
            let answer = try await client.send("POST", "/api/v1/seller/message", headers: ["Content-Type": type], body: body)
            #expect(answer.status == 200)
            let result = try #require(answer.json["result"] as? [String: Any])
            #expect(result["chatID"] as? String == chat.chatID)
            let last = try #require(simulator.chats.events.last)
            #expect(last.chatID == chat.chatID)
            #expect(last.sender == .seller)
            #expect(last.text == "Здравствуйте! Уже отправили.")
            #expect((result["addTime"] as? NSNumber)?.int64Value == last.addTimestamp)
        }
    }

    @Test("bad signatures, long messages and unsupported files get the documented 400 bodies", .timeLimit(.minutes(1)))
    func sendRejected() async throws {
        try await WildberriesTestTokens.withSimulator { simulator in
            let client = WildberriesRawClient(base: simulator.chatURL)
            let chat = try #require(simulator.chats.chats.first)
            let before = simulator.chats.events
            let cases: [([(String, String, String?, String?)], String)] = [
                ([("replySign", "1:forged", nil, nil), ("message", "Hi", nil, nil)], "Invalid signature"),
                ([("replySign", chat.replySign, nil, nil), ("message", String(repeating: "я", count: 1001), nil, nil)], "Invalid value for \"message\""),
                ([("replySign", chat.replySign, nil, nil)], "Invalid value for \"message\""),
                ([("replySign", chat.replySign, nil, nil), ("file", "binary", "clip.mp4", "video/mp4")], "has unsupported mime type"),
            ]
            for (fields, detail) in cases {
                let (body, type) = multipart(fields.map { ($0.0, $0.1, $0.2, $0.3) })
                let answer = try await client.send("POST", "/api/v1/seller/message", headers: ["Content-Type": type], body: body)
                #expect(answer.status == 400)
                #expect(answer.header("Content-Type")?.hasPrefix("application/problem+json") == true)
                #expect((answer.json["detail"] as? String)?.contains(detail) == true, "\(answer.json)")
                for field in ["title", "origin", "requestId", "error"] { #expect(answer.json[field] is String) }
            }
            #expect(simulator.chats.events == before, "nothing refused was sent")
        }
    }

    @Test("a buyer's new chat appears in the list and as an isNewChat event", .timeLimit(.minutes(1)))
    func newChat() async throws {
        try await WildberriesTestTokens.withSimulator { simulator in
            let (chat, event) = simulator.chats.startChat(clientName: "Ольга", text: "Здравствуйте, где мой заказ?")
            let client = WildberriesRawClient(base: simulator.chatURL)
            let list = try await client.send("GET", "/api/v1/seller/chats")
            let chats = list.json["result"] as? [[String: Any]] ?? []
            let listed = try #require(chats.first { $0["chatID"] as? String == chat.chatID })
            #expect(listed["replySign"] as? String == chat.replySign)
            #expect((listed["lastMessage"] as? [String: Any])?["text"] as? String == "Здравствуйте, где мой заказ?")
            let events = try await client.send("GET", "/api/v1/seller/events?next=\(event.streamTimestamp - 1)")
            let first = try #require(((events.json["result"] as? [String: Any])?["events"] as? [[String: Any]])?.first)
            #expect(first["isNewChat"] as? Bool == true)
            #expect(first["replySign"] as? String == chat.replySign)
        }
    }
}
