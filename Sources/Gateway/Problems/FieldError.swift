/// One thing wrong with one field of a request, reported in a problem's `errors` member so a
/// client can point at the field.
public struct FieldError: Sendable, Equatable, Codable {
    /// The field's name as the client sent it (`limit`, `text`, `status`), or a JSON pointer;
    /// a name longer than `maxFieldLength` Unicode scalars is cut there, with "…".
    public var field: String
    /// What is wrong, worded to follow the field's name (`must be between 1 and 100`).
    public var message: String

    /// An error for `field` (cut to `maxFieldLength` Unicode scalars) saying `message`. Scalars,
    /// not characters: one character may hold any number of combining marks, and a name of one
    /// character and a megabyte would be echoed whole, twice.
    public init(_ field: String, _ message: String) {
        let scalars = field.unicodeScalars
        if scalars.count > Self.maxFieldLength {
            var cut = String.UnicodeScalarView()
            cut.append(contentsOf: scalars.prefix(Self.maxFieldLength))
            self.field = String(cut) + "…"
        } else {
            self.field = field
        }
        self.message = message
    }

    /// The first error of each field, in order: a client reads one entry a field (a name twice
    /// undecodable, or cut to the same 64 scalars, is still one field to fix).
    public static func onePerField(_ errors: [FieldError]) -> [FieldError] {
        guard errors.count > 1 else { return errors }
        var seen = Set<String>()
        return errors.filter { seen.insert($0.field).inserted }
    }

    /// No field of ours has a name near this long: a longer one is the client's mistake, echoed
    /// only far enough to be recognised.
    public static let maxFieldLength = 64
}
