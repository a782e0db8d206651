/// A type that reads itself from a parsed JSON value by hand, member by member, instead of
/// through `Decodable`: every upstream answer (Ozon's and Wildberries' wire types) is read this
/// way. `Decodable` boxes each container, allocates a decoder per nested value and throws
/// (allocating) whenever a wire type probes a kind, which made decoding a page of reviews a
/// fifth of the gateway's time per request; reading by hand costs 40 % fewer instructions.
///
///     extension Review: JSONReadable {
///         init(json: JSONElement) throws(JSONReadError) {
///             var id: String?, text: String?
///             try json.members { key, value throws(JSONReadError) in
///                 switch key {
///                 case "id": id = try value.string()
///                 case "text": text = try value.nonNull?.string()
///                 default: break
///                 }
///             }
///             guard let id else { throw .missing("id") }
///             self.init(id: id, text: text)
///         }
///     }
///
/// Conventions, as `JSONDecoder` has them for an `Optional` member: an absent member and a
/// `null` one are both nil; a present one of the wrong kind fails the whole read. Members not
/// asked for are skipped without being looked at.
public protocol JSONReadable {
    /// Reads the value `json` stands at. `json` is valid only during the call.
    init(json: JSONElement) throws(JSONReadError)
}

extension JSONReadable {
    /// Parses `bytes` (with `JSONParser`'s rules, a lone surrogate escape read as U+FFFD: these
    /// are marketplaces' answers) and reads `Self` from the value.
    public init(parsing bytes: some Collection<UInt8>) throws(JSONReadError) {
        let read: Result<Self, JSONReadError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONReadError) in try Self(parsing: UnsafeRawBufferPointer(buffer)) }
        }
        if let read {
            self = try read.get()
        } else {
            self = try Array(bytes).withUnsafeBytes { buffer in Result { () throws(JSONReadError) in try Self(parsing: buffer) } }.get()
        }
    }

    /// The same for an upstream answer's bytes, read in place: through the generic overload the
    /// array lent its bytes by an unspecialised call, via the protocol's witness table. Inlinable,
    /// so the caller's module specialises it for `Self` instead of looking up the metadata of a
    /// `Result<Self, JSONReadError>` at run time on every answer.
    @inlinable
    public init(parsing bytes: [UInt8]) throws(JSONReadError) {
        var failure: JSONReadError?
        let read: Self? = bytes.withUnsafeBytes { buffer in
            do throws(JSONReadError) {
                return try Self(parsing: buffer)
            } catch {
                failure = error
                return nil
            }
        }
        guard let read else { throw failure ?? .notJSON(nil) }
        self = read
    }

    @usableFromInline
    init(parsing bytes: UnsafeRawBufferPointer) throws(JSONReadError) {
        let tape: JSONTape
        do {
            tape = try JSONTape(parsing: bytes, replacesLoneSurrogates: true)
        } catch {
            throw .notJSON(error)
        }
        try self.init(json: JSONElement(tape: tape, index: 0))
    }
}

/// An array of readable values reads element by element; one that fails fails the array.
extension Array: JSONReadable where Element: JSONReadable {
    /// The elements of a JSON array, each read as an `Element`.
    public init(json: JSONElement) throws(JSONReadError) {
        self = try json.array(of: Element.self)
    }
}
