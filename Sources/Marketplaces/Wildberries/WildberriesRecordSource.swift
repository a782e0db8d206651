import Connectors
import Foundation

/// Feedbacks or questions on the feedbacks host: one page of a list, one record by id, and the
/// write requests, all sent through the tenant's shared caller with its token.
struct WildberriesRecordSource<Record: WildberriesRecord>: Sendable {
    /// One element of a page: the record (nil when it could not be read) and, on request, its raw JSON.
    struct Entry {
        var record: Record?
        var raw: JSONValue?
    }

    let session: WildberriesSession
    /// `feedbacks` or `questions`: the list path's last segment and the operation labels' prefix.
    let plural: String
    /// `feedback` or `question`: the path of one record.
    let singular: String
    let caps: WildberriesOffsetCaps
    /// Where Wildberries moves records it no longer lists by `isAnswered` (feedbacks only:
    /// `/api/v1/feedbacks/archive`); nil when the records have no archive.
    var archivePath: String? = nil

    /// `GET /api/v1/{plural}` with `isAnswered`, `take`, `skip`, `order`, and dates in unix seconds.
    func page(isAnswered: Bool, skip: Int, take: Int, ascending: Bool, dateFrom: Int64?, dateTo: Int64?,
              includeRaw: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> [Entry] {
        try await datedPage(isAnswered: isAnswered, skip: skip, take: take, ascending: ascending, dateFrom: dateFrom,
                            dateTo: dateTo, includeRaw: includeRaw, deadline: deadline).entries
    }

    /// `page`, with Wildberries' time of the answer (its `Date`, unix seconds) when it gave one.
    func datedPage(isAnswered: Bool, skip: Int, take: Int, ascending: Bool, dateFrom: Int64?, dateTo: Int64?,
                   includeRaw: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> (entries: [Entry], answeredAt: Int64?) {
        var query: [(name: String, value: String)] = [
            ("isAnswered", isAnswered ? "true" : "false"), ("take", String(take)), ("skip", String(skip)),
            ("order", ascending ? "dateAsc" : "dateDesc"),
        ]
        if let dateFrom { query.append(("dateFrom", String(dateFrom))) }
        if let dateTo { query.append(("dateTo", String(dateTo))) }
        let operation = "\(plural).list"
        let response = try await session.feedbacks.call(
            UpstreamRequest(method: "GET", path: "/api/v1/\(plural)", query: query, headers: [session.authorization],
                            safety: .idempotent, operation: operation),
            deadline: deadline)
        return (try entries(of: response, operation: operation, includeRaw: includeRaw), response.answeredAtUnixSeconds)
    }

    /// A page of the archive (`archivePath`), newest first: `take` and `skip` only, as the archive
    /// has no `isAnswered` and no dates; its envelope has no counters.
    func archivePage(path: String, skip: Int, take: Int, includeRaw: Bool,
                     deadline: ContinuousClock.Instant) async throws(ConnectorError) -> [Entry] {
        let operation = "\(plural).archive"
        let response = try await session.feedbacks.call(
            UpstreamRequest(method: "GET", path: path,
                            query: [("take", String(take)), ("skip", String(skip)), ("order", "dateDesc")],
                            headers: [session.authorization], safety: .idempotent, operation: operation),
            deadline: deadline)
        return try entries(of: response, operation: operation, includeRaw: includeRaw)
    }

    /// The records of a list's or the archive's envelope (`data.feedbacks` or `data.questions`),
    /// each with its raw JSON when asked for.
    private func entries(of response: UpstreamResponse, operation: String, includeRaw: Bool) throws(ConnectorError) -> [Entry] {
        let envelope = try WildberriesDecoding.decode(WildberriesEnvelope<WildberriesRecordPage<Record>>.self,
                                                      from: response, operation: operation)
        guard let data = envelope.data else { throw WildberriesDecoding.malformed(response, operation: operation) }
        var raws: [JSONValue] = []
        if includeRaw, case .array(let values)? = try WildberriesDecoding.json(response, operation: operation)["data"]?[plural] {
            raws = values
        }
        return data.records.enumerated().map { index, record in
            Entry(record: record, raw: index < raws.count ? raws[index] : nil)
        }
    }

    /// `GET /api/v1/{singular}?id=`; `itemNotFound` when Wildberries has no such record, and
    /// `malformedItemID`, not asked, for an id no record can have.
    func item(id: String, includeRaw: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> (Record, JSONValue?) {
        try ItemIDShape.token.check(id)
        let operation = "\(plural).item"
        let response = try await session.feedbacks.call(
            UpstreamRequest(method: "GET", path: "/api/v1/\(singular)", query: [("id", id)], headers: [session.authorization],
                            safety: .idempotent, operation: operation),
            deadline: deadline)
        let envelope = try WildberriesDecoding.decode(WildberriesEnvelope<Record>.self, from: response, operation: operation)
        guard let record = envelope.data else { throw .itemNotFound(id: id) }
        let raw = includeRaw ? try WildberriesDecoding.json(response, operation: operation)["data"] : nil
        return (record, raw)
    }

    /// A JSON write to the feedbacks host (`POST`/`PATCH`), its 2xx answer returned.
    @discardableResult
    func write(_ method: String, path: String, body: [String: Any], safety: UpstreamRequest.Safety, operation: String,
               deadline: ContinuousClock.Instant) async throws(ConnectorError) -> UpstreamResponse {
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])).map { [UInt8]($0) } ?? []
        return try await session.feedbacks.call(
            .json(method, path, body: data, safety: safety, operation: operation, headers: [session.authorization]),
            deadline: deadline)
    }
}
