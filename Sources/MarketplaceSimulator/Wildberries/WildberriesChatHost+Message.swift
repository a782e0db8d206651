import Foundation
import HTTP

extension WildberriesChatHost {
    private static let maxFileSize = 5 * 1024 * 1024
    private static let maxTotalSize = 30 * 1024 * 1024
    private static let fileTypes = ["image/jpeg", "image/png", "application/pdf"]

    /// `POST /api/v1/seller/message`: multipart `replySign`, `message` (≤ 1000 characters) and
    /// `file` parts (JPEG, PNG or PDF, ≤ 5 MiB each, ≤ 30 MiB in all).
    func message(_ request: SimulatorRequest) -> HTTPResponse {
        guard let form = WildberriesMultipartForm(body: Array(request.body), contentType: request.header("Content-Type") ?? "") else {
            return WildberriesResponses.chatError(400, detail: "request Content-Type isn't multipart/form-data")
        }
        guard let sign = form.first("replySign")?.text, !sign.isEmpty, sign.count <= 255 else {
            return WildberriesResponses.chatError(400, detail: "Invalid signature")
        }
        let text = form.first("message")?.text
        let files = form.all("file")
        if let text, text.unicodeScalars.count > 1000 {
            return WildberriesResponses.chatError(400, detail: "Invalid value for \"message\"")
        }
        if (text ?? "").allSatisfy(\.isWhitespace), files.isEmpty {
            return WildberriesResponses.chatError(400, detail: "Invalid value for \"message\"")
        }
        var total = 0
        for file in files {
            let tag = WildberriesResponses.requestID().prefix(11).uppercased()
            let type = (file.contentType ?? "application/octet-stream").split(separator: ";").first.map(String.init) ?? ""
            guard Self.fileTypes.contains(type.lowercased()) else {
                return WildberriesResponses.chatError(400, detail: "\(tag): \"\(file.filename ?? "file")\" has unsupported mime type")
            }
            guard file.body.count <= Self.maxFileSize else {
                return WildberriesResponses.chatError(400, detail: "\(tag): attachment too big. Max size: 5MiB")
            }
            total += file.body.count
        }
        guard total <= Self.maxTotalSize else {
            return WildberriesResponses.chatError(400, detail: "attachments too big. Max total size: 30MiB")
        }
        let sent = store.send(replySign: sign, text: (text ?? "").isEmpty ? nil : text,
                              files: files.map { ($0.filename ?? "file", ($0.contentType ?? "").lowercased(), $0.body) },
                              now: WildberriesResponses.nowMilliseconds())
        guard let sent else { return WildberriesResponses.chatError(400, detail: "Invalid signature") }
        return SimulatorResponse.json(["result": ["addTime": sent.addTimestamp, "chatID": sent.chatID], "errors": [String]()])
    }
}
