/// The sizes a request may not exceed. They are enforced while bytes arrive, so a peer can never
/// make the server buffer more than a limit plus one read.
public struct ParserLimits: Sendable, Equatable {
    /// Request line, without its CRLF; over it the request gets 414.
    public var maxRequestLineLength: Int = 8 * 1024
    /// One field line, without its CRLF; over it 431.
    public var maxFieldLineLength: Int = 8 * 1024
    /// All field lines together (and, separately, all trailer lines); over it 431.
    public var maxHeaderBlockLength: Int = 32 * 1024
    /// Number of header fields (and, separately, of trailer fields); over it 431.
    public var maxFieldCount: Int = 100
    /// Decoded body bytes, declared or chunked; over it 413.
    public var maxBodyLength: Int = 1024 * 1024
    /// A chunk-size line with its extensions; over it 400. Extensions carry nothing we use, so the
    /// bound is small: it only has to admit what real clients send.
    public var maxChunkLineLength: Int = 1024

    /// The defaults suit the gateway's API; a test or a simulator lowers or raises only what it needs.
    public init(
        maxRequestLineLength: Int = 8 * 1024,
        maxFieldLineLength: Int = 8 * 1024,
        maxHeaderBlockLength: Int = 32 * 1024,
        maxFieldCount: Int = 100,
        maxBodyLength: Int = 1024 * 1024,
        maxChunkLineLength: Int = 1024
    ) {
        self.maxRequestLineLength = maxRequestLineLength
        self.maxFieldLineLength = maxFieldLineLength
        self.maxHeaderBlockLength = maxHeaderBlockLength
        self.maxFieldCount = maxFieldCount
        self.maxBodyLength = maxBodyLength
        self.maxChunkLineLength = maxChunkLineLength
    }
}
