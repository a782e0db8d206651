import Connectors
@testable import Marketplaces
import Synchronization
import Testing

@Suite("Ozon list pager")
struct OzonListPagerTests {
    struct Entry: Sendable {
        var id: String
        /// Unix ms; 0: no date.
        var at: Int64
    }

    /// The upstream's listing, changed between calls.
    final class Listing: Sendable {
        let entries: Mutex<[Entry]>
        init(_ entries: [Entry]) { self.entries = Mutex(entries) }
    }

    /// A newest-first listing of `entries()`, `size` a page, each page's token naming the entry
    /// it starts after (Ozon's `last_id`).
    static func page(_ entries: [Entry], size: Int, after token: String?) -> OzonPage<Entry> {
        let start = token.flatMap { token in entries.firstIndex { $0.id == token }.map { $0 + 1 } } ?? 0
        let page = Array(entries.dropFirst(start).prefix(size))
        let more = start + page.count < entries.count
        return OzonPage(entries: page, nextToken: more ? page.last?.id : nil, hasNext: more)
    }

    static func walk(from position: OzonListPosition, limit: Int, over listing: Listing) async throws
        -> (ids: [String], next: OzonListPosition?) {
        let (items, next) = try await OzonListPager.collect(
            limit: limit, from: position, maxPages: 5, id: { $0.id }, date: { $0.at },
            fetch: { token async throws(ConnectorError) in page(listing.entries.withLock { $0 }, size: 4, after: token) },
            accept: { entries, range, items async throws(ConnectorError) in
                for entry in entries[range] {
                    items.append(Item(id: entry.id, marketplace: .ozon, channel: .question, kind: .question, text: "?",
                                      createdAt: Timestamp(millisecondsSinceEpoch: entry.at), status: .unanswered))
                }
            })
        return (items.map { $0.id }, next)
    }

    /// The ids of every page from `position` to the end (`keyed`: by `keyedWalk`).
    static func rest(after position: OzonListPosition, limit: Int, over listing: Listing, keyed: Bool = false) async throws -> [String] {
        var ids: [String] = []
        var position = position
        while true {
            let page = try await keyed ? keyedWalk(from: position, limit: limit, over: listing) : walk(from: position, limit: limit, over: listing)
            ids += page.ids
            guard let next = page.next else { return ids }
            position = next
        }
    }

    @Test("given a walk that stopped on an entry without a date, when that entry leaves the listing, then the walk goes on with the next, losing none")
    func undatedStopLeaves() async throws {
        // given: A B U D | E F G H | I, U without a date; a first page of 3
        let listing = Listing([Entry(id: "A", at: 900), Entry(id: "B", at: 800), Entry(id: "U", at: 0), Entry(id: "D", at: 700),
                             Entry(id: "E", at: 600), Entry(id: "F", at: 500), Entry(id: "G", at: 400), Entry(id: "H", at: 300),
                             Entry(id: "I", at: 200)])
        let first = try await Self.walk(from: .start, limit: 3, over: listing)
        #expect(first.ids == ["A", "B", "U"])
        // when: U leaves (answered, in a list of unanswered ones)
        listing.entries.withLock { $0.removeAll { $0.id == "U" } }
        let ids = try await Self.rest(after: try #require(first.next), limit: 3, over: listing)
        // then
        #expect(ids == ["D", "E", "F", "G", "H", "I"])
    }

    @Test("given a walk that stopped at a page's end, when newer entries push its last one onto the next page, then the walk resumes after it there")
    func stopPushedOnTwoPages() async throws {
        // given: 12 entries, upstream pages of 4, a first page of 3
        let listing = Listing((0..<12).map { Entry(id: "e\($0)", at: Int64(1000 - $0 * 10)) })
        let first = try await Self.walk(from: .start, limit: 3, over: listing)
        #expect(first.ids == ["e0", "e1", "e2"])
        // when: five newer ones arrive, pushing e2 two pages on
        listing.entries.withLock { $0.insert(contentsOf: (0..<5).map { Entry(id: "n\($0)", at: Int64(2000 - $0)) }, at: 0) }
        let ids = try await Self.rest(after: try #require(first.next), limit: 3, over: listing)
        // then: the rest once, the new ones above the walk not in it
        #expect(ids == (3..<12).map { "e\($0)" })
    }

    /// A walk over a listing ordered by key, highest first (`at` serves as the key; 0: an entry
    /// without one, such as an announcement chat), whose pages are named by offset.
    static func keyedWalk(from position: OzonListPosition, limit: Int, over listing: Listing) async throws
        -> (ids: [String], next: OzonListPosition?) {
        let (items, next) = try await OzonListPager.collect(
            limit: limit, from: position, maxPages: 5, id: { $0.id }, key: { UInt64($0.at) },
            fetch: { token async throws(ConnectorError) in
                let entries = listing.entries.withLock { $0 }
                let start = token.flatMap { Int($0) } ?? 0
                let page = Array(entries.dropFirst(start).prefix(4))
                let more = start + page.count < entries.count
                return OzonPage(entries: page, nextToken: more ? String(start + page.count) : nil, hasNext: more)
            },
            accept: { entries, range, items async throws(ConnectorError) in
                for entry in entries[range] {
                    items.append(Item(id: entry.id, marketplace: .ozon, channel: .chat, kind: .chat, text: "",
                                      createdAt: Timestamp(millisecondsSinceEpoch: 0), status: .unanswered))
                }
            })
        return (items.map { $0.id }, next)
    }

    @Test("given a keyed walk whose re-read page gives only an entry without a key, when newer entries pushed the last one taken onto the next page, then that one is not taken again")
    func keyedResumeAfterUnkeyedEntry() async throws {
        // given: A B C N | T D E F | G by key, N without one; a first page of 5 ends on T
        let listing = Listing([Entry(id: "A", at: 900), Entry(id: "B", at: 800), Entry(id: "C", at: 700), Entry(id: "N", at: 0),
                               Entry(id: "T", at: 600), Entry(id: "D", at: 500), Entry(id: "E", at: 400), Entry(id: "F", at: 300),
                               Entry(id: "G", at: 200)])
        let first = try await Self.keyedWalk(from: .start, limit: 5, over: listing)
        #expect(first.ids == ["A", "B", "C", "N", "T"])
        // when: four chats get messages and move to the top, so T starts the page after N's
        listing.entries.withLock { $0.insert(contentsOf: (1...4).map { Entry(id: "X\($0)", at: Int64(1000 + $0)) }, at: 0) }
        let ids = try await Self.rest(after: try #require(first.next), limit: 5, over: listing, keyed: true)
        // then: the rest once each, T not again (N, without a key, may come anywhere)
        #expect(ids.filter { $0 != "N" } == ["D", "E", "F", "G"])
    }
}
