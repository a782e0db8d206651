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

    /// A newest-first listing of `entries`, `size` a page, of those at or before `upTo` when
    /// given, each page's token naming the entry it starts after (Ozon's `last_id`). A token
    /// naming no entry is refused as Ozon's simulator refuses it (400).
    static func page(_ entries: [Entry], size: Int, after token: String?, upTo: Int64? = nil) throws(ConnectorError) -> OzonPage<Entry> {
        let entries = entries.filter { entry in upTo.map { entry.at <= $0 } ?? true }
        var start = 0
        if let token {
            guard let found = entries.firstIndex(where: { $0.id == token }) else {
                throw .upstreamError(UpstreamFailure(marketplace: .ozon, status: 400, message: "invalid last_id"))
            }
            start = found + 1
        }
        let page = Array(entries.dropFirst(start).prefix(size))
        let more = start + page.count < entries.count
        return OzonPage(entries: page, nextToken: more ? page.last?.id : nil, hasNext: more)
    }

    static func walk(from position: OzonListPosition, limit: Int, over listing: Listing,
                     failure: ConnectorError? = nil) async throws -> (ids: [String], next: OzonListPosition?) {
        let (items, next) = try await OzonListPager.collect(
            limit: limit, from: position, maxPages: 5, id: { $0.id }, date: { $0.at },
            fetch: { token, upTo async throws(ConnectorError) in
                if let failure, token != nil { throw failure }
                return try page(listing.entries.withLock { $0 }, size: 4, after: token, upTo: upTo)
            },
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

    @Test("given a walk that stopped at a page's end, when the page's last entry leaves the listing and its token is refused, then the walk re-enters by date, losing none and repeating none")
    func pageEndEntryLeaves() async throws {
        // given: 14 entries, E5 and E6 in one millisecond; upstream pages of 4, a first page of 4
        let dates: [Int64] = [1000, 990, 980, 970, 960, 950, 950, 940, 930, 920, 910, 900, 890, 880]
        let listing = Listing(dates.indices.map { Entry(id: "E\($0)", at: dates[$0]) })
        let first = try await Self.walk(from: .start, limit: 4, over: listing)
        #expect(first.ids == ["E0", "E1", "E2", "E3"])
        // when: E3, whose id the next page's token is, leaves; a newer entry arrives meanwhile
        listing.entries.withLock { entries in
            entries.removeAll { $0.id == "E3" }
            entries.insert(Entry(id: "N", at: 2000), at: 0)
        }
        // then: the rest, each once, in three more pages of 3
        var ids: [String] = []
        var position = try #require(first.next)
        for _ in 0..<20 {
            let page = try await Self.walk(from: position, limit: 3, over: listing)
            ids += page.ids
            guard let next = page.next else { break }
            position = next
        }
        #expect(ids == (4..<14).map { "E\($0)" })
    }

    @Test("given a walk stopped inside a page, when the entry its page's token names leaves, then the walk re-enters after the entry it last took")
    func midPageTokenLeaves() async throws {
        // given: 12 entries, pages of 4; two pages of 3 stop inside the second upstream page, after E5
        let listing = Listing((0..<12).map { Entry(id: "E\($0)", at: Int64(1000 - $0 * 10)) })
        let first = try await Self.walk(from: .start, limit: 3, over: listing)
        let second = try await Self.walk(from: try #require(first.next), limit: 3, over: listing)
        #expect(first.ids + second.ids == ["E0", "E1", "E2", "E3", "E4", "E5"])
        // when: E3, the token of the page the walk stopped in, leaves
        listing.entries.withLock { $0.removeAll { $0.id == "E3" } }
        let ids = try await Self.rest(after: try #require(second.next), limit: 3, over: listing)
        // then
        #expect(ids == (6..<12).map { "E\($0)" })
    }

    @Test("given a walk stopped at a page's end, when the upstream fails the next page (5xx or no answer), then that failure is the call's, not a re-entry")
    func failureIsNotRefusal() async throws {
        let listing = Listing((0..<12).map { Entry(id: "E\($0)", at: Int64(1000 - $0 * 10)) })
        let first = try await Self.walk(from: .start, limit: 4, over: listing)
        let position = try #require(first.next)
        for failure: ConnectorError in [.upstreamError(UpstreamFailure(marketplace: .ozon, status: 500, message: "internal")),
                                        .upstreamError(UpstreamFailure(marketplace: .ozon, status: nil, message: "reset")),
                                        .upstreamRateLimited(retryAfter: .seconds(1), UpstreamFailure(marketplace: .ozon, status: 429, message: "slow"))] {
            await #expect(throws: failure) { try await Self.walk(from: position, limit: 4, over: listing, failure: failure) }
        }
    }

    /// A walk over a listing ordered by key, highest first (`at` serves as the key; 0: an entry
    /// without one, such as an announcement chat), whose pages are named by offset.
    static func keyedWalk(from position: OzonListPosition, limit: Int, over listing: Listing) async throws
        -> (ids: [String], next: OzonListPosition?) {
        let (items, next) = try await OzonListPager.collect(
            limit: limit, from: position, maxPages: 5, id: { $0.id }, key: { UInt64($0.at) },
            fetch: { token, _ async throws(ConnectorError) in
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
