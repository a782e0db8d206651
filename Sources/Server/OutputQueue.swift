import Glibc
import HTTP

/// Bytes waiting to be sent on one connection, in order. Response heads and small bodies are
/// serialised into one owned segment; a large body is queued as its own segment, shared with
/// the response rather than copied, and goes out with the head in one `writev`.
/// Segments are freed as soon as they are sent, so an idle connection holds no buffer.
struct OutputQueue {
    /// Bodies up to this size are copied behind their head: one `write` beats a two-part `writev`.
    static let copyThreshold = 1024

    private var segments: [[UInt8]] = []
    private var offset = 0
    private var lastIsOwned = false
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    enum Outcome {
        case drained
        case blocked(progress: Bool)
        case failed(Int32)
    }

    /// Appends bytes that `build` writes, into the owned tail segment.
    mutating func appendOwned(_ build: (inout [UInt8]) -> Void) {
        if lastIsOwned, !segments.isEmpty {
            let index = segments.count - 1
            let before = segments[index].count
            build(&segments[index])
            count += segments[index].count - before
        } else {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(512)
            build(&bytes)
            count += bytes.count
            segments.append(bytes)
            lastIsOwned = true
        }
    }

    /// Appends a whole response: its head, and its body unless `sendBody` is false (HEAD, 304).
    mutating func appendResponse(_ response: HTTPResponse, sendBody: Bool, dateLine: [UInt8], connection: ResponseHeadWriter.ConnectionField) {
        let body = response.body
        let copyBody = sendBody && body.count <= Self.copyThreshold
        appendOwned { out in
            ResponseHeadWriter.write(status: response.status, headers: response.headers, contentLength: body.count,
                                     dateLine: dateLine, connection: connection, into: &out)
            if copyBody { out.append(contentsOf: body) }
        }
        if sendBody, !copyBody {
            segments.append(body)
            count += body.count
            lastIsOwned = false
        }
    }

    /// Writes as much as the socket takes.
    mutating func write(to socket: Socket) -> Outcome {
        var progress = false
        while !segments.isEmpty {
            let result: IOResult
            if segments.count == 1 {
                result = segments[0].withUnsafeBytes { socket.write(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            } else {
                result = segments[0].withUnsafeBytes { first in
                    segments[1].withUnsafeBytes { second in
                        var vectors = (
                            iovec(iov_base: UnsafeMutableRawPointer(mutating: first.baseAddress! + offset), iov_len: first.count - offset),
                            iovec(iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress), iov_len: second.count)
                        )
                        return withUnsafePointer(to: &vectors) {
                            $0.withMemoryRebound(to: iovec.self, capacity: 2) { socket.writev($0, count: 2) }
                        }
                    }
                }
            }
            switch result {
            case .bytes(let n):
                consume(n)
                progress = true
            case .wouldBlock, .endOfFile:
                return .blocked(progress: progress)
            case .failed(let e):
                return .failed(e)
            }
        }
        return .drained
    }

    /// Drops everything unsent (the connection is closing).
    mutating func removeAll() {
        segments = []
        offset = 0
        count = 0
        lastIsOwned = false
    }

    private mutating func consume(_ written: Int) {
        count -= written
        var n = written
        while n > 0 {
            let available = segments[0].count - offset
            if n >= available {
                n -= available
                segments.removeFirst()
                offset = 0
            } else {
                offset += n
                n = 0
            }
        }
        while let first = segments.first, first.count == offset, segments.count > 0 {
            segments.removeFirst()
            offset = 0
        }
        if segments.isEmpty {
            segments.removeAll(keepingCapacity: true)
            lastIsOwned = false
        }
    }
}
