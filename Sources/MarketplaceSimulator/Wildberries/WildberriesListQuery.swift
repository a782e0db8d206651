import HTTP

/// The query of `GET /api/v1/feedbacks` and `GET /api/v1/questions`, validated as the host does:
/// `isAnswered`, `take` and `skip` required, dates in unix seconds, and the caps of each list.
struct WildberriesListQuery {
    enum Caps {
        /// Feedbacks: `take ≤ maxTake`, `skip ≤ maxSkip`.
        case feedbacks(maxTake: Int, maxSkip: Int)
        /// Questions: `take`, `skip` and their sum each ≤ `maxTotal`.
        case questions(maxTotal: Int)
    }

    /// A parsed query, or the answer to a bad one.
    enum Parsed {
        case valid(WildberriesListQuery)
        case invalid(HTTPResponse)
    }

    var isAnswered: Bool
    var take: Int
    var skip: Int
    var ascending: Bool
    var nmId: Int64?
    /// Unix seconds, both inclusive.
    var dateFrom: Int64?
    var dateTo: Int64?

    /// What every list of the host pages and filters by: `take` and `skip` (required), `order`
    /// and `nmId`; the archive has nothing else.
    struct Paging {
        var take: Int
        var skip: Int
        var ascending: Bool
        var nmId: Int64?
    }

    /// `Paging` read from a query, or the 400 legacy envelope naming the bad field.
    enum ParsedPaging {
        case valid(Paging)
        case invalid(HTTPResponse)
    }

    /// The 400 legacy envelope the host answers a malformed field with.
    static func badFormat(_ name: String) -> HTTPResponse {
        WildberriesResponses.legacyError(400, "Плохой формат \(name)")
    }

    /// `take`, `skip`, `order` and `nmId`, checked in that order; `caps` (feedbacks only) bounds
    /// `take` and `skip`.
    static func paging(_ query: [String: String], feedbackCaps caps: (maxTake: Int, maxSkip: Int)? = nil) -> ParsedPaging {
        guard let takeText = query["take"], let take = Int(takeText), take >= 1 else { return .invalid(badFormat("take")) }
        guard let skipText = query["skip"], let skip = Int(skipText), skip >= 0 else { return .invalid(badFormat("skip")) }
        var ascending = false
        switch query["order"] ?? "" {
        case "", "dateDesc": ascending = false
        case "dateAsc": ascending = true
        default: return .invalid(badFormat("order"))
        }
        var nmId: Int64?
        if let text = query["nmId"], !text.isEmpty {
            guard let value = Int64(text) else { return .invalid(badFormat("nmId")) }
            nmId = value
        }
        if let caps, let refusal = feedbackCapsRefusal(take: take, skip: skip, caps: caps) { return .invalid(refusal) }
        return .valid(Paging(take: take, skip: skip, ascending: ascending, nmId: nmId))
    }

    /// The host's 400 for a feedbacks `take` or `skip` beyond its caps; nil within them.
    static func feedbackCapsRefusal(take: Int, skip: Int, caps: (maxTake: Int, maxSkip: Int)) -> HTTPResponse? {
        if take > caps.maxTake {
            return WildberriesResponses.legacyError(400, "Превышено максимальное значение take: \(caps.maxTake)")
        }
        if skip > caps.maxSkip {
            return WildberriesResponses.legacyError(400, "Превышено максимальное значение skip: \(caps.maxSkip)")
        }
        return nil
    }

    /// The query, or the 400 legacy envelope the host answers a bad one with.
    static func parse(_ query: [String: String], caps: Caps) -> Parsed {
        func bad(_ name: String) -> Parsed { .invalid(badFormat(name)) }
        guard let isAnswered = flag(query["isAnswered"]) else { return bad("isAnswered") }
        let paging: Paging
        switch Self.paging(query) {
        case .invalid(let response): return .invalid(response)
        case .valid(let parsed): paging = parsed
        }
        let (take, skip, ascending, nmId) = (paging.take, paging.skip, paging.ascending, paging.nmId)
        var dates: [Int64?] = []
        for name in ["dateFrom", "dateTo"] {
            if let text = query[name], !text.isEmpty {
                guard let value = Int64(text), value >= 0 else { return bad(name) }
                dates.append(value)
            } else {
                dates.append(nil)
            }
        }
        switch caps {
        case .feedbacks(let maxTake, let maxSkip):
            if let refusal = feedbackCapsRefusal(take: take, skip: skip, caps: (maxTake, maxSkip)) { return .invalid(refusal) }
        case .questions(let maxTotal):
            if take > maxTotal || skip > maxTotal || take + skip > maxTotal {
                return .invalid(WildberriesResponses.legacyError(
                    400, "Сумма значений take и skip не должна превышать \(maxTotal)"))
            }
        }
        return .valid(WildberriesListQuery(isAnswered: isAnswered, take: take, skip: skip, ascending: ascending, nmId: nmId,
                                             dateFrom: dates[0], dateTo: dates[1]))
    }

    /// `true`/`false` as clients send them, and the `1`/`0` one script uses.
    static func flag(_ text: String?) -> Bool? {
        switch text?.lowercased() {
        case "true", "1": true
        case "false", "0": false
        default: nil
        }
    }

    /// The records matching the filters, sorted by creation date (ties by id), this page of them.
    func page<Record: WildberriesListable>(of records: [Record]) -> [Record] {
        Self.slice(matches(records), skip: skip, take: take)
    }

    /// `take` records from `skip` on, as the host pages every list.
    static func slice<Record>(_ records: [Record], skip: Int, take: Int) -> [Record] {
        guard skip < records.count else { return [] }
        return Array(records[skip..<min(records.count, skip + take)])
    }

    /// `records` by creation date, oldest or newest first, ties by id: the host's order.
    static func ordered<Record: WildberriesListable>(_ records: [Record], ascending: Bool) -> [Record] {
        records.sorted { a, b in
            if a.createdAt != b.createdAt { return ascending ? a.createdAt < b.createdAt : a.createdAt > b.createdAt }
            return a.id < b.id
        }
    }

    /// Every record matching the filters, in the requested order.
    func matches<Record: WildberriesListable>(_ records: [Record]) -> [Record] {
        Self.ordered(records.filter { record in
            let second = record.createdAt >= 0 ? record.createdAt / 1000 : (record.createdAt - 999) / 1000
            return !record.isArchived && record.isAnswered == isAnswered
                && (nmId == nil || record.nmId == nmId)
                && (dateFrom.map { second >= $0 } ?? true)
                && (dateTo.map { second <= $0 } ?? true)
        }, ascending: ascending)
    }
}
