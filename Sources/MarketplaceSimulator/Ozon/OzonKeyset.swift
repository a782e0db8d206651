/// Keyset pagination as Ozon's review and question lists do it: items ordered by publication time
/// (then id), a page continuing strictly after the item named by `last_id`.
enum OzonKeyset {
    typealias Key = (time: Int64, id: String)

    /// The page of `items` after `lastID` (an id among `keys`, the whole collection's keys),
    /// and whether more follow.
    static func page<T>(_ items: [T], key: (T) -> Key, allKeys: [String: Int64], lastID: String?, ascending: Bool,
                        limit: Int) throws(OzonFailure) -> (page: [T], hasNext: Bool) {
        func before(_ a: Key, _ b: Key) -> Bool {
            ascending ? (a.time, a.id) < (b.time, b.id) : (a.time, a.id) > (b.time, b.id)
        }
        var sorted = items.sorted { before(key($0), key($1)) }
        if let lastID, !lastID.isEmpty {
            guard let time = allKeys[lastID] else { throw .invalid("invalid last_id") }
            let bound: Key = (time, lastID)
            sorted = sorted.filter { before(bound, key($0)) }
        }
        return (Array(sorted.prefix(limit)), sorted.count > limit)
    }
}
