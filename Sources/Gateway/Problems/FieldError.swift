/// One thing wrong with one field of a request, reported in a problem's `errors` member so a
/// client can point at the field.
public struct FieldError: Sendable, Equatable, Codable {
    /// The field's name as the client sent it (`limit`, `text`, `status`), or a JSON pointer.
    public var field: String
    public var message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }
}
