import Foundation

/// A file or image sent in a chat message, kept so `GET /api/v1/seller/download/{id}` can serve it.
public struct WildberriesSimulatedAttachment: Sendable, Equatable {
    /// The id `GET /api/v1/seller/download/{id}` serves the file under.
    public var downloadID: String
    /// The file name as uploaded.
    public var name: String
    /// The media type as uploaded; `image/…` files are listed as images, the rest as files.
    public var contentType: String
    /// The file's content.
    public var bytes: [UInt8]
    /// Unix ms of the upload.
    public var uploadedAt: Int64

    /// An attachment as given; `uploadedAt` in unix ms.
    public init(downloadID: String, name: String, contentType: String, bytes: [UInt8], uploadedAt: Int64) {
        self.downloadID = downloadID
        self.name = name
        self.contentType = contentType
        self.bytes = bytes
        self.uploadedAt = uploadedAt
    }

    /// Whether the event lists it under `images` rather than `files`.
    public var isImage: Bool { contentType.hasPrefix("image/") }

    func json() -> [String: Any] {
        let part: Int = downloadID.utf8.reduce(0) { (sum: Int, byte: UInt8) -> Int in (sum * 31 + Int(byte)) % 9000 } + 1000
        let url = "https://chat-basket-01.wbbasket.ru/vol0/part\(part)/\(downloadID)"
        if isImage {
            return ["date": WildberriesDateText.utc(uploadedAt, fractionDigits: 3), "downloadID": downloadID, "url": url]
        }
        return ["contentType": contentType, "date": WildberriesDateText.utc(uploadedAt, fractionDigits: 3),
                "downloadID": downloadID, "name": name, "url": url, "size": bytes.count]
    }
}
