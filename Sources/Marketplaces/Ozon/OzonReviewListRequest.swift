import Connectors

/// The body of `/v2/review/list`, the one call made for every page a client lists. Written
/// straight to bytes, with the keys in the sorted order `OzonBody` gives them, so it is the same
/// request byte for byte; built as `OzonBody` dictionaries and sorted on the way out it cost as
/// much as reading a review.
struct OzonReviewListRequest {
    /// `ALL` or `PROCESSED` (`UNPROCESSED` is not a v2 filter).
    var status: String
    /// `filters.published_from`: only reviews published at or after it.
    var from: Timestamp?
    /// `filters.published_to`: only reviews published at or before it (updates' windows, when
    /// Ozon lists out of the order asked for).
    var to: Timestamp? = nil
    /// The previous page's `last_id`.
    var lastID: String?
    var limit: Int
    var ascending: Bool

    var bytes: [UInt8] {
        var writer = ByteWriter(capacity: 128 + (lastID?.utf8.count ?? 0) * 6)
        writer.append(#"{"filters":{"#)
        if let from {
            writer.append(#""published_from":""#)
            from.appendRFC3339(to: &writer)
            writer.append(#"","#)
        }
        if let to {
            writer.append(#""published_to":""#)
            to.appendRFC3339(to: &writer)
            writer.append(#"","#)
        }
        writer.append(#""status":"#)
        JSONBytes.appendString(status, to: &writer)
        writer.append("}")
        if let lastID {
            writer.append(#","last_id":"#)
            JSONBytes.appendString(lastID, to: &writer)
        }
        writer.append(#","limit":"#)
        JSONBytes.appendInteger(limit, to: &writer)
        writer.append(ascending ? #","sort_dir":"ASC"}"# : #","sort_dir":"DESC"}"#)
        return writer.bytes
    }
}
