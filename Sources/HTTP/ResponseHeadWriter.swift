/// Serialises response heads straight into a byte buffer: no String is built per response.
public enum ResponseHeadWriter {
    /// What the server says about the connection in the `Connection` field.
    public enum ConnectionField: Sendable {
        /// Nothing: the HTTP/1.1 default of keep-alive holds.
        case none
        /// `Connection: close`: this is the last response on the connection.
        case close
        /// `Connection: keep-alive`: an HTTP/1.0 client asked for it and gets it.
        case keepAlive
    }

    /// Appends the status line, `date` (a complete `Date: …\r\n` line), the handler's fields,
    /// `Content-Length` and the connection field, and the empty line.
    ///
    /// `contentLength` is the length of the body the response describes, also for HEAD where the
    /// body itself is not sent. Statuses that forbid a body (1xx, 204, 304) get no Content-Length.
    public static func write(
        status: HTTPStatus, headers: HTTPHeaders, contentLength: Int,
        dateLine: [UInt8], connection: ConnectionField, into out: inout [UInt8]
    ) {
        writeStatusLine(status, into: &out)
        out.append(contentsOf: dateLine)
        for field in headers.storage where field.isWritable {
            appendUTF8(field.name, to: &out)
            out.append(ASCII.colon)
            out.append(ASCII.sp)
            appendUTF8(field.value, to: &out)
            out.append(ASCII.cr)
            out.append(ASCII.lf)
        }
        if !status.forbidsBody {
            append(contentLengthPrefix, to: &out)
            appendDecimal(contentLength, to: &out)
            out.append(ASCII.cr)
            out.append(ASCII.lf)
        }
        switch connection {
        case .none: break
        case .close: append(connectionClose, to: &out)
        case .keepAlive: append(connectionKeepAlive, to: &out)
        }
        out.append(ASCII.cr)
        out.append(ASCII.lf)
    }

    /// `HTTP/1.1 <code> <reason>\r\n`.
    public static func writeStatusLine(_ status: HTTPStatus, into out: inout [UInt8]) {
        switch status.code {
        case 200: append(status200, to: &out)
        case 404: append(status404, to: &out)
        default:
            append(http11, to: &out)
            appendDecimal(status.code, to: &out)
            out.append(ASCII.sp)
            out.append(contentsOf: status.reasonPhrase.utf8)
            out.append(ASCII.cr)
            out.append(ASCII.lf)
        }
    }

    /// The interim response sent for `Expect: 100-continue`.
    public static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Appends the decimal digits of a non-negative integer.
    public static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        precondition(value >= 0)
        if value < 10 {
            out.append(UInt8(48 + value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var v = value
        withUnsafeMutableBytes(of: &digits) { d in
            while v > 0 {
                d[19 - count] = UInt8(48 + v % 10)
                v /= 10
                count += 1
            }
            out.append(contentsOf: d[(20 - count)...])
        }
    }

    @inline(__always)
    private static func appendUTF8(_ string: String, to out: inout [UInt8]) {
        var string = string
        string.withUTF8 { out.append(contentsOf: $0) }
    }

    @inline(__always)
    private static func append(_ literal: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    private static let http11: StaticString = "HTTP/1.1 "
    private static let status200: StaticString = "HTTP/1.1 200 OK\r\n"
    private static let status404: StaticString = "HTTP/1.1 404 Not Found\r\n"
    private static let contentLengthPrefix: StaticString = "Content-Length: "
    private static let connectionClose: StaticString = "Connection: close\r\n"
    private static let connectionKeepAlive: StaticString = "Connection: keep-alive\r\n"
}
