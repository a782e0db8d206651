/// What a connector can do. A connector lists the operations it supports and throws
/// `ConnectorError.operationNotSupported` for the others, never a silent no-op.
public enum ConnectorOperation: String, Hashable, Sendable, Codable, CaseIterable {
    case listItems = "list_items"
    case item
    case reply
    case markRead = "mark_read"
    case updates
}
