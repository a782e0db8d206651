import Connectors
@testable import Marketplaces
import Testing

@Suite("Ozon updates by publication time, whichever order Ozon lists in")
struct OzonPublishedSyncTests {
    /// An unanswered question `id` published at `millis` (unix ms).
    static func entry(_ id: String, _ millis: Int64) -> OzonDatedEntry {
        let at = Timestamp(millisecondsSinceEpoch: millis)
        return OzonDatedEntry(id: id, publishedAt: at, item: Item(id: id, marketplace: .ozon, channel: .question, kind: .question,
                                                                  text: "?", createdAt: at, status: .unanswered))
    }

    /// Questions q0…q(n-1), one a minute; pages of `size` in the given order, from `from` to `to`
    /// (both inclusive; `to` ignored unless `honoursTo`).
    static func listing(_ count: Int, size: Int, newestFirst: Bool, scrambled: Bool = false, from: Timestamp?, to: Timestamp? = nil,
                        honoursTo: Bool = true, token: String?) -> OzonPage<OzonDatedEntry> {
            var entries = (0..<count).map { index in entry("q\(index)", (1_780_000_000 + Int64(index) * 60) * 1000) }.filter { (from == nil || !($0.publishedAt < from!)) && (!honoursTo || to == nil || !(to! < $0.publishedAt)) }
            if newestFirst { entries.reverse() }
            if scrambled { entries.sort { (Int($0.id.dropFirst())! * 7919) % 1009 < (Int($1.id.dropFirst())! * 7919) % 1009 } }
            let start = Int(token ?? "0")!
            let page = Array(entries.dropFirst(start).prefix(size))
            let next = start + page.count < entries.count ? String(start + page.count) : nil
            return OzonPage(entries: page, nextToken: next, hasNext: next != nil)
    }

    static func drain(newestFirst: Bool, scrambled: Bool = false, count: Int, size: Int, limit: Int, honoursTo: Bool = true,
                      calls: Int = 50) async throws -> [String] {
        var ids: [String] = []
        var cursor: Cursor?
        for _ in 0..<calls {
            let page = try await OzonPublishedSync.updates(since: cursor, limit: limit) { from, to, token async throws(ConnectorError) in
                listing(count, size: size, newestFirst: newestFirst, scrambled: scrambled, from: from, to: to, honoursTo: honoursTo,
                        token: token)
            }
            ids += page.items.map { $0.id }
            cursor = page.nextCursor
            if !page.hasMore { break }
        }
        return ids
    }

    @Test("given a listing oldest first or newest first, when updates are read page by page, then every item comes once, oldest first",
          arguments: [false, true])
    func everyItemOnce(newestFirst: Bool) async throws {
        let ids = try await Self.drain(newestFirst: newestFirst, count: 23, size: 5, limit: 4)
        #expect(ids == (0..<23).map { "q\($0)" })
    }

    @Test("given a newest-first listing whose newest items share a millisecond, when updates are read one at a time, then the older item is not passed over")
    func newestFirstWithATiedTop() async throws {
        // given: q1, then q2 and q3 in one millisecond; Ozon lists newest first, whatever was asked
        let base: Int64 = 1_780_000_000_000
        let dated = [("q1", base), ("q2", base + 9000), ("q3", base + 9000)].map { Self.entry($0, $1) }
        var ids: [String] = []
        var cursor: Cursor?
        for _ in 0..<10 {
            // when
            let page = try await OzonPublishedSync.updates(since: cursor, limit: 1) { from, _, _ async throws(ConnectorError) in
                OzonPage(entries: dated.filter { from == nil || !($0.publishedAt < from!) }.reversed(), nextToken: nil, hasNext: false)
            }
            ids += page.items.map(\.id)
            cursor = page.nextCursor
            if !page.hasMore && page.items.isEmpty { break }
        }
        // then
        #expect(ids == ["q1", "q2", "q3"])
    }

    @Test("given a newest-first listing longer than a call reads, when updates are read page by page, then it is read in windows of publication time and every item comes once, oldest first",
          arguments: [(30, 1, 4), (95, 2, 7), (250, 5, 100), (800, 1, 100)])
    func tooLongForOneCall(count: Int, size: Int, limit: Int) async throws {
        // 800 pages of one: more cuts than a cursor keeps (32), so the backlog is cut again from the top.
        let ids = try await Self.drain(newestFirst: true, count: count, size: size, limit: limit, calls: 2000)
        #expect(ids == (0..<count).map { "q\($0)" })
    }

    @Test("given a newest-first listing longer than a call reads whose cut falls on a millisecond 30 items share, when updates are read page by page, then every item comes once, oldest first")
    func crowdedMillisecondAtACut() async throws {
        // given: 10 older items, 30 in one millisecond, 10 newer; pages of 2, newest first, so the
        // first call's 20 pages end inside the crowded millisecond and the window is cut there
        let base: Int64 = 1_780_000_000_000
        let older: [Int64] = (0..<10).map { base + Int64($0) * 60_000 }
        let crowded: [Int64] = Array(repeating: base + 700_000, count: 30)
        let newer: [Int64] = (0..<10).map { base + 800_000 + Int64($0) * 60_000 }
        let dated: [OzonDatedEntry] = (older + crowded + newer).enumerated().map { index, millis in
            Self.entry((index < 10 ? "q0" : "q") + String(index), millis)
        }
        var ids: [String] = []
        var cursor: Cursor?
        // when
        for _ in 0..<60 {
            let page = try await OzonPublishedSync.updates(since: cursor, limit: 7) { from, to, token async throws(ConnectorError) in
                let window = dated.filter { (from == nil || !($0.publishedAt < from!)) && (to == nil || !(to! < $0.publishedAt)) }
                    .sorted { ($0.publishedAt, $0.id) > ($1.publishedAt, $1.id) }
                let start = Int(token ?? "0")!
                let entries = Array(window.dropFirst(start).prefix(2))
                let next = start + entries.count < window.count ? String(start + entries.count) : nil
                return OzonPage(entries: entries, nextToken: next, hasNext: next != nil)
            }
            ids += page.items.map(\.id)
            cursor = page.nextCursor
            if !page.hasMore { break }
        }
        // then
        #expect(ids == dated.map(\.id))
    }

    @Test("given a listing in no order at all, longer than a call reads, when updates are read page by page, then every item comes once, oldest first")
    func scrambledListing() async throws {
        let ids = try await Self.drain(newestFirst: false, scrambled: true, count: 120, size: 3, limit: 10, calls: 400)
        #expect(ids == (0..<120).map { "q\($0)" })
    }

    @Test("given a newest-first listing longer than a call reads that ignores the upper bound of a window too, then updates fail loudly instead of skipping items")
    func tooLongToOrder() async throws {
        await #expect(throws: OzonPublishedSync.unordered) {
            _ = try await Self.drain(newestFirst: true, count: 30, size: 1, limit: 4, honoursTo: false)
        }
    }
}
