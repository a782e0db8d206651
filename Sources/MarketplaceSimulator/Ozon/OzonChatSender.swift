/// Who wrote a chat message, as `/v3/chat/history` names it in `user.type`.
public enum OzonChatSender: String, Sendable, Equatable {
    case customer = "Customer"
    case seller = "Seller"
    /// Ozon's own system messages.
    case crm = "Crm"
    case support = "Support"
    case notification = "NotificationUser"
}
