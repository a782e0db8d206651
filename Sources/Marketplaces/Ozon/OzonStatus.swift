import Connectors

/// Ozon's processing states, compared upper-cased (v3 answers upper case, docs mix cases).
enum OzonStatus {
    /// `NEW` is unread; `VIEWED` and `PROCESSED` were seen; v1's `UNPROCESSED` and unknown
    /// values say nothing about it.
    static func read(_ status: String?) -> Bool? {
        switch status {
        case "NEW": false
        case "VIEWED", "PROCESSED": true
        default: nil
        }
    }
}
